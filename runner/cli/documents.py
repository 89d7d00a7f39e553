"""``sop flowchart``: the SOP AP document in any format, with a case's progress on it."""

from __future__ import annotations

from pathlib import Path

import click

from .. import FORMATS, PAPER_SIZES
from ..errors import EXIT_OK
from ..i18n import N_, _
from . import term
from .lazy import Command
from .settings import Settings, pass_settings


@click.command(cls=Command, help=N_("The official SOP AP flowchart document of SOP."))
@click.argument("sop_ref", metavar="SOP")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help=N_("Write to FILE (default: stdout; pdf needs a file)."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help=N_("Output format (default: from the -o suffix, else html)."),
)
@click.option("--case", "case_id", metavar="CASE", help=N_("Draw this case's progress on the chart."))
@click.option("--steps-per-page", type=click.IntRange(1, 30), help=N_("Steps on each page (default: as many as fit)."))
@click.option(
    "--paper",
    type=click.Choice(PAPER_SIZES),
    default="a4",
    show_default=True,
    help=N_("A4 landscape, or F4/Folio 215 x 330 mm landscape."),
)
@pass_settings
def flowchart(
    settings: Settings,
    sop_ref: str,
    output: Path | None,
    fmt: str | None,
    case_id: str | None,
    steps_per_page: int | None,
    paper: str,
) -> int:
    from .. import (  # the document formats: only a command that renders, not --help
        check_output,
        format_for,
        progress_of,
        render,
        write_file,
    )

    fmt = format_for(output, chosen=fmt, stem=sop_ref)
    if output is not None:
        check_output(output)  # before the drawing, which takes a while
    overlay = None
    if case_id:
        cases = settings.cases()
        view = cases.show(case_id)
        sop = view.sop  # the definition the case runs on, not today's file
        overlay = progress_of(sop, view, cases.history(case_id))
    else:
        sop = settings.sop(sop_ref)
    document = render(sop, fmt, overlay, steps_per_page, paper)
    if output is None:
        assert isinstance(document, str)
        term.out(document.rstrip("\n"))
        return EXIT_OK
    write_file(output, document if isinstance(document, bytes) else document.encode("utf-8"))
    term.say(_("wrote {path}").format(path=output))
    return EXIT_OK
