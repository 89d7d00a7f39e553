"""Word (.docx): the tables of word/document.xml, read with lxml (python-docx models no shapes).

A row's cells are laid on the table's grid: ``w:gridBefore`` skips columns,
``w:gridSpan`` covers several, a ``w:vMerge`` continuation repeats the cell
above (marked merged). The flowchart symbols are drawn shapes: DrawingML
(``w:drawing``; inside ``mc:AlternateContent`` only the ``mc:Choice`` counts, the
``mc:Fallback`` is the same shape again in VML) and VML (``w:pict``). Each is
classified by its preset geometry or VML shape type and placed on the grid
column its horizontal centre falls on (``w:tblGrid`` widths, the anchor's
``posOffset`` and extent); one anchored without an offset stays in the cell
that holds it. Text inside shapes is not cell text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from .common import MAX_COLUMNS, MAX_ROWS, clean, damaged, member, too_many_columns, too_many_rows
from .grid import Cell, Grid, Symbol, Table, Where

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_V = "urn:schemas-microsoft-com:vml"
_EMU_PER_TWIP = 635


def w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


# DrawingML preset geometries and VML shape types -> the SOP AP symbol they draw
PRESETS = {
    "flowChartTerminator": "terminator",
    "roundRect": "terminator",
    "ellipse": "terminator",
    "flowChartProcess": "process",
    "flowChartAlternateProcess": "process",
    "rect": "process",
    "flowChartDecision": "decision",
    "diamond": "decision",
    "flowChartOffpageConnector": "connector",
    "flowChartConnector": "connector",
}
_VML = {
    "roundrect": "terminator",
    "oval": "terminator",
    "rect": "process",
    "_x0000_t116": "terminator",  # VML's flowChartTerminator
    "_x0000_t109": "process",
    "_x0000_t110": "decision",
    "_x0000_t4": "decision",  # diamond
    "_x0000_t177": "connector",  # off-page connector
    "_x0000_t120": "connector",
}
_NOT_TEXT = {w("drawing"), w("pict"), f"{{{_MC}}}AlternateContent", w("tbl"), w("del"), w("instrText")}


def safe_parser() -> Any:
    # no entities, no DTD, no network, no "huge" trees: a document cannot make the parser do more
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read_docx(path: Path, zf: zipfile.ZipFile) -> Grid:
    try:
        root = etree.fromstring(member(zf, "word/document.xml"), safe_parser())
    except etree.XMLSyntaxError:
        raise damaged(path) from None
    body = root.find(w("body"))
    if body is None:
        raise damaged(path)
    grid = Grid("docx")
    margin = _left_margin(body)
    for el in body:
        if el.tag == w("tbl"):
            _table(path, el, grid, margin)
        elif el.tag == w("p") and not grid.tables:
            text = clean(_text(el))
            if text:
                grid.title.append(text)
    return grid


def _left_margin(body: Any) -> int:
    mar = body.find(f"{w('sectPr')}/{w('pgMar')}")
    return _int(mar.get(w("left"))) if mar is not None else 1440


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def _table(path: Path, tbl: Any, grid: Grid, margin: int) -> None:
    index = len(grid.tables)
    number = index + 1
    widths = [_int(c.get(w("w"))) for c in tbl.findall(f"{w('tblGrid')}/{w('gridCol')}")]
    edges = [sum(widths[:i]) for i in range(len(widths) + 1)]
    table = Table()
    above: dict[int, Cell] = {}  # grid column -> the cell a vMerge continues
    for r, tr in enumerate(tbl.findall(w("tr"))):
        if r >= MAX_ROWS:
            raise too_many_rows(path)
        row: list[Cell] = []
        column = _int(_val(tr.find(f"{w('trPr')}/{w('gridBefore')}")))
        row.extend(Cell("", Where(number, r + 1, 0), merged=True) for _ in range(column))
        for c, tc in enumerate(tr.findall(w("tc"))):
            props = tc.find(w("tcPr"))
            span = max(1, _int(_val(props.find(w("gridSpan")) if props is not None else None), 1))
            vmerge = props.find(w("vMerge")) if props is not None else None
            where = Where(number, r + 1, c + 1)
            if vmerge is not None and _val(vmerge) in (None, "continue") and column in above:
                first = Cell(above[column].text, where, merged=True)
            else:
                first = Cell(clean(_text(tc)), where)
            row.append(first)
            row.extend(Cell(first.text, where, merged=True) for _ in range(span - 1))
            for k in range(span):
                above[column + k] = first
            left = edges[column] if column < len(edges) else 0
            for kind, centre in _shapes(tc, margin):
                at = column if centre is None else _column_of(left + centre, edges, column)
                grid.symbols.append(Symbol(kind, index, r, at))
            column += span
            if column > MAX_COLUMNS:
                raise too_many_columns(path)
        table.rows.append(row)
    grid.tables.append(table)


def _val(el: Any) -> str | None:
    return None if el is None else el.get(w("val"))


def _column_of(x: float, edges: list[int], default: int) -> int:
    if len(edges) < 2:
        return default
    for i in range(len(edges) - 1):
        if x < edges[i + 1]:
            return i
    return len(edges) - 2


def _text(el: Any) -> str:
    """The text of a paragraph or a cell: runs, tabs and breaks; a Wingdings tick as ✓; no shapes' text."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if tag in _NOT_TEXT or not isinstance(tag, str):
                continue
            if tag == w("t"):
                parts.append(child.text or "")
            elif tag == w("tab"):
                parts.append(" ")
            elif tag in (w("br"), w("cr")):
                parts.append("\n")
            elif tag == w("sym"):
                parts.append("✓")  # a symbol-font character in a pelaksana cell is a mark
            else:
                walk(child)
                if tag == w("p"):
                    parts.append("\n")

    walk(el)
    if el.tag == w("p"):
        parts.append("\n")
    return "".join(parts)


