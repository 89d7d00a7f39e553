"""``sop case history``."""

from __future__ import annotations

import click

from ...i18n import N_
from ..lazy import Command
from ..output import emit, json_option
from ..settings import Settings, pass_settings


@click.command(
    "history", cls=Command, help=N_("What happened when, who acted (and by which post), and who recorded it.")
)
@click.argument("case_id", metavar="CASE")
@json_option
@pass_settings
def case_history(settings: Settings, case_id: str, as_json: bool) -> int:
    from ..views import history_table  # the views (tables, l10n): only a command that shows one, not --help

    return emit(settings.cases().history(case_id), as_json, history_table)
