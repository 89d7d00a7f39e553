"""``sop diff OLD NEW``: what changed between two versions of an SOP."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..i18n import N_, _
from . import term
from .lazy import Command
from .output import emit, json_option
from .settings import Settings, pass_settings

if TYPE_CHECKING:
    from .. import SOP, SopDiff


def _read(settings: Settings, ref: str) -> SOP:
    """An SOP file or id; ``ID@VERSION`` a version kept in the case store (--db)."""
    sop_id, at, version = ref.partition("@")
    if at and sop_id and version:
        return settings.cases().stored_version(sop_id, version)
    return settings.sop(ref)


def _view(diff: SopDiff) -> str:
    head = _("{id} {old} -> {new}").format(id=diff.new.id, old=diff.old.version, new=diff.new.version)
    if not diff.changes:
        return head + "\n" + _("no changes")
    return "\n".join([head, *(term.visible(c.words()) for c in diff.changes)])


@click.command(
    "diff",
    cls=Command,
    help=N_(
        "What changed from SOP OLD to NEW (files, ids, or ID@VERSION kept in the case store): steps added,"
        " removed, moved, renamed; pelaksana, mutu baku, decisions and targets."
    ),
)
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@json_option
@pass_settings
def diff(settings: Settings, old: str, new: str, as_json: bool) -> int:
    from .. import diff_sops  # the API loads its subsystem on first use: not at start, nor for --help

    return emit(diff_sops(_read(settings, old), _read(settings, new)), as_json, _view)
