"""Arrows routed on a page: orthogonal polylines in bands and corridors, checked against what is near them."""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from ...definition import END, Step
from ...i18n import _
from ..base import outcomes_to
from .geometry import (
    Band,
    Point,
    Rect,
    Side,
    beside_label,
    segment_hits_rect,
    segments_overlap,
    shared_span,
)
from .metrics import (
    BUNDLE,
    CORRIDOR_STEP,
    CROWDED_OFFSETS,
    CROWDED_STEP,
    END_LABEL,
    LABEL_CLEARANCE,
    MAX_STRETCH,
    REORDERS,
    ROUTE_BUDGET,
    SYMBOL_SIZE,
    TRACK_OFFSETS,
)
from .model import Arrow, Layout, Page, Symbol, state_symbols


class _Exhausted(Exception):
    """An arrow's search for a route used up its budget."""


class _NoRoom(Exception):
    """One page of a pagination cannot be drawn cleanly; with fewer steps per page it may be."""

    def __init__(self, page: int, limit: str, what: str, job: _Job | None = None) -> None:
        super().__init__(what)
        self.page, self.limit, self.what = page, limit, what
        self.job = job  # the arrow that found no way, if that was it


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
    sides: list[Side]  # where it may leave the source, best first
    target: int
    entry: Side
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
        self.exits: dict[int, set[Side]] = {}  # symbol -> sides its arrows already leave from
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

    def _corridor(self, side: Side) -> list[float]:
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
        self, job: _Job, side: Side, tracks: list[list[float]], free: _SegmentCheck, near: bool = False
    ) -> Iterator[tuple[list[Point], Rect | None, int | None]]:
        """Clean routes leaving by ``side``, each with where its label stands (and beside which segment);
        ``near``: only the short ways of a loop back, in the lanes between its ends."""
        routes = self._near_loops(job, side, tracks, free) if near else self.candidates(job, side, tracks, free)
        if not job.label:
            for points in routes:
                yield points, None, None
        elif not job.bundle:  # beside the start of the arrow, where the branch leaves its decision
            source = self.page.symbols[job.source].rect
            spots = _label_rects(source, side, job.label)
            # a label over the line between two lanes is hard to read: of the places beside the vertex (all
            # but the last two, beside the box), those clear of it first
            borders = [lane.x for lane in self.layout.lanes[1:]]
            rank = {id(r): (k >= len(spots) - 2, any(r.x < x < r.right for x in borders)) for k, r in enumerate(spots)}
            rects = sorted((r for r in spots if self._label_free(r, [], job)), key=lambda r: rank[id(r)])
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

    def candidates(
        self, job: _Job, side: Side, tracks: list[list[float]], free: _SegmentCheck
    ) -> Iterator[list[Point]]:
        """The clean routes, best first; each part is checked once, and no route is built on a blocked part."""
        s, t = self.page.symbols[job.source], self.page.symbols[job.target]
        entry = job.entry
        sr, tr = s.rect, t.rect
        if entry in ("left", "right"):  # same row: straight across, or over the top if something is in the way
            ex = tr.x if entry == "left" else tr.right
            sx = sr.right if side == "right" else sr.x
            paths = [[(sx, sr.cy), (ex, tr.cy)]] if abs(sr.cy - tr.cy) < 0.5 else []
            paths += [[(sr.cx, sr.y), (sr.cx, y), (tr.cx, y), (tr.cx, tr.y)] for y in tracks[s.row]]
            yield from (p for p in paths if self._fits(p, free))
            return
        if s.row == t.row and side == "bottom" and entry == "top" and sr.bottom < tr.y and abs(sr.cx - tr.cx) < 1:
            path = [(sr.cx, sr.bottom), (tr.cx, tr.y)]  # activities stacked in one lane of a row: straight down
            if self._fits(path, free):
                yield path
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
        self, job: _Job, side: Side, tracks: list[list[float]], free: _SegmentCheck
    ) -> Iterator[list[Point]]:
        """The clean routes of a loop back that cross no lane outside the two its ends stand in, shortest first:
        beside the symbols into the target's side, or under the target into its bottom; never round the table.
        A loop back to an earlier page is two such: up from its decision into the connector over it, and up from
        the connector under its target into the target's bottom."""
        s, t = self.page.symbols[job.source], self.page.symbols[job.target]
        sr, tr = s.rect, t.rect
        lanes, (x0, x1) = self.layout.lanes, self.layout.lanes_x
        lo, hi = min(s.lane, t.lane), max(s.lane, t.lane)
        left = lanes[lo].x if lo > 0 else x0  # the outer lanes take in the corridors
        right = lanes[hi].x + lanes[hi].w if hi < len(lanes) - 1 else x1
        entries = [tr.cx + off for off in self.entry_offsets(t)]
        routes: list[list[Point]] = []
        if side == "bottom":
            starts = [[(sr.cx, sr.bottom), (sr.cx, y)] for y in tracks[s.row + 1]]
        elif side == "top":  # up from the connector of a loop from a later page, under its target
            starts = [[(sr.cx, sr.y), (sr.cx, y)] for y in tracks[s.row]]
            routes += [[(sr.cx, sr.y), (ex, tr.bottom)] for ex in entries if abs(ex - sr.cx) < 0.5]
        else:
            sx = sr.x if side == "left" else sr.right
            starts = [[(sx, sr.cy)]]
        xs = set(self.channels) | set(self.corridors["left"]) | set(self.corridors["right"])
        xs |= {b + d for b in (sr.x, tr.x) for d in (-6, -10, -14)} | {
            b + d for b in (sr.right, tr.right) for d in (6, 10, 14)
        }
        under = tracks[t.row + 1] if t.row < s.row else []  # the band below the target
        beside = t.kind != "connector"  # a connector is entered from below, never from its side
        if t.row == s.row and side == "bottom":  # back to an activity of the same row: under the row, up into it
            routes += [
                [(sr.cx, sr.bottom), (sr.cx, y), (ex, y), (ex, tr.bottom)]
                for y in tracks[s.row + 1]
                if y > max(sr.bottom, tr.bottom) + 2
                for ex in entries
            ]
        for start in starts:
            (px, py) = start[-1]
            if side == "left":
                ways = [x for x in xs if left + 2 <= x < sr.x - 3]
            elif side == "right":
                ways = [x for x in xs if sr.right + 3 < x <= right - 2]
            else:
                ways = [x for x in xs if left + 2 <= x <= right - 2 and not sr.x - 3 <= x <= sr.right + 3]
            if side != "bottom":  # straight across to under the target, then up into it
                routes += [
                    [*start, (ex, py), (ex, tr.bottom)]
                    for ex in entries
                    if side == "top" or (ex < px) == (side == "left")
                ]
            for x in ways:
                if beside and x > tr.right + 2:  # up beside the target, into its side
                    routes.append([*start, (x, py), (x, tr.cy), (tr.right, tr.cy)])
                elif beside and x < tr.x - 2:
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
    total = 10.0 * (len(points) - 2)
    (px, py), rest = points[0], points[1:]  # a plain loop: a loop back sorts thousands of routes by this
    for x, y in rest:
        total += abs(x - px) + abs(y - py)
        px, py = x, y
    return total


