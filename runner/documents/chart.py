"""Every text of a chart page, placed in a box, for the svg format and the html/pdf formats alike.

The layout (the layout package) gives the geometry; this module says which words go
where. ``page.svg.j2`` draws the lines and symbols and, in the svg format,
these labels as SVG text. The html document draws them instead as HTML text
over the picture: WeasyPrint prints SVG text glyph by glyph, so only HTML
text comes out of a PDF searchable, copyable and with its spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _
from .layout import (
    CELL_PAD_Y,
    CHAR_W,
    FONT,
    HEADER_TOP,
    LINE_H,
    MARGIN,
    PAD,
    PAGE_NUMBER,
    SMALL,
    SMALL_LINE_H,
    TITLE_LINE_H,
    TITLE_SIZE,
    Layout,
    Page,
    Rect,
)
from .overlay import TAKEN_WIDTH, Overlay

# The document words of a chart page, translated when placed (the title, the page number, the column
# titles and the end terminator's word are in layout/metrics.py, which sizes by them).
PELAKSANA = N_("Pelaksana")
MUTU_BAKU = N_("Quality standard")

CENTRED = ("no", "waktu")  # body columns whose text is centred
MUTU = ("kelengkapan", "waktu", "output")  # the columns under "Mutu Baku"
HEADER_SIZE = 9.5
TINY = 8.0  # inside symbols and on arrows


@dataclass(frozen=True)
class Label:
    """Lines of text in a box: aligned left, centred or right; from the box's top or centred in it."""

    box: Rect
    lines: tuple[str, ...]
    size: float = FONT
    align: str = "start"  # start | middle | end, as SVG's text-anchor
    middle: bool = False  # centred vertically, else from the top of the box
    bold: bool = False
    italic: bool = False
    line_h: float = LINE_H

    @property
    def top(self) -> float:
        """The top of the first line box (a CSS line box: ``line_h`` high, the glyphs centred in it)."""
        return self.box.cy - len(self.lines) * self.line_h / 2 if self.middle else self.box.y

    @property
    def x(self) -> float:
        return {"start": self.box.x, "middle": self.box.cx, "end": self.box.right}[self.align]

    @property
    def baselines(self) -> list[tuple[str, float]]:
        """Each line with the baseline SVG needs to put it where CSS puts it (x-height centred in its line box)."""
        first = self.top + self.line_h / 2 + 0.35 * self.size
        return [(line, first + i * self.line_h) for i, line in enumerate(self.lines)]

    @property
    def css_align(self) -> str:
        return {"start": "left", "middle": "center", "end": "right"}[self.align]


@dataclass(frozen=True)
class Swatch:
    """A legend sample: a filled box or a line."""

    kind: str  # box | line
    colour: str
    rect: Rect

    @property
    def width(self) -> float:
        return TAKEN_WIDTH if self.kind == "line" else 0.6


def labels(layout: Layout, page: Page, overlay: Overlay | None = None) -> list[Label]:
    """Every text on ``page``, in reading order: the masthead, header, the rows, the symbols, the legend.

    The masthead (an overlay's heading included) is the layout's: ``compute(..., heading=overlay.masthead())``
    reserved its room."""
    out: list[Label] = []
    for block in layout.masthead:
        if block.kind in ("heading", "note"):
            bold = block.kind == "heading"
            out.append(Label(block.box, block.lines, SMALL, bold=bold, line_h=SMALL_LINE_H))
        elif block.kind == "title":
            out.append(Label(block.box, block.lines, TITLE_SIZE, "middle", bold=True, line_h=TITLE_LINE_H))
        else:
            out.append(Label(block.box, block.lines, align="middle"))
    number = _(PAGE_NUMBER).format(number=page.number, pages=len(layout.pages))
    out.append(Label(layout.number_box, (number,), SMALL, "end", line_h=layout.number_box.h))
    out += _header(layout)
    for r in page.rows:
        if r.step is None:
            continue
        for c in layout.columns:
            if any(r.cells[c.key]):
                box = Rect(c.x + PAD, r.y + CELL_PAD_Y, c.w - 2 * PAD, r.h - 2 * CELL_PAD_Y)
                out.append(Label(box, tuple(r.cells[c.key]), align="middle" if c.key in CENTRED else "start"))
    for s in page.symbols:
        if s.kind == "connector":  # the letter in the pentagon's square part, above its point
            b = s.rect
            out.append(Label(Rect(b.x, b.y, b.w, b.h * 0.75), (s.label,), SMALL, "middle", middle=True, bold=True))
        elif s.label:
            out.append(Label(s.rect, (s.label,), TINY, "middle", middle=True))
    for a in page.arrows:
        if a.label and a.label_rect:
            lr = a.label_rect
            out.append(Label(Rect(lr.x + 1, lr.y, lr.w - 1, lr.h), (a.label,), TINY, italic=True, line_h=lr.h))
    if overlay:
        out += [Label(box, (text,), TINY, "middle", middle=True, line_h=box.h) for box, text in overlay.notes(page)]
        out += [label for _swatch, label in _legend(page, overlay)]
    return out


def swatches(page: Page, overlay: Overlay | None) -> list[Swatch]:
    """The legend's samples under the table, when a case is drawn on it."""
    return [swatch for swatch, _label in _legend(page, overlay)] if overlay else []


def _header(layout: Layout) -> list[Label]:
    """The two-level table header, in reading order: No, Kegiatan, Pelaksana and its lanes, Mutu Baku and its
    three columns, Ket."""
    y, h = layout.header_y, layout.header_h
    low, low_h = y + HEADER_TOP, h - HEADER_TOP  # the second level

    def head(x: float, right: float, top: float, height: float, lines: list[str] | tuple[str, ...]) -> Label:
        return Label(Rect(x, top, right - x, height), tuple(lines), HEADER_SIZE, "middle", middle=True, bold=True)

    mutu = [c for c in layout.columns if c.key in MUTU]
    x0, x1 = layout.lanes_x
    out: list[Label] = []
    for c in layout.columns:
        if c.key == mutu[0].key:
            out.append(head(c.x, mutu[-1].x + mutu[-1].w, y, HEADER_TOP, (_(MUTU_BAKU),)))
        top, height = (low, low_h) if c in mutu else (y, h)
        out.append(head(c.x, c.x + c.w, top, height, (c.title,)))
        if c.key == "uraian":  # the lanes follow it
            out.append(head(x0, x1, y, HEADER_TOP, (_(PELAKSANA),)))
            for i, lane in enumerate(layout.lanes):  # the outer lanes' cells take in the corridors
                left = x0 if i == 0 else lane.x
                right = x1 if i == len(layout.lanes) - 1 else lane.x + lane.w
                out.append(head(left, right, low, low_h, lane.title))
    return out


def _legend(page: Page, overlay: Overlay) -> list[tuple[Swatch, Label]]:
    """One line under the table: each sample, then its meaning, spaced by the meanings' lengths."""
    y = page.rows[-1].bottom + 7
    x: float = MARGIN
    out: list[tuple[Swatch, Label]] = []
    for kind, colour, meaning in overlay.legend:
        text = _(meaning)
        w = 30 if kind == "line" else 14
        swatch = Swatch(kind, colour, Rect(x, y, w, 10))
        text_w = len(text) * CHAR_W * SMALL / FONT
        out.append((swatch, Label(Rect(x + w + 4, y, text_w, 10), (text,), SMALL, middle=True, line_h=10)))
        x += w + 4 + text_w + 14
    return out
