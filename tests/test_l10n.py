"""Dates, numbers and units as the reader writes them: runner/l10n.py says what Babel says.

runner/l10n.py formats from tables that `make translations` wrote from Babel's
CLDR data (it must not import Babel on the path of `sop case show`); these
tests compare its results with Babel's own for many values in both languages,
and the tables with a fresh generation, so neither can go stale.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import Locale, dates, lists, numbers, units
from conftest import ROOT

from runner import l10n
from runner.i18n import LANGUAGES, set_language

sys.path.insert(0, str(ROOT / "tools"))
import translations  # noqa: E402

ZONES = [
    "Asia/Jakarta",
    "Asia/Pontianak",
    "Asia/Makassar",
    "Asia/Jayapura",
    "UTC",
    "Europe/Berlin",  # summer time
    "America/New_York",  # named in English, with summer time
    "Australia/Sydney",  # summer time in January
    "Asia/Kolkata",  # half an hour
]
INDONESIAN_ZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
# every weekday and month, both halves of the day, single- and double-digit days and hours
MOMENTS = [datetime(2026, 1, 1, 0, 0) + timedelta(days=37 * i, hours=5 * i, minutes=13 * i) for i in range(40)]
MOMENTS += [datetime(2026, 11, 28, 9, 30), datetime(2024, 2, 29, 12, 0), datetime(2030, 12, 31, 23, 59)]


@pytest.fixture(params=LANGUAGES)
def lang(request):
    set_language(request.param)
    return request.param


@pytest.mark.parametrize("which", LANGUAGES)
def test_the_tables_are_what_babel_says_now(which):
    shipped = translations.formats_path(which).read_text(encoding="utf-8")
    assert shipped == translations.formats_text(which), "run `make translations`"


@pytest.mark.parametrize("zone", ZONES)
def test_moments_as_babel_writes_them(lang, zone):
    locale = Locale.parse(lang)
    pattern = translations.datetime_pattern(locale)
    for naive in MOMENTS:
        t = naive.replace(tzinfo=ZoneInfo(zone))
        expected = dates.format_datetime(t, pattern, locale=locale)
        if lang == "en" and zone in INDONESIAN_ZONES:  # CLDR has no English name: Indonesia's own
            expected = expected.rsplit(" ", 1)[0] + " " + INDONESIAN_ZONES[zone]
        assert l10n.format_datetime(t) == expected


def test_the_one_style_of_a_moment():
    t = datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    set_language("id")
    assert l10n.format_datetime(t) == "Sabtu, 28 November 2026 pukul 09.30 WIB"
    assert l10n.format_datetime(t.astimezone(ZoneInfo("Asia/Makassar"))) == "Sabtu, 28 November 2026 pukul 10.30 WITA"
    assert l10n.format_stamp("2026-11-28T02:30:00+00:00", "Asia/Jayapura") == "Sabtu, 28 November 2026 pukul 11.30 WIT"
    # as naskah dinas writes a day: no leading zero (CLDR's full date writes "07 Desember")
    assert l10n.format_stamp("2026-12-07T03:00:00+00:00", "Asia/Jakarta") == "Senin, 7 Desember 2026 pukul 10.00 WIB"
    set_language("en")
    assert l10n.format_datetime(t) == "Saturday, November 28, 2026, 9:30\u202fAM WIB"  # CLDR's narrow space


def test_days_as_babel_writes_them(lang):
    for d in [date(2024, 1, 15), date(2026, 8, 17), date(2026, 12, 5), date(2030, 2, 28)]:
        assert l10n.format_date(d) == dates.format_date(d, "long", locale=lang)


NUMBERS = [0, 1, 7, 999, 1000, 1996, 12345, 1234567, -1234, 0.5, 1.25, 2.675, 1234.5678, 0.0001, 12.0, 99.95, -0.25]


def test_numbers_as_babel_writes_them(lang):
    for n in NUMBERS:
        assert l10n.format_number(n) == numbers.format_decimal(n, locale=lang), n
        assert l10n.format_number(n, 1) == numbers.format_decimal(n, format="#,##0.0", locale=lang), n


@pytest.mark.parametrize("unit", list(translations.UNITS))
def test_units_as_babel_writes_them(lang, unit):
    cldr, length = translations.UNITS[unit]
    for n in [*range(0, 25), 59, 100, 1000, 1234]:
        assert l10n.format_unit(n, unit) == units.format_unit(n, cldr, length=length, locale=lang), (unit, n)


def test_durations_read_at_a_glance():
    set_language("id")
    assert l10n.format_duration(150) == "2 jam 30 menit"
    assert l10n.format_duration(2 * 24 * 60 + 3 * 60 + 59) == "2 hari 3 jam"  # minutes drop from a day on
    assert l10n.format_duration(0) == ""
    set_language("en")
    assert l10n.format_duration(61) == "1 hour 1 minute"
    parts = [units.format_unit(2, "duration-day", locale="en"), units.format_unit(3, "duration-hour", locale="en")]
    assert l10n.format_duration(2 * 24 * 60 + 3 * 60) == lists.format_list(parts, style="unit-narrow", locale="en")


def test_percentages_as_babel_writes_them(lang):
    for whole in [*range(0, 101), 150, 1234]:
        assert l10n.format_percent(whole / 100) == numbers.format_percent(whole / 100, locale=lang), whole


def test_percentages_round_down():
    set_language("id")
    assert l10n.format_percent(0.796) == "79%"  # never the 80% it falls short of
    assert l10n.format_percent(1 / 3) == "33%" and l10n.format_percent(0.29) == "29%"  # 28.999999999999996
    assert l10n.format_percent(12.3456) == "1.234%"


def test_spans_of_seconds_as_the_case_card_says_them():
    set_language("id")
    assert l10n.format_span(18 * 3600) == "18 jam"
    assert l10n.format_span(4 * 3600 + 59) == "4 jam"  # whole minutes, rounded down as the case card does
    assert l10n.format_span(26 * 3600 + 125) == "1 hari 2 jam"
    assert l10n.format_span(59) == l10n.format_span(0) == "kurang dari satu menit"
    set_language("en")
    assert l10n.format_span(75 * 60) == "1 hour 15 minutes" and l10n.format_span(30) == "less than a minute"


def test_sizes():
    set_language("id")
    assert l10n.format_size(512) == "512 byte"
    assert l10n.format_size(9 * 1024 + 100) == "9 kB"
    assert l10n.format_size(int(3.44 * 1024 * 1024)) == "3,4 MB"
    assert l10n.format_size(1024 * 1024) == "1 MB"
    set_language("en")
    assert l10n.format_size(int(1234.5 * 1024 * 1024)) == "1,234.5 MB"


def test_without_the_tables_iso_and_plain_numbers(monkeypatch, tmp_path):
    monkeypatch.setattr("runner.i18n.LOCALE_DIR", str(tmp_path))
    monkeypatch.setattr(l10n, "_tables", {})
    t = datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert l10n.format_datetime(t) == "2026-11-28 09:30+07:00"
    assert l10n.format_number(1234.5) == "1,234.5"
    assert l10n.format_duration(90) == "1 hour 30 minute"
    assert l10n.format_percent(0.5) == "50%"
