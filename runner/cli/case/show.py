"""``sop case show``."""

from __future__ import annotations

import click

from ...i18n import N_
from ..lazy import Command
from ..output import emit, json_option
from ..settings import Settings, pass_settings


@click.command(
    "show", cls=Command, help=N_("Where a case stands: the step, who must act, the deadline, what is missing.")
)
@click.argument("case_id", metavar="CASE")
@json_option
@pass_settings
def case_show(settings: Settings, case_id: str, as_json: bool) -> int:
    from ..views import case_card  # the views (tables, l10n): only a command that shows one, not --help

    return emit(settings.cases().show(case_id), as_json, case_card)
