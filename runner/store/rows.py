"""The rows a store keeps, as the rest of the program sees them.

A row is a named tuple in column order: the store turns JSON columns into
Python values at its boundary, so nothing else decodes them by hand. (Named
tuples, not dataclasses: they cost `sop case show` less to create.)
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple


class Status(str, Enum):
    """Where a case stands. The values are what the store and the JSON output say."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"

    def __str__(self) -> str:
        return self.value

    @property
    def word(self) -> str:
        """The status in the reader's language."""
        from ..i18n import _

        return {Status.OPEN: _("open"), Status.DONE: _("done"), Status.CANCELLED: _("cancelled")}[self]


class CaseRow(NamedTuple):
    id: str
    sop: str
    number: int
    title: str | None
    definition: str  # sha256 of the SOP definition the case started with
    status: Status
    step: str | None
    entered_at: str  # ISO 8601, UTC: when the case entered its current step
    deadline: str | None
    available: list[str]  # the normalised names of the documents at hand, sorted
    seq: int  # the last event's sequence number
    head: str  # the last event's hash
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        """The ``case start --json`` shape of the contract."""
        return {"id": self.id, "sop": self.sop, "status": self.status, "step": self.step}


class EventRow(NamedTuple):
    case_id: str
    seq: int
    at: str
    action: str
    step: str | None
    outcome: str | None
    role: str | None
    operator: str
    note: str | None
    data: str  # canonical JSON: documents, title, definition, ...
    prev_hash: str
    hash: str


class DocumentRow(NamedTuple):
    case_id: str
    seq: int  # the event that attached it
    name: str
    step: str | None
    filename: str | None
    size: int | None
    sha256: str | None
    content: bytes | None = None
