"""Time as cases keep it: stored in UTC, read and shown in the SOP's timezone."""

from __future__ import annotations

from datetime import date, datetime, timezone

from ..definition.model import Calendar
from ..definition.workcal import zone
from ..errors import UserError
from ..i18n import _


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(t: datetime) -> str:
    """Stored times: UTC with microseconds, so that text order is time order."""
    return t.astimezone(timezone.utc).isoformat(timespec="microseconds")


# Times a user gives lie from 1970 on: no case is older, and deadline arithmetic and the
# conversion to UTC stay far from the calendar's ends (year 1 overflowed in both).
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)


def in_range(t: datetime, text: object) -> datetime:
    """``t`` when it lies between EARLIEST and LATEST; else a UserError that says so."""
    try:
        ok = EARLIEST <= t.astimezone(timezone.utc) < LATEST
    except (OverflowError, ValueError):
        ok = False
    if not ok:
        raise UserError(
            _("the time {at} lies before 1970 or far ahead; check the year").format(at=text),
            "time-out-of-range",
            at=str(text),
        )
    return t


def parse_time(text: str, tz_name: str) -> datetime:
    """A given time (``--at``): ISO 8601; without a zone it is in the SOP's timezone."""
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        raise UserError(
            _(
                "cannot read the time '{text}'; write it as 2026-11-28T09:30: the day, a T, then hours and minutes"
            ).format(text=text),
            "bad-time",
            text=text,
        ) from None
    return in_range(t if t.tzinfo else t.replace(tzinfo=zone(tz_name)), text)


def local(stored: str | None, tz_name: str) -> str | None:
    """A stored UTC time shown in the SOP's timezone (ISO 8601 with offset).

    A stored value that is not such a time (a damaged or rewritten row) is shown
    as it is: one bad row must not keep a whole list from being read."""
    if stored is None:
        return None
    try:
        return datetime.fromisoformat(stored).astimezone(zone(tz_name)).isoformat(timespec="seconds")
    except (ValueError, OverflowError, TypeError):
        return str(stored)


def today(tz_name: str | None = None) -> str:
    """Today (YYYY-MM-DD) where the office is: in ``tz_name``, by default the SOP calendar's
    default zone. Never the machine's own date: an admin's laptop on UTC or Honolulu time
    must not end a post "yesterday" in WIB."""
    return now().astimezone(zone(tz_name or Calendar._field_defaults["timezone"])).date().isoformat()


def parse_day(text: str) -> date:
    """A day as people write it for periods and posts: YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            _("cannot read the date '{text}'; write it as YYYY-MM-DD, e.g. 2026-11-28").format(text=text),
            "bad-date",
            text=text,
        ) from None
