"""The SOP AP chart as SVG: one page per layout page, or every page in one picture."""

from __future__ import annotations

from ..definition import SOP
from .base import Options
from .chart import MUTU, labels, swatches
from .layout import HEADER_TOP, Layout, compute
from .overlay import TAKEN, TAKEN_WIDTH, Overlay, Progress
from .templates import environment


def svg_pages(layout: Layout, overlay: Overlay | None = None, text: bool = True) -> list[str]:
    """Each page as an SVG picture; without its texts when ``text`` is false (the html document sets them)."""
    template = environment().get_template("page.svg.j2")
    return [
        template.render(
            layout=layout,
            page=page,
            overlay=overlay,
            labels=labels(layout, page, overlay) if text else [],
            swatches=swatches(page, overlay),
            mutu=MUTU,
            header_top=HEADER_TOP,
            taken_colour=TAKEN,
            taken_width=TAKEN_WIDTH,
        )
        for page in layout.pages
    ]


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    """Every page in one SVG, one under the other."""
    layout = compute(sop, options.steps_per_page, options.paper, overlay.masthead() if overlay else ())
    gap = 20
    pages = svg_pages(layout, overlay)
    total = len(pages) * layout.height + (len(pages) - 1) * gap
    body = "".join(
        f'<g transform="translate(0 {i * (layout.height + gap):.1f})">{svg}</g>' for i, svg in enumerate(pages)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width:.1f}" height="{total:.1f}" '
        f'viewBox="0 0 {layout.width:.1f} {total:.1f}">{body}</svg>\n'
    )
