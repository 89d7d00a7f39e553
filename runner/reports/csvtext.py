"""The report as CSV: a block per table (its name, its header, its rows), a blank line between blocks.

Numbers stay plain numbers: counts, durations in seconds, shares as fractions,
ISO dates (as in the JSON), so that a spreadsheet or a script reads them as
numbers whatever the language; the names and headers follow the language.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..i18n import _
from .figures import Report
from .tables import SECONDS, SHARE, tables


def info_rows(report: Report) -> list[tuple[str, Any]]:
    """What the report covers and how it was made: the same facts as the document's footer."""
    return [
        (_("Period"), report.period.name),
        (_("From"), report.period.first),
        (_("To"), report.period.last),
        (_("Basis"), report.basis),
        (_("Generated"), report.generated),
        (_("Case store"), report.store),
        (_("Cases read"), report.cases),
        (_("Events read"), report.events),
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
    w.writerow([_("Report")])
    for key, value in info_rows(report):
        w.writerow([key, _plain(value, "")])
    for table in tables(report):
        w.writerow([])
        w.writerow([table.heading])
        # TRANSLATORS: a CSV column of durations, given as a number of seconds
        w.writerow(
            [_("{title} (seconds)").format(title=c.heading) if c.kind == SECONDS else c.heading for c in table.columns]
        )
        for row in table.rows:
            w.writerow([_plain(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return out.getvalue()
