"""``sop case list``."""

from __future__ import annotations

from collections.abc import Sequence

import click

from ...errors import EXIT_OK
from ...i18n import N_, _
from ...l10n import format_number
from .. import term
from ..lazy import Command
from ..output import emit_stream, json_option
from ..settings import Settings, pass_settings


@click.command("list", cls=Command, help=N_("The open cases, newest first; --all for every case."))
@click.option("--sop", "sop_id", metavar="SOP", help=N_("Only cases of this SOP."))
@click.option("--status", type=click.Choice(["open", "done", "cancelled"]), help=N_("Only cases in this status."))
@click.option("--all", "show_all", is_flag=True, help=N_("Cases in every status, not only the open ones."))
@click.option("--overdue", is_flag=True, help=N_("Only open cases past their deadline."))
@click.option(
    "--waiting-for",
    "waiting_for",
    multiple=True,
    metavar="PELAKSANA",
    help=N_("Only open cases whose current step this pelaksana does, e.g. camat (repeatable)."),
)
@click.option(
    "--mine",
    is_flag=True,
    help=N_("Only open cases waiting on a post you hold today (Plt./Plh. included): your inbox."),
)
@click.option("--since", metavar="DATE", help=N_("Only cases started on or after DATE (e.g. 2026-11-28)."))
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    help=N_("At most this many (default: a screenful; with --json, all); 0 for no limit."),
)
@json_option
@pass_settings
def case_list(
    settings: Settings,
    sop_id: str | None,
    status: str | None,
    show_all: bool,
    overdue: bool,
    since: str | None,
    waiting_for: tuple[str, ...],
    mine: bool,
    limit: int | None,
    as_json: bool,
) -> int:
    from ... import Status  # the API loads its subsystem on first use: not at start, nor for --help

    wanted = Status(status) if status else (None if show_all else Status.OPEN)
    cases = settings.cases()
    waiting: list[tuple[str, Sequence[str] | None]] | None = None
    if waiting_for or mine:  # an inbox: the cases waiting on these posts
        waiting = [(p, None) for p in waiting_for]
        waiting += cases.my_posts() if mine else []
    if limit is None and not as_json:
        limit = max(5, term.height() - 6)  # the header, the footer and the prompt stay in view
    found = cases.search(
        sop=sop_id, status=wanted, overdue=overdue, since=since, limit=limit or None, waiting_for=waiting
    )
    if as_json:
        return emit_stream(found)
    from ..views import case_list_table  # the views (tables, l10n): only a command that shows one, not --help

    rows = list(found)
    term.out(case_list_table(rows))
    if limit and len(rows) == limit:
        more = cases.count(sop=sop_id, status=wanted, overdue=overdue, since=since, waiting_for=waiting) - len(rows)
        if more > 0:
            term.say(_("{n} more not shown; use --limit N to see more (0 for all)").format(n=format_number(more)))
    return EXIT_OK
