"""``sop case migrate``."""

from __future__ import annotations

import click

from ...errors import UserError
from ...i18n import N_, _
from ..lazy import Command
from ..output import emit, json_option
from ..settings import Settings, pass_settings


def _step_map(specs: tuple[str, ...]) -> dict[str, str]:
    """``--map old=new``, each old step once."""
    found: dict[str, str] = {}
    for spec in specs:
        old, sep, new = (part.strip() for part in spec.partition("="))
        if not sep or not old or not new:
            raise UserError(
                _("'{spec}' is not a step map entry; write it as OLD=NEW, e.g. cek-lokasi=survei-lokasi").format(
                    spec=spec
                ),
                "bad-step-map",
                spec=spec,
            )
        if old in found and found[old] != new:
            raise UserError(
                _("the step map names '{step}' twice; give it one counterpart").format(step=old),
                "bad-step-map",
                spec=spec,
            )
        found[old] = new
    return found


@click.command(
    "migrate",
    cls=Command,
    help=N_(
        "Move the open cases of an SOP to another version of it: each stands at the counterpart of its step (--map, else the step of the same id), with the new step's deadline; one event a case, by an administrator, all or none."
    ),
)
@click.option("--sop", "sop_id", required=True, metavar="SOP", help=N_("The SOP whose cases move."))
@click.option(
    "--to",
    "to_version",
    required=True,
    metavar="VERSION",
    help=N_("The version they move to: kept in the case store, or the SOP file found has it."),
)
@click.option(
    "--from", "from_version", metavar="VERSION", help=N_("Only cases on this version (default: every other version).")
)
@click.option(
    "--map",
    "step_map",
    multiple=True,
    metavar="OLD=NEW",
    help=N_("The step of the new version a case at step OLD stands at (default: the step of the same id). Repeatable."),
)
@click.option("--case", "case_ids", multiple=True, metavar="CASE", help=N_("Only this case (repeatable)."))
@click.option("--dry-run", is_flag=True, help=N_("List every case and where it would stand; change nothing."))
@click.option("--reason", metavar="TEXT", help=N_("Why the cases move (kept with each event)."))
@json_option
@pass_settings
def case_migrate(
    settings: Settings,
    sop_id: str,
    to_version: str,
    from_version: str | None,
    step_map: tuple[str, ...],
    case_ids: tuple[str, ...],
    dry_run: bool,
    reason: str | None,
    as_json: bool,
) -> int:
    from ..views import migration_table  # the table of a migration: only this command draws it

    cases = settings.cases(write=not dry_run)
    plans = cases.migrate(
        sop_id, to_version, from_version, _step_map(step_map), list(case_ids), dry_run=dry_run, reason=reason
    )
    if as_json:
        return emit({"dry_run": dry_run, "cases": [p.to_json() for p in plans]}, True, str)
    return emit(plans, False, lambda p: migration_table(p, dry_run))
