"""``sop case ...``: run cases through an SOP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import EXIT_OK, EXIT_REFUSED
from ..i18n import N_, _
from ..l10n import format_number
from . import term
from .lazy import Group
from .output import emit, emit_stream, json_option
from .settings import Settings, pass_settings

if TYPE_CHECKING:
    from .. import Attachment, Cases


def action_options(f: Callable) -> Callable:
    """``--at``, ``--by`` and ``--for``, shared by every case action."""
    f = click.option(
        "--at", metavar="TIME", help=N_("When it happened (ISO 8601; default now, never in the future).")
    )(f)
    f = click.option(
        "--for",
        "for_person",
        metavar="LOGIN",
        help=N_("Record what this registered person did (e.g. a disposition signed on paper); needs the right to record for others."),
    )(f)
    return click.option(
        "--by",
        metavar="NAME",
        help=N_("Who typed it: always the login you are (OS login, or the database login); another name is refused."),
    )(f)


def notices(cases: Cases) -> None:
    """What the service had to tell besides the result (an action saved although the store failed)."""
    for notice in cases.notices:
        term.say(notice)


attach_option = click.option(
    "--attach",
    "attach",
    multiple=True,
    metavar="NAME[=FILE]",
    help=N_("A document now at hand; with =FILE its content is kept in the store. Repeatable."),
)


def attachments(specs: tuple[str, ...]) -> list[Attachment]:
    """``NAME=FILE`` or ``NAME`` alone (the paper is at hand, no file kept)."""
    from .. import Attachment

    result = []
    for spec in specs:
        name, sep, file = spec.partition("=")
        result.append(Attachment(name.strip(), Path(file) if sep and file else None))
    return result


@click.group(cls=Group, help=N_("Run cases through an SOP: start, advance, attach, cancel, show, list, history, verify."))
def case() -> None:
    pass


@case.command("start", help=N_("Start a case of SOP; prints the new case id."))
@click.argument("sop_ref", metavar="SOP")
@click.option("--title", metavar="TEXT", help=N_("A short title, e.g. the report's subject."))
@attach_option
@action_options
@json_option
@pass_settings
def case_start(
    settings: Settings,
    sop_ref: str,
    title: str | None,
    attach: tuple[str, ...],
    at: str | None,
    for_person: str | None,
    by: str | None,
    as_json: bool,
) -> int:
    sop = settings.sop(sop_ref)
    cases = settings.cases(write=True)
    row = cases.start(sop, title=title, attach=attachments(attach), at=at, by=by, for_person=for_person)
    notices(cases)
    if as_json:
        return emit(row, True, str)
    term.out(term.visible(row.id))
    assert row.step is not None
    step = sop.step(row.step)
    term.say(
        _("started {id}: step {no} '{step}' is for {who}").format(
            id=row.id, no=step.no, step=step.id, who=", ".join(step.pelaksana)
        )
    )
    return EXIT_OK


@case.command("list", help=N_("The open cases, newest first; --all for every case."))
@click.option("--sop", "sop_id", metavar="SOP", help=N_("Only cases of this SOP."))
@click.option(
    "--status", type=click.Choice(["open", "done", "cancelled"]), help=N_("Only cases in this status.")
)
@click.option("--all", "show_all", is_flag=True, help=N_("Cases in every status, not only the open ones."))
@click.option("--overdue", is_flag=True, help=N_("Only open cases past their deadline."))
@click.option("--since", metavar="DATE", help=N_("Only cases started on or after DATE (ISO 8601)."))
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
    limit: int | None,
    as_json: bool,
) -> int:
    from .. import Status

    wanted = Status(status) if status else (None if show_all else Status.OPEN)
    cases = settings.cases()
    if limit is None and not as_json:
        limit = max(5, term.height() - 6)  # the header, the footer and the prompt stay in view
    found = cases.search(sop=sop_id, status=wanted, overdue=overdue, since=since, limit=limit or None)
    if as_json:
        return emit_stream(found)
    from .views import case_list_table

    rows = list(found)
    term.out(case_list_table(rows))
    if limit and len(rows) == limit:
        more = cases.count(sop=sop_id, status=wanted, overdue=overdue, since=since) - len(rows)
        if more > 0:
            term.say(_("{n} more not shown; use --limit N to see more (0 for all)").format(n=format_number(more)))
    return EXIT_OK


@case.command("show", help=N_("Where a case stands: the step, who must act, the deadline, what is missing."))
@click.argument("case_id", metavar="CASE")
@json_option
@pass_settings
def case_show(settings: Settings, case_id: str, as_json: bool) -> int:
    from .views import case_card

    return emit(settings.cases().show(case_id), as_json, case_card)


@case.command("attach", help=N_("Record that document NAME is at hand; with FILE its content is kept."))
@click.argument("case_id", metavar="CASE")
@click.argument("name")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@action_options
@pass_settings
def case_attach(
    settings: Settings, case_id: str, name: str, file: Path | None, at: str | None, for_person: str | None, by: str | None
) -> int:
    from .. import Attachment

    cases = settings.cases(write=True)
    cases.attach(case_id, [Attachment(name, file)], at=at, by=by, for_person=for_person)
    notices(cases)
    term.say(_("attached '{name}' to {id}").format(name=name, id=case_id))
    return EXIT_OK


@case.command("advance", help=N_("Complete the current step of CASE."))
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
    from .views import case_card

    cases = settings.cases(write=True)
    cases.advance(
        case_id, role, outcome=outcome, note=note, attach=attachments(attach), at=at, by=by, for_person=for_person
    )
    notices(cases)
    return emit(cases.show(case_id), as_json, case_card)


@case.command("cancel", help=N_("Stop a case before its end."))
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


@case.command("history", help=N_("What happened when, who acted (and by which post), and who recorded it."))
@click.argument("case_id", metavar="CASE")
@json_option
@pass_settings
def case_history(settings: Settings, case_id: str, as_json: bool) -> int:
    from .views import history_table

    return emit(settings.cases().history(case_id), as_json, history_table)


@case.command("verify", help=N_("Check every fact the store holds against the events of one case, or of all."))
@click.argument("case_id", metavar="CASE", required=False)
@click.option(
    "--against",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help=N_("Also name every case rewritten or gone since this checkpoint (sop audit checkpoint)."),
)
@json_option
@pass_settings
def case_verify(settings: Settings, case_id: str | None, against: Path | None, as_json: bool) -> int:
    findings = settings.cases().verify(case_id, against)
    if as_json:
        emit(findings, True, str)
    else:
        for f in findings:
            term.error(str(f))
        if not findings:
            term.say(_("ok: every event matches its hash, and the stored cases, documents and definitions match the events"))
            if against is not None:
                term.say(_("ok: every case is as the checkpoint {path} holds it").format(path=against))
    return EXIT_REFUSED if findings else EXIT_OK
