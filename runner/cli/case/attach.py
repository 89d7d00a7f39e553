"""``sop case attach``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ...errors import EXIT_OK
from ...i18n import N_, _
from .. import term
from ..lazy import Command, PathArgument
from ..settings import Settings, pass_settings
from .common import action_options, notices

if TYPE_CHECKING:
    from pathlib import Path


@click.command("attach", cls=Command, help=N_("Record that document NAME is at hand; with FILE its content is kept."))
@click.argument("case_id", metavar="CASE")
@click.argument("name")
@click.argument("file", required=False, type=PathArgument())
@action_options
@pass_settings
def case_attach(
    settings: Settings,
    case_id: str,
    name: str,
    file: Path | None,
    at: str | None,
    for_person: str | None,
    by: str | None,
) -> int:
    from ... import Attachment  # the API loads its subsystem on first use: not at start, nor for --help

    cases = settings.cases(write=True)
    cases.attach(case_id, [Attachment(name, file)], at=at, by=by, for_person=for_person)
    notices(cases)
    term.say(_("attached '{name}' to {id}").format(name=name, id=case_id))
    return EXIT_OK
