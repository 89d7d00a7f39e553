"""Working time measured between two moments: the inverse of the deadline arithmetic."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest

from runner.definition import Calendar
from runner.definition.waktu import parse
from runner.definition.workcal import WorkCalendar, deadline

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def work():
    return WorkCalendar(Calendar(extra_holidays=("2026-12-24",)))


def test_across_a_weekend_and_a_national_holiday(work):
    assert datetime(2026, 8, 17).date() in holidays.country_holidays("ID", years=2026)  # Independence Day, a Monday
    start = datetime(2026, 8, 14, 14, 0, tzinfo=WIB)  # Friday 14:00: 2 hours left that day
    end = datetime(2026, 8, 18, 10, 0, tzinfo=WIB)  # Tuesday 10:00: Saturday, Sunday, the holiday count nothing
    assert work.working_minutes_between(start, end) == 2 * 60 + 2 * 60
    assert work.add(start, 240) == end


def test_outside_hours_and_backwards_count_nothing(work):
    saturday = datetime(2026, 8, 15, 9, 0, tzinfo=WIB)
    assert work.working_minutes_between(saturday, saturday + timedelta(hours=30)) == 0
    evening = datetime(2026, 8, 12, 17, 0, tzinfo=WIB)
    assert work.working_minutes_between(evening, evening + timedelta(hours=14)) == 0  # 17:00 to 07:00
    assert work.working_minutes_between(evening, evening - timedelta(days=3)) == 0
    utc = datetime(2026, 8, 12, 1, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 in Jakarta: zones are converted
    assert work.working_minutes_between(utc, utc + timedelta(hours=1)) == 60


def test_the_inverse_of_add_on_random_intervals(work):
    rng = random.Random(20261225)
    base = datetime(2026, 1, 1, tzinfo=WIB)
    for _ in range(400):
        start = base + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        minutes = rng.choice([0.5, 10, 60, 120, 480, 960, 2400, rng.uniform(1, 8000)])
        due = work.add(start, minutes)
        assert work.working_minutes_between(start, due) == pytest.approx(minutes, abs=1e-6)
        # any moment: adding back the working time it measures lands at or before it, never after
        end = start + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        measured = work.working_minutes_between(start, end)
        if measured:  # (zero minutes from a Saturday is the next opening, after such an end)
            back = work.add(start, measured)
            assert back <= end + timedelta(milliseconds=1)
            assert work.working_minutes_between(back, end) == pytest.approx(0, abs=1e-6)


def test_months_are_calendar_months_in_the_office_zone():
    cal = Calendar()
    entered = datetime(2026, 1, 31, 2, 0, tzinfo=timezone.utc)  # 31 January, 09.00 WIB
    due = deadline(cal, entered, parse("1 bulan"))
    assert due == datetime(2026, 2, 28, 2, 0, tzinfo=timezone.utc)  # the month's last day, same hour
    assert deadline(cal, entered, parse("3 Bulan")) == datetime(2026, 4, 30, 2, 0, tzinfo=timezone.utc)
    assert deadline(cal, entered, parse("Relatif")) is None
    assert deadline(cal, entered, parse("1 x 24 jam")) == datetime(2026, 2, 1, 2, 0, tzinfo=timezone.utc)