def _label_size(label: str) -> tuple[float, float]:
    return len(label) * 4.6 + 4, 10.0


def _label_rects(source: Rect, side: Side, label: str) -> list[Rect]:
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
    order = {s.id: i for i, s in enumerate(sop.steps)}
    bundles = {s.id for s in sop.steps if len(s.targets) > BUNDLE}
    jobs: list[_Job] = []
    letters = _letters()

    for page in layout.pages:
        for no in page.steps:
            for step in sop.rows[no - 1].steps:  # a step, or each activity of a row of several
                syms = state_symbols(page, step.id)
                for a, b in itertools.pairwise(syms):  # several pelaksana: joined in the listed order
                    right = page.symbols[b].rect.cx > page.symbols[a].rect.cx
                    jobs.append(
                        _Job(0, page, a, ["right" if right else "left"], b, "left" if right else "right", None, no, no)
                    )
                end = next(
                    (
                        i
                        for i, s in enumerate(page.symbols)
                        if s.step is None and s.kind == "terminator" and s.state == step.id
                    ),
                    None,
                )
                if step.decision and end is not None:
                    right = page.symbols[end].rect.cx > page.symbols[syms[-1]].rect.cx
                    side: Side = "right" if right else "left"
                    entry: Side = "left" if right else "right"
                    # its own vertex, its label beside it, even for a decision of many branches: the end is near
                    jobs.append(_Job(1, page, syms[-1], [side], end, entry, outcomes_to(step, END), no, END))

    # A bundle's branches to one page share one pair of connectors; their labels stand on that page.
    shared: dict[tuple[str, int], tuple[int, int]] = {}
    for s, t, label in arrows:
        if t == END:
            continue
        src_page = layout.pages[page_of[s.no]]
        dst_no = index[t]
        dst_page = layout.pages[page_of[dst_no]]
        exit_sym = state_symbols(src_page, s.id)[-1]
        entry_sym = state_symbols(dst_page, t)[0]
        sides = _sides(s, dst_no)
        forward = dst_no > s.no
        priority = 2 if dst_no == s.no + 1 else 3 if forward else 4
        bundle = s.id in bundles
        if dst_no == s.no and s.sub:  # between activities of one row
            jobs.append(_inside_row(src_page, exit_sym, entry_sym, order[t] > order[s.id], label, s.no, bundle))
            continue
        if src_page is dst_page:
            loop = dst_no < s.no and not bundle
            if loop:  # out of the side that faces the target's lane
                k, j = src_page.symbols[exit_sym].lane, src_page.symbols[entry_sym].lane
                sides = ["left", "bottom", "right"] if j < k else ["right", "bottom", "left"] if j > k else sides
            job = _Job(priority, src_page, exit_sym, sides, entry_sym, "top", label, s.no, dst_no, bundle, loop)
            jobs.append(job)
            continue
        later = dst_page.number > src_page.number
        pair = shared.get((s.id, dst_page.number))
        if pair is None:
            letter = next(letters)
            pair = (
                _add_connector(layout, src_page, "bottom" if later else "top", src_page.symbols[exit_sym].lane, letter),
                _add_connector(
                    layout, dst_page, "top" if later else "bottom", dst_page.symbols[entry_sym].lane, letter
                ),
            )
            if bundle:
                shared[(s.id, dst_page.number)] = pair
        out_conn, in_conn = pair
        out_label, in_label = (None, label) if bundle else (label, None)
        back = not later and not bundle  # a loop back: each half kept to the lanes between its ends, if it can
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
                back,
            )
        )
        jobs.append(
            _Job(
                priority,
                dst_page,
                in_conn,
                ["bottom" if later else "top"],
                entry_sym,
                # a loop back from a later page comes up from its connector under the target, into its bottom:
                # round to its top it would cross every lane to the table's edge
                "top" if later else "bottom",
                in_label,
                s.no,
                dst_no,
                bundle,
                back,
            )
        )

    for page in layout.pages:  # once every symbol is placed
        # a bundle's farthest branch first: it lays the trunk the nearer ones then leave it by; routed nearest
        # first, the last found the way along the trunk taken and searched its whole budget before a reorder
        mine = sorted((j for j in jobs if j.page is page), key=lambda j: (j.priority, -_reach_of(page, j)))
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


