"""The report and the monitoring form as PDF: their HTML printed by WeasyPrint."""

from __future__ import annotations

from ..errors import UserError
from ..i18n import _
from . import html
from .figures import Report
from .monitoring import MonitoringForm


def _print(document: str) -> bytes:
    try:
        import weasyprint
    except ImportError:  # an install without the pdf extra
        raise UserError(
            _("PDF needs WeasyPrint: pip install 'sop-runner[pdf]'; or make the HTML document and print it"),
            "pdf-unavailable",
        ) from None
    result: bytes = weasyprint.HTML(string=document).write_pdf()
    return result


def render_report(report: Report, paper: str = "a4") -> bytes:
    return _print(html.render_report(report, paper))


def render_monitoring(forms: list[MonitoringForm], paper: str = "a4") -> bytes:
    return _print(html.render_monitoring(forms, paper))
