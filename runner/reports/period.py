"""The period a report covers: a year, a semester, a quarter, a month, or two dates.

A case belongs to the period by the day it started, on the calendar of its
SOP's time zone: ``bounds`` turns the period into the two stored (UTC) times
that the store compares ``created_at`` with.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from ..errors import UserError
from ..i18n import _
from ..l10n import format_date
from ..store.clock import parse_day

_FORM = re.compile(r"^(\d{4})(?:-(?:(S[12])|(Q[1-4])|(\d{2})))?$", re.IGNORECASE)


class Period(NamedTuple):
    """The days ``first`` to ``last``, both included; ``name`` as the user gave it."""

    first: date
    last: date
    name: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026``, ``2026-S2`` (semester), ``2026-Q3`` (quarter) or ``2026-11`` (month)."""
        m = _FORM.match(text.strip())
        if not m:
            raise UserError(
                _(
                    "cannot read the period '{text}'; write a year (2026), a semester (2026-S2), a quarter (2026-Q3) or a month (2026-11)"
                ).format(text=text),
                "bad-period",
                period=text,
            )
        year = int(m.group(1))
        semester, quarter, month = m.group(2), m.group(3), m.group(4)
        if semester:
            first_month, months = (1 if semester[1] == "1" else 7), 6
        elif quarter:
            first_month, months = 3 * (int(quarter[1]) - 1) + 1, 3
        elif month:
            first_month, months = int(month), 1
            if not 1 <= first_month <= 12:
                raise UserError(
                    _("there is no month {month} in '{text}'; months are 01 to 12").format(month=month, text=text),
                    "bad-period",
                    period=text,
                )
        else:
            first_month, months = 1, 12
        if year < 1900:
            raise UserError(_("the year {year} is too early for a report").format(year=year), "bad-period", period=text)
        after = date(year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
        return cls(date(year, first_month, 1), after - timedelta(days=1), text.strip().upper())

    @classmethod
    def between(cls, first: str | date, last: str | date) -> Period:
        """From the day ``first`` to the day ``last``, both included (ISO dates)."""
        a, b = _day(first), _day(last)
        if a > b:
            raise UserError(
                _("the period starts on {first}, after its end {last}; give the earlier date first").format(
                    first=format_date(a), last=format_date(b)
                ),
                "period-reversed",
                first=a.isoformat(),
                last=b.isoformat(),
            )
        return cls(a, b, f"{a.isoformat()}..{b.isoformat()}")

    @classmethod
    def semester_of(cls, day: date) -> Period:
        """The semester ``day`` falls in: the default span of the six-monthly SOP monitoring."""
        return cls.parse(f"{day.year}-S{1 if day.month <= 6 else 2}")

    def bounds(self, tz: Any) -> tuple[datetime, datetime]:
        """The period as [start, end) moments in the time zone ``tz``: midnight of ``first``, midnight after ``last``."""
        return (
            datetime.combine(self.first, time(0), tz),
            datetime.combine(self.last + timedelta(days=1), time(0), tz),
        )

    @property
    def words(self) -> str:
        """The days as the reader writes them: '1 Juli 2026 – 31 Desember 2026' / 'July 1, 2026 – December 31, 2026'."""
        # TRANSLATORS: the first and the last day of a report's period, both included
        return _("{first} – {last}").format(first=format_date(self.first), last=format_date(self.last))

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "from": self.first.isoformat(), "to": self.last.isoformat()}


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else parse_day(value)
