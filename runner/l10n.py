"""Dates, times, numbers and durations in the reader's convention, without Babel at run time.

One style for a moment, everywhere (the case card, the lists, the history,
the documents): ``Sabtu, 28 November 2026 pukul 09.30 WIB`` in Indonesian (as naskah dinas: no
leading zero, "pukul"),
``Saturday, November 28, 2026, 9:30 AM WIB`` in English: CLDR's full date and
short time, in the SOP's time zone. Numbers group thousands and use the
language's decimal symbol (``1.234,5``); shares are whole percentages
(``83%``); durations are ``2 jam 30 menit``.

The words and patterns come from Babel's CLDR data through tables that
``make translations`` writes to ``runner/locale/<lang>/formats.json``
(tools/translations.py): importing Babel would cost ``sop case show`` more
than everything else it does. tests/test_l10n.py compares what this module
says with what Babel says, for many values in both languages.
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime
from typing import Any

from . import i18n

_tables: dict[str, dict[str, Any] | None] = {}
_plurals: dict[str, Any] = {}


def _table() -> dict[str, Any] | None:
    """The current language's table; None when it is missing (then ISO dates and plain numbers)."""
    lang = i18n.language()
    if lang not in _tables:
        import json  # only when the format tables are read

        try:
            with open(os.path.join(i18n.LOCALE_DIR, lang, "formats.json"), encoding="utf-8") as f:
                _tables[lang] = json.load(f)
        except (OSError, ValueError):
            _tables[lang] = None
    return _tables[lang]


# --- moments -------------------------------------------------------------------------------


def format_datetime(t: datetime) -> str:
    """An aware moment, in its own time zone, in the one style of the interface."""
    table = _table()
    if table is None:
        return t.isoformat(" ", "minutes")
    return _apply(table["datetime"], t, table)


def format_stamp(stamp: str, tz_name: str) -> str:
    """A stored ISO 8601 time (any offset), shown in the zone ``tz_name`` (an SOP's calendar)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # the tz database: only when a time is shown

    try:
        t = datetime.fromisoformat(stamp)
    except ValueError:  # not a time: a damaged row, shown as it is
        return stamp
    try:
        t = t.astimezone(ZoneInfo(tz_name))
    except (ZoneInfoNotFoundError, ValueError, OverflowError):  # an unknown zone, a moment at the edge of time
        pass
    return format_datetime(t)


def format_moment(t: datetime) -> str:
    """A moment in a sentence, as naskah dinas writes it: ``7 Desember 2026 pukul 10.00 WIB`` /
    ``7 December 2026 at 10:00 WIB`` (no weekday, no leading zero, 24-hour clock)."""
    table = _table()
    if table is None:
        return t.isoformat(" ", "minutes")
    # TRANSLATORS: a moment in a message; Indonesian: "{day} {month} {year} pukul {hour}.{minute} {zone}"
    return (
        i18n._("{day} {month} {year} at {hour}:{minute} {zone}")
        .format(
            day=t.day,
            month=table["months"][t.month - 1],
            year=t.year,
            hour=f"{t.hour:02d}",
            minute=f"{t.minute:02d}",
            zone=_zone(t, table) if t.tzinfo else "",
        )
        .strip()
    )


def format_moment_text(text: str, tz_name: str | None = None) -> str:
    """A stored or typed time (ISO 8601) in a sentence, by ``format_moment``: in ``tz_name`` (a time without a
    zone is read there), by default the office's zone; a day alone as ``format_date``; anything else as given."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # the tz database: only when a time is shown

    raw = text.strip()
    if len(raw) == 10:
        try:
            return format_date(date.fromisoformat(raw))
        except ValueError:
            return text
    try:
        t = datetime.fromisoformat(raw)
    except ValueError:
        return text
    try:
        zone = ZoneInfo(tz_name or "Asia/Jakarta")  # the office's zone unless the SOP says otherwise
    except (ZoneInfoNotFoundError, ValueError):
        return format_moment(t)
    try:
        t = t.replace(tzinfo=zone) if t.tzinfo is None else t.astimezone(zone)
    except (OverflowError, ValueError):
        pass
    return format_moment(t)


def format_date(d: date) -> str:
    """A day alone: ``15 Januari 2024`` / ``January 15, 2024``."""
    table = _table()
    if table is None:
        return d.isoformat()
    return _apply(table["date"], d, table)


def format_month(year: int, month: int) -> str:
    """A month of a year alone, as signed SOPs date themselves: ``Agustus 2023`` / ``August 2023``."""
    table = _table()
    if table is None:
        return f"{year:04d}-{month:02d}"
    return f"{table['months'][month - 1]} {year}"


def _apply(tokens: list[Any], t: Any, table: dict[str, Any]) -> str:
    out = []
    for token in tokens:
        if isinstance(token, str):
            out.append(token)
            continue
        field, width = token
        if field == "E":
            out.append(table["days"][t.weekday()])
        elif field == "M":
            out.append(table["months"][t.month - 1])
        elif field == "d":
            out.append(str(t.day).zfill(width))
        elif field == "y":
            out.append(str(t.year))
        elif field == "H":
            out.append(str(t.hour).zfill(width))
        elif field == "h":
            out.append(str(t.hour % 12 or 12).zfill(width))
        elif field == "m":
            out.append(str(t.minute).zfill(width))
        elif field == "a":
            out.append(table["periods"][t.hour >= 12])
        elif field == "z":
            out.append(_zone(t, table))
        else:  # tools/translations.py writes only the fields above
            raise ValueError(f"formats.json: unknown date field {field!r}")
    return "".join(out)


