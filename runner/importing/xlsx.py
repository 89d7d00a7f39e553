"""Excel (.xlsx): every sheet a table, read with openpyxl; a merged range fills each of its cells.

The drawn symbols of a sheet are in its drawing part (found through the sheet's
relationships): each ``xdr:twoCellAnchor`` (or ``oneCellAnchor``) gives the cells
it spans, its ``a:prstGeom`` the kind; the symbol stands in the middle column of
its span, in its first row.
"""

from __future__ import annotations

import io
import posixpath
import warnings
import zipfile
from pathlib import Path
from typing import Any

from .common import MAX_COLUMNS, MAX_ROWS, clean, damaged, member, too_many_columns, too_many_rows
from .grid import Cell, Grid, Symbol, Table, Where


def read_xlsx(path: Path, data: bytes) -> Grid:
    import openpyxl  # only a workbook needs it
    from openpyxl.utils import get_column_letter  # (openpyxl's own)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it drops
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises what its parsers raise, of many kinds, for a damaged file
        raise damaged(path) from None
    grid = Grid("xlsx")
    for number, sheet in enumerate(book.worksheets, start=1):
        if sheet.max_row > MAX_ROWS:
            raise too_many_rows(path)
        if sheet.max_column > MAX_COLUMNS:
            raise too_many_columns(path)
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in sheet.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    merged[(r, c)] = (rng.min_row, rng.min_col)
        values: dict[tuple[int, int], str] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    values[(cell.row, cell.column)] = clean(_text(cell.value))
        table = Table()
        for r in range(1, sheet.max_row + 1):
            cells = []
            for c in range(1, sheet.max_column + 1):
                origin = merged.get((r, c), (r, c))
                where = Where(number, r, c, f"{sheet.title}!{get_column_letter(c)}{r}")
                cells.append(Cell(values.get(origin, ""), where, merged=origin != (r, c)))
            table.rows.append(cells)
        grid.tables.append(table)
    try:
        grid.symbols.extend(_symbols(data))
    except SyntaxError:  # lxml's XMLSyntaxError: a drawing part that is not XML
        raise damaged(path) from None
    return grid


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _rels(zf: zipfile.ZipFile, part: str, parse: Any) -> dict[str, str]:
    """A part's relationships: id -> the target's name in the zip."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in zf.namelist():
        return {}
    found = {}
    for rel in parse(member(zf, rels)).iter(f"{{{_REL}}}Relationship"):
        target = rel.get("Target") or ""
        found[rel.get("Id") or ""] = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        )
    return found


def _symbols(data: bytes) -> list[Symbol]:
    from lxml import etree  # type: ignore[import-untyped]  # only a workbook's drawings need it

    from .docx import PRESETS, safe_parser  # the shapes' names, and a parser that expands nothing

    parser = safe_parser()

    def parse(raw: bytes) -> Any:
        return etree.fromstring(raw, parser)

    zf = zipfile.ZipFile(io.BytesIO(data))
    sheets = _rels(zf, "xl/workbook.xml", parse)
    found: list[Symbol] = []
    book = parse(member(zf, "xl/workbook.xml"))
    for index, sheet in enumerate(book.iter(f"{{{_S}}}sheet")):
        part = sheets.get(sheet.get(f"{{{_R}}}id") or "")
        if not part or part not in zf.namelist():
            continue
        for drawing in _rels(zf, part, parse).values():
            if not drawing.startswith("xl/drawings/") or drawing not in zf.namelist():
                continue
            for anchor in parse(member(zf, drawing)):
                start = anchor.find(f"{{{_XDR}}}from")
                if start is None:
                    continue
                end = anchor.find(f"{{{_XDR}}}to")
                first = _int(start.findtext(f"{{{_XDR}}}col"))
                last = _int(end.findtext(f"{{{_XDR}}}col")) if end is not None else first
                row = _int(start.findtext(f"{{{_XDR}}}row"))
                for geom in anchor.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}prstGeom"):
                    kind = PRESETS.get(geom.get("prst") or "")
                    if kind:
                        found.append(Symbol(kind, index, row, (first + last) // 2))
    return found


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a step number typed as 1 is read back as 1.0
    return str(value)
