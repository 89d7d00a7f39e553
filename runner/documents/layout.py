"""The SOP AP flowchart as plain geometry, computed from any SOP.

A page is a table: ``No | Kegiatan | one lane per pelaksana | Kelengkapan |
Waktu | Output | Ket.``. Each step is a row; its symbols sit in the row, in
its pelaksana's lanes. Arrows are orthogonal polylines from symbol edge to
symbol edge. They travel in *bands* (the gaps between rows) and *corridors*
(a margin left of the lanes for forward jumps, right of them for loops back),
so they never cross a symbol; every candidate route is checked against the
symbols, the labels and the arrows already drawn, and the first clean one
wins. An arrow to a step on another page ends in a lettered off-page
connector, and its twin starts the arrow on the target's page.

Everything is in CSS pixels (96 per inch); chart.py places the texts, the templates only draw.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..definition import END, SOP, Step
from ..i18n import N_, _

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
TITLE_H = 40.0
MIN_ROW_H = 76.0
BAND_ROW_H = 48.0  # the row that holds off-page connectors
TRACK_OFFSETS = (5, -5, 10, -10, 14, -14)  # never 0: an arrow on a row border would vanish into it
END_LABEL = N_("End")  # the end terminator a decision may point at
CORRIDOR_STEP = 6.0

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
    clean: bool = True  # False when some arrow found no route free of crossings

    @property
    def steps(self) -> list[int]:
        return [r.step.no for r in self.rows if r.step]


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


def _cells(step: Step, columns: list[Column]) -> dict[str, list[str]]:
    texts = {
        "no": f"{step.no}.",
        "uraian": step.uraian,
        "kelengkapan": "\n".join(step.kelengkapan),
        "waktu": step.waktu,
        "output": "\n".join(step.output),
        "keterangan": step.keterangan or "",
    }
    return {c.key: _wrap(texts[c.key], c.w) for c in columns}


def _row_height(cells: dict[str, list[str]]) -> float:
    lines = max(len(v) for v in cells.values())
    return max(MIN_ROW_H, lines * LINE_H + 2 * CELL_PAD_Y)


def _edges(sop: SOP) -> list[tuple[Step, str, str | None]]:
    """Every transition: (step, target id or "end", outcome name or None)."""
    edges = []
    for s in sop.steps:
        if s.decision:
            edges.extend((s, t, name) for name, t in s.decision.outcomes.items())
        elif s.next != END:
            edges.append((s, s.next, None))  # type: ignore[arg-type]
    return edges


def compute(sop: SOP, steps_per_page: int | None = None, paper: str = "a4") -> Layout:
    w_mm, h_mm = PAPER[paper]
    width, height = w_mm * PX_PER_MM, h_mm * PX_PER_MM
    edges = _edges(sop)
    index = sop.numbers
    jumps = sum(1 for s, t, _o in edges if t != END and index[t] > s.no + 1)
    loops = sum(1 for s, t, _o in edges if t != END and index[t] <= s.no)
    left_corridor = 8 + CORRIDOR_STEP * max(2, jumps + 1)
    right_corridor = 8 + CORRIDOR_STEP * max(2, loops + 1)

    x = MARGIN
    fixed = sum(w for _k, _t, w in TEXT_COLUMNS)
    lanes_w = width - 2 * MARGIN - fixed
    columns: list[Column] = []
    lanes: list[Lane] = []
    lanes_x = (0.0, 0.0)
    for key, title, w in TEXT_COLUMNS:
        columns.append(Column(key, _(title), x, w))
        x += w
        if key == "uraian":  # the lanes come right after the activity
            lanes_x = (x, x + lanes_w)
            lane_w = (lanes_w - left_corridor - right_corridor) / len(sop.pelaksana)
            lx = x + left_corridor
            for p in sop.pelaksana:
                lanes.append(Lane(p.id, _wrap(p.label, lane_w), lx, lane_w))
                lx += lane_w
            x += lanes_w
    header_y = MARGIN + TITLE_H
    header_h = HEADER_TOP + max(len(lane.title) for lane in lanes) * LINE_H + 2 * PAD

    heights = {s.no: _row_height(_cells(s, columns)) for s in sop.steps}
    room = height - header_y - header_h - MARGIN - 2 * BAND_ROW_H - 24  # 24: the legend line
    if steps_per_page is None:  # as many as always fit, the same on every page
        steps_per_page = 1
        for n in range(2, 13):
            chunks = [sop.steps[i : i + n] for i in range(0, len(sop.steps), n)]
            if all(sum(heights[s.no] for s in c) <= room for c in chunks):
                steps_per_page = n
    chunks = [list(sop.steps[i : i + steps_per_page]) for i in range(0, len(sop.steps), steps_per_page)]
    page_of = {s.no: p for p, chunk in enumerate(chunks) for s in chunk}

    layout = Layout(sop, paper, width, height, columns, lanes, lanes_x, header_y, header_h, steps_per_page, [])
    for p, chunk in enumerate(chunks):
        layout.pages.append(_page(layout, p, chunk, edges, page_of, heights))
    _connect_pages(layout, edges, page_of)
    return layout


def _page(layout: Layout, p: int, chunk: list[Step], edges: list, page_of: dict[int, int], heights: dict) -> Page:
    sop = layout.sop
    index = sop.numbers
    on_page = {s.no for s in chunk}
    crosses = [(s, t) for s, t, _o in edges if t != END and (s.no in on_page) != (index[t] in on_page)]
    top_band = any(
        (index[t] in on_page and page_of[s.no] < p) or (s.no in on_page and page_of[index[t]] < p) for s, t in crosses
    )
    bottom_band = any(
        (index[t] in on_page and page_of[s.no] > p) or (s.no in on_page and page_of[index[t]] > p) for s, t in crosses
    )
    y = layout.header_y + layout.header_h
    rows: list[Row] = []
    if top_band:
        rows.append(Row(y, BAND_ROW_H))
        y += BAND_ROW_H
    for s in chunk:
        rows.append(Row(y, heights[s.no], s, _cells(s, layout.columns)))
        y += heights[s.no]
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


class _Router:
    """Finds clean orthogonal routes on one page."""

    def __init__(self, layout: Layout, page: Page) -> None:
        self.layout, self.page = layout, page
        self.bands = [page.rows[0].y] + [r.bottom for r in page.rows]
        self.exits: dict[int, set[str]] = {}  # symbol -> sides its arrows already leave from

    def tracks(self, band: int) -> list[float]:
        y = self.bands[band]
        offsets = [d for d in TRACK_OFFSETS if (band > 0 or d >= 0) and (band < len(self.bands) - 1 or d <= 0)]
        return [y + d for d in offsets]

    def corridor(self, side: str) -> list[float]:
        x0, x1 = self.layout.lanes_x
        n = (
            int((self.layout.lanes[0].x - x0 - 4) // CORRIDOR_STEP)
            if side == "left"
            else int((x1 - self.layout.lanes[-1].x - self.layout.lanes[-1].w - 4) // CORRIDOR_STEP)
        )
        return (
            [x0 + 5 + CORRIDOR_STEP * k for k in range(n)]
            if side == "left"
            else [x1 - 5 - CORRIDOR_STEP * k for k in range(n)]
        )

    def entry_offsets(self, target: Symbol) -> list[float]:
        half = target.rect.w / 2 - 6
        return [d for d in (0, 10, -10, 20, -20) if abs(d) <= half]

    def clean(self, points: list[Point], source: int, target: int, label: Rect | None) -> bool:
        segs = list(itertools.pairwise(points))
        if any(a == b for a, b in segs):
            return False
        for i, sym in enumerate(self.page.symbols):
            box = sym.rect.grow(2) if i not in (source, target) else sym.rect
            for k, (a, b) in enumerate(segs):
                if i == source and k == 0 or i == target and k == len(segs) - 1:
                    continue
                if segment_hits_rect(a, b, box):
                    return False
            if label is not None and label.overlaps(sym.rect):
                return False
        for other in self.page.arrows:
            for a in segs:
                for b in other.segments:
                    if segments_overlap(a, b):
                        return False
            if other.label_rect is not None and any(segment_hits_rect(a, b, other.label_rect) for a, b in segs):
                return False
            if label is not None and any(segment_hits_rect(a, b, label) for a, b in other.segments):
                return False
        return True

    def route(self, source: int, sides: list[str], target: int, entry: str, label: str | None) -> Arrow:
        """The first clean route, trying the exit sides in order; a side once used stays with its arrow."""
        used = self.exits.setdefault(source, set())
        sides = [x for x in sides if x not in used] or sides
        first: Arrow | None = None
        for side in sides:
            for label_rect in _label_rects(self.page.symbols[source].rect, side, label):
                for points in self.candidates(source, side, target, entry):
                    arrow = Arrow(points, source, target, label, label_rect)
                    first = first or arrow
                    if self.clean(points, source, target, label_rect):
                        used.add(side)
                        return arrow
        self.page.clean = False
        assert first is not None
        return first

    def candidates(self, source: int, side: str, target: int, entry: str) -> Iterator[list[Point]]:
        s, t = self.page.symbols[source], self.page.symbols[target]
        sr, tr = s.rect, t.rect
        if entry in ("left", "right"):  # same row: straight across, or over the top if something is in the way
            ex = tr.x if entry == "left" else tr.right
            sx = sr.right if side == "right" else sr.x
            yield [(sx, sr.cy), (ex, tr.cy)]
            for y in self.tracks(s.row):
                yield [(sr.cx, sr.y), (sr.cx, y), (tr.cx, y), (tr.cx, tr.y)]
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
        ey = tr.y if entry == "top" else tr.bottom
        for off in self.entry_offsets(t):
            ex = tr.cx + off
            if first_band == target_band:
                if abs(ex - stub_x) < 0.5 and side in ("bottom", "top"):
                    yield [start[0], (ex, ey)]
                for y in self.tracks(first_band):
                    yield [*start, (stub_x, y), (ex, y), (ex, ey)]
                continue
            # forward jumps keep to the left corridor, loops back to the right one, unless the arrow
            # leaves from the other side, which then is shorter
            corridors = ["left", "right"] if target_band > first_band else ["right", "left"]
            if side in ("left", "right") and side != corridors[0]:
                corridors.reverse()
            for corridor in corridors:
                if side == corridor:  # straight out of the symbol's side into the corridor
                    for x in self.corridor(corridor):
                        for y2 in self.tracks(target_band):
                            yield [start[0], (x, sr.cy), (x, y2), (ex, y2), (ex, ey)]
                for x in self.corridor(corridor):
                    for y1, y2 in itertools.product(self.tracks(first_band), self.tracks(target_band)):
                        yield [*start, (stub_x, y1), (x, y1), (x, y2), (ex, y2), (ex, ey)]


def _label_rects(source: Rect, side: str, label: str | None) -> list[Rect | None]:
    """Where a branch's outcome name may stand, best first: beside the start of its arrow."""
    if not label:
        return [None]
    w, h = len(label) * 4.6 + 4, 10.0
    beside = {
        "bottom": [Rect(source.cx + 3, source.bottom + 1, w, h), Rect(source.cx - 3 - w, source.bottom + 1, w, h)],
        "right": [Rect(source.right + 2, source.cy - h - 1, w, h), Rect(source.right + 2, source.cy + 1, w, h)],
        "left": [Rect(source.x - 2 - w, source.cy - h - 1, w, h), Rect(source.x - 2 - w, source.cy + 1, w, h)],
        "top": [Rect(source.cx + 3, source.y - h - 1, w, h)],
    }[side]
    # beside the symbol's box, when the gap next to the vertex is too narrow
    return beside + [Rect(source.cx + 2, source.y - h - 1, w, h), Rect(source.cx + 2, source.bottom + 1, w, h)]


