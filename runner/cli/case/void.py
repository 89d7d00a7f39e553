"""``sop case void``."""

from __future__ import annotations

import click

from ...errors import EXIT_OK
from ...i18n import N_, _
from .. import term
from ..lazy import Command
from ..settings import Settings, pass_settings
from .common import action_options, notices


@click.command(
    "void",
    cls=Command,
    help=N_(
        "Void the last action of CASE that stands (a wrong entry): the case stands where it stood before it; the entry stays in the history, voided."
    ),
)
@click.argument("case_id", metavar="CASE")
@click.option("--reason", required=True, metavar="TEXT", help=N_("Why the entry is wrong."))
@action_options
@pass_settings
def case_void(
    settings: Settings, case_id: str, reason: str, at: str | None, for_person: str | None, by: str | None
) -> int:
    cases = settings.cases(write=True)
    row = cases.void(case_id, reason, at=at, by=by, for_person=for_person)
    notices(cases)
    term.say(_("voided the last action of {id}; it stands at {step} again").format(id=case_id, step=row.step))
    return EXIT_OK
