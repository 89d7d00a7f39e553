"""What the case commands share: the action options, attachments, notices."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from ...i18n import N_
from .. import term

if TYPE_CHECKING:
    from ... import Attachment, Cases


def action_options(f: Callable) -> Callable:
    """``--at``, ``--by`` and ``--for``, shared by every case action."""
    f = click.option(
        "--at",
        metavar="TIME",
        help=N_("When it happened, written as 2026-11-28T09:30 (default now, never in the future)."),
    )(f)
    f = click.option(
        "--for",
        "for_person",
        metavar="LOGIN",
        help=N_(
            "Record what this registered person did (e.g. a disposition signed on paper); needs the right to record for others."
        ),
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
    from pathlib import Path  # pathlib and the case service: only when documents are given

    from ... import Attachment

    result = []
    for spec in specs:
        name, sep, file = spec.partition("=")
        result.append(Attachment(name.strip(), Path(file) if sep and file else None))
    return result
