"""The report as CSV: a block per table (its name, its header, its rows), a blank line between blocks.

Numbers stay plain numbers: counts, durations in seconds, shares as fractions
(as in the JSON), so that a spreadsheet or a script reads them as numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .figures import Report
from .tables import SECONDS, SHARE, tables


def info_rows(report: Report) -> list[tuple[str, Any]]:
    """What the report covers and how it was made: the same facts as the document's footer."""
    return [
        ("Periode", report.period.name),
        ("Dari", report.period.first),
        ("Sampai", report.period.last),
        ("Dasar", "kasus dihitung menurut hari dimulainya"),
        ("Dibuat", report.generated),
        ("Penyimpanan", report.store),
        ("Kasus dibaca", report.cases),
        ("Kejadian dibaca", report.events),
    ]


def _plain(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == SHARE:
        return round(value, 4)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def render(report: Report) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["laporan"])
    for key, value in info_rows(report):
        w.writerow([key, _plain(value, "")])
    for table in tables(report):
        w.writerow([])
        w.writerow([table.key])
        w.writerow([c.title + (" (detik)" if c.kind == SECONDS else "") for c in table.columns])
        for row in table.rows:
            w.writerow([_plain(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return out.getvalue()
