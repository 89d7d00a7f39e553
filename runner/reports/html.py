"""The report and the monitoring form as printable HTML, in the style of the SOP AP documents.

The report: a summary page, then for each SOP version the flowchart with the
heat overlay (the flowchart document's own layout, pictures and paper
sizes), a chart per step, and the tables; every page carries a dated footer.
The words are the templates' own (``{{ _("...") }}``) and the sentences made
here, in the current language; numbers, dates and durations as its readers
write them (runner/l10n.py).
"""

from __future__ import annotations

import string
from typing import Any, NamedTuple

from ..documents.chart import labels
from ..documents.html import PAGE_SIZES
from ..documents.layout import PAGE_NUMBER, compute
from ..documents.svg import svg_pages
from ..documents.templates import environment
from ..i18n import _, ngettext
from ..l10n import format_number, format_percent, format_stamp
from ..store.clock import iso
from .charts import StepChart, step_chart
from .figures import Report, SopFigures, StepFigures
from .heat import heat_of
from .monitoring import COLUMNS, MonitoringForm
from .tables import Table, section, tables


class Part(NamedTuple):
    """One SOP version's pages."""

    figures: SopFigures
    pages: list[tuple[Any, list]]  # (SVG picture, its labels) per chart page
    charts: list[tuple[StepChart, str]]  # a chart per step, with the facts written above it
    tables: list[Table]


def page_counter() -> Any:
    """CSS ``content`` for the page number in the margin: 'Halaman 2 / 5', the words from the catalogue."""
    from markupsafe import Markup  # a third-party module: only HTML that is rendered

    counters = {"number": "counter(page)", "pages": "counter(pages)"}
    out = []
    for literal, field, _spec, _conv in string.Formatter().parse(_(PAGE_NUMBER)):
        if literal:  # a CSS string: quotes and backslashes escaped, and no "<" to end the <style>
            out.append('"' + literal.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"')
        if field:
            out.append(counters[field])
    return Markup(" ".join(out))  # noqa: S704 - escaped above for CSS, where HTML escaping does not apply


def _footer(report: Report) -> str:
    return " · ".join(
        [
            _("Case store: {store}").format(store=report.store),
            _("Period {name} ({days}), cases by the day they started").format(
                name=report.period.name, days=report.period.words
            ),
            _("Generated {moment}").format(moment=format_stamp(iso(report.generated), report.timezone)),
            report.read,
        ]
    )


def _without_number(placed: list, number: int, pages: int) -> list:
    """A chart page's labels without its own "Page 1 / 2": the report numbers its pages once, in the margin."""
    own = (_(PAGE_NUMBER).format(number=number, pages=pages),)
    return [label for label in placed if label.lines != own]


def facts(step: StepFigures) -> str:
    """The line above a step's chart: its waktu, completions, share within waktu and median."""
    said = [
        (_("waktu {waktu}, working time") if step.working else _("waktu {waktu}")).format(waktu=step.waktu),
        ngettext("completed once", "completed {n} times", step.completions).format(n=format_number(step.completions)),
    ]
    if step.share_within is not None:
        said.append(_("{share} within waktu").format(share=format_percent(step.share_within)))
    stats = step.stats
    if stats:
        said.append(_("median {duration}").format(duration=step.span(stats.median)))
    return " · ".join(said)


def report_charts(report: Report) -> list[dict[str, Any]]:
    """Each SOP version's chart per step, drawn as the printed report draws it: a panel of HTML with its SVG
    (step_chart.html.j2), for a page to show beside the tables."""
    panels = environment().get_template("step_chart.html.j2").module
    return [
        {
            "sop": f.sop.id,
            "nama": f.sop.nama,
            "label": f.label,
            "panels": [str(panels.step_panel(step_chart(s), facts(s))) for s in f.steps],
        }
        for f in report.sections
    ]


def render_report(report: Report, paper: str = "a4") -> str:
    from markupsafe import Markup  # a third-party module: only HTML that is rendered

    parts = []
    for figures in report.sections:
        heat = heat_of(figures)
        layout = compute(figures.sop, None, paper, heat.masthead())
        pictures = svg_pages(layout, heat, text=False)
        pages = [
            (Markup(p), _without_number(labels(layout, page, heat), page.number, len(layout.pages)))  # noqa: S704 - rendered by our autoescaped template
            for p, page in zip(pictures, layout.pages, strict=True)
        ]
        charts = [(step_chart(s), facts(s)) for s in figures.steps]
        own = [
            t._replace(columns=t.columns[1:], rows=[r[1:] for r in t.rows]) for t in tables(section(report, figures))
        ]
        parts.append(Part(figures, pages, charts, own[1:]))
    layout_size = compute(report.sections[0].sop, None, paper) if report.sections else None
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            parts=parts,
            summary=tables(report)[0],
            notes=report.notes()[1:],  # the first, the basis, stands under the title
            footer=_footer(report),
            page_size=PAGE_SIZES[paper],
            page_counter=page_counter(),
            width=round(layout_size.width, 1) if layout_size else 0,
            height=round(layout_size.height, 1) if layout_size else 0,
        )
    )


def render_monitoring(forms: list[MonitoringForm], paper: str = "a4") -> str:
    first = forms[0]
    return (
        environment()
        .get_template("monitoring.html.j2")
        .render(
            forms=forms,
            columns=[_(c) for c in COLUMNS],
            page_size=PAGE_SIZES[paper],
            page_counter=page_counter(),
            generated=format_stamp(iso(first.generated), first.sop.calendar.timezone),
            percent=format_percent,
        )
    )