def _connect_pages(layout: Layout, edges: list, page_of: dict[int, int]) -> None:
    sop = layout.sop
    index = sop.numbers
    routers = {p.number: _Router(layout, p) for p in layout.pages}
    jobs: list[tuple[int, Page, int, list[str], int, str, str | None, int, int | str]] = []
    letters = iter(_letters())

    def job(
        priority: int,
        page: Page,
        src: int,
        side: list[str],
        dst: int,
        entry: str,
        label: str | None,
        from_no: int,
        to: int | str,
    ) -> None:
        jobs.append((priority, page, src, side, dst, entry, label, from_no, to))

    for page in layout.pages:
        for no in page.steps:
            syms = _step_symbols(page, no)
            for a, b in itertools.pairwise(syms):  # several pelaksana: joined in the listed order
                right = page.symbols[b].rect.cx > page.symbols[a].rect.cx
                job(0, page, a, ["right" if right else "left"], b, "left" if right else "right", None, no, no)
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
                name = next(n for n, t in step.decision.outcomes.items() if t == END)
                right = page.symbols[end].rect.cx > page.symbols[syms[-1]].rect.cx
                job(1, page, syms[-1], ["right" if right else "left"], end, "left" if right else "right", name, no, END)

    for s, t, outcome in edges:
        if t == END:
            continue
        src_page = layout.pages[page_of[s.no]]
        dst_no = index[t]
        dst_page = layout.pages[page_of[dst_no]]
        exit_sym = _step_symbols(src_page, s.no)[-1]
        entry_sym = _step_symbols(dst_page, dst_no)[0]
        side = _sides(s, dst_no)
        forward = dst_no > s.no
        priority = 2 if dst_no == s.no + 1 else 3 if forward else 4
        if src_page is dst_page:
            job(priority, src_page, exit_sym, side, entry_sym, "top", outcome, s.no, dst_no)
            continue
        letter = next(letters)
        later = dst_page.number > src_page.number
        out_conn = _add_connector(
            layout, src_page, "bottom" if later else "top", src_page.symbols[exit_sym].lane, letter
        )
        in_conn = _add_connector(
            layout, dst_page, "top" if later else "bottom", dst_page.symbols[entry_sym].lane, letter
        )
        job(priority, src_page, exit_sym, side, out_conn, "top" if later else "bottom", outcome, s.no, dst_no)
        job(priority, dst_page, in_conn, ["bottom" if later else "top"], entry_sym, "top", None, s.no, dst_no)

    for _prio, page, src, side, dst, entry, label, from_no, to in sorted(jobs, key=lambda j: j[0]):
        arrow = routers[page.number].route(src, side, dst, entry, label)
        arrow.from_step, arrow.to_step = from_no, to
        page.arrows.append(arrow)


def _sides(step: Step, target_no: int) -> list[str]:
    """Where an arrow may leave its step's symbol, best first: a decision's branches spread over its vertices."""
    if target_no == step.no + 1:
        return ["bottom", "right", "left"]
    if target_no > step.no:
        return ["bottom", "left", "right"]
    return ["right", "left", "bottom"]  # loops go back around the right-hand side


def _add_connector(layout: Layout, page: Page, band: str, lane: int, letter: str) -> int:
    row = 0 if band == "top" else len(page.rows) - 1
    r = page.rows[row]
    taken = [s.rect for s in page.symbols if s.row == row]
    cx = layout.lanes[lane].cx
    for shift in (0, 28, -28, 56, -56, 84, -84):
        rect = _symbol_rect("connector", cx + shift, r.y + r.h / 2)
        if not any(rect.grow(3).overlaps(t) for t in taken):
            break
    page.symbols.append(Symbol("connector", rect, lane, row, None, letter))
    return len(page.symbols) - 1


def _letters() -> Iterator[str]:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    yield from alphabet
    for a, b in itertools.product(alphabet, repeat=2):
        yield a + b
