"""The SOP AP document as one self-contained printable HTML file: identity page, then the chart.

Each chart page is an SVG picture of the lines and symbols with its texts set
over it as absolutely positioned HTML, so that a printed PDF keeps real,
searchable text (WeasyPrint draws SVG text glyph by glyph).
"""

from __future__ import annotations

from typing import Any

from ..definition import SOP
from ..definition.identity import LISTS, kop, numbered_title, signer, title_label
from ..definition.logo import LogoProblem, data_url
from ..errors import UserError
from ..i18n import _
from .base import Options
from .chart import labels
from .layout import compute
from .overlay import Progress
from .svg import svg_pages
from .templates import environment

PAGE_SIZES = {"a4": "A4 landscape", "f4": "330mm 215mm"}  # F4/Folio, landscape

# the fields of items, two to a row as the page prints them
_IDENTITY_PAIRS = list(zip(LISTS[::2], LISTS[1::2], strict=True))


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    from markupsafe import Markup  # a third-party module: only HTML that is rendered

    layout = compute(sop, options.steps_per_page, options.paper, overlay.masthead() if overlay else ())
    identity = sop.identity or {}
    pairs = [tuple((_(title), identity.get(key, [])) for title, key in pair) for pair in _IDENTITY_PAIRS]
    head = identity_page(sop, options) if sop.identity else None
    pictures = [Markup(svg) for svg in svg_pages(layout, overlay, text=False)]  # noqa: S704 - rendered by our autoescaped template
    pages = [(picture, labels(layout, page, overlay)) for picture, page in zip(pictures, layout.pages, strict=True)]
    return (
        environment()
        .get_template("flowchart.html.j2")
        .render(
            sop=sop,
            pages=pages,
            pairs=pairs,
            head=head,
            title=numbered_title(sop),
            overlay=overlay,
            page_size=PAGE_SIZES[layout.paper],
            width=round(layout.width, 1),
            height=round(layout.height, 1),
        )
    )


def identity_page(sop: SOP, options: Options) -> dict[str, Any]:
    """What the identity page's head prints: the letterhead, the logo, the label of the title and the
    signature block, from the SOP file, and who signed and when from the case store when it knows."""
    identity = sop.identity or {}
    logo = None
    if identity.get("logo") and sop.folder is not None:  # a stored definition printed without its file has none
        try:
            logo = data_url(sop.folder, identity["logo"])
        except LogoProblem as e:  # changed since it was checked
            raise UserError(str(e), "bad-logo", logo=identity["logo"]) from None
    spaced = not identity.get("kop")  # the default letterhead keeps its two lines a line apart, as before
    return {"kop": kop(sop), "spaced": spaced, "logo": logo, "label": title_label(sop), **signer(sop, options.signed)}
