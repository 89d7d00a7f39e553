"""The page and type metrics the chart is sized by: paper, margins, fonts, the symbols, the text columns."""

from __future__ import annotations

from ...i18n import N_

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
