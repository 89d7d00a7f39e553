"""``sop site``: the public SOP catalogue as a static site, for the office's website."""

from __future__ import annotations

from pathlib import Path

import click

from .. import PAPER_SIZES
from ..errors import EXIT_OK
from ..i18n import N_, _, ngettext
from . import term
from .lazy import Command
from .settings import Settings, pass_settings


@click.command(
    "site",
    cls=Command,
    help=N_(
        "Write the public catalogue of the SOPs in force into FOLDER: an index with search, a page per SOP (identity, table, chart) and its PDF and BPMN. No server needed."
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    metavar="FOLDER",
    help=N_("The folder to write (a new one, or one sop site wrote before, which is replaced whole)."),
)
@click.option(
    "--paper",
    type=click.Choice(PAPER_SIZES),
    default="a4",
    show_default=True,
    help=N_("A4 landscape, or F4/Folio 215 x 330 mm landscape."),
)
@pass_settings
def site(settings: Settings, output: Path, paper: str) -> int:
    from .. import catalogue, write_site  # the documents: only when a site is written

    entries = catalogue(settings.cases())
    for e in entries:
        if not e.public:
            term.say(_("left out {id}: {status}").format(id=e.sop.id, status=e.status_word))
    write_site(output, entries, paper)
    shown = sum(1 for e in entries if e.public)
    term.say(ngettext("wrote {path}: {n} SOP", "wrote {path}: {n} SOPs", shown).format(path=output, n=shown))
    return EXIT_OK
