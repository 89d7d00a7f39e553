"""``sop case advance``."""

from __future__ import annotations

import click

from ...i18n import N_
from ..lazy import Command
from ..output import emit, json_option
from ..settings import Settings, pass_settings
from .common import action_options, attach_option, attachments, notices


@click.command("advance", cls=Command, help=N_("Complete the current step of CASE."))
@click.argument("case_id", metavar="CASE")
@click.option("--as", "role", required=True, metavar="PELAKSANA", help=N_("The pelaksana who completed the step."))
@click.option("--outcome", metavar="NAME", help=N_("The outcome of a decision step."))
@click.option("--note", metavar="TEXT", help=N_("A remark kept in the history."))
@attach_option
@action_options
@json_option
@pass_settings
def case_advance(
    settings: Settings,
    case_id: str,
    role: str,
    outcome: str | None,
    note: str | None,
    attach: tuple[str, ...],
    at: str | None,
    for_person: str | None,
    by: str | None,
    as_json: bool,
) -> int:
    from ..views import case_card  # the views (tables, l10n): only a command that shows one, not --help

    cases = settings.cases(write=True)
    cases.advance(
        case_id, role, outcome=outcome, note=note, attach=attachments(attach), at=at, by=by, for_person=for_person
    )
    notices(cases)
    return emit(cases.show(case_id), as_json, case_card)
