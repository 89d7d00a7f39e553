"""Finding the SOP table in a ``Grid``: its header rows, its columns, and its numbered rows.

The header is the row holding both a number heading ("No") and the activity
("Uraian Kegiatan", "Kegiatan", "Aktivitas"), with the rows under it that name
the pelaksana (under "Pelaksana" or "Pejabat yang Bertanggung Jawab") and the
parts of the mutu baku (Kelengkapan or Perlengkapan or Persyaratan, Waktu,
Output); any case. A heading repeated on a later page, the row of column
numbers (1 2 3 ...) and a table continued in a second table are passed over;
a row without a number continues the step above it (a cell's lines split over
a page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grid import Cell, Grid, Where

NO, URAIAN, KELENGKAPAN, WAKTU, OUTPUT, KET, ROLE = "no", "uraian", "kelengkapan", "waktu", "output", "ket", "role"
_PELAKSANA_GROUP, _MUTU_GROUP = "pelaksana-group", "mutu-group"
FIELDS = (URAIAN, KELENGKAPAN, WAKTU, OUTPUT, KET)
_NUMBER = re.compile(r"^\(?\s*(\d{1,4})\s*[.)]?\s*\)?$")


def norm(text: str) -> str:
    """Lowercase words only: how headings and names are compared."""
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def heading(text: str) -> str | None:
    """What a header cell heads, in the words offices use."""
    t = norm(text)
    if not t:
        return None
    if t in ("no", "nomor", "no urut", "nomor urut", "no langkah"):
        return NO
    if "uraian" in t or t.split()[0] in ("kegiatan", "aktivitas", "aktifitas", "prosedur", "langkah"):
        return URAIAN
    if "pelaksana" in t or "pejabat" in t or "bertanggung jawab" in t:
        return _PELAKSANA_GROUP
    if "mutu baku" in t or t == "mutu":
        return _MUTU_GROUP
    if any(word in t for word in ("kelengkapan", "perlengkapan", "persyaratan", "syarat")):
        return KELENGKAPAN
    if t.startswith("waktu"):
        return WAKTU
    if t.split()[0] in ("output", "keluaran", "hasil"):
        return OUTPUT
    if t in ("ket", "keterangan", "catatan"):
        return KET
    return None


@dataclass
class Role:
    column: int
    name: str  # the header's words
    where: Where


@dataclass
class Row:
    """One numbered row of the SOP table, with the rows that continue it."""

    no: int
    where: Where  # its number's cell
    place: tuple[int, int]  # (table index, row index) in the grid
    fields: dict[str, list[Cell]] = field(default_factory=dict)
    marks: dict[int, Cell] = field(default_factory=dict)  # role index -> a non-empty cell in its column
    symbols: list[tuple[int, str]] = field(default_factory=list)  # (role index, kind)
    notes: list[str] = field(default_factory=list)

    def text(self, name: str) -> str:
        return "\n".join(c.text for c in self.fields.get(name, []) if c.text)

    def cell(self, name: str) -> Cell | None:
        cells = self.fields.get(name)
        return cells[0] if cells else None


@dataclass
class Found:
    """The SOP table as found: its pelaksana columns, its rows, and what was passed over."""

    roles: list[Role]
    rows: list[Row]
    columns: dict[str, int]
    header: list[Where]
    skipped: list[tuple[Where, str]]  # (where, why: "repeated-header" | "column-numbers")
    # the header's own words per heading (no, uraian, pelaksana, mutu_baku, kelengkapan, waktu,
    # output, keterangan), as the SOP's kolom keeps them
    headings: dict[str, str] = field(default_factory=dict)


def _is_number_row(cells: list[Cell]) -> bool:
    texts = [c.text for c in cells if c.text and not c.merged]
    return len(texts) >= 3 and all(t.isdigit() for t in texts)


def _header_start(cells: list[Cell]) -> bool:
    kinds = {heading(c.text) for c in cells if c.text}
    return NO in kinds and URAIAN in kinds


def find_table(grid: Grid) -> Found | None:
    """The SOP table in ``grid``, or None if no table has its headings."""
    for t, table in enumerate(grid.tables):
        for r, cells in enumerate(table.rows):
            if _header_start(cells):
                return _read_from(grid, t, r)
    return None


_KOLOM = {NO: "no", URAIAN: "uraian", KELENGKAPAN: "kelengkapan", WAKTU: "waktu", OUTPUT: "output", KET: "keterangan"}
_KOLOM_GROUPS = {_PELAKSANA_GROUP: "pelaksana", _MUTU_GROUP: "mutu_baku"}


def _columns(block: list[list[Cell]], headings: dict[str, str] | None = None) -> tuple[dict[str, int], list[Role]]:
    width = max(len(cells) for cells in block)
    columns: dict[str, int] = {}
    roles: list[Role] = []
    words = {} if headings is None else headings
    groups: list[str | None] = [None] * width  # the group heading over each column
    for cells in block:
        carried: str | None = None  # a group heading goes on over the empty cells right of it
        for c in range(min(width, len(cells))):
            kind = heading(cells[c].text) if cells[c].text else None
            if kind in (_PELAKSANA_GROUP, _MUTU_GROUP):
                words.setdefault(_KOLOM_GROUPS[kind], " ".join(cells[c].text.split()))
                carried = kind
            elif cells[c].text:
                carried = None
            if carried and groups[c] is None:
                groups[c] = carried
    for c in range(width):
        texts = [cells[c] for cells in block if c < len(cells) and cells[c].text]
        if not texts:
            continue
        lowest = texts[-1]
        kind = heading(lowest.text)
        if kind in (NO, URAIAN, KELENGKAPAN, WAKTU, OUTPUT, KET):
            if kind not in columns:
                words[_KOLOM[kind]] = " ".join(lowest.text.split())
            columns.setdefault(kind, c)
        elif kind is None and groups[c] == _PELAKSANA_GROUP:
            roles.append(Role(c, lowest.text.replace("\n", " "), lowest.where))
    if URAIAN in columns:  # roles between the activity and the mutu baku, even without a group heading
        end = min([columns[k] for k in (KELENGKAPAN, WAKTU, OUTPUT, KET) if k in columns] or [width])
        known = {r.column for r in roles}
        for c in range(columns[URAIAN] + 1, end):
            texts = [cells[c] for cells in block if c < len(cells) and cells[c].text]
            if c not in known and texts and heading(texts[-1].text) is None:
                roles.append(Role(c, texts[-1].text.replace("\n", " "), texts[-1].where))
        roles.sort(key=lambda r: r.column)
    return columns, roles


def _read_from(grid: Grid, t: int, r: int) -> Found:
    table = grid.tables[t]
    block = [table.rows[r]]
    k = r + 1
    while k < len(table.rows) and len(block) < 3:
        cells = table.rows[k]
        if _is_number_row(cells) or _step_number(cells, 0) is not None and any(c.text for c in cells[1:]):
            break
        block.append(cells)
        k += 1
    headings: dict[str, str] = {}
    columns, roles = _columns(block, headings)
    header_texts = {norm(c.text) for cells in block for c in cells if c.text}
    width = max(len(cells) for cells in block)
    tail = min([columns[n] for n in (KELENGKAPAN, WAKTU, OUTPUT, KET) if n in columns] or [width])
    found = Found(roles, [], columns, [block[0][0].where], [], headings)
    role_of = {role.column: i for i, role in enumerate(roles)}
    places: dict[tuple[int, int], Row] = {}
    current: Row | None = None
    for ti in range(t, len(grid.tables)):
        rows = grid.tables[ti].rows
        start = k if ti == t else 0
        for ri in range(start, len(rows)):
            cells = rows[ri]
            texts = [c for c in cells if c.text and not c.merged]
            if not texts:
                continue
            if _header_start(cells) or (len(texts) >= 2 and all(norm(c.text) in header_texts for c in texts)):
                found.skipped.append((texts[0].where, "repeated-header"))
                continue
            if _is_number_row(cells):
                found.skipped.append((texts[0].where, "column-numbers"))
                continue
            if grid.ragged and len(cells) == 1 and current is not None:  # a line of the cell above
                current.fields.setdefault(URAIAN, []).append(cells[0])
                continue
            if grid.ragged and len(cells) < width:  # pasted text lost empty cells: the tail keeps its place
                missing = width - len(cells)
                pad = [Cell("", cells[-1].where, merged=True)] * missing
                cut = len(cells) - (width - tail)  # the last cells are the mutu baku and Ket.
                cells = cells[:cut] + pad + cells[cut:] if cut > columns.get(URAIAN, 1) else cells + pad
            no = _step_number(cells, columns.get(NO, 0))
            if no is None and current is None:
                continue
            if no is not None:
                current = Row(no, cells[columns.get(NO, 0)].where, (ti, ri))
                found.rows.append(current)
            assert current is not None
            places[(ti, ri)] = current
            for name in FIELDS:
                c = columns.get(name)
                if c is not None and c < len(cells) and cells[c].text and not cells[c].merged:
                    current.fields.setdefault(name, []).append(cells[c])
            for c, i in role_of.items():
                if c < len(cells) and cells[c].text and not cells[c].merged:
                    current.marks.setdefault(i, cells[c])
    for s in grid.symbols:
        row = places.get((s.table, s.row))
        if row is not None and s.column in role_of:
            row.symbols.append((role_of[s.column], s.kind))
    return found


def _step_number(cells: list[Cell], column: int) -> int | None:
    if column >= len(cells) or cells[column].merged:
        return None
    m = _NUMBER.match(cells[column].text)
    return int(m.group(1)) if m else None
