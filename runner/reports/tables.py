"""The report's figures as tables: one model for the terminal, CSV, the spreadsheet and the document.

Each value keeps its type (an int, a share as a fraction, a duration in
seconds, a date), and each format shows it its own way: the spreadsheet as a
number cell with a format, CSV as a plain number, the terminal and the
document in words (``Column.text``, in the reader's convention). Titles are
English, marked with ``N_()``, and shown in the current language
(``heading``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..i18n import N_, _, ngettext
from ..l10n import format_number, format_percent, format_span
from .figures import Report, SopFigures, Stats, StepFigures

TEXT, COUNT, SHARE, SECONDS = "text", "count", "share", "seconds"
NONE = "–"  # a cell without a value: a step without waktu has no share


class Working(int):
    """A duration in working seconds: a number like any other, shown in working units ("3 hari kerja")."""

    day: float  # seconds in a working day of the SOP's calendar

    def __new__(cls, seconds: int, day: float) -> Working:
        value = super().__new__(cls, seconds)
        value.day = day
        return value


class Column(NamedTuple):
    title: str  # marked with N_(); ``heading`` is what a reader sees
    kind: str = COUNT

    @property
    def heading(self) -> str:
        return _(self.title)

    def text(self, value: Any) -> str:
        """A cell as the terminal and the document show it."""
        if value is None:
            return NONE
        if self.kind == SECONDS:
            return format_span(value, value.day if isinstance(value, Working) else None)
        if self.kind == SHARE:
            return format_percent(value)
        if self.kind == COUNT:
            return format_number(value)
        return str(value)


class Table(NamedTuple):
    title: str  # marked with N_(): the sheet's name, the CSV block's name, the heading
    columns: list[Column]
    rows: list[list[Any]]

    @property
    def heading(self) -> str:
        return _(self.title)


SOP_COLUMN = Column(N_("SOP"), TEXT)
NO = Column(N_("No"))  # a step's number
STEP = Column(N_("Step"), TEXT)
WITHIN = Column(N_("Within waktu"), SHARE)
OVERDUE = Column(N_("Overdue"))


def _stats(stats: Stats | None, day: float | None = None) -> list[int | None]:
    """Median, p90 and max.; in working seconds when ``day`` (a working day) is given."""
    if not stats:
        return [None, None, None]
    values: list[int | None] = [stats.median, stats.p90, stats.max]
    return [Working(v, day) if day and v is not None else v for v in values]


def counted_in(step: StepFigures) -> str:
    """How a step's durations are counted: in working time (with the day it counts) or calendar time."""
    if step.working and step.day_seconds:
        return _("working time (1 working day = {hours})").format(hours=format_span(step.day_seconds))
    return _("calendar time")


def cases_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        Column(N_("Started")),
        Column(N_("Done")),
        Column(N_("Cancelled")),
        Column(N_("Open")),
        OVERDUE,
        Column(N_("Lead time, median"), SECONDS),
        Column(N_("Lead time, p90"), SECONDS),
        Column(N_("Lead time, max."), SECONDS),
        Column(N_("Waktu along the path, median"), SECONDS),
        Column(N_("Waktu along the path, p90"), SECONDS),
        Column(N_("Waktu along the path, max."), SECONDS),
    ]
    rows = []
    for s in report.sections:
        c = s.counts
        rows.append(
            [s.label, c.started, c.done, c.cancelled, c.open, c.overdue]
            + _stats(Stats.of(s.lead.actual))
            + _stats(Stats.of(s.lead.waktu))
        )
    return Table(N_("Cases"), columns, rows)


def steps_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        NO,
        STEP,
        Column(N_("Waktu"), TEXT),
        Column(N_("Completions")),
        Column(N_("Median"), SECONDS),
        Column(N_("p90"), SECONDS),
        Column(N_("Max."), SECONDS),
        WITHIN,
        Column(N_("Waiting")),
        OVERDUE,
        Column(N_("Durations counted in"), TEXT),
    ]
    rows = [
        [
            s.label,
            st.no,
            st.id,
            st.waktu,
            st.completions,
            *_stats(st.stats, st.day_seconds if st.working else None),
            st.share_within,
            st.open,
            st.overdue,
            counted_in(st),
        ]
        for s in report.sections
        for st in s.steps
    ]
    return Table(N_("Steps"), columns, rows)


def decisions_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        NO,
        STEP,
        Column(N_("Outcome"), TEXT),
        Column(N_("Taken")),
        Column(N_("Back to"), TEXT),
        Column(N_("Cases corrected")),
        Column(N_("Most corrections in one case")),
        Column(N_("Corrections per case"), TEXT),
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
    return Table(N_("Decisions"), columns, rows)


def per_case_words(per_case: dict[int, int]) -> str:
    """'0×: 3 cases, 1×: 2 cases': how many cases took a correction how often."""
    return ", ".join(
        # TRANSLATORS: {times} corrections in one case, taken by {n} cases
        ngettext("{times}×: {n} case", "{times}×: {n} cases", n).format(times=k, n=format_number(n))
        for k, n in sorted(per_case.items())
    )


def pelaksana_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        Column(N_("Pelaksana"), TEXT),
        Column(N_("Steps completed")),
        WITHIN,
        Column(N_("Waiting now")),
    ]
    rows = [[s.label, p.nama, p.completed, p.share_within, p.waiting] for s in report.sections for p in s.pelaksana]
    return Table(N_("Pelaksana"), columns, rows)


def kelengkapan_table(report: Report) -> Table:
    columns = [
        SOP_COLUMN,
        NO,
        Column(N_("Document"), TEXT),
        Column(N_("Required")),
        Column(N_("With a file")),
        Column(N_("Without a file")),
        Column(N_("From an output")),
        Column(N_("Share without a file"), SHARE),
    ]
    rows = [
        [s.label, k.no, k.document, k.required, k.with_file, k.without_file, k.from_output, k.share_without_file]
        for s in report.sections
        for k in s.kelengkapan
    ]
    return Table(N_("Kelengkapan"), columns, rows)


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
