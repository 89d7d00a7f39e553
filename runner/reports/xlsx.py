"""The report as an Excel workbook (openpyxl): a sheet per table, number and date cells, frozen headers.

The cells hold numbers and dates, which Excel shows in its user's own
convention; the sheet names and column titles follow the language.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from ..definition.workcal import zone
from ..i18n import _
from .csvtext import info_rows
from .figures import Report
from .monitoring import MonitoringForm
from .tables import SECONDS, SHARE, tables

DURATION = "[h]:mm:ss"  # a duration cell: days as a number, shown as hours:minutes:seconds
PERCENT = "0%"


def render(report: Report) -> bytes:
    from openpyxl import Workbook  # heavy (openpyxl): only an .xlsx
    from openpyxl.styles import Font

    tz = zone(report.timezone)
    book = Workbook()
    info = book.active
    info.title = _("Report")
    info.append([_("Item"), _("Value")])
    for key, value in info_rows(report):
        if isinstance(value, datetime):  # Excel has no time zones: the local time, the zone named in a row of its own
            value = value.astimezone(tz).replace(tzinfo=None)
        info.append([key, value])
    info.append([_("Time zone"), tz.key])
    for row in info.iter_rows(min_row=2, min_col=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif hasattr(cell.value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
    _finish(info, [[str(c.value) if c.value is not None else "" for c in r] for r in info.iter_rows()], Font)
    for table in tables(report):
        sheet = book.create_sheet(table.heading)
        # TRANSLATORS: a spreadsheet column of durations, in hours (working hours where the row says working time)
        headings = [
            _("{title} (hours)").format(title=c.heading) if c.kind == SECONDS else c.heading for c in table.columns
        ]
        sheet.append(headings)
        shown = [headings]
        for values in table.rows:
            sheet.append([_cell(v, c.kind) for v, c in zip(values, table.columns, strict=True)])
            shown.append([_shown(v, c.kind) for v, c in zip(values, table.columns, strict=True)])
        for k, c in enumerate(table.columns, start=1):
            number_format = {SECONDS: DURATION, SHARE: PERCENT}.get(c.kind)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=k, max_col=k):
                    cell.number_format = number_format
        _finish(sheet, shown, Font)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shown(value: Any, kind: str) -> str:
    """About what the cell shows, to size its column."""
    if value is None:
        return ""
    if kind == SECONDS:
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes // 60}:{minutes % 60:02}:{seconds:02}"
    return "100%" if kind == SHARE else str(value)


def _cell(value: Any, kind: str) -> Any:
    if value is not None and kind == SECONDS:
        return value / 86400  # Excel counts time in days
    return value


def _finish(sheet: Any, shown: list[list[str]], font: Any) -> None:
    """A bold, frozen header row, and columns as wide as what they show."""
    for cell in sheet[1]:
        cell.font = font(bold=True)
    sheet.freeze_panes = "A2"
    from openpyxl.utils import get_column_letter  # heavy (openpyxl): only an .xlsx

    for k in range(len(shown[0])):
        widest = max(len(row[k]) for row in shown if k < len(row))
        sheet.column_dimensions[get_column_letter(k + 1)].width = min(60, widest + 2)


def render_monitoring(forms: list[MonitoringForm], paper: str = "a4") -> bytes:
    """The Tabel 7 form(s) as a workbook, a sheet per form: the heading lines, the table, the rule, the
    signature block; the columns for the assessor's hand stay empty cells."""
    from openpyxl import Workbook  # heavy (openpyxl): only an .xlsx
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    wrap = Alignment(wrap_text=True, vertical="top")
    for k, form in enumerate(forms):
        sheet = book.active if k == 0 else book.create_sheet()
        # a sheet's name: at most 31 characters, none of []:*?/\
        title = f"{form.sop.id} {form.sop.version}".translate({ord(c): "-" for c in "[]:*?/\\"})[:31]
        sheet.title = title if title not in book.sheetnames[:k] else f"{k + 1}"[:31]
        sheet.append([_("Monitoring of SOP AP Implementation").upper()])
        sheet["A1"].font = Font(bold=True)
        version = _("version {version}").format(version=form.sop.version)
        for label, value in form.heading(version):
            sheet.append([label, value])
        sheet.append([])
        sheet.append(form.columns)
        header = sheet.max_row
        for cell in sheet[header]:
            cell.font = Font(bold=True)
            cell.alignment = wrap
        for r in form.rows:
            sheet.append([r.no, r.prosedur, r.mark, r.catatan, None, None])
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
        sheet.append([])
        sheet.append([form.rule])
        sheet.append([])
        for line in form.signature_lines():
            sheet.append([None, None, None, None, line])
        for letter, width in zip("ABCDEF", (6, 48, 20, 48, 24, 12), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = f"A{header + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
