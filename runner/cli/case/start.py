"""``sop case start``."""

from __future__ import annotations

import click

from ...errors import EXIT_OK
from ...i18n import N_, _
from .. import term
from ..lazy import Command
from ..output import emit, json_option
from ..settings import Settings, pass_settings
from .common import action_options, attach_option, attachments, notices


@click.command("start", cls=Command, help=N_("Start a case of SOP; prints the new case id."))
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
