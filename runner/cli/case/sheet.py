"""``sop case sheet``: the lembar kendali of a case, to print and hand over with the paper file."""

from __future__ import annotations

from pathlib import Path

import click

from ...errors import EXIT_OK, UserError
from ...i18n import N_, _
from .. import term
from ..lazy import Command
from ..settings import Settings, pass_settings


@click.command(
    "sheet",
    cls=Command,
    help=N_(
        "The lembar kendali of CASE: an A4 sheet with its QR code, step, deadline and documents, and boxes for the decision, disposition and paraf."
    ),
)
@click.argument("case_id", metavar="CASE")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help=N_("Write to FILE.pdf or FILE.html (default: the HTML on stdout)."),
)
@pass_settings
def case_sheet(settings: Settings, case_id: str, output: Path | None) -> int:
    from ... import SHEET_FORMATS, check_output, output_format, render_sheet, sheet_link, write_file  # the documents

    fmt = output_format(output, SHEET_FORMATS, None, "html")
    if fmt == "pdf" and output is None:
        raise UserError(_("a PDF needs a file: add -o {id}.pdf").format(id=case_id), "output-needs-file")
    if output is not None:
        check_output(output)  # before the drawing, which takes a while
    view = settings.cases().show(case_id)
    if sheet_link(case_id) == case_id:  # no address to link: said here once, never printed for the official
        term.say(
            _(
                "SOP_SERVE_URL is not set: the QR code holds the case id alone; set it to the address of sop serve to link the case page"
            )
        )
    document = render_sheet(view, fmt)
    if output is None:
        assert isinstance(document, str)
        term.out(document.rstrip("\n"))
        return EXIT_OK
    write_file(output, document if isinstance(document, bytes) else document.encode("utf-8"))
    term.say(_("wrote {path}").format(path=output))
    return EXIT_OK
