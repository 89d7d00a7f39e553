"""Time as cases keep it: stored in UTC, read and shown in the SOP's timezone."""

from __future__ import annotations

from datetime import datetime, timezone

from ..errors import UserError
from ..i18n import _


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(t: datetime) -> str:
    """Stored times: UTC with microseconds, so that text order is time order."""
    return t.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_time(text: str, tz_name: str) -> datetime:
    """A given time (``--at``): ISO 8601; without a zone it is in the SOP's timezone."""
    from ..definition.workcal import zone

    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        raise UserError(
            _("cannot read the time '{text}'; write it as ISO 8601, e.g. 2026-11-28T09:30").format(text=text),
            "bad-time",
            text=text,
        ) from None
    return t if t.tzinfo else t.replace(tzinfo=zone(tz_name))


def local(stored: str | None, tz_name: str) -> str | None:
    """A stored UTC time shown in the SOP's timezone (ISO 8601 with offset)."""
    if stored is None:
        return None
    from ..definition.workcal import zone

    return datetime.fromisoformat(stored).astimezone(zone(tz_name)).isoformat(timespec="seconds")