def _reach_of(page: Page, job: _Job) -> float:
    """How far a branch of a bundle goes from its source (0 for any other arrow)."""
    if not job.bundle:
        return 0.0
    s, t = page.symbols[job.source].rect, page.symbols[job.target].rect
    return abs(t.cy - s.cy) + abs(t.cx - s.cx)


def _route_page(layout: Layout, page: Page, jobs: list[_Job], reorders: int, stretch: bool) -> None:
    """Route a page's arrows, best first. When one finds no way, route the page again with it first (up to
    ``reorders`` times), then (if ``stretch``) with taller rows if the paper has room."""
    spare = layout.bottom - page.rows[-1].bottom
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


def _inside_row(page: Page, source: int, target: int, forward: bool, label: str | None, no: int, bundle: bool) -> _Job:
    """An arrow between activities of one row: on to the next across the row (side to side, or down when
    they stand in one lane), or back to an earlier one, a loop under the row kept to the lanes between them."""
    a, b = page.symbols[source].rect, page.symbols[target].rect
    if forward:
        if abs(a.cx - b.cx) < 1:
            return _Job(1, page, source, ["bottom"], target, "top", label, no, no, bundle)
        if abs(a.cy - b.cy) >= 1:  # one of them stacked in its lane: over the top, or under the bottom
            up = b.cy < a.cy
            return _Job(1, page, source, ["top" if up else "bottom"], target, "top" if up else "bottom", label,
                        no, no, bundle)  # fmt: skip
        right = b.cx > a.cx
        return _Job(1, page, source, ["right" if right else "left"], target, "left" if right else "right", label,
                    no, no, bundle)  # fmt: skip
    return _Job(4, page, source, ["bottom", "right", "left"], target, "top", label, no, no, bundle, True)


def _sides(step: Step, target_no: int) -> list[Side]:
    """Where an arrow may leave its step's symbol, best first: a decision's branches spread over its vertices."""
    if target_no == step.no + 1:
        return ["bottom", "right", "left"]
    if target_no > step.no:
        return ["bottom", "left", "right"]
    return ["right", "left", "bottom"]  # loops go back around the right-hand side


def _add_connector(layout: Layout, page: Page, band: Band, lane: int, letter: str) -> int:
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
