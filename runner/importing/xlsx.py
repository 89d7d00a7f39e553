"""Excel (.xlsx): every sheet a table, read with openpyxl; a merged range fills each of its cells.

The drawn symbols of a workbook (``xdr:twoCellAnchor`` in its drawing parts) are
not read yet: a sheet's marks are its cells' text.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from .common import MAX_COLUMNS, MAX_ROWS, clean, damaged, too_many_columns, too_many_rows
from .grid import Cell, Grid, Table, Where


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
    return grid


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a step number typed as 1 is read back as 1.0
    return str(value)
