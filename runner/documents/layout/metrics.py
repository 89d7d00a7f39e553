"""The page and type metrics the chart is sized by: paper, margins, fonts, the symbols, the text columns."""

from __future__ import annotations

from ...i18n import N_
from .hyphen import wrap

# --- page and type metrics --------------------------------------------------------

PAPER = {"a4": (297, 210), "f4": (330, 215)}  # mm, portrait width x height
PX_PER_MM = 96 / 25.4
MARGIN = 30
FONT = 10.0  # body text size
HEADER_SIZE = 9.5  # the table header's bold text: the lanes' headings wrap by it
CHAR_W = 0.58 * FONT  # a generous average character width, for rough sizes; texts are measured by text_width
LINE_H = 12.5
PAD = 4.0
CELL_PAD_Y = PAD + 1  # above and below a cell's text
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
LANE_W = 96.0  # a lane's comfortable width: a symbol, and room beside it for a loop and a label
MAX_URAIAN_EXTRA = 150.0  # the most the activity column grows, out of lanes wider than LANE_W
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


# The advance widths (thousandths of an em) of the characters SOP texts are made of, in the fonts the SVG and
# HTML name first: the wider of DejaVu Sans and Liberation Sans (Arial's metrics), rounded up, so that a line
# measured here is never wider when printed (tests/test_flowchart.py checks both fonts and WeasyPrint's setting).
# Any other character counts as an em and a little: wider than any of these.
GLYPHS = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\xa0éèáàíóúÉ–—…‘’“”°×·"
# fmt: off
_REGULAR = dict(zip(GLYPHS, (
    318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637, 637, 637,
    637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 557, 1016, 685, 687, 723, 771, 667, 611, 778, 752, 295,
    500, 667, 558, 863, 749, 788, 667, 788, 723, 667, 611, 732, 685, 989, 686, 667, 686, 391, 337, 391, 838,
    557, 500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612, 635, 635, 412, 521,
    393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838, 318, 616, 616, 613, 613, 278, 612, 634, 667, 557,
    1000, 1000, 318, 318, 519, 519, 500, 838, 318,
), strict=True))
_BOLD = dict(zip(GLYPHS, (
    349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 611, 1000, 774, 763, 734, 831, 684, 684, 821, 837, 373,
    557, 775, 638, 996, 837, 851, 733, 851, 771, 721, 683, 813, 774, 1104, 771, 725, 726, 458, 366, 458, 838,
    557, 500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666, 343, 1042, 712, 688, 716, 716, 494, 596,
    479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838, 349, 679, 679, 675, 675, 343, 688, 712, 684, 557,
    1000, 1000, 380, 380, 658, 658, 500, 838, 380,
), strict=True))
# fmt: on
_OTHER = 1105  # wider than every character above, regular or bold


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` set at ``size`` px in DejaVu Sans or Liberation Sans, whichever is wider: never
    less than the printed width (kerning only narrows)."""
    widths = _BOLD if bold else _REGULAR
    return sum(widths.get(c, _OTHER) for c in text) * size / 1000


def fit(text: str, width: float, size: float, bold: bool = False, most: int = MAX_TITLE_LINES) -> tuple[str, ...]:
    """``text`` wrapped into lines no wider than ``width``, at most ``most`` of them: what is left over
    is cut off, the last line ending in "…" so that the reader sees it is shortened."""
    # a word wider than the line breaks between syllables, with a hyphen (hyphen.wrap)
    lines = [x for x in wrap(" ".join(text.split()), lambda line: text_width(line, size, bold) <= width) if x]
    if len(lines) > most:
        last = lines[most - 1]
        while last and text_width(last.rstrip() + "…", size, bold) > width:
            last = last[:-1]
        lines = [*lines[: most - 1], last.rstrip() + "…"]
    return tuple(lines)
