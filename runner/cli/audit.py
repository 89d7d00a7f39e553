"""``sop audit ...``: anchor the audit trail outside the store."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_OK
from ..i18n import N_, _
from ..l10n import format_stamp
from . import term
from .lazy import Group
from .settings import Settings, pass_settings


@click.group(cls=Group, help=N_("Anchor the audit trail outside the store."))
def audit() -> None:
    pass


@audit.command(
    "checkpoint",
    help=N_(
        "Write the head of every case's chain and one digest over them all to FILE, keep it in the store, "
        "and print the digest: keep that line on paper."
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help=N_("The checkpoint file (default: sop-checkpoint-TIME.json here); never replaces a file."),
)
@pass_settings
def checkpoint(settings: Settings, output: Path | None) -> int:
    import time  # only this command needs it

    from .. import output_format  # the API loads its subsystem on first use: not at start, nor for --help

    output_format(output, ["json"], None, "json")  # a checkpoint is JSON: x.pdf would be a lie
    path = output or Path(time.strftime("sop-checkpoint-%Y%m%dT%H%M%SZ.json", time.gmtime()))
    taken = settings.cases(write=True).checkpoint(path)
    term.out(taken.digest)
    term.say(
        _(
            "checkpoint of {n} case(s) at {at} written to {path} and kept in the store; keep the digest above on paper, and check the store against the file with: sop case verify --against {path}"
        ).format(n=len(taken.heads), at=format_stamp(taken.taken_at, "UTC"), path=path)
    )
    return EXIT_OK
