"""The SOP AP flowchart as plain geometry, computed from any SOP.

A page is a table: ``No | Kegiatan | one lane per pelaksana | Kelengkapan |
Waktu | Output | Ket.``. Each step is a row; its symbols sit in the row, in
its pelaksana's lanes. Arrows are orthogonal polylines from symbol edge to
symbol edge. They travel in *bands* (the gaps between rows) and *corridors*
(a margin left of the lanes for forward jumps, right of them for loops back;
on a crowded page also the borders between lanes), so they never cross a
symbol; candidate routes are tried best first, each part checked once against
what is near it, and the first clean one wins. An arrow to a step on another
page ends in a lettered off-page connector, and its twin starts the arrow on
the target's page.

Every search is bounded: a page that does not fit is routed again a few times
(the arrow that found no way first, then with taller rows), then the SOP with
that page holding fewer steps; what no page can hold is refused with the limit it hit.

Everything is in CSS pixels (96 per inch); chart.py places the texts, the templates only draw.
"""

from __future__ import annotations

import functools
import itertools
import math
import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from ..definition import END, SOP, Step
from ..errors import UserError
from ..i18n import N_, _, ngettext
from .base import outcomes_to, transitions

# --- page and type metrics --------------------------------------------------------

PAPER = {"a4": (297, 210), "f4": (330, 215)}  # mm, portrait width x height
PX_PER_MM = 96 / 25.4
MARGIN = 30
FONT = 10.0  # body text size
CHAR_W = 0.58 * FONT  # a generous average width for DejaVu/Liberation Sans, so text never overflows
LINE_H = 12.5
PAD = 4.0
CELL_PAD_Y = PAD + 3  # above and below a cell's text
HEADER_TOP = 20.0  # the header's first level: "Pelaksana" and "Mutu Baku" over their columns
TITLE_H = 40.0  # the least room above the table: a one-line title and its subtitle
TITLE_SIZE, TITLE_LINE_H = 13.0, 16.0
SMALL, SMALL_LINE_H = 9.0, 13.0  # page number, an overlay's heading, legend, connector letters
MAX_TITLE_LINES = 2  # then shortened with "…": the table needs the page
MAX_HEADING_LINES = 2  # of each of an overlay's heading paragraphs
MASTHEAD_GAP = 12.0  # between the page number and the texts beside it
SYMBOL_ROOM = 9.0  # the least room above and below a row's symbols: a track for arrows either side of a border
ROOMY_ROW_H = 76.0  # rows shorter than this grow towards it while their page has room
BAND_ROW_H = 48.0  # the row that holds off-page connectors
TRACK_OFFSETS = (5, -5, 10, -10, 14, -14)  # never 0: an arrow on a row border would vanish into it
CROWDED_OFFSETS = (2.5, -2.5, 7.5, -7.5, 12, -12)  # between them, when a band is full; then on into taller rows
CROWDED_STEP = 3.0  # the spacing of tracks (and of the channels between lanes) on a crowded page
MAX_STRETCH = 48.0  # the most a crowded page's rows grow, when the paper has room
ROUTE_BUDGET = 1500  # checks of route parts an arrow may spend in each pass: bounds the time of a crowded page
MAX_REPAGINATIONS = 4  # per step: the times a page is made to hold fewer steps before the chart is refused
REORDERS = 3  # times a crowded page is routed again, the arrow that found no way first
LEGEND_H = 24.0  # the line under the chart where a case's legend stands
LABEL_CLEARANCE = 6.0  # between a label and the symbols its arrow does not touch: room for their arrows
END_LABEL = N_("End")  # the end terminator a decision may point at
CORRIDOR_STEP = 6.0
MAX_CORRIDOR_TRACKS = 10  # tracks are reused down a page: more would only narrow the lanes
MIN_LANE_W = 60.0  # a symbol's width, and a little
BUNDLE = 3  # a symbol with more arrows than this (it has three free sides) sends them down shared trunks

SYMBOL_SIZE = {"terminator": (58, 26), "process": (58, 32), "decision": (58, 40), "connector": (22, 24)}
TEXT_COLUMNS = [  # key, header (translated when laid out), width in px (the lanes take what is left)
    ("no", N_("No"), 28),
    ("uraian", N_("Activity"), 250),
    ("kelengkapan", N_("Kelengkapan"), 108),
    ("waktu", N_("Waktu"), 52),
    ("output", N_("Output"), 108),
    ("keterangan", N_("Notes"), 52),
]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def grow(self, d: float) -> Rect:
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def overlaps(self, other: Rect) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def on_edge(self, x: float, y: float, tol: float = 0.5) -> bool:
        inside_x = self.x - tol <= x <= self.right + tol
        inside_y = self.y - tol <= y <= self.bottom + tol
        edge_x = abs(x - self.x) <= tol or abs(x - self.right) <= tol
        edge_y = abs(y - self.y) <= tol or abs(y - self.bottom) <= tol
        return inside_x and inside_y and (edge_x or edge_y)


Point = tuple[float, float]


def segment_hits_rect(a: Point, b: Point, r: Rect) -> bool:
    """Does the axis-parallel segment a-b pass through the interior of r?"""
    (x1, y1), (x2, y2) = a, b
    if y1 == y2:
        return r.y < y1 < r.bottom and min(x1, x2) < r.right and max(x1, x2) > r.x
    return r.x < x1 < r.right and min(y1, y2) < r.bottom and max(y1, y2) > r.y


def segments_overlap(a: tuple[Point, Point], b: tuple[Point, Point], tol: float = 1.0) -> bool:
    """Do two axis-parallel segments lie on top of each other for more than a point?"""
    (ax1, ay1), (ax2, ay2) = a
    (bx1, by1), (bx2, by2) = b
    if ay1 == ay2 and by1 == by2 and abs(ay1 - by1) < tol:
        return min(max(ax1, ax2), max(bx1, bx2)) - max(min(ax1, ax2), min(bx1, bx2)) > tol
    if ax1 == ax2 and bx1 == bx2 and abs(ax1 - bx1) < tol:
        return min(max(ay1, ay2), max(by1, by2)) - max(min(ay1, ay2), min(by1, by2)) > tol
    return False


def shared_span(a: tuple[Point, Point], b: tuple[Point, Point]) -> tuple[float, float]:
    """Where two overlapping segments run together, along their common line."""
    i = 0 if a[0][1] == a[1][1] else 1  # horizontal segments: along x
    lo = max(min(a[0][i], a[1][i]), min(b[0][i], b[1][i]))
    return lo, min(max(a[0][i], a[1][i]), max(b[0][i], b[1][i]))


def beside_label(segment: tuple[Point, Point], label: Rect, span: tuple[float, float]) -> bool:
    """Does the stretch ``span`` of ``segment`` come within 2 px of where ``label`` stands beside it?"""
    horizontal = segment[0][1] == segment[1][1]
    lo, hi = (label.x, label.right) if horizontal else (label.y, label.bottom)
    return span[0] < hi + 2 and lo - 2 < span[1]


