"""The report and the monitoring form as printable HTML, in the style of the SOP AP documents.

The report: a summary page, then for each SOP version the flowchart with the
heat overlay (the flowchart document's own layout, pictures and paper
sizes), a chart per step, and the tables; every page carries a dated footer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from ..definition.workcal import zone
from ..documents.chart import labels
from ..documents.html import PAGE_SIZES
from ..documents.layout import compute
from ..documents.svg import svg_pages
from ..documents.templates import environment
from .charts import StepChart, step_chart
from .figures import Report, SopFigures
from .heat import heat_of
from .monitoring import COLUMNS, GOOD, NOT_GOOD, MonitoringForm
from .period import tanggal
from .tables import Table, document_value, lama, persen, section, tables


class Part(NamedTuple):
    """One SOP version's pages."""

    figures: SopFigures
    pages: list[tuple[Any, list]]  # (SVG picture, its labels) per chart page
    charts: list[StepChart]
    tables: list[Table]


def when(moment: datetime, tz_name: str) -> str:
    """'28 November 2026 21:40 WIB'."""
    local = moment.astimezone(zone(tz_name))
    return f"{tanggal(local.date())} {local:%H:%M} {local.tzname()}"


def _footer(report: Report, tz_name: str) -> str:
    return (
        f"Penyimpanan: {report.store} · Periode {report.period.name} ({report.period.words}), kasus menurut hari "
        f"dimulai · Dibuat {when(report.generated, tz_name)} · {report.cases} kasus dan {report.events} kejadian dibaca"
    )


def _notes(report: Report) -> list[str]:
    said = []
    for sop_id in dict.fromkeys(s.sop.id for s in report.sections if s.versions > 1):
        versions = [s.label for s in report.sections if s.sop.id == sop_id]
        said.append(
            f"Kasus SOP {sop_id} berjalan pada {len(versions)} versi definisinya; setiap versi dilaporkan "
            f"tersendiri: {', '.join(versions)}."
        )
    said += [f"Tidak ada kasus SOP {sop_id} ({nama}) yang dimulai dalam periode ini." for sop_id, nama in report.empty]
    return said


def render_report(report: Report, paper: str = "a4") -> str:
    from markupsafe import Markup

    parts = []
    for figures in report.sections:
        layout = compute(figures.sop, None, paper)
        heat = heat_of(figures)
        pictures = svg_pages(layout, heat, text=False)
        pages = [
            (Markup(p), labels(layout, page, heat))  # noqa: S704 - rendered by our autoescaped template
            for p, page in zip(pictures, layout.pages, strict=True)
        ]
        charts = [step_chart(s) for s in figures.steps]
        own = [t._replace(columns=t.columns[1:], rows=[r[1:] for r in t.rows]) for t in tables(section(report, figures))]
        parts.append(Part(figures, pages, charts, own[1:]))
    tz_name = report.sections[0].sop.calendar.timezone if report.sections else "Asia/Jakarta"
    layout_size = compute(report.sections[0].sop, None, paper) if report.sections else None
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            parts=parts,
            summary=tables(report)[0],
            notes=_notes(report),
            footer=_footer(report, tz_name),
            page_size=PAGE_SIZES[paper],
            width=round(layout_size.width, 1) if layout_size else 0,
            height=round(layout_size.height, 1) if layout_size else 0,
            cell=document_value,
            lama=lama,
            persen=persen,
        )
    )


def render_monitoring(forms: list[MonitoringForm], paper: str = "a4") -> str:
    first = forms[0]
    tz_name = first.sop.calendar.timezone
    return (
        environment()
        .get_template("monitoring.html.j2")
        .render(
            forms=forms,
            columns=COLUMNS,
            good=GOOD,
            not_good=NOT_GOOD,
            page_size=PAGE_SIZES[paper],
            generated=when(first.generated, tz_name),
            persen=persen,
        )
    )
