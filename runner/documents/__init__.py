"""Documents of an SOP: the SOP AP flowchart in every format, with an optional case overlay.

``render(sop, fmt)`` is the one door: it imports the format's module by name
(``FORMATS``), so each format costs only when it is asked for.
"""

from __future__ import annotations

import importlib

from ..definition import SOP
from ..errors import UserError
from ..files import BINARY_FORMATS
from ..i18n import _
from .base import FORMATS, PAPER_SIZES, Options, format_for
from .overlay import Progress, progress_of

__all__ = ["BINARY_FORMATS", "FORMATS", "PAPER_SIZES", "Options", "Progress", "format_for", "progress_of", "render"]


def render(
    sop: SOP,
    fmt: str,
    overlay: Progress | None = None,
    steps_per_page: int | None = None,
    paper: str = "a4",
) -> str | bytes:
    """The document of ``sop`` in format ``fmt`` (a key of ``FORMATS``); bytes for binary formats."""
    if fmt not in FORMATS:
        raise UserError(
            _("unknown document format '{fmt}'; use one of: {formats}").format(fmt=fmt, formats=", ".join(FORMATS)),
            "unknown-format",
            format=fmt,
            formats=list(FORMATS),
        )
    module = importlib.import_module(f".{FORMATS[fmt]}", __name__)
    result: str | bytes = module.render(sop, overlay, Options(steps_per_page, paper))
    return result