def _zone(t: datetime, table: dict[str, Any]) -> str:
    """The zone's abbreviation (WIB, WITA, WIT, EST ...), else its offset as Babel writes it (+0530)."""
    names = table["zones"].get(getattr(t.tzinfo, "key", None), {})
    name = names.get("daylight" if t.dst() else "standard")
    if name:
        return str(name)
    offset = t.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    hours, mins = divmod(abs(minutes), 60)
    return f"{'-' if minutes < 0 else '+'}{hours:02d}{mins:02d}"


# --- numbers and units ---------------------------------------------------------------------


def format_number(value: float, decimals: int | None = None) -> str:
    """``1.234.567`` / ``2,5``: thousands grouped; ``decimals`` digits, else up to three as needed."""
    table = _table()
    if isinstance(value, int) and decimals is None:
        text = f"{value:,}"
    else:
        # Decimal, as Babel rounds: half to even on the number as written (2.675 -> 2.68)
        from decimal import ROUND_HALF_EVEN, Decimal  # only numbers with decimals need it

        exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-(3 if decimals is None else decimals)), ROUND_HALF_EVEN)
        text = f"{exact:,f}"
        if decimals is None and "." in text:
            text = text.rstrip("0").rstrip(".")
        if not text.strip("-0."):  # -0.0001 rounds to 0, not -0
            text = text.lstrip("-")
    if table is None:
        return text
    # "," and "." swapped through a placeholder: id groups with "." and separates decimals with ","
    return (
        text.replace(",", "\0")
        .replace(".", table["decimal"])
        .replace("\0", table["group"])
        .replace("-", table["minus"])
    )


def _plural_tag(n: int, table: dict[str, Any]) -> str:
    lang = table["language"]
    rule = _plurals.get(lang)
    if rule is None:
        import gettext  # already loaded by click in the CLI; a library user pays for it only here

        rule = _plurals[lang] = gettext.c2py(table["plural"])
    return str(table["plural_tags"][rule(n)])


def format_unit(n: int, unit: str) -> str:
    """``3 hari`` / ``3 days``; ``unit`` is day, hour, minute, byte, kilobyte or megabyte."""
    table = _table()
    if table is None:
        return f"{n} {unit}"
    patterns = table["units"][unit]
    return str(patterns.get(_plural_tag(n, table), patterns["other"])).replace("{0}", format_number(n))


def format_duration(minutes: int) -> str:
    """At a glance: days and hours from a day on (``2 hari 3 jam``), else hours and minutes (``1 jam 20 menit``)."""
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [format_unit(days, "day")] if days else []
    if hours:
        parts.append(format_unit(hours, "hour"))
    if mins and not days:
        parts.append(format_unit(mins, "minute"))
    return " ".join(parts)


def format_working(minutes: float, day_minutes: float) -> str:
    """Working time in working units, a working day as long as the calendar's hours: ``3 hari kerja``,
    ``1 hari kerja 4 jam kerja``, ``2 jam kerja 30 menit kerja`` (each term as the waktu grammar writes it)."""
    whole = int(round(abs(minutes)))
    day = max(1, int(round(day_minutes)))
    days, rest = divmod(whole, day)
    hours, mins = divmod(rest, 60)
    parts = [i18n.ngettext("{n} working day", "{n} working days", days).format(n=format_number(days))] if days else []
    if hours:
        parts.append(i18n.ngettext("{n} working hour", "{n} working hours", hours).format(n=format_number(hours)))
    if mins and not days:
        parts.append(i18n.ngettext("{n} working minute", "{n} working minutes", mins).format(n=format_number(mins)))
    return " ".join(parts)


def format_span(seconds: float, day_seconds: float | None = None) -> str:
    """How long ``seconds`` last: calendar time as ``format_duration`` writes it, or working time in working
    units when ``day_seconds`` (the length of a working day) is given; under a minute: "less than a minute"."""
    if day_seconds:
        return format_working(abs(seconds) // 60, day_seconds / 60) or i18n._("less than a minute")
    return format_duration(int(abs(seconds) // 60)) or i18n._("less than a minute")


def format_percent(fraction: float) -> str:
    """A share as a whole percentage: ``83%``. Rounded down, so 0.796 never shows as the 80% it falls short of."""
    whole = math.floor(fraction * 100 + 1e-9)  # 1e-9: 0.29 * 100 is 28.999999999999996
    table = _table()
    if table is None:
        return f"{whole}%"
    return str(table["percent"]).replace("{0}", format_number(whole))


def format_size(n: int) -> str:
    """A file's size: ``512 byte``, ``12 kB``, ``3,4 MB`` (a tenth at most)."""
    if n < 1024:
        return format_unit(n, "byte")
    if n < 1024 * 1024:
        return format_unit(round(n / 1024), "kilobyte")
    table = _table()
    megabytes = format_number(round(n / 1024 / 1024, 1))
    if table is None:
        return f"{megabytes} MB"
    return str(table["units"]["megabyte"]["other"]).replace("{0}", megabytes)
