"""The one model between the readers and the draft: tables of cells, and the symbols drawn on them.

Every reader (plain text, .xlsx, .docx; a PDF or a scan later) fills a ``Grid``:
each table a list of rows, each row its cells laid out on the table's grid
columns (a cell merged over several columns or rows appears in each, marked
``merged``), every cell with the place it was read from. Symbols (the drawn
flowchart shapes) sit on the same grid by table, row and column, so that what
is found later never depends on which reader found it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import _


@dataclass(frozen=True)
class Where:
    """Where a cell was read: table, row and cell counted from 1 as a person counts them
    (the cell is its place in its source row), and the source's own name for it if it has one."""

    table: int
    row: int
    cell: int
    ref: str = ""  # "Sheet1!B7" in a workbook; "" where the source names no cells

    def __str__(self) -> str:
        text = _("table {table}, row {row}, cell {cell}").format(table=self.table, row=self.row, cell=self.cell)
        return f"{text} ({self.ref})" if self.ref else text

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"table": self.table, "row": self.row, "cell": self.cell}
        if self.ref:
            found["ref"] = self.ref
        return found


@dataclass(frozen=True)
class Cell:
    text: str  # its lines joined by "\n", each stripped
    where: Where
    merged: bool = False  # a copy of a cell merged over this place (gridSpan, vMerge, an Excel range)


# the kinds of symbol a flowchart column holds (SOP AP): what each reader maps its shapes to
SYMBOL_KINDS = ("terminator", "process", "decision", "connector")


@dataclass(frozen=True)
class Symbol:
    """A shape drawn in the table: its kind and the grid place its centre falls on (columns from 0)."""

    kind: str
    table: int  # the table's index in ``Grid.tables``
    row: int  # the row's index in that table
    column: int  # the grid column


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Grid:
    kind: str  # "text", "xlsx", "docx"
    tables: list[Table] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    title: list[str] = field(default_factory=list)  # the lines above the first table: the SOP's name
    ragged: bool = False  # rows may hold fewer cells than the header (pasted text lost its empty cells)
