"""Plain text: the table pasted out of Word or Excel, tab-separated (like the seed)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..i18n import _
from .common import MAX_COLUMNS, MAX_ROWS, clean, refuse, too_many_columns, too_many_rows
from .grid import Cell, Grid, Table, Where


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" export is UTF-16
        return data.decode("utf-16")
    if b"\x00" in data:
        raise refuse(
            path,
            _("{path} is not text, a .docx or a .xlsx file; give the SOP table in one of them").format(path=path),
            "import-binary",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Windows' own text export


def read_text(path: Path, data: bytes) -> Grid:
    """Tab-separated rows (pasted from Word or Excel); also rows with ``|`` between cells.

    Lines without a separator above the table are its title; inside it, they continue the
    row above (a cell's second line). Excel quotes a cell with line breaks: csv reads that."""
    text = _decode(path, data).replace("\r\n", "\n").replace("\r", "\n")
    grid = Grid("text", ragged=True)
    table = Table()
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    for rows_read, fields in enumerate(reader, start=1):
        line = reader.line_num
        if rows_read > MAX_ROWS * 4:
            raise too_many_rows(path)
        if len(fields) == 1 and "|" in fields[0]:
            fields = [f.strip() for f in fields[0].strip().strip("|").split("|")]
        if len(fields) <= 1:
            single = fields[0].strip() if fields else ""
            if not single:
                continue
            if table.rows:
                table.rows.append([Cell(single, Where(1, line, 1))])  # a line of the cell above
            else:
                grid.title.append(single.strip("* "))
            continue
        if len(fields) > MAX_COLUMNS:
            raise too_many_columns(path)
        table.rows.append([Cell(clean(f), Where(1, line, i + 1)) for i, f in enumerate(fields)])
    if table.rows:
        grid.tables.append(table)
    return grid
