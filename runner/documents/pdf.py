"""The SOP AP document as PDF: the HTML document printed by WeasyPrint."""

from __future__ import annotations

from ..definition import SOP
from ..errors import UserError
from ..i18n import _
from . import html
from .base import Options
from .overlay import Progress


def print_html(document: str) -> bytes:
    """An HTML document of ours printed as PDF (the reports print theirs through here too)."""
    try:
        import weasyprint  # heavy (WeasyPrint): only a PDF
    except ImportError:  # an install without the pdf extra
        raise UserError(
            _("PDF needs WeasyPrint: pip install 'sop-runner[pdf]'; or make the HTML document and print it"),
            "pdf-unavailable",
        ) from None
    result: bytes = weasyprint.HTML(string=document).write_pdf()
    return result


def render(sop: SOP, overlay: Progress | None, options: Options) -> bytes:
    return print_html(html.render(sop, overlay, options))
