"""Evidence from real cases: figures per SOP and period, the SOP AP monitoring form, and their documents.

``build_report(store, period)`` reads the events once, as a stream;
``monitoring_form(report, figures)`` turns one SOP version's figures into the
Tabel 7 form; ``render_report`` and ``render_monitoring`` write them in a
format, each format a module of this package imported only when asked for.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from ..errors import UserError
from ..i18n import _
from .figures import Report, SopFigures, Stats, build_report, empty_figures
from .monitoring import MonitoringForm, monitoring_form
from .period import Period
from .tables import tables as report_tables

__all__ = [
    "REPORT_FORMATS",
    "MonitoringForm",
    "Period",
    "Report",
    "SopFigures",
    "Stats",
    "build_report",
    "empty_figures",
    "monitoring_form",
    "render_monitoring",
    "render_report",
    "report_charts",
    "report_tables",
]

# format -> module of this package; "json" needs none. xlsx and pdf are bytes.
REPORT_FORMATS: dict[str, str | None] = {"json": None, "csv": "csvtext", "xlsx": "xlsx", "html": "html", "pdf": "pdf"}
MONITORING_FORMATS = ("html", "pdf", "xlsx")


def render_report(report: Report, fmt: str, paper: str = "a4") -> str | bytes:
    """The report in format ``fmt`` (a key of ``REPORT_FORMATS``)."""
    if fmt not in REPORT_FORMATS:
        raise UserError(
            _("unknown report format '{fmt}'; use one of: {formats}").format(
                fmt=fmt, formats=", ".join(REPORT_FORMATS)
            ),
            "unknown-format",
            format=fmt,
            formats=list(REPORT_FORMATS),
        )
    module = REPORT_FORMATS[fmt]
    if module is None:
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt in ("html", "pdf"):
        result: str | bytes = importlib.import_module(f".{module}", __name__).render_report(report, paper)
    else:
        result = importlib.import_module(f".{module}", __name__).render(report)
    return result


def report_charts(report: Report) -> list[dict[str, Any]]:
    """Each SOP version's chart per step, as HTML panels with their SVG: the printed report's own drawing."""
    from .html import report_charts as charts  # the templates (Jinja2): only a page that shows the charts

    return charts(report)


def render_monitoring(form: list[MonitoringForm], fmt: str, paper: str = "a4") -> str | bytes:
    """The Tabel 7 monitoring form(s) as ``html``, ``pdf`` or ``xlsx`` (a workbook)."""
    if fmt not in MONITORING_FORMATS:
        raise UserError(
            _("the monitoring form is made as html, pdf or xlsx, not '{fmt}'").format(fmt=fmt),
            "unknown-format",
            format=fmt,
        )
    result: str | bytes = importlib.import_module(f".{fmt}", __name__).render_monitoring(form, paper)
    return result
