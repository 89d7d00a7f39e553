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

# The package's rooms, each with one job: metrics (what things measure), geometry (rectangles and
# segments), model (what a laid-out chart holds), pagination (rows and pages), routing (arrows).
from .geometry import Point, Rect, beside_label, segment_hits_rect, segments_overlap, shared_span
from .metrics import (
    BAND_ROW_H,
    BUNDLE,
    CELL_PAD_Y,
    CHAR_W,
    CORRIDOR_STEP,
    CROWDED_OFFSETS,
    CROWDED_STEP,
    END_LABEL,
    FONT,
    HEADER_TOP,
    LABEL_CLEARANCE,
    LEGEND_H,
    LINE_H,
    MARGIN,
    MASTHEAD_GAP,
    MAX_CORRIDOR_TRACKS,
    MAX_HEADING_LINES,
    MAX_REPAGINATIONS,
    MAX_STRETCH,
    MAX_TITLE_LINES,
    MIN_LANE_W,
    PAD,
    PAGE_NUMBER,
    PAPER,
    PX_PER_MM,
    REORDERS,
    ROOMY_ROW_H,
    ROUTE_BUDGET,
    SMALL,
    SMALL_LINE_H,
    SYMBOL_ROOM,
    SYMBOL_SIZE,
    TEXT_COLUMNS,
    TITLE,
    TITLE_H,
    TITLE_LINE_H,
    TITLE_SIZE,
    TRACK_OFFSETS,
    fit,
    text_width,
)
from .model import Arrow, Block, Column, Lane, Layout, Page, Row, Symbol
from .pagination import compute, most_pelaksana, row_height

__all__ = [
    "SMALL",
    "SMALL_LINE_H",
    "TITLE_LINE_H",
    "TITLE_SIZE",
    "annotations",
    "Point",
    "Rect",
    "beside_label",
    "segment_hits_rect",
    "segments_overlap",
    "shared_span",
    "BAND_ROW_H",
    "BUNDLE",
    "CELL_PAD_Y",
    "CHAR_W",
    "CORRIDOR_STEP",
    "CROWDED_OFFSETS",
    "CROWDED_STEP",
    "END_LABEL",
    "FONT",
    "HEADER_TOP",
    "LABEL_CLEARANCE",
    "LEGEND_H",
    "LINE_H",
    "MARGIN",
    "MASTHEAD_GAP",
    "MAX_CORRIDOR_TRACKS",
    "MAX_HEADING_LINES",
    "MAX_REPAGINATIONS",
    "MAX_STRETCH",
    "MAX_TITLE_LINES",
    "MIN_LANE_W",
    "PAD",
    "PAGE_NUMBER",
    "PAPER",
    "PX_PER_MM",
    "REORDERS",
    "ROOMY_ROW_H",
    "ROUTE_BUDGET",
    "SYMBOL_ROOM",
    "SYMBOL_SIZE",
    "TEXT_COLUMNS",
    "TITLE",
    "TITLE_H",
    "TRACK_OFFSETS",
    "fit",
    "text_width",
    "Arrow",
    "Block",
    "Column",
    "Lane",
    "Layout",
    "Page",
    "Row",
    "Symbol",
    "compute",
    "most_pelaksana",
    "row_height",
]
