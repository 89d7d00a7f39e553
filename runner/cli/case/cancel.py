"""``sop case cancel``."""

from __future__ import annotations

import click

from ...errors import EXIT_OK
from ...i18n import N_, _
from .. import term
from ..lazy import Command
from ..settings import Settings, pass_settings
from .common import action_options, notices


@click.command("cancel", cls=Command, help=N_("Stop a case before its end."))
@click.argument("case_id", metavar="CASE")
@click.option("--reason", required=True, metavar="TEXT", help=N_("Why the case stops."))
@action_options
@pass_settings
def case_cancel(
    settings: Settings, case_id: str, reason: str, at: str | None, for_person: str | None, by: str | None
) -> int:
    cases = settings.cases(write=True)
    cases.cancel(case_id, reason, at=at, by=by, for_person=for_person)
    notices(cases)
    term.say(_("cancelled {id}").format(id=case_id))
    return EXIT_OK
