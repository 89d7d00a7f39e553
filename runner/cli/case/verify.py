"""``sop case verify``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ...errors import EXIT_OK, EXIT_REFUSED
from ...i18n import N_, _
from .. import term
from ..lazy import Command, PathArgument
from ..output import emit, json_option
from ..settings import Settings, pass_settings

if TYPE_CHECKING:
    from pathlib import Path


@click.command(
    "verify", cls=Command, help=N_("Check every fact the store holds against the events of one case, or of all.")
)
@click.argument("case_id", metavar="CASE", required=False)
@click.option(
    "--against",
    type=PathArgument(),
    metavar="FILE",
    help=N_("Also name every case rewritten or gone since this checkpoint (sop audit checkpoint)."),
)
@json_option
@pass_settings
def case_verify(settings: Settings, case_id: str | None, against: Path | None, as_json: bool) -> int:
    cases = settings.cases()
    findings = cases.verify(case_id, against)
    if against is not None and not as_json:  # to compare with the line kept on paper
        term.say(
            _("the digest of {path}: {digest}; it must be the one kept on paper").format(
                path=against, digest=cases.read_checkpoint(against).digest
            )
        )
    if as_json:
        emit(findings, True, str)
    else:
        for f in findings:
            term.error(str(f))
        if not findings:
            term.say(
                _("ok: every event matches its hash, and the stored cases, documents and definitions match the events")
            )
            if against is not None:
                term.say(_("ok: every case is as the checkpoint {path} holds it").format(path=against))
    return EXIT_REFUSED if findings else EXIT_OK
