"""Word (.docx): the tables of word/document.xml, read with lxml (python-docx models no shapes).

A row's cells are laid on the table's grid: ``w:gridBefore`` skips columns,
``w:gridSpan`` covers several, a ``w:vMerge`` continuation repeats the cell
above (marked merged). The flowchart symbols are drawn shapes: DrawingML
(``w:drawing``; inside ``mc:AlternateContent`` only the ``mc:Choice`` counts, the
``mc:Fallback`` is the same shape again in VML) and VML (``w:pict``). Each is
classified by its preset geometry or VML shape type and placed on the grid
column its horizontal centre falls on (``w:tblGrid`` widths, the anchor's
``posOffset`` and extent); one anchored without an offset stays in the cell
that holds it. Shapes in a group (``wpg:wgp``, nested ``wpg:grpSp``) or on a canvas
(``wpc:wpc``) are each placed by their own ``a:xfrm`` offset within it, carried
through the groups' child frames (``chOff``/``chExt``), from the drawing's anchor
(or the cell's left, inline). Text inside shapes is not cell text.
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
_WPG = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
_WPC = "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
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
        root = next(el.iter(f"{{{_WPG}}}wgp", f"{{{_WPC}}}wpc"), None)
        if root is not None:  # a group or a canvas: each shape by its own offset within it
            base = 0.0 if offset is None else offset  # inline: from the cell's left, where it stands
            for kind, x, w_ in _grouped(root):
                centre = (base + x + w_ / 2) / _EMU_PER_TWIP
                found.append((kind, centre - margin if relative == "page" else centre))
            continue
        if offset is None or len(kinds) > 1:  # shapes without places of their own: where the cell holds them
            found.extend((k, None) for k in kinds)
            continue
        centre = (offset + width / 2) / _EMU_PER_TWIP
        if relative in ("page",):
            centre -= margin
        found.append((kinds[0], centre))
    return found


def _xfrm(el: Any) -> tuple[float, float, float, float] | None:
    """An ``a:xfrm``'s offset and extent along x, and its children's (off, ext, chOff, chExt); None without."""
    xfrm = el.find(f"{{{_A}}}xfrm") if el is not None else None
    if xfrm is None:
        return None
    off, ext = xfrm.find(f"{{{_A}}}off"), xfrm.find(f"{{{_A}}}ext")
    ch_off, ch_ext = xfrm.find(f"{{{_A}}}chOff"), xfrm.find(f"{{{_A}}}chExt")

    def x(node: Any, key: str) -> float:
        return float(_int(node.get(key))) if node is not None else 0.0

    return x(off, "x"), x(ext, "cx"), x(ch_off, "x"), x(ch_ext, "cx")


def _grouped(root: Any) -> list[tuple[str, float, float]]:
    """The symbols of a group (``wpg:wgp``) or a canvas (``wpc:wpc``): (kind, left, width) in EMU from the
    group's left, each shape's ``a:xfrm`` offset carried through the groups it is nested in."""
    found: list[tuple[str, float, float]] = []

    def walk(node: Any, scale: float, shift: float) -> None:  # child x -> root x: shift + x * scale
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == f"{{{_WPS}}}wsp":
                props = child.find(f"{{{_WPS}}}spPr")
                geom = props.find(f"{{{_A}}}prstGeom") if props is not None else None
                kind = PRESETS.get(geom.get("prst") or "") if geom is not None else None
                box = _xfrm(props)
                if kind and box is not None:
                    found.append((kind, shift + box[0] * scale, box[1] * scale))
            elif tag in (f"{{{_WPG}}}grpSp", f"{{{_WPG}}}wgp"):
                box = _xfrm(child.find(f"{{{_WPG}}}grpSpPr"))
                if box is None:
                    walk(child, scale, shift)
                    continue
                off, ext, ch_off, ch_ext = box
                inner = ext / ch_ext if ch_ext else 1.0
                walk(child, scale * inner, shift + scale * (off - ch_off * inner))

    if root.tag == f"{{{_WPG}}}wgp":  # the group's own frame maps its children onto the drawing
        box = _xfrm(root.find(f"{{{_WPG}}}grpSpPr"))
        if box is not None and box[3]:
            off, ext, ch_off, ch_ext = box
            walk(root, ext / ch_ext, off - ch_off * ext / ch_ext)
            return found
    walk(root, 1.0, 0.0)  # a canvas: its shapes' offsets are from its own left
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
