"""``sop report`` and ``sop monitoring``: figures from the cases of a period, and the Tabel 7 form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import MONITORING_FORMATS, PAPER_SIZES, REPORT_FORMATS, output_format, write_file
from ..errors import EXIT_OK
from ..i18n import N_, _
from . import term
from .lazy import Command
from .settings import Settings, pass_settings

if TYPE_CHECKING:
    from .. import MonitoringForm, Period, Report


def period_options(f: Callable) -> Callable:
    f = click.option("--to", "last", metavar="DATE", help=N_("Last day of the period (YYYY-MM-DD), with --from."))(f)
    f = click.option("--from", "first", metavar="DATE", help=N_("First day of the period (YYYY-MM-DD), with --to."))(f)
    return click.option(
        "--period",
        metavar="PERIOD",
        help=N_("2026, 2026-S2 (semester), 2026-Q3 (quarter) or 2026-11 (month); default: this semester."),
    )(f)


def output_options(f: Callable) -> Callable:
    f = click.option(
        "--paper",
        type=click.Choice(PAPER_SIZES),
        default="a4",
        show_default=True,
        help=N_("A4 landscape, or F4/Folio 215 x 330 mm landscape."),
    )(f)
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        help=N_("Write to FILE; its suffix picks the format (default: stdout)."),
    )(f)


def the_period(period: str | None, first: str | None, last: str | None) -> Period:
    from .. import Period  # the reports: only a report command, not --help

    if period and (first or last):
        raise click.UsageError(_("give either --period or --from/--to, not both"))
    if period:
        return Period.parse(period)
    if first or last:
        if not (first and last):
            raise click.UsageError(_("--from and --to go together; give both dates"))
        return Period.between(first, last)
    return Period.semester_of(date.today())


def deliver(document: str | bytes, output: Path | None, fmt: str) -> int:
    if output is None:  # output_format has refused a binary format without a file
        term.out(str(document).rstrip("\n"))
        return EXIT_OK
    write_file(output, document.encode("utf-8") if isinstance(document, str) else document)
    term.say(_("wrote {path}").format(path=output))
    return EXIT_OK


@click.command(cls=Command, help=N_("Figures from the cases of SOP (or of every SOP) started in a period."))
@click.argument("sop_ref", metavar="SOP", required=False)
@period_options
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON instead of tables."))
@click.option("--csv", "as_csv", is_flag=True, help=N_("Print CSV: a block per table."))
@click.option("--xlsx", "as_xlsx", is_flag=True, help=N_("An Excel workbook, a sheet per table (needs -o)."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *REPORT_FORMATS]),
    help=N_("Output format (default: from the -o suffix, else a table)."),
)
@output_options
@pass_settings
def report(
    settings: Settings,
    sop_ref: str | None,
    period: str | None,
    first: str | None,
    last: str | None,
    as_json: bool,
    as_csv: bool,
    as_xlsx: bool,
    fmt: str | None,
    output: Path | None,
    paper: str,
) -> int:
    from .. import build_report, render_report  # the reports: only a report command, not --help

    chosen = [f for f, on in (("json", as_json), ("csv", as_csv), ("xlsx", as_xlsx), (fmt, bool(fmt))) if on]
    if len(set(chosen)) > 1:
        raise click.UsageError(_("choose one format: {formats}").format(formats=", ".join(map(str, chosen))))
    fmt = output_format(output, REPORT_FORMATS, str(chosen[0]) if chosen else None, "table")
    span = the_period(period, first, last)
    sops = [settings.sop(sop_ref)] if sop_ref else None
    found = build_report(settings.cases().store, span, sops)
    if fmt == "table":
        return deliver(report_text(found), output, fmt)
    return deliver(render_report(found, fmt, paper), output, fmt)


@click.command(
    cls=Command, help=N_("The SOP AP monitoring form (Tabel 7) of SOP for a period, pre-marked from its cases.")
)
@click.argument("sop_ref", metavar="SOP")
@period_options
@click.option("--penilai", metavar="NAMA", help=N_("The assessor's name, printed under the form."))
@click.option("--nip", metavar="NIP", help=N_("The assessor's NIP."))
@click.option("--jabatan", metavar="JABATAN", help=N_("The assessor's position, printed above the signature."))
@click.option("--tempat", metavar="PLACE", help=N_("The place of the signature line, e.g. Karawaci."))
@click.option(
    "--tanggal",
    metavar="DATE",
    help=N_("Date of the signature (YYYY-MM-DD); default: today in the SOP's time zone."),
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100, min_open=True),
    default=80,
    show_default=True,
    help=N_("Percent of completions within waktu for the mark 'Working well'."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *MONITORING_FORMATS]),
    help=N_("Output format (default: from the -o suffix, else a table)."),
)
@output_options
@pass_settings
def monitoring(
    settings: Settings,
    sop_ref: str,
    period: str | None,
    first: str | None,
    last: str | None,
    penilai: str | None,
    nip: str | None,
    jabatan: str | None,
    tempat: str | None,
    tanggal: str | None,
    threshold: float,
    fmt: str | None,
    output: Path | None,
    paper: str,
) -> int:
    from .. import (  # the reports: only a report command, not --help
        build_report,
        empty_figures,
        monitoring_form,
        render_monitoring,
    )

    fmt = output_format(output, MONITORING_FORMATS, fmt, "table")
    sop = settings.sop(sop_ref)
    cases = settings.cases()
    found = build_report(cases.store, the_period(period, first, last), [sop])
    # one form per version of the SOP the period's cases ran on; an empty form when there were none
    sections = found.sections or [empty_figures(sop)]
    # the paper anchors the store: the digest of its latest audit checkpoint, or a place to write one
    latest = cases.latest_checkpoint()
    digest = latest.digest if latest else None
    forms = [
        monitoring_form(found, f, threshold / 100, penilai, nip, digest, jabatan=jabatan, tempat=tempat, signed=tanggal)
        for f in sections
    ]
    if fmt == "table":
        return deliver(monitoring_text(forms), output, fmt)
    return deliver(render_monitoring(forms, fmt, paper), output, fmt)


# --- the terminal's tables -------------------------------------------------------------------


def report_text(found: Report) -> str:
    from .. import report_tables  # the reports: only a report command, not --help

    p = found.period
    lines = [
        term.bold(_("Report {name}: {days}").format(name=p.name, days=p.words)),
        f"{found.basis} {found.as_of}",
    ]
    lines += [term.dim(note) for note in found.notes()[1:]]
    for figures in found.sections:
        lines += ["", term.bold(f"{figures.sop.nama} — {figures.label}")]
        cases, *others = report_tables(found._replace(sections=[figures], empty=[]))
        # one row of eleven figures: a figure per line, so that it fits beside its words
        pairs = [[c.heading, c.text(v)] for v, c in zip(cases.rows[0][1:], cases.columns[1:], strict=True)]
        widest = max(len(label) for label, _value in pairs)
        lines += [
            term.bold(cases.heading),
            term.table([_("Item"), _("Value")], pairs, flex=1, fixed={0: widest}, compact=True),
        ]
        for table in others:
            if not table.rows:
                continue
            columns = table.columns[1:]  # without the SOP: the block's heading names it
            rows = [[c.text(v) for v, c in zip(r[1:], columns, strict=True)] for r in table.rows]
            text_columns = [i for i, c in enumerate(columns) if c.kind == "text"]
            # the text column with the longest words gives way; the others keep their words on one line
            flex = max(text_columns, key=lambda i: max(len(r[i]) for r in rows)) if text_columns else len(columns) - 1
            lines += [term.bold(table.heading), term.table([c.heading for c in columns], rows, flex=flex, compact=True)]
    if not found.sections:
        lines += ["", _("No case started in this period.")]
    lines.append(term.dim(" · ".join([found.read, _("Case store: {store}").format(store=found.store)])))
    return "\n".join(lines)


def monitoring_text(forms: list[MonitoringForm]) -> str:
    """The Tabel 7 form(s) as the terminal shows them: the heading lines, the table, the signature."""
    lines: list[str] = []
    for form in forms:
        if lines:
            lines.append("")
        lines.append(term.bold(_("Monitoring of SOP AP Implementation").upper()))
        version = _("version {version}").format(version=form.sop.version)
        for label, value in form.heading(version):
            lines.append(term.visible(f"{label}: {value}"))
        headers = form.columns[:4]
        rows = [[str(r.no), r.prosedur, r.mark, r.catatan] for r in form.rows]
        lines.append(term.table(headers, rows, flex=3, compact=True))
        lines.append(term.dim(term.visible(form.rule)))
        lines += [term.visible(line) for line in form.signature_lines()]
        anchor = _("Audit checkpoint: {digest}").format(digest=form.checkpoint or "…")
        store = _("Case store: {store}").format(store=form.store)
        lines.append(term.dim(term.visible(" · ".join([form.read, store, anchor]))))
    return "\n".join(lines)