def _shapes(tc: Any, margin: int) -> list[tuple[str, float | None]]:
    """The symbols drawn in a cell: (kind, horizontal centre in twips from the cell's left, if placed)."""
    found: list[tuple[str, float | None]] = []
    for el in tc.iter(w("drawing"), w("pict")):
        if any(a.tag == f"{{{_MC}}}Fallback" for a in el.iterancestors()):
            continue  # the VML copy of a shape the mc:Choice already drew
        if el.tag == w("pict"):
            for shape in el.iter(f"{{{_V}}}*"):
                name = etree.QName(shape).localname
                kind = _VML.get((shape.get("type") or "").lstrip("#")) or _VML.get(name)
                if kind:
                    found.append((kind, None))
                    break
            continue
        anchor = el[0] if len(el) else None
        offset, relative = _offset(anchor)
        width = _extent(anchor)
        kinds = [PRESETS[p] for g in el.iter(f"{{{_A}}}prstGeom") if (p := g.get("prst") or "") in PRESETS]
        if not kinds:
            continue
        if offset is None or len(kinds) > 1:  # a group or canvas: each symbol where the cell holds it
            found.extend((k, None) for k in kinds)
            continue
        centre = (offset + width / 2) / _EMU_PER_TWIP
        if relative in ("page",):
            centre -= margin
        found.append((kinds[0], centre))
    return found


def _offset(anchor: Any) -> tuple[float | None, str]:
    if anchor is None or anchor.tag != f"{{{_WP}}}anchor":
        return None, ""
    pos = anchor.find(f"{{{_WP}}}positionH")
    if pos is None:
        return None, ""
    off = pos.find(f"{{{_WP}}}posOffset")
    if off is None or off.text is None:
        return None, ""
    relative = pos.get("relativeFrom") or "column"
    if relative not in ("column", "page", "margin"):
        return None, ""
    return float(_int(off.text)), relative


def _extent(anchor: Any) -> float:
    ext = anchor.find(f"{{{_WP}}}extent") if anchor is not None else None
    return float(_int(ext.get("cx"))) if ext is not None else 0.0
