"""The SOP AP document as one self-contained printable HTML file: identity page, then the chart.

Each chart page is an SVG picture of the lines and symbols with its texts set
over it as absolutely positioned HTML, so that a printed PDF keeps real,
searchable text (WeasyPrint draws SVG text glyph by glyph).
"""

from __future__ import annotations

from ..definition import SOP
from ..i18n import N_, _
from .base import Options
from .chart import labels
from .layout import compute
from .overlay import Progress
from .svg import svg_pages
from .templates import environment

PAGE_SIZES = {"a4": "A4 landscape", "f4": "330mm 215mm"}  # F4/Folio, landscape

_IDENTITY_PAIRS = [  # titles translated when rendered
    ((N_("Legal basis"), "dasar_hukum"), (N_("Qualifications of the pelaksana"), "kualifikasi_pelaksana")),
    ((N_("Related SOPs"), "keterkaitan"), (N_("Equipment and supplies"), "peralatan_perlengkapan")),
    ((N_("Warning"), "peringatan"), (N_("Records and data"), "pencatatan_pendataan")),
]


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    from markupsafe import Markup  # a third-party module: only HTML that is rendered

    layout = compute(sop, options.steps_per_page, options.paper, overlay.masthead() if overlay else ())
    identity = sop.identity or {}
    pairs = [tuple((_(title), identity.get(key, [])) for title, key in pair) for pair in _IDENTITY_PAIRS]
    pictures = [Markup(svg) for svg in svg_pages(layout, overlay, text=False)]  # noqa: S704 - rendered by our autoescaped template
    pages = [(picture, labels(layout, page, overlay)) for picture, page in zip(pictures, layout.pages, strict=True)]
    return (
        environment()
        .get_template("flowchart.html.j2")
        .render(
            sop=sop,
            pages=pages,
            pairs=pairs,
            overlay=overlay,
            page_size=PAGE_SIZES[layout.paper],
            width=round(layout.width, 1),
            height=round(layout.height, 1),
        )
    )
