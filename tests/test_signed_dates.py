"""The dates of the identity page: a day or a month, as signed SOPs carry them, printed in words."""

from __future__ import annotations

from datetime import date

import pytest

from runner.definition.dates import SignedDate, parse_signed_date
from runner.i18n import set_language


@pytest.mark.parametrize(
    "text, meant",
    [
        ("2024-01-15", SignedDate(2024, 1, 15)),
        ("2023-08", SignedDate(2023, 8)),
        ("Agustus 2023", SignedDate(2023, 8)),
        ("AGUSTUS  2023", SignedDate(2023, 8)),
        ("15 Januari 2024", SignedDate(2024, 1, 15)),
        ("2 Nopember 2022", SignedDate(2022, 11, 2)),
        ("March 2025", SignedDate(2025, 3)),
    ],
)
def test_a_signed_date_is_a_day_or_a_month(text, meant):
    assert parse_signed_date(text) == meant


@pytest.mark.parametrize(
    "text", ["2026-13-45", "2026-02-30", "kemarin", "Agus 2023", "32 Januari 2024", "0044-03-15", ""]
)
def test_what_is_not_a_real_date(text):
    assert parse_signed_date(text) is None


def test_a_month_means_its_first_day_and_prints_in_words():
    month = parse_signed_date("2023-08")
    assert month is not None and month.first_day == date(2023, 8, 1)
    set_language("id")
    assert month.printed() == "Agustus 2023"
    assert SignedDate(2024, 1, 15).printed() == "15 Januari 2024"
    set_language("en")
    assert month.printed() == "August 2023"
