"""``sop import``: an office's SOP table (.docx, .xlsx, pasted text) into a YAML draft, and what it guessed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import EXIT_OK
from ..i18n import N_, _, ngettext
from ..l10n import format_number
from . import term
from .lazy import Command
from .output import json_option

if TYPE_CHECKING:
    from .. import ImportReport


@click.command(
    "import",
    cls=Command,
    help=N_(
        "Read an SOP table from a Word (.docx), Excel (.xlsx) or text file and write it as a YAML draft; the report says where each step was read and what was guessed."
    ),
)
@click.argument("source", metavar="FILE", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="sop/ID.yaml",
    type=click.Path(path_type=Path),
    help=N_("The draft to write; its name is the SOP's id."),
)
@click.option("--force", is_flag=True, help=N_("Replace the draft file if it exists."))
@json_option
def import_(source: Path, output: Path, force: bool, as_json: bool) -> int:
    from .. import import_sop  # the readers and the validator: only `sop import`

    report = import_sop(source, output, force=force)
    if as_json:
        term.json_out(report.to_json())
    else:
        term.out(_view(report))
        _verdict(report)
    return EXIT_OK


def _view(report: ImportReport) -> str:
    rows = [
        [
            str(d.no),
            str(d.row.where),
            (", ".join(d.pelaksana) or "...") + (" ◆" if d.decision else ""),
            d.reason,
            format_number(round(d.confidence, 2)),
        ]
        for d in report.steps
    ]
    table = term.table([_("No"), _("Read from"), _("Pelaksana"), _("Why"), _("Confidence")], rows, flex=3)
    # every guess where the editor finds it, as the validator names its problems
    guesses = [term.visible(f"{report.output}:{line}: {text}") for line, text in report.guesses]
    return "\n".join([table, *guesses])


def _verdict(report: ImportReport) -> None:
    decisions = sum(d.decision is not None for d in report.steps)
    term.say(
        _(
            "wrote {path}: {steps} step(s), {pelaksana} pelaksana, {guesses} guess(es) marked 'guess:' in the file"
        ).format(
            path=report.output,
            steps=format_number(len(report.steps)),
            pelaksana=format_number(len(report.pelaksana)),
            guesses=format_number(len(report.guesses)),
        )
    )
    if decisions:
        term.say(
            ngettext(
                "{n} draft decision: choose where its outcomes lead (the comments propose steps)",
                "{n} draft decisions: choose where their outcomes lead (the comments propose steps)",
                decisions,
            ).format(n=format_number(decisions))
        )
    errors = [p for p in report.problems if p.severity == "error"]
    for p in report.problems:
        term.say(str(p))
    if errors:
        term.say(
            ngettext(
                "'sop validate' does not accept it yet: {n} error stands between it and a valid SOP (above)",
                "'sop validate' does not accept it yet: {n} errors stand between it and a valid SOP (above)",
                len(errors),
            ).format(n=format_number(len(errors)))
        )
    else:
        term.say(_("'sop validate' accepts it; check the guesses before you use it"))
