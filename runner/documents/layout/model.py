"""The laid-out chart: pages of rows, lanes, symbols and arrows, in CSS pixels."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ...definition import SOP, Step
from .geometry import Point, Rect
from .metrics import MARGIN, SYMBOL_SIZE


@dataclass
class Symbol:
    kind: str  # terminator | process | decision | connector
    rect: Rect
    lane: int
    row: int
    step: int | None = None  # the step number; None for an end terminator or a connector
    label: str = ""  # the connector's letter, or "Selesai" on an end terminator


@dataclass
class Arrow:
    points: list[Point]
    source: int  # index into Page.symbols
    target: int
    label: str | None = None
    label_rect: Rect | None = None
    from_step: int | None = None  # the transition it draws, for the --case overlay
    to_step: int | str | None = None  # a step number or "end"
    label_segment: int | None = None  # the segment the label stands beside: no other arrow runs along it there

    @property
    def segments(self) -> list[tuple[Point, Point]]:
        return list(itertools.pairwise(self.points))

    @property
    def head(self) -> list[Point]:
        """The arrowhead: a small triangle whose tip is the end point (drawn, not a marker: renderers differ)."""
        (x1, y1), (x2, y2) = self.points[-2], self.points[-1]
        dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
        length, half = 7.0, 3.2
        bx, by = x2 - dx * length, y2 - dy * length
        return [(x2, y2), (bx - dy * half, by + dx * half), (bx + dy * half, by - dx * half)]


@dataclass
class Row:
    y: float
    h: float
    step: Step | None = None  # None: a band row for off-page connectors
    cells: dict[str, list[str]] = field(default_factory=dict)  # wrapped text per column

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass
class Column:
    key: str
    title: str
    x: float
    w: float


@dataclass
class Lane:
    pelaksana: str
    title: list[str]  # the header, wrapped
    x: float
    w: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass
class Page:
    number: int
    rows: list[Row]
    symbols: list[Symbol] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    clean: bool = True  # False when some arrow found no route free of crossings (compute() then refuses)

    @property
    def steps(self) -> list[int]:
        return [r.step.no for r in self.rows if r.step]


@dataclass(frozen=True)
class Block:
    """Lines of the masthead (the texts above the table) in the box reserved for them."""

    kind: str  # heading (an overlay's first paragraph) | note (its others) | title | subtitle
    box: Rect
    lines: tuple[str, ...]


@dataclass
class Layout:
    sop: SOP
    paper: str
    width: float
    height: float
    columns: list[Column]
    lanes: list[Lane]
    lanes_x: tuple[float, float]  # the whole lane area, corridors included
    header_y: float
    header_h: float
    steps_per_page: int
    pages: list[Page]
    masthead: list[Block] = field(default_factory=list)
    number_box: Rect = Rect(0, 0, 0, 0)  # where each page's number stands, right of the masthead

    @property
    def table_x(self) -> tuple[float, float]:
        return MARGIN, self.width - MARGIN


def symbol_rect(kind: str, cx: float, cy: float) -> Rect:
    w, h = SYMBOL_SIZE[kind]
    return Rect(cx - w / 2, cy - h / 2, w, h)


def step_symbols(page: Page, no: int) -> list[int]:
    return [i for i, s in enumerate(page.symbols) if s.step == no]