# The document words the layout sizes by (translated when laid out); chart.py places them.
TITLE = N_("SOP {nama}")
PAGE_NUMBER = N_("Page {number} / {pages}")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of the width of ``text`` in DejaVu/Liberation Sans: capitals and digits are wider."""
    em = sum(0.34 if c == " " else 0.76 if c.isupper() or c.isdigit() else 0.6 for c in text)
    return em * size * (1.1 if bold else 1.0)


def fit(text: str, width: float, size: float, bold: bool = False, most: int = MAX_TITLE_LINES) -> tuple[str, ...]:
    """``text`` wrapped into lines no wider than ``width``, at most ``most`` of them: what is left over
    is cut off, the last line ending in "…" so that the reader sees it is shortened."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while len(word) > 1 and text_width(word, size, bold) > width:  # a word wider than the line: broken
            cut = max(1, max(k for k in range(1, len(word) + 1) if text_width(word[:k], size, bold) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if len(lines) > most:
        last = lines[most - 1]
        while last and text_width(last.rstrip() + "…", size, bold) > width:
            last = last[:-1]
        lines = [*lines[: most - 1], last.rstrip() + "…"]
    return tuple(lines)


# --- the model ---------------------------------------------------------------------


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


# --- computing it --------------------------------------------------------------------


def _wrap(text: str, width_px: float) -> list[str]:
    chars = max(4, int((width_px - 2 * PAD) / CHAR_W))
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, chars, break_long_words=True, break_on_hyphens=False) or [""])
    return lines


ITEM = "- "  # marks each document of a cell that lists several
HANG = "\u00a0\u00a0"  # an item's further lines start under its text: no-break spaces, which SVG and HTML keep


def _items(items: Sequence[str], width_px: float) -> list[str]:
    """A cell of documents. Several: each its own item, marked, its wrapped lines hanging under its text, so that
    two names never read as one ("Berita Acara Pengecekan Lapangan Dokumentasi Foto"); one stays plain."""
    if len(items) < 2:
        return _wrap("\n".join(items), width_px)
    lines: list[str] = []
    for item in items:
        first, *rest = _wrap(item, width_px - len(ITEM) * CHAR_W)
        lines += [ITEM + first, *(HANG + line for line in rest)]
    return lines


def _cells(step: Step, columns: list[Column]) -> dict[str, list[str]]:
    texts = {
        "no": f"{step.no}.",
        "uraian": step.uraian,
        "waktu": step.waktu,
        "keterangan": step.keterangan or "",
    }
    lists = {"kelengkapan": step.kelengkapan, "output": step.output}
    return {c.key: _items(lists[c.key], c.w) if c.key in lists else _wrap(texts[c.key], c.w) for c in columns}


def row_height(step: Step, cells: dict[str, list[str]], lanes: int) -> float:
    """The least height of a step's row: its texts, or its symbols with a track's room above and below them."""
    text = max(len(v) for v in cells.values()) * LINE_H + 2 * CELL_PAD_Y
    if step.decision:
        symbols: float = SYMBOL_SIZE["decision"][1]
        if END in step.decision.outcomes.values() and len(set(step.pelaksana)) >= lanes:
            symbols += SYMBOL_SIZE["terminator"][1] + 2 * SYMBOL_ROOM  # its end terminator goes below it
    elif len(step.pelaksana) == 1 and (step.no == 1 or step.next == END):
        symbols = SYMBOL_SIZE["terminator"][1]
    else:
        symbols = SYMBOL_SIZE["process"][1]
    return max(text, symbols + 2 * SYMBOL_ROOM)


def _lanes_width(paper: str) -> float:
    return PAPER[paper][0] * PX_PER_MM - 2 * MARGIN - sum(w for _k, _t, w in TEXT_COLUMNS)


