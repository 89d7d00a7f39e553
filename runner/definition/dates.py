"""The dates of an SOP's identity page, as signed SOPs carry them.

``tanggal_pembuatan: 2024-01-15`` (a YAML date, kept as the text written),
``tanggal_efektif: 2023-08`` or ``Agustus 2023`` (a month: many signed SOPs
give no day), or ``15 Januari 2024`` (the day in words, as printed). A month,
where a day is needed (the version in force), means its first day.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from ..l10n import format_date, format_month

# The month names an office writes, Indonesian and English, case-insensitive; short forms too.
_MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "pebruari", "february", "feb", "peb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_WORDS = re.compile(r"(?:(\d{1,2})\s+)?([^\W\d_]+)\.?\s+(\d{4})")

# the identity keys that hold a date
DATE_KEYS = ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif")


class SignedDate(NamedTuple):
    """A date of the identity page: a day, or a month when the SOP gives no day."""

    year: int
    month: int
    day: int | None = None

    @property
    def first_day(self) -> date:
        """The day it stands for where a day is needed: a month means its first day."""
        return date(self.year, self.month, self.day or 1)

    def printed(self) -> str:
        """As the reader writes it: ``15 Januari 2024``, or ``Agustus 2023`` for a month."""
        return format_date(self.first_day) if self.day else format_month(self.year, self.month)


def parse_signed_date(text: str) -> SignedDate | None:
    """The date ``text`` means, or None when it is not a real date (``2026-13-45``, ``kemarin``)."""
    value = " ".join(str(text).split())
    m = _ISO.fullmatch(value)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
    else:
        m = _WORDS.fullmatch(value)
        if not m or m[2].casefold() not in _MONTHS:
            return None
        year, month, day = int(m[3]), _MONTHS[m[2].casefold()], int(m[1]) if m[1] else None
    try:
        date(year, month, day or 1)
    except ValueError:
        return None
    return SignedDate(year, month, day) if year >= 1900 else None
