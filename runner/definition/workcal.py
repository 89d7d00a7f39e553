"""Deadlines: calendar time, and working time on the SOP's calendar ("2 hari kerja").

A working day is as long as the calendar's working hours, so "1 hari kerja"
from Monday 10:00 ends Tuesday 10:00, and from Friday 10:00 the next Monday
10:00 (or later when a holiday falls between).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..i18n import _
from .model import Calendar

if TYPE_CHECKING:
    from .waktu import Waktu

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAX_DAYS = 3 * 366  # a deadline further than this is a mistake in the SOP, not a plan


def zone(name: str) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # the tz database: only when a time is shown or computed

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            _("unknown time zone '{name}'; use an IANA name such as Asia/Jakarta").format(name=name),
            "unknown-timezone",
            timezone=name,
        ) from None


class WorkCalendar:
    def __init__(self, cal: Calendar) -> None:
        self.tz = zone(cal.timezone)
        start, end = cal.hours.split("-")
        self.opens = time.fromisoformat(start)
        self.closes = time.max if end == "24:00" else time.fromisoformat(end)
        self.days = {_DAYS.index(d) for d in cal.days}
        self.extra = {date.fromisoformat(d) for d in cal.extra_holidays}
        self.country = cal.holidays
        self._holidays: Any = None

    @property
    def day_minutes(self) -> float:
        delta = datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)
        return delta.total_seconds() / 60

    def is_working_day(self, day: date) -> bool:
        if day.weekday() not in self.days or day in self.extra:
            return False
        if self.country:
            if self._holidays is None:
                import holidays  # imported only when a "kerja" deadline is computed

                self._holidays = holidays.country_holidays(self.country)
            return day not in self._holidays
        return True

    def add(self, start: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` of working time after ``start``."""
        t = start.astimezone(self.tz)
        remaining = minutes
        for _i in range(_MAX_DAYS):
            day = t.date()
            if self.is_working_day(day):
                opens = datetime.combine(day, self.opens, self.tz)
                closes = datetime.combine(day, self.closes, self.tz)
                t = max(t, opens)
                if t < closes:
                    left = (closes - t).total_seconds() / 60
                    if remaining <= left:
                        return t + timedelta(minutes=remaining)
                    remaining -= left
            t = datetime.combine(day + timedelta(days=1), time(0), self.tz)
        raise UserError(
            _("the deadline lies more than three years ahead; check the waktu and the calendar"), "deadline-too-far"
        )

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """The working time from ``start`` to ``end``, in minutes: the inverse of ``add``.

        ``working_minutes_between(s, add(s, m)) == m``; time outside the working
        hours, on weekends and on holidays counts nothing.
        """
        if end <= start:
            return 0.0
        s, e = start.astimezone(self.tz), end.astimezone(self.tz)
        total, day = 0.0, s.date()
        while day <= e.date():
            if self.is_working_day(day):
                lo = max(s, datetime.combine(day, self.opens, self.tz))
                hi = min(e, datetime.combine(day, self.closes, self.tz))
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
            day += timedelta(days=1)
        return total

    def working_minutes(self, amount: float, unit: str) -> float:
        per = {"menit": 1, "jam": 60, "hari": self.day_minutes}
        per["minggu"] = len(self.days) * self.day_minutes
        return amount * per[unit]


@lru_cache(maxsize=32)
def work_calendar(cal: Calendar) -> WorkCalendar:
    """The working calendar of ``cal``, built once per process (its holidays are looked up once)."""
    return WorkCalendar(cal)


def deadline(cal: Calendar, start: datetime, waktu: Waktu) -> datetime | None:
    """When a step entered at ``start`` is due; None when it has no time standard."""
    if waktu.none:
        return None
    due = _add_months(start, waktu.months, cal.timezone) if waktu.months else start
    due = due + waktu.calendar
    if waktu.working:
        work = work_calendar(cal)
        due = work.add(due, sum(work.working_minutes(a, u) for a, u in waktu.working))
    return due


def _add_months(start: datetime, months: int, tz_name: str) -> datetime:
    """``start`` plus calendar months, on the office's calendar: 31 January + 1 month is 28 or 29
    February (the month's last day), and the hour stays the hour it was there."""
    import calendar  # only a month's end needs it

    local = start.astimezone(zone(tz_name))
    month0 = local.month - 1 + months
    year, month = local.year + month0 // 12, month0 % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(start.tzinfo)
