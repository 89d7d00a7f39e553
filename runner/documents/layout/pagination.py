"""Pages as the office prints them: rows as tall as their texts, pages filled, symbols placed in their lanes."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import replace

from ...definition import END, SOP, Step
from ...errors import UserError
from ...i18n import _, ngettext
from ..base import transitions
from .geometry import Rect
from .metrics import (
    BAND_ROW_H,
    CELL_PAD_Y,
    CHAR_W,
    CORRIDOR_STEP,
    END_LABEL,
    FONT,
    HEADER_TOP,
    LEGEND_H,
    LINE_H,
    MARGIN,
    MASTHEAD_GAP,
    MAX_CORRIDOR_TRACKS,
    MAX_HEADING_LINES,
    MAX_REPAGINATIONS,
    MIN_LANE_W,
    PAD,
    PAGE_NUMBER,
    PAPER,
    PX_PER_MM,
    ROOMY_ROW_H,
    SMALL,
    SMALL_LINE_H,
    SYMBOL_ROOM,
    SYMBOL_SIZE,
    TEXT_COLUMNS,
    TITLE,
    TITLE_H,
    TITLE_LINE_H,
    TITLE_SIZE,
    fit,
    text_width,
)
from .model import Block, Column, Lane, Layout, Page, Row, Symbol, symbol_rect
from .routing import _connect_pages, _NoRoom, _Routed


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
                Symbol(kind, symbol_rect(kind, layout.lanes[lane].cx, row.y + row.h / 2), lane, r, s.no)
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
                        symbol_rect("terminator", layout.lanes[free[0]].cx, row.y + row.h / 2),
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
                        symbol_rect("terminator", layout.lanes[exit_lane].cx, cy),
                        exit_lane,
                        r,
                        None,
                        _(END_LABEL),
                    )
                )