def most_pelaksana(paper: str) -> int:
    """How many pelaksana columns a page of ``paper`` has room for, beside the narrowest corridors."""
    return int((_lanes_width(paper) - 2 * (8 + 2 * CORRIDOR_STEP)) // MIN_LANE_W)


def _masthead(sop: SOP, width: float, heading: Sequence[str]) -> tuple[list[Block], Rect, float]:
    """The texts above the table, each in a box of its own, the page number's box, and where the table
    starts. An overlay's heading (a case: its id, title, status, who acted) stands left of the page
    number; the title and subtitle are centred under it, kept clear of the number's column."""
    right = width - MARGIN
    number_w = text_width(_(PAGE_NUMBER).format(number=999, pages=999), SMALL)
    number_box = Rect(right - number_w, MARGIN, number_w, TITLE_LINE_H)
    out: list[Block] = []
    y: float = MARGIN
    for k, paragraph in enumerate(p for p in heading if p):
        kind = "heading" if k == 0 else "note"
        w = number_box.x - MASTHEAD_GAP - MARGIN
        lines = fit(paragraph, w, SMALL, kind == "heading", MAX_HEADING_LINES)
        out.append(Block(kind, Rect(MARGIN, y, w, len(lines) * SMALL_LINE_H), lines))
        y += len(lines) * SMALL_LINE_H
    if out:
        y += 4
    left = MARGIN + number_w + MASTHEAD_GAP  # as wide a margin as the number's, so that the title stays centred
    w = number_box.x - MASTHEAD_GAP - left
    title = fit(_(TITLE).format(nama=sop.nama.upper()), w, TITLE_SIZE, True)
    out.append(Block("title", Rect(left, y, w, len(title) * TITLE_LINE_H), title))
    y += len(title) * TITLE_LINE_H + 2
    subtitle = " — ".join(x for x in (sop.unit, sop.instansi) if x)
    if subtitle:
        lines = fit(subtitle, w, FONT)
        out.append(Block("subtitle", Rect(left, y, w, len(lines) * LINE_H), lines))
        y += len(lines) * LINE_H
    return out, number_box, max(MARGIN + TITLE_H, y + 8)


def compute(sop: SOP, steps_per_page: int | None = None, paper: str = "a4", heading: Sequence[str] = ()) -> Layout:
    """The chart's geometry. Refuses (``UserError``) what the SOP AP page cannot hold cleanly.

    ``heading``: what an overlay says above the title (``Overlay.masthead()``), given room of its own.

    Without ``steps_per_page``, each page is filled: rows as tall as their texts need, a break only where
    the next row does not fit. A page whose arrows or off-page connectors then find no room holds one step
    fewer (then half as many), and the pages after it move up.
    """
    count = len(sop.pelaksana)
    if count > most_pelaksana(paper):
        raise UserError(
            _(
                "the chart has room for at most {most} pelaksana columns on {paper} paper ({others}), "
                "but the SOP has {count}"
            ).format(
                most=most_pelaksana(paper),
                paper=paper.upper(),
                others=", ".join(f"{p.upper()}: {most_pelaksana(p)}" for p in PAPER if p != paper),
                count=count,
            ),
            "too-many-pelaksana",
            paper=paper,
            pelaksana=count,
            most={p: most_pelaksana(p) for p in PAPER},
        )
    w_mm, h_mm = PAPER[paper]
    width, height = w_mm * PX_PER_MM, h_mm * PX_PER_MM
    arrows = [(s, t, label) for s, t, label in transitions(sop) if t != END or s.decision]
    index = sop.numbers
    jumps = sum(1 for s, t, _o in arrows if t != END and index[t] > s.no + 1)
    loops = sum(1 for s, t, _o in arrows if t != END and index[t] <= s.no)
    lanes_w = _lanes_width(paper)
    # a corridor's tracks are reused down the page, so a few suffice however long the SOP is
    most = min(MAX_CORRIDOR_TRACKS, int(((lanes_w - count * MIN_LANE_W) / 2 - 8) // CORRIDOR_STEP))
    left_corridor = 8 + CORRIDOR_STEP * min(most, max(2, jumps + 1))
    right_corridor = 8 + CORRIDOR_STEP * min(most, max(2, loops + 1))

    x: float = MARGIN
    columns: list[Column] = []
    lanes: list[Lane] = []
    lanes_x = (0.0, 0.0)
    for key, title, w in TEXT_COLUMNS:
        columns.append(Column(key, _(title), x, w))
        x += w
        if key == "uraian":  # the lanes come right after the activity
            lanes_x = (x, x + lanes_w)
            lane_w = (lanes_w - left_corridor - right_corridor) / count
            lx = x + left_corridor
            for p in sop.pelaksana:
                lanes.append(Lane(p.id, _wrap(p.label, lane_w), lx, lane_w))
                lx += lane_w
            x += lanes_w
    masthead, number_box, header_y = _masthead(sop, width, heading)
    header_h = HEADER_TOP + max(len(lane.title) for lane in lanes) * LINE_H + 2 * PAD

    heights = {s.no: row_height(s, _cells(s, columns), count) for s in sop.steps}
    frame = Layout(sop, paper, width, height, columns, lanes, lanes_x, header_y, header_h, 0, [], masthead, number_box)
    if steps_per_page is not None:
        n = steps_per_page
        try:
            chunks = [list(sop.steps[i : i + n]) for i in range(0, len(sop.steps), n)]
            return _draw(frame, chunks, arrows, heights, {}, False)
        except _NoRoom as failure:
            refusal = failure
    else:  # as many as fit on each page; a page that cannot be drawn holds fewer, and the pages after it move up
        caps: dict[int, int] = {}  # a page's first step -> the most steps its page may hold
        routed: _Routed = {}  # the pages already routed: the pages before one that moves are not routed again
        for _attempt in range(MAX_REPAGINATIONS * len(sop.steps)):
            chunks = _paginate(frame, heights, arrows, caps)
            try:
                return _draw(frame, chunks, arrows, heights, routed, True)
            except _NoRoom as failure:
                refusal, chunk = failure, chunks[failure.page - 1]
                n = len(chunk)
                if n == 1:
                    break
                first = chunk[0].no
                caps[first] = n - 1 if first not in caps else n // 2
    if steps_per_page is None:
        why = _("the chart cannot be drawn, even with 1 step per page: on page {page}, {what}")
    else:
        why = ngettext(
            "the chart cannot be drawn with {n} step per page: on page {page}, {what}",
            "the chart cannot be drawn with {n} steps per page: on page {page}, {what}",
            n,
        )
    raise UserError(
        why.format(n=n, page=refusal.page, what=refusal.what),
        "too-complex-to-draw",
        steps_per_page=n,
        page=refusal.page,
        limit=refusal.limit,
    )


class _Exhausted(Exception):
    """An arrow's search for a route used up its budget."""


class _NoRoom(Exception):
    """One page of a pagination cannot be drawn cleanly; with fewer steps per page it may be."""

    def __init__(self, page: int, limit: str, what: str, job: _Job | None = None) -> None:
        super().__init__(what)
        self.page, self.limit, self.what = page, limit, what
        self.job = job  # the arrow that found no way, if that was it


def _room(frame: Layout) -> float:
    """The height a page has for its rows (its bands of off-page connectors included)."""
    return frame.height - MARGIN - LEGEND_H - frame.header_y - frame.header_h


def _paginate(
    frame: Layout, heights: dict[int, float], arrows: list[tuple[Step, str, str | None]], caps: dict[int, int]
) -> list[list[Step]]:
    """The steps page by page, each page filled: a page ends only where the next row (with the bands of
    connectors the page then needs) does not fit, or where ``caps`` says it may hold no more."""
    sop = frame.sop
    steps, index, room = sop.steps, sop.numbers, _room(frame)
    near: list[list[int]] = [[] for _s in steps]  # by step number - 1: the steps it has arrows with
    for s, t, _o in arrows:
        if t != END and index[t] != s.no:
            near[s.no - 1].append(index[t] - 1)
            near[index[t] - 1].append(s.no - 1)
    chunks: list[list[Step]] = []
    i, hint = 0, len(steps)
    while i < len(steps):
        end, used, lo, hi = i + 1, 0.0, i, i
        # after a page that had to hold fewer, the next one starts from one more than that: as crowded, likely
        cap = caps.get(steps[i].no, hint)
        for j in range(i, min(len(steps), i + cap)):
            used += heights[steps[j].no]
            if used > room:
                break
            lo, hi = min(lo, *near[j], lo), max(hi, *near[j], hi)
            bands = (lo < i) + (hi > j)  # arrows to or from earlier pages, and later ones
            if used + bands * BAND_ROW_H <= room:
                end = j + 1
        chunks.append(list(steps[i:end]))
        hint = end - i + 1 if steps[i].no in caps else len(steps)
        i = end
    return chunks


def _fill(heights: list[float], room: float) -> list[float]:
    """The rows of a page, those shorter than ``ROOMY_ROW_H`` grown towards it to one height, as far as the
    page has room: a short SOP keeps roomy rows, a full page rows as tall as their texts need."""
    if not heights or sum(max(h, ROOMY_ROW_H) for h in heights) <= room:
        return [max(h, ROOMY_ROW_H) for h in heights]
    lo, hi = min(heights), ROOMY_ROW_H  # the level that fills the page: sum(max(h, level)) grows with it
    if sum(max(h, lo) for h in heights) > room:
        return list(heights)
    for _k in range(30):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sum(max(h, mid) for h in heights) <= room else (lo, mid)
    return [max(h, lo) for h in heights]


def _draw(
    frame: Layout,
    chunks: list[list[Step]],
    arrows: list[tuple[Step, str, str | None]],
    heights: dict[int, float],
    routed: _Routed,
    shrink: bool,
) -> Layout:
    """The pages of ``chunks``, every arrow routed. ``shrink``: a page of several steps that does not route is
    given up soon, to be drawn with fewer steps."""
    sop = frame.sop
    index = sop.numbers
    page_of = {s.no: p for p, chunk in enumerate(chunks) for s in chunk}
    top: set[int] = set()  # pages with a band of connectors above their steps, from or to an earlier page
    bottom: set[int] = set()
    for s, t, _o in arrows:
        if t != END and page_of[s.no] != page_of[index[t]]:
            early, late = sorted((page_of[s.no], page_of[index[t]]))
            bottom.add(early)
            top.add(late)
    layout = replace(frame, steps_per_page=max(len(c) for c in chunks), pages=[])
    for p, chunk in enumerate(chunks):
        layout.pages.append(_page(layout, p, chunk, heights, p in top, p in bottom))
    _connect_pages(layout, arrows, page_of, routed, shrink)
    return layout


def _page(layout: Layout, p: int, chunk: list[Step], heights: dict, top_band: bool, bottom_band: bool) -> Page:
    y = layout.header_y + layout.header_h
    rows: list[Row] = []
    if top_band:
        rows.append(Row(y, BAND_ROW_H))
        y += BAND_ROW_H
    filled = _fill([heights[s.no] for s in chunk], _room(layout) - BAND_ROW_H * (top_band + bottom_band))
    for s, h in zip(chunk, filled, strict=True):
        rows.append(Row(y, h, s, _cells(s, layout.columns)))
        y += h
    if bottom_band:
        rows.append(Row(y, BAND_ROW_H))
    page = Page(p + 1, rows)
    _place_symbols(layout, page)
    return page


def _symbol_rect(kind: str, cx: float, cy: float) -> Rect:
    w, h = SYMBOL_SIZE[kind]
    return Rect(cx - w / 2, cy - h / 2, w, h)


def _place_symbols(layout: Layout, page: Page) -> None:
    lane_of = {lane.pelaksana: i for i, lane in enumerate(layout.lanes)}
    for r, row in enumerate(page.rows):
        s = row.step
        if s is None:
            continue
        leads_to_end = s.next == END
        for k, pid in enumerate(s.pelaksana):
            last = k == len(s.pelaksana) - 1
            if last and s.decision:
                kind = "decision"
            elif (s.no == 1 and k == 0) or (last and leads_to_end):
                kind = "terminator"
            else:
                kind = "process"
            lane = lane_of[pid]
            page.symbols.append(
                Symbol(kind, _symbol_rect(kind, layout.lanes[lane].cx, row.y + row.h / 2), lane, r, s.no)
            )
        if s.decision and END in s.decision.outcomes.values():
            # a decision that can end the case points at an end terminator of its own, in a free lane nearby
            used = {lane_of[pid] for pid in s.pelaksana}
            exit_lane = lane_of[s.pelaksana[-1]]
            free = sorted(
                (i for i in range(len(layout.lanes)) if i not in used), key=lambda i: (abs(i - exit_lane), -i)
            )
            if free:
                page.symbols.append(
                    Symbol(
                        "terminator",
                        _symbol_rect("terminator", layout.lanes[free[0]].cx, row.y + row.h / 2),
                        free[0],
                        r,
                        None,
                        _(END_LABEL),
                    )
                )
            else:  # every lane is taken: below the decision, in its own lane
                cy = row.y + row.h - SYMBOL_SIZE["terminator"][1] / 2 - 4
                page.symbols.append(
                    Symbol(
                        "terminator",
                        _symbol_rect("terminator", layout.lanes[exit_lane].cx, cy),
                        exit_lane,
                        r,
                        None,
                        _(END_LABEL),
                    )
                )


def _step_symbols(page: Page, no: int) -> list[int]:
    return [i for i, s in enumerate(page.symbols) if s.step == no]


# --- routing -------------------------------------------------------------------------------
#
# Arrows are routed one at a time, best candidate first, each checked against what is near it
# (the `_Index`), so a check costs the same on a crowded page as on an empty one. Two arrows may
# run on top of each other only as one tree: branches of the same source from a common point (a
# decision with more outcomes than free vertices sends them down one trunk), or arrows into the
# same target to a common point; never along a segment that carries a label.

_Item = TypeVar("_Item")


class _Index(Generic[_Item]):
    """What is already on a page, by grid cell, so that a check looks only at what is near."""

    CELL = 40.0

    def __init__(self) -> None:
        self._cells: defaultdict[tuple[int, int], list[_Item]] = defaultdict(list)

    def _keys(self, box: Rect) -> list[tuple[int, int]]:
        c = self.CELL
        xs = range(int(box.x // c), int(box.right // c) + 1)
        return [(i, j) for j in range(int(box.y // c), int(box.bottom // c) + 1) for i in xs]

    def add(self, box: Rect, item: _Item) -> None:
        for key in self._keys(box):
            self._cells[key].append(item)

    def near(self, box: Rect) -> set[_Item]:
        cells = self._cells
        return {item for key in self._keys(box) if key in cells for item in cells[key]}


def _span(a: Point, b: Point, pad: float) -> Rect:
    return Rect(min(a[0], b[0]) - pad, min(a[1], b[1]) - pad, abs(a[0] - b[0]) + 2 * pad, abs(a[1] - b[1]) + 2 * pad)


def _same(p: Point, q: Point) -> bool:
    return abs(p[0] - q[0]) < 0.01 and abs(p[1] - q[1]) < 0.01


@dataclass
class _Job:
    """One arrow to route."""

    priority: int  # routed in this order: joins, ends, next steps, jumps forward, loops back
    page: Page
    source: int  # symbol indexes on the page
    sides: list[str]  # where it may leave the source, best first
    target: int
    entry: str
    label: str | None
    from_step: int
    to_step: int | str
    bundle: bool = False  # one of many branches of its source: shares its trunk, labelled near its end
    loop: bool = False  # back to an earlier (or its own) step on the page: kept to the lanes between its ends


# a page's rows, connectors and arrows to route -> its rows and symbols as routed, and its arrows; or why not
_Routed = dict[tuple, "tuple[list[tuple[float, float]], list[Rect], list[Arrow]] | _NoRoom"]
_SegmentCheck = Callable[[Point, Point, bool, bool], bool]  # (a, b, first segment?, last segment?) -> free?


class _Router:
    """Finds clean orthogonal routes on one page."""

    def __init__(self, layout: Layout, page: Page) -> None:
        self.layout, self.page = layout, page
        self.bands = [page.rows[0].y] + [r.bottom for r in page.rows]
        self.room = [self._room(r) for r in range(len(page.rows))]
        self.tracks = {crowded: [self._tracks(b, crowded) for b in range(len(self.bands))] for crowded in (False, True)}
        self.corridors = {side: self._corridor(side) for side in ("left", "right")}
        self.channels = self._channels()
        self.exits: dict[int, set[str]] = {}  # symbol -> sides its arrows already leave from
        self.index: _Index[tuple[str, int]] = _Index()  # ("symbol", symbol) and ("label", arrow)
        self.segments: _Index[tuple[int, int]] = _Index()  # (arrow, segment)
        self.lines: dict[tuple[bool, int], list[tuple[int, int]]] = {}  # (horizontal?, y or x) -> segments on it
        self.reach: dict[tuple[float, float, int, int], tuple[float, float]] = {}  # see _reaches
        self.grown = [sym.rect.grow(2) for sym in page.symbols]  # no arrow passes nearer than 2 px
        for i, box in enumerate(self.grown):
            self.index.add(box, ("symbol", i))

    def _tracks(self, band: int, crowded: bool) -> list[float]:
        """Where horizontal segments may run along the border ``band``: the usual tracks, or, on a crowded
        page, also those between them and on into the rows as far as their symbols leave room."""
        rows, last = self.page.rows, len(self.bands) - 1
        # how far a track may go into the row above and the row below: to 2 px from its symbols
        above = self.room[band - 1][1] - 2 if band > 0 else 0.0
        below = self.room[band][0] - 2 if band < last else 0.0
        # the usual tracks; into a band of connectors all of them (its connectors are few and far between)
        usual = (-math.inf if band > 0 and rows[band - 1].step is None else -above, below)
        if band < last and rows[band].step is None:
            usual = (usual[0], math.inf)
        offsets: list[float] = [d for d in TRACK_OFFSETS if usual[0] <= d <= usual[1] and (band > 0 or d > 0)]
        offsets = [d for d in offsets if band < last or d < 0]
        if crowded:
            more = list(CROWDED_OFFSETS)
            d = max(TRACK_OFFSETS) + CROWDED_STEP
            while d <= max(above, below):
                more += [d, -d]
                d += CROWDED_STEP
            offsets += [d for d in more if -above <= d <= below]
        return [self.bands[band] + d for d in offsets]

    def _room(self, r: int) -> tuple[float, float]:
        """The room in row ``r`` above its symbols and below them."""
        row = self.page.rows[r]
        mine = [sym.rect for sym in self.page.symbols if sym.row == r]
        if not mine:
            return row.h / 2, row.h / 2
        return min(b.y for b in mine) - row.y, row.bottom - max(b.bottom for b in mine)

    def _corridor(self, side: str) -> list[float]:
        x0, x1 = self.layout.lanes_x
        if side == "left":
            n = int((self.layout.lanes[0].x - x0 - 4) // CORRIDOR_STEP)
            return [x0 + 5 + CORRIDOR_STEP * k for k in range(n)]
        n = int((x1 - self.layout.lanes[-1].x - self.layout.lanes[-1].w - 4) // CORRIDOR_STEP)
        return [x1 - 5 - CORRIDOR_STEP * k for k in range(n)]

    def _channels(self) -> list[float]:
        """Where vertical segments may run along the borders between lanes, clear of the symbols."""
        lanes = self.layout.lanes
        room = min(lane.w for lane in lanes) / 2 - SYMBOL_SIZE["decision"][0] / 2 - 3
        offsets = [d for k in range(1, int(room // CROWDED_STEP) + 1) for d in (k * CROWDED_STEP, -k * CROWDED_STEP)]
        return [lane.x + d for lane in lanes[1:] for d in offsets]

    def entry_offsets(self, target: Symbol) -> list[float]:
        half = target.rect.w / 2 - 6
        return [d for d in (0, 10, -10, 20, -20) if abs(d) <= half]

    # --- checks against what is already drawn

    def _segment_free(self, a: Point, b: Point, first: bool, last: bool, job: _Job, merge: bool) -> bool:
        if a == b:
            return False
        symbols, arrows = self.page.symbols, self.page.arrows
        for kind, i in self.index.near(_span(a, b, 1)):
            if kind == "symbol":
                if (first and i == job.source) or (last and i == job.target):
                    continue
                rect = symbols[i].rect if i in (job.source, job.target) else self.grown[i]
                if segment_hits_rect(a, b, rect):
                    return False
            elif segment_hits_rect(a, b, arrows[i].label_rect):  # type: ignore[arg-type]
                return False
        for other, k, (c, d) in self._along(a, b):
            shared = (job.bundle and other.source == job.source and _same(a, c)) or (
                merge and other.target == job.target and _same(b, d)
            )
            if not shared or (
                other.label_segment == k and beside_label((c, d), other.label_rect, shared_span((a, b), (c, d)))  # type: ignore[arg-type]
            ):
                return False
        return True

    def _along(self, a: Point, b: Point) -> Iterator[tuple[Arrow, int, tuple[Point, Point]]]:
        """The segments of arrows already drawn that run along a-b (for more than a point)."""
        horizontal = a[1] == b[1]
        line = round(a[1] if horizontal else a[0])
        arrows = self.page.arrows
        for key in ((horizontal, line - 1), (horizontal, line), (horizontal, line + 1)):
            for i, k in self.lines.get(key, ()):
                seg = (arrows[i].points[k], arrows[i].points[k + 1])
                if segments_overlap((a, b), seg):
                    yield arrows[i], k, seg

    def _reaches(self, y: float, x0: float, x: float, job: _Job) -> bool:
        """Could a horizontal segment along ``y`` from ``x0`` to ``x`` be free? False when a symbol, a label or
        an arrow that cannot share it stands in the way (a quick test before the full check)."""
        key = (y, x0, job.source, job.target)
        if key not in self.reach:
            self.reach[key] = self._reach(y, x0, job)
        lo, hi = self.reach[key]
        return lo <= x <= hi

    def _reach(self, y: float, x0: float, job: _Job) -> tuple[float, float]:
        lo, hi = self.layout.lanes_x[0] - 1, self.layout.lanes_x[1] + 1
        symbols, arrows = self.page.symbols, self.page.arrows
        for kind, i in self.index.near(Rect(lo, y - 1, hi - lo, 2)):
            if kind == "symbol":
                rect = symbols[i].rect if i in (job.source, job.target) else self.grown[i]
            else:
                rect = arrows[i].label_rect  # type: ignore[assignment]
            if not rect.y < y < rect.bottom:
                continue
            if rect.right <= x0:
                lo = max(lo, rect.right - 1)
            elif rect.x >= x0:
                hi = min(hi, rect.x + 1)
            else:
                return x0, x0
        for key in ((True, round(y) - 1), (True, round(y)), (True, round(y) + 1)):
            for i, k in self.lines.get(key, ()):
                other = arrows[i]
                (c, cy), (d, _dy) = other.points[k], other.points[k + 1]
                if abs(cy - y) >= 1 or other.source == job.source or other.target == job.target:
                    continue  # off the line, or an arrow it may share a stretch with
                c, d = min(c, d), max(c, d)
                if d <= x0 + 1:
                    lo = max(lo, min(x0, d) - 2)
                elif c >= x0 - 1:
                    hi = min(hi, max(x0, c) + 2)
                else:
                    return x0 - 2, x0 + 2
        return lo, hi

    def _alone_beside(self, a: Point, b: Point, label: Rect) -> bool:
        """Does no other arrow run along a-b where ``label`` stands beside it?"""
        return not any(beside_label((a, b), label, shared_span((a, b), seg)) for _o, _k, seg in self._along(a, b))

    def _label_free(self, rect: Rect, own: list[tuple[Point, Point]], job: _Job) -> bool:
        """Is ``rect`` clear of every symbol (and of the way arrows reach the symbols not its arrow's own),
        every label and every arrow (its own too), and inside the table's lanes: over a column's line, the
        header or the legend it would be printed over something else?"""
        left, right = self.layout.lanes_x
        top, bottom = self.page.rows[0].y, self.page.rows[-1].bottom  # not up in the header, nor under the table
        if rect.x < left + 1 or rect.right > right - 1 or rect.y < top + 1 or rect.bottom > bottom - 1:
            return False
        symbols, arrows = self.page.symbols, self.page.arrows
        for kind, i in self.index.near(rect.grow(LABEL_CLEARANCE)):
            if kind == "symbol":
                box = symbols[i].rect if i in (job.source, job.target) else symbols[i].rect.grow(LABEL_CLEARANCE)
                if rect.overlaps(box):
                    return False
            elif rect.overlaps(arrows[i].label_rect):  # type: ignore[arg-type]
                return False
        for i, k in self.segments.near(rect):
            if segment_hits_rect(arrows[i].points[k], arrows[i].points[k + 1], rect):
                return False
        return not any(segment_hits_rect(a, b, rect) for a, b in own)

    # --- the search

    def route(self, job: _Job) -> Arrow:
        """The first clean route, trying the exit sides in order; a side once used stays with its arrow
        (unless the arrow is one of a bundle, whose branches share their trunk)."""
        used = self.exits.setdefault(job.source, set())
        sides = job.sides if job.bundle else [x for x in job.sides if x not in used] or job.sides
        # Each part of a route is checked once (a part free without joining is free with it too), and
        # only so many parts in each way of searching: an arrow that has no way does not search forever.
        memo: dict[tuple[Point, Point, bool, bool, bool], bool] = {}
        budget = [ROUTE_BUDGET]

        def check(a: Point, b: Point, first: bool, last: bool, merge: bool) -> bool:
            key = (a, b, first, last, merge)
            if key not in memo:
                if merge and memo.get((a, b, first, last, False)):
                    return True
                budget[0] -= 1
                if budget[0] < 0:
                    raise _Exhausted
                memo[key] = self._segment_free(a, b, first, last, job, merge)
            return memo[key]

        # Arrows into one target join on the way only when none has a way of its own, and tracks
        # crowd between the usual ones only when even that fails.
        passes = [(False, False), (False, True), (True, True)]
        # a loop back first keeps to the lanes between its ends, if it can; then it may go round by a corridor
        searches = [(c, m, True) for c, m in passes] * job.loop + [(c, m, False) for c, m in passes]
        for crowded, merge, near in searches:
            free = functools.partial(check, merge=merge)
            budget[0] = ROUTE_BUDGET
            try:
                for side in sides:
                    for points, rect, k in self._labelled(job, side, self.tracks[crowded], free, near):
                        arrow = Arrow(points, job.source, job.target, job.label, rect, job.from_step, job.to_step, k)
                        self._add(arrow)
                        used.add(side)
                        return arrow
            except _Exhausted:
                continue
        self.page.clean = False
        target = _(END_LABEL) if job.to_step == END else _("step {no}").format(no=job.to_step)
        raise _NoRoom(
            self.page.number,
            "route",
            _("the arrow from step {source} to {target} finds no free path").format(
                source=job.from_step, target=target
            ),
            job,
        )

    def _add(self, arrow: Arrow) -> None:
        self.page.arrows.append(arrow)
        n = len(self.page.arrows) - 1
        for k, (a, b) in enumerate(arrow.segments):
            self.segments.add(_span(a, b, 1), (n, k))
            horizontal = a[1] == b[1]
            self.lines.setdefault((horizontal, round(a[1] if horizontal else a[0])), []).append((n, k))
        if arrow.label_rect is not None:
            self.index.add(arrow.label_rect, ("label", n))
        self.reach.clear()

    def _labelled(
        self, job: _Job, side: str, tracks: list[list[float]], free: _SegmentCheck, near: bool = False
    ) -> Iterator[tuple[list[Point], Rect | None, int | None]]:
        """Clean routes leaving by ``side``, each with where its label stands (and beside which segment);
        ``near``: only the short ways of a loop back, in the lanes between its ends."""
        routes = self._near_loops(job, side, tracks, free) if near else self.candidates(job, side, tracks, free)
        if not job.label:
            for points in routes:
                yield points, None, None
        elif not job.bundle:  # beside the start of the arrow, where the branch leaves its decision
            source = self.page.symbols[job.source].rect
            rects = [r for r in _label_rects(source, side, job.label) if self._label_free(r, [], job)]
            for points in routes:
                for rect in rects:
                    if not any(segment_hits_rect(a, b, rect) for a, b in itertools.pairwise(points)):
                        if self._alone_beside(points[0], points[1], rect):
                            yield points, rect, 0
        else:  # a shared trunk says nothing: the label stands where the branch is its own
            for points in routes:
                spot = self._end_label(points, job)
                if spot is not None:
                    yield points, *spot

    def _end_label(self, points: list[Point], job: _Job) -> tuple[Rect, int] | None:
        """A place for ``label`` beside its arrow where no other arrow runs, as near the target as it fits."""
        assert job.label is not None
        w, h = _label_size(job.label)
        segs = list(itertools.pairwise(points))
        for k in range(len(segs) - 1, -1, -1):
            (x1, y1), (x2, y2) = segs[k]
            head = 8.0 if k == len(segs) - 1 else 0.0  # leave the arrowhead free
            spots: list[Rect] = []
            if x1 == x2:
                down = y2 > y1
                lo, hi = (y1, y2 - head) if down else (y2 + head, y1)
                for y in [y2 - head - 2 - h, y1 + 2] if down else [y2 + head + 2, y1 - 2 - h]:
                    if lo < y and y + h < hi:
                        spots += [Rect(x1 + 2, y, w, h), Rect(x1 - 2 - w, y, w, h)]
            else:
                right = x2 > x1
                lo, hi = (x1, x2 - head) if right else (x2 + head, x1)
                for x in [x2 - head - 3 - w, x1 + 3] if right else [x2 + head + 3, x1 - 3 - w]:
                    if lo < x and x + w < hi:
                        spots += [Rect(x, y1 - 1 - h, w, h), Rect(x, y1 + 1, w, h)]
            for rect in spots:
                if self._label_free(rect, segs, job) and self._alone_beside(*segs[k], rect):
                    return rect, k
        return None

    def _fits(self, points: list[Point], free: _SegmentCheck, skip: int = 0, complete: bool = True) -> bool:
        """Are the segments of ``points`` from the ``skip``-th on free (the last one ending at the target
        when ``complete``)?"""
        n = len(points) - 1
        return all(free(points[k], points[k + 1], k == 0, complete and k == n - 1) for k in range(skip, n))

    def candidates(self, job: _Job, side: str, tracks: list[list[float]], free: _SegmentCheck) -> Iterator[list[Point]]:
        """The clean routes, best first; each part is checked once, and no route is built on a blocked part."""
        s, t = self.page.symbols[job.source], self.page.symbols[job.target]
        entry = job.entry
        sr, tr = s.rect, t.rect
        if entry in ("left", "right"):  # same row: straight across, or over the top if something is in the way
            ex = tr.x if entry == "left" else tr.right
            sx = sr.right if side == "right" else sr.x
            paths = [[(sx, sr.cy), (ex, tr.cy)]]
            paths += [[(sr.cx, sr.y), (sr.cx, y), (tr.cx, y), (tr.cx, tr.y)] for y in tracks[s.row]]
            yield from (p for p in paths if self._fits(p, free))
            return
        # where the arrow leaves the source, and the band it first reaches
        target_band = t.row if entry == "top" else t.row + 1
        if side == "bottom":
            start, stub_x, first_band = [(sr.cx, sr.bottom)], sr.cx, s.row + 1
        elif side == "top":
            start, stub_x, first_band = [(sr.cx, sr.y)], sr.cx, s.row
        else:
            sx = sr.right if side == "right" else sr.x
            stub_x = sx + 6 if side == "right" else sx - 6
            start = [(sx, sr.cy), (stub_x, sr.cy)]
            first_band = s.row + 1 if target_band > s.row else s.row
        stub_free = self._fits(start, free, complete=False)
        rest = len(start) - 1  # the segments already checked as the stub
        ey = tr.y if entry == "top" else tr.bottom
        entries = [tr.cx + off for off in self.entry_offsets(t)]
        if first_band == target_band:  # through the band between them; around by a corridor only if that fails
            for ex in entries:
                if abs(ex - stub_x) < 0.5 and side in ("bottom", "top") and free(start[0], (ex, ey), True, True):
                    yield [start[0], (ex, ey)]
                if stub_free:
                    for y in tracks[first_band]:
                        path = [*start, (stub_x, y), (ex, y), (ex, ey)]
                        if self._fits(path, free, rest):
                            yield path
        # forward jumps keep to the left corridor, loops back to the right one, unless the arrow
        # leaves from the other side, which then is shorter
        corridors = ["left", "right"] if target_band > first_band else ["right", "left"]
        if side in ("left", "right") and side != corridors[0]:
            corridors.reverse()
        for ex in entries:
            for corridor in corridors:
                if side == corridor:  # straight out of the symbol's side into the corridor
                    for x in self.corridors[corridor]:
                        if free(start[0], (x, sr.cy), True, False):
                            for y2 in tracks[target_band]:
                                path = [start[0], (x, sr.cy), (x, y2), (ex, y2), (ex, ey)]
                                if self._fits(path, free, 1):
                                    yield path
                if not stub_free:
                    continue
                for x in self.corridors[corridor]:
                    yield from self._via(x, start, stub_x, ex, ey, tracks[first_band], tracks[target_band], free, job)
        if stub_free:  # down the borders between lanes, nearest first, when the corridors are full
            for ex in entries:
                for x in sorted(self.channels, key=lambda x: abs(x - stub_x) + abs(x - ex)):
                    yield from self._via(x, start, stub_x, ex, ey, tracks[first_band], tracks[target_band], free, job)

    def _near_loops(
        self, job: _Job, side: str, tracks: list[list[float]], free: _SegmentCheck
    ) -> Iterator[list[Point]]:
        """The clean routes of a loop back that cross no lane outside the two its ends stand in, shortest first:
        beside the symbols into the target's side, or under the target into its bottom; never round the table."""
        s, t = self.page.symbols[job.source], self.page.symbols[job.target]
        sr, tr = s.rect, t.rect
        lanes, (x0, x1) = self.layout.lanes, self.layout.lanes_x
        lo, hi = min(s.lane, t.lane), max(s.lane, t.lane)
        left = lanes[lo].x if lo > 0 else x0  # the outer lanes take in the corridors
        right = lanes[hi].x + lanes[hi].w if hi < len(lanes) - 1 else x1
        if side == "bottom":
            starts = [[(sr.cx, sr.bottom), (sr.cx, y)] for y in tracks[s.row + 1]]
        else:
            sx = sr.x if side == "left" else sr.right
            starts = [[(sx, sr.cy)]]
        xs = set(self.channels) | set(self.corridors["left"]) | set(self.corridors["right"])
        xs |= {b + d for b in (sr.x, tr.x) for d in (-6, -10, -14)} | {
            b + d for b in (sr.right, tr.right) for d in (6, 10, 14)
        }
        entries = [tr.cx + off for off in self.entry_offsets(t)]
        under = tracks[t.row + 1] if t.row < s.row else []  # the band below the target
        routes: list[list[Point]] = []
        for start in starts:
            (px, py) = start[-1]
            if side == "left":
                ways = [x for x in xs if left + 2 <= x < sr.x - 3]
            elif side == "right":
                ways = [x for x in xs if sr.right + 3 < x <= right - 2]
            else:
                ways = [x for x in xs if left + 2 <= x <= right - 2 and not sr.x - 3 <= x <= sr.right + 3]
            if side != "bottom":  # straight across to under the target, then up into it
                routes += [[*start, (ex, py), (ex, tr.bottom)] for ex in entries if (ex < px) == (side == "left")]
            for x in ways:
                if x > tr.right + 2:  # up beside the target, into its side
                    routes.append([*start, (x, py), (x, tr.cy), (tr.right, tr.cy)])
                elif x < tr.x - 2:
                    routes.append([*start, (x, py), (x, tr.cy), (tr.x, tr.cy)])
                routes += [
                    [*start, (x, py), (x, y), (ex, y), (ex, tr.bottom)] for y in under if y < py for ex in entries
                ]
        for points in sorted(routes, key=_cost):
            if len(points) == len(set(points)) and self._fits(points, free):
                yield points

    def _via(
        self,
        x: float,
        start: list[Point],
        stub_x: float,
        ex: float,
        ey: float,
        tracks1: list[float],
        tracks2: list[float],
        free: _SegmentCheck,
        job: _Job,
    ) -> Iterator[list[Point]]:
        """Routes from ``start`` along a track of the first band to ``x``, along ``x`` to a track of the target's
        band, and along it to the entry (ex, ey). The ends are checked first, so that the way along ``x``
        is checked only between ends that are free."""
        ends = [
            y2
            for y2 in tracks2
            if self._reaches(y2, ex, x, job)
            and free((x, y2), (ex, y2), False, False)
            and free((ex, y2), (ex, ey), False, True)
        ]
        if not ends:
            return
        for y1 in tracks1:
            head = [*start, (stub_x, y1), (x, y1)]
            if self._reaches(y1, stub_x, x, job) and self._fits(head, free, len(start) - 1, complete=False):
                for y2 in ends:
                    if free((x, y1), (x, y2), False, False):
                        yield [*head, (x, y2), (ex, y2), (ex, ey)]


def _cost(points: list[Point]) -> float:
    """A route's length, and a little for each of its bends: the shortest, simplest way first."""
    return sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in itertools.pairwise(points)) + 10 * (len(points) - 2)


def _label_size(label: str) -> tuple[float, float]:
    return len(label) * 4.6 + 4, 10.0


def _label_rects(source: Rect, side: str, label: str) -> list[Rect]:
    """Where a branch's outcome name may stand, best first: beside the start of its arrow."""
    w, h = _label_size(label)
    beside = {
        "bottom": [Rect(source.cx + 3, source.bottom + 1, w, h), Rect(source.cx - 3 - w, source.bottom + 1, w, h)],
        "right": [Rect(source.right + 2, source.cy - h - 1, w, h), Rect(source.right + 2, source.cy + 1, w, h)],
        "left": [Rect(source.x - 2 - w, source.cy - h - 1, w, h), Rect(source.x - 2 - w, source.cy + 1, w, h)],
        "top": [Rect(source.cx + 3, source.y - h - 1, w, h)],
    }[side]
    # beside the symbol's box, when the gap next to the vertex is too narrow
    return beside + [Rect(source.cx + 2, source.y - h - 1, w, h), Rect(source.cx + 2, source.bottom + 1, w, h)]


def _connect_pages(
    layout: Layout,
    arrows: list[tuple[Step, str, str | None]],
    page_of: dict[int, int],
    routed: _Routed,
    shrink: bool,
) -> None:
    sop = layout.sop
    index = sop.numbers
    bundles = {s.no for s in sop.steps if len(s.targets) > BUNDLE}
    jobs: list[_Job] = []
    letters = _letters()

    for page in layout.pages:
        for no in page.steps:
            syms = _step_symbols(page, no)
            for a, b in itertools.pairwise(syms):  # several pelaksana: joined in the listed order
                right = page.symbols[b].rect.cx > page.symbols[a].rect.cx
                jobs.append(
                    _Job(0, page, a, ["right" if right else "left"], b, "left" if right else "right", None, no, no)
                )
            end = next(
                (
                    i
                    for i, s in enumerate(page.symbols)
                    if s.step is None and s.kind == "terminator" and s.row == page.symbols[syms[-1]].row
                ),
                None,
            )
            step = sop.steps[no - 1]
            if step.decision and end is not None:
                right = page.symbols[end].rect.cx > page.symbols[syms[-1]].rect.cx
                side, entry = ("right", "left") if right else ("left", "right")
                # its own vertex, its label beside it, even for a decision of many branches: the end is near
                jobs.append(_Job(1, page, syms[-1], [side], end, entry, outcomes_to(step, END), no, END))

    # A bundle's branches to one page share one pair of connectors; their labels stand on that page.
    shared: dict[tuple[int, int], tuple[int, int]] = {}
    for s, t, label in arrows:
        if t == END:
            continue
        src_page = layout.pages[page_of[s.no]]
        dst_no = index[t]
        dst_page = layout.pages[page_of[dst_no]]
        exit_sym = _step_symbols(src_page, s.no)[-1]
        entry_sym = _step_symbols(dst_page, dst_no)[0]
        sides = _sides(s, dst_no)
        forward = dst_no > s.no
        priority = 2 if dst_no == s.no + 1 else 3 if forward else 4
        bundle = s.no in bundles
        if src_page is dst_page:
            loop = dst_no < s.no and not bundle
            if loop:  # out of the side that faces the target's lane
                k, j = src_page.symbols[exit_sym].lane, src_page.symbols[entry_sym].lane
                sides = ["left", "bottom", "right"] if j < k else ["right", "bottom", "left"] if j > k else sides
            job = _Job(priority, src_page, exit_sym, sides, entry_sym, "top", label, s.no, dst_no, bundle, loop)
            jobs.append(job)
            continue
        later = dst_page.number > src_page.number
        pair = shared.get((s.no, dst_page.number))
        if pair is None:
            letter = next(letters)
            pair = (
                _add_connector(layout, src_page, "bottom" if later else "top", src_page.symbols[exit_sym].lane, letter),
                _add_connector(
                    layout, dst_page, "top" if later else "bottom", dst_page.symbols[entry_sym].lane, letter
                ),
            )
            if bundle:
                shared[(s.no, dst_page.number)] = pair
        out_conn, in_conn = pair
        out_label, in_label = (None, label) if bundle else (label, None)
        jobs.append(
            _Job(
                priority,
                src_page,
                exit_sym,
                sides,
                out_conn,
                "top" if later else "bottom",
                out_label,
                s.no,
                dst_no,
                bundle,
            )
        )
        jobs.append(
            _Job(
                priority,
                dst_page,
                in_conn,
                ["bottom" if later else "top"],
                entry_sym,
                "top",
                in_label,
                s.no,
                dst_no,
                bundle,
            )
        )

    for page in layout.pages:  # once every symbol is placed
        mine = sorted((j for j in jobs if j.page is page), key=lambda j: j.priority)
        key = (
            tuple((r.step.no if r.step else None, r.y, r.h) for r in page.rows),
            tuple((s.rect, s.lane, s.row) for s in page.symbols if s.kind == "connector"),
            tuple((j.priority, j.source, *j.sides, j.target, j.entry, j.label, j.to_step, j.bundle) for j in mine),
        )
        if key not in routed:
            try:
                quick = shrink and len(page.steps) > 1
                _route_page(layout, page, mine, 1 if quick else REORDERS, not quick)
                routed[key] = ([(r.y, r.h) for r in page.rows], [s.rect for s in page.symbols], page.arrows)
            except _NoRoom as failure:
                routed[key] = failure
        done = routed[key]
        if isinstance(done, _NoRoom):
            raise _NoRoom(page.number, done.limit, done.what)
        for row, (y, h) in zip(page.rows, done[0], strict=True):
            row.y, row.h = y, h
        for symbol, rect in zip(page.symbols, done[1], strict=True):
            symbol.rect = rect
        page.arrows = list(done[2])


def _route_page(layout: Layout, page: Page, jobs: list[_Job], reorders: int, stretch: bool) -> None:
    """Route a page's arrows, best first. When one finds no way, route the page again with it first (up to
    ``reorders`` times), then (if ``stretch``) with taller rows if the paper has room."""
    spare = layout.height - MARGIN - LEGEND_H - page.rows[-1].bottom
    failure: _NoRoom | None = None
    for extra in [0.0] + ([min(MAX_STRETCH, spare / len(page.rows))] if stretch else []):
        if extra:
            if extra < CROWDED_STEP:
                break
            _stretch(page, extra)
        order = list(jobs)
        for _attempt in range(reorders + 1):
            page.arrows.clear()
            page.clean = True
            router = _Router(layout, page)
            try:
                for job in order:
                    router.route(job)
                return
            except _NoRoom as no_room:
                assert no_room.job is not None
                failure = no_room
                order.remove(no_room.job)
                order.insert(0, no_room.job)
    assert failure is not None
    raise failure


def _stretch(page: Page, extra: float) -> None:
    """Make every row of the page ``extra`` taller, its symbols staying in the middle."""
    y = page.rows[0].y
    moved = []
    for row in page.rows:
        moved.append(y + (row.h + extra) / 2 - (row.y + row.h / 2))
        row.y, row.h = y, row.h + extra
        y = row.bottom
    for symbol in page.symbols:
        symbol.rect = replace(symbol.rect, y=symbol.rect.y + moved[symbol.row])


def _sides(step: Step, target_no: int) -> list[str]:
    """Where an arrow may leave its step's symbol, best first: a decision's branches spread over its vertices."""
    if target_no == step.no + 1:
        return ["bottom", "right", "left"]
    if target_no > step.no:
        return ["bottom", "left", "right"]
    return ["right", "left", "bottom"]  # loops go back around the right-hand side


def _add_connector(layout: Layout, page: Page, band: str, lane: int, letter: str) -> int:
    """A connector in the band row, under (or over) its lane if free, else as near to it as it fits."""
    row = 0 if band == "top" else len(page.rows) - 1
    r = page.rows[row]
    taken = [s.rect for s in page.symbols if s.row == row]
    w, h = max(SYMBOL_SIZE["connector"][0], 6.5 * len(letter) + 8), SYMBOL_SIZE["connector"][1]
    cx = layout.lanes[lane].cx
    # corridors too: their arrows turn into a band row's tracks before they reach its connectors
    left, right = layout.lanes_x[0] + 3, layout.lanes_x[1] - 3
    for k in itertools.count():
        places = [Rect(cx + d - w / 2, r.y + r.h / 2 - h / 2, w, h) for d in ((0,) if k == 0 else (28 * k, -28 * k))]
        inside = [rect for rect in places if left <= rect.x and rect.right <= right]
        if not inside and all(rect.x < left - 28 or rect.right > right + 28 for rect in places):
            break
        for rect in inside:
            if not any(rect.grow(3).overlaps(t) for t in taken):
                page.symbols.append(Symbol("connector", rect, lane, row, None, letter))
                return len(page.symbols) - 1
    raise _NoRoom(page.number, "connectors", _("its off-page connectors do not fit across the lanes"))


def _letters() -> Iterator[str]:
    """A, B, ..., Z, AA, AB, ..., ZZ, AAA, ...: never run out."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for size in itertools.count(1):
        for letters in itertools.product(alphabet, repeat=size):
            yield "".join(letters)
