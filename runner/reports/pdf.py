"""The report and the monitoring form as PDF: their HTML printed as the flowchart document is."""

from __future__ import annotations

from ..documents.pdf import print_html
from . import html
from .figures import Report
from .monitoring import MonitoringForm


def render_report(report: Report, paper: str = "a4") -> bytes:
    return print_html(html.render_report(report, paper))


def render_monitoring(forms: list[MonitoringForm], paper: str = "a4") -> bytes:
    return print_html(html.render_monitoring(forms, paper))
