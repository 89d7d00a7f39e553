"""The report's figures as tables: one model for the terminal, CSV, the spreadsheet and the document.

Each value keeps its type (an int, a share as a fraction, a duration in
seconds, a date), and each format shows it its own way: the spreadsheet as a
number cell with a format, CSV as a plain number, the document in words.
Column titles are document words (Indonesian); ``label`` is the terminal's
header, translated where it is shown.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from ..i18n import N_
from .figures import Report, SopFigures, Stats

TEXT, COUNT, SHARE, SECONDS = "text", "count", "share", "seconds"


class Column(NamedTuple):
    title: str  # the document word
    label: str  # the terminal's header (English, translated with _() where shown)
    kind: str = COUNT


class Table(NamedTuple):
    key: str  # a short name: the sheet's name, the CSV block's name
    title: str
    columns: list[Column]
    rows: list[list[Any]]


SOP_COLUMN = Column("SOP", N_("SOP"), TEXT)


def _stats(stats: Stats | None) -> list[int | None]:
    return [stats.median, stats.p90, stats.max] if stats else [None, None, None]


def cases_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        Column("Dimulai", N_("Started")),
        Column("Selesai", N_("Done")),
        Column("Dibatalkan", N_("Cancelled")),
        Column("Berjalan", N_("Open")),
        Column("Lewat batas waktu", N_("Overdue")),
        Column("Lama median", N_("Lead time median"), SECONDS),
        Column("Lama p90", N_("p90"), SECONDS),
        Column("Lama maks.", N_("max"), SECONDS),
        Column("Waktu baku median", N_("Waktu median"), SECONDS),
        Column("Waktu baku p90", N_("p90"), SECONDS),
        Column("Waktu baku maks.", N_("max"), SECONDS),
    ]
    rows = []
    for s in report.sections:
        c = s.counts
        rows.append(
            [s.label, c.started, c.done, c.cancelled, c.open, c.overdue]
            + _stats(Stats.of(s.lead.actual))
            + _stats(Stats.of(s.lead.waktu))
        )
    return Table("kasus", "Kasus", columns, rows)


def steps_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        Column("No", N_("No")),
        Column("Langkah", N_("Step"), TEXT),
        Column("Waktu", N_("Waktu"), TEXT),
        Column("Diselesaikan", N_("Completed")),
        Column("Median", N_("Median"), SECONDS),
        Column("P90", N_("p90"), SECONDS),
        Column("Maks.", N_("Max"), SECONDS),
        Column("Dalam batas waktu", N_("Within waktu"), SHARE),
        Column("Menunggu", N_("Waiting")),
        Column("Lewat batas waktu", N_("Overdue")),
    ]
    rows = [
        [s.label, st.no, st.id, st.waktu, st.completions, *_stats(st.stats), st.share_within, st.open, st.overdue]
        for s in report.sections
        for st in s.steps
    ]
    return Table("langkah", "Langkah", columns, rows)


def decisions_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        Column("No", N_("No")),
        Column("Langkah", N_("Step"), TEXT),
        Column("Hasil", N_("Outcome"), TEXT),
        Column("Kali", N_("Taken")),
        Column("Kembali ke", N_("Back to"), TEXT),
        Column("Kasus dikoreksi", N_("Cases corrected")),
        Column("Koreksi maks. per kasus", N_("Most in one case")),
        Column("Koreksi per kasus", N_("Corrections per case"), TEXT),
    ]
    rows = []
    for s in report.sections:
        for d in s.decisions:
            loops = {c.outcome: c for c in d.corrections}
            for outcome, taken in d.outcomes.items():
                c = loops.get(outcome)
                rows.append(
                    [s.label, d.no, d.id, outcome, taken]
                    + (
                        [c.target, c.cases, max(c.per_case, default=0), per_case_words(c.per_case)]
                        if c
                        else [None, None, None, None]
                    )
                )
    return Table("keputusan", "Keputusan", columns, rows)


def per_case_words(per_case: dict[int, int]) -> str:
    """'0×: 3 kasus, 1×: 2 kasus': how many cases took a correction how often."""
    return ", ".join(f"{k}×: {n} kasus" for k, n in sorted(per_case.items()))


def pelaksana_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        Column("Pelaksana", N_("Pelaksana"), TEXT),
        Column("Langkah diselesaikan", N_("Steps completed")),
        Column("Dalam batas waktu", N_("Within waktu"), SHARE),
        Column("Menunggu sekarang", N_("Waiting now")),
    ]
    rows = [
        [s.label, p.nama, p.completed, p.share_within, p.waiting] for s in report.sections for p in s.pelaksana
    ]
    return Table("pelaksana", "Pelaksana", columns, rows)


def kelengkapan_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        Column("No", N_("No")),
        Column("Dokumen", N_("Document"), TEXT),
        Column("Diperlukan", N_("Required")),
        Column("Dengan berkas", N_("With a file")),
        Column("Tanpa berkas", N_("At hand, no file")),
        Column("Dari output langkah", N_("From an output")),
        Column("Porsi tanpa berkas", N_("Share without file"), SHARE),
    ]
    rows = [
        [s.label, k.no, k.document, k.required, k.with_file, k.without_file, k.from_output, k.share_without_file]
        for s in report.sections
        for k in s.kelengkapan
    ]
    return Table("kelengkapan", "Kelengkapan", columns, rows)


def tables(report: Report) -> list[Table]:
    """Every table of the report, in the order the document prints them."""
    return [
        cases_table(report),
        steps_table(report),
        decisions_table(report),
        pelaksana_table(report),
        kelengkapan_table(report),
    ]


def section(report: Report, figures: SopFigures) -> Report:
    """The report narrowed to one SOP version (the document prints one version per part)."""
    return report._replace(sections=[figures], empty=[])


# --- the document's words ----------------------------------------------------------------


def lama(seconds: float | None) -> str:
    """A duration in Indonesian, to the minute (seconds under a minute): '1 hari 2 jam 5 menit'."""
    if seconds is None:
        return "–"
    s = round(seconds)
    if s < 60:
        return f"{s} detik"
    minutes = round(s / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} hari"] if days else []
    if hours:
        parts.append(f"{hours} jam")
    if mins:
        parts.append(f"{mins} menit")
    return " ".join(parts)


def persen(fraction: float | None) -> str:
    """A share in Indonesian: '83%', '100%'; '–' when there is none.

    Rounded down, so that a share just under a threshold never prints as the threshold itself.
    """
    if fraction is None:
        return "–"
    return f"{math.floor(fraction * 100 + 1e-9)}%"


def document_value(value: Any, kind: str) -> str:
    """A cell as the document prints it."""
    if value is None:
        return "–"
    if kind == SECONDS:
        return lama(value)
    if kind == SHARE:
        return persen(value)
    return str(value)
