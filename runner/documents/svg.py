"""The SOP AP chart as SVG: one page per layout page, or every page in one picture."""

from __future__ import annotations

from ..definition import SOP
from .base import Options
from .layout import Layout, compute
from .overlay import Progress
from .templates import environment


def svg_pages(layout: Layout, overlay: Progress | None = None) -> list[str]:
    template = environment().get_template("page.svg.j2")
    mutu = [c for c in layout.columns if c.key in ("kelengkapan", "waktu", "output")]
    subtitle = " — ".join(x for x in (layout.sop.unit, layout.sop.instansi) if x)
    return [
        template.render(
            layout=layout,
            page=page,
            overlay=overlay,
            subtitle=subtitle,
            mutu=(mutu[0].x, mutu[-1].x + mutu[-1].w),
            centered=("no", "waktu"),
        )
        for page in layout.pages
    ]


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    """Every page in one SVG, one under the other."""
    layout = compute(sop, options.steps_per_page, options.paper)
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
