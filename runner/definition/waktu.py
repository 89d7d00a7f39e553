"""The time standard of a step ("waktu"): kept as written, parsed into a duration.

``2 jam``, ``1,5 hari``, ``3 hari kerja``, ``1 jam 30 menit``, ``2 hours``,
``3 bulan`` (calendar months); ``-`` means no time standard. Terms with
``kerja`` count working time on the SOP's calendar, the others calendar time.
A waktu that names no unit and no number at all (``Relatif``, ``Sesuai jadwal
yang telah dibuat``, as signed SOPs print it) is text: kept and shown as
written, and it sets no deadline.
"""

from __future__ import annotations

import functools
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
_MONTHS = {"bulan", "month", "months"}  # calendar months: their length is the calendar's
MONTH_MINUTES = 30 * 24 * 60  # where a month must be a length (reports, BPMN timers): 30 days
UNIT_WORDS = ", ".join(["menit", "jam", "hari", "minggu", "bulan"])
_WORD = re.compile(r"[^\W\d_]+")
_TIMES = re.compile(r"(\d+)\s*[x×]\s*(\d+)", re.IGNORECASE)  # "1 x 24 jam", as offices write a day
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
    months: int = 0  # calendar months, added on the calendar before the rest
    textual: bool = False  # a waktu in words ("Relatif"): shown as written, no deadline

    @property
    def none(self) -> bool:
        return not self.calendar_minutes and not self.working and not self.months

    @property
    def calendar(self) -> timedelta:
        return timedelta(minutes=self.calendar_minutes)


class WaktuError(ValueError):
    pass


_CANONICAL = {1: "menit", 60: "jam", 24 * 60: "hari", 7 * 24 * 60: "minggu"}


@functools.lru_cache(maxsize=1024)  # an SOP's few waktu texts, parsed for every deadline a page shows
def parse(text: str) -> Waktu:
    """Parse ``text``; raises WaktuError with a message that shows the accepted forms."""
    stripped = text.strip()
    if stripped == "-":
        return Waktu(text)
    if not stripped:
        raise WaktuError(_("the waktu is empty; write e.g. '2 jam', or '-' for none"))
    words = {w.lower() for w in _WORD.findall(stripped)}
    if not any(c.isdigit() for c in stripped) and not words & (set(_UNITS) | _MONTHS | {"kerja"}):
        return Waktu(text, textual=True)  # "Relatif": as printed, no deadline
    stripped = _TIMES.sub(lambda m: str(int(m[1]) * int(m[2])), stripped)
    pos, minutes, months, working = 0, 0.0, 0, []
    while pos < len(stripped):
        m = _TERM.match(stripped, pos)
        if m and m.group(2).lower() not in _UNITS and m.group(2).lower() not in _MONTHS:
            raise WaktuError(
                _(
                    "the waktu '{text}' has the unit '{unit}', which sop-runner does not know; the units are {units} (or minute, hour, day, week, month), each optionally followed by 'kerja'"
                ).format(text=text, unit=m.group(2), units=UNIT_WORDS)
            )
        if not m:
            raise WaktuError(
                _(
                    "cannot read the waktu '{text}'; write terms like '2 jam', '1,5 hari', "
                    "'3 hari kerja' or '30 menit' (or '-' for none)"
                ).format(text=text)
            )
        amount = float(m.group(1).replace(",", "."))
        if m.group(2).lower() in _MONTHS:
            if m.group(3) or amount != int(amount):
                raise WaktuError(
                    _(
                        "the waktu '{text}' counts months: whole calendar months without 'kerja', e.g. '3 bulan' (or days: '45 hari')"
                    ).format(text=text)
                )
            months += int(amount)
        elif m.group(3):
            working.append((amount, _CANONICAL[_UNITS[m.group(2).lower()]]))
        else:
            minutes += amount * _UNITS[m.group(2).lower()]
        pos = m.end()
    return Waktu(text, minutes, tuple(working), months)
