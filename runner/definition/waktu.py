"""The time standard of a step ("waktu"): kept as written, parsed into a duration.

``2 jam``, ``1,5 hari``, ``3 hari kerja``, ``1 jam 30 menit``, ``2 hours``;
``-`` means no time standard. Terms with ``kerja`` count working time on the
SOP's calendar, the others calendar time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from ..i18n import _

_UNITS = {
    "menit": 1, "minute": 1, "minutes": 1,
    "jam": 60, "hour": 60, "hours": 60,
    "hari": 24 * 60, "day": 24 * 60, "days": 24 * 60,
    "minggu": 7 * 24 * 60, "week": 7 * 24 * 60, "weeks": 7 * 24 * 60,
}  # fmt: skip
_TERM = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([a-z]+)(\s+kerja\b)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Waktu:
    """A parsed time standard: calendar minutes plus working-time terms.

    Working terms stay in their unit because a working day is as long as the
    calendar's working hours, which only the calendar knows.
    """

    text: str
    calendar_minutes: float = 0.0
    working: tuple[tuple[float, str], ...] = ()  # (amount, "menit"|"jam"|"hari"|"minggu")

    @property
    def none(self) -> bool:
        return not self.calendar_minutes and not self.working

    @property
    def calendar(self) -> timedelta:
        return timedelta(minutes=self.calendar_minutes)


class WaktuError(ValueError):
    pass


_CANONICAL = {1: "menit", 60: "jam", 24 * 60: "hari", 7 * 24 * 60: "minggu"}


def parse(text: str) -> Waktu:
    """Parse ``text``; raises WaktuError with a message that shows the accepted forms."""
    stripped = text.strip()
    if stripped == "-":
        return Waktu(text)
    pos, minutes, working = 0, 0.0, []
    while pos < len(stripped):
        m = _TERM.match(stripped, pos)
        unit = m and _UNITS.get(m.group(2).lower())
        if not m or unit is None:
            raise WaktuError(
                _(
                    "cannot read the waktu '{text}'; write terms like '2 jam', '1,5 hari', "
                    "'3 hari kerja' or '30 menit' (or '-' for none)"
                ).format(text=text)
            )
        amount = float(m.group(1).replace(",", "."))
        if m.group(3):
            working.append((amount, _CANONICAL[unit]))
        else:
            minutes += amount * unit
        pos = m.end()
    if not stripped:
        raise WaktuError(_("the waktu is empty; write e.g. '2 jam', or '-' for none"))
    return Waktu(text, minutes, tuple(working))
