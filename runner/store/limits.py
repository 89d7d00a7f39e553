"""The limits of what a store keeps, stated once.

SQLite's write path checks them here before it writes; PostgreSQL's functions
check the same numbers, filled into postgres.sql (``{limit_...}``) from this
table when the migration runs, so a clerk with ``psql`` meets the same limits
as ``sop``. tests/data/bad_writes.json is the table of inputs both refuse.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .clock import EARLIEST, LATEST, iso
from .rules import RefusalKind, refusal

if TYPE_CHECKING:
    from .rows import DocumentRow

MB = 1024 * 1024

LIMITS: dict[str, int] = {
    # a scan of a few pages; SOP_MAX_ATTACHMENT_MB may lower it for one machine, never raise it
    "attachment_mb": 20,
    "documents": 50,  # per action: a case's whole file of documents is far fewer
    "note_chars": 10_000,  # a note explains an action; a report is an attachment
    "title_chars": 500,
    "name_chars": 255,  # a document's name and file name, a person's nama (as file systems' names)
}


def sql_limits() -> dict[str, str]:
    """The table as postgres.sql is filled with it."""
    return {
        **{f"limit_{name}": str(value) for name, value in LIMITS.items()},
        "earliest": iso(EARLIEST),
        "latest": iso(LATEST),
    }


def check_time(at: str) -> None:
    """A time a write records: readable, and from 1970 to before the year 9000."""
    try:
        ok = EARLIEST <= datetime.fromisoformat(at) < LATEST
    except (ValueError, TypeError, OverflowError):
        ok = False
    if not ok:
        raise refusal("time-out-of-range", at=at)


def check_text(kind: RefusalKind, value: str | None, limit: str, **details: object) -> None:
    if value is not None and len(value) > LIMITS[limit]:
        raise refusal(kind, length=len(value), limit=LIMITS[limit], **details)


def check_nama(nama: str) -> None:
    check_text("nama-too-long", nama, "name_chars")


def check_write(at: str, note: str | None, title: str | None, documents: list[DocumentRow]) -> None:
    """What one action may record, before anything is written (as sop_check_limits in postgres.sql)."""
    check_time(at)
    check_text("note-too-long", note, "note_chars")
    check_text("title-too-long", title, "title_chars")
    if len(documents) > LIMITS["documents"]:
        raise refusal("too-many-documents", count=len(documents), limit=LIMITS["documents"])
    for d in documents:
        check_text("document-name-too-long", d.name, "name_chars")
        check_text("document-name-too-long", d.filename, "name_chars")
        if d.content is not None and len(d.content) > LIMITS["attachment_mb"] * MB:
            raise refusal(
                "document-too-large",
                name=d.name,
                size_mb=round(len(d.content) / MB, 1),
                limit_mb=LIMITS["attachment_mb"],
            )
