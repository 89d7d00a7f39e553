"""The rows a store keeps, as the rest of the program sees them.

A row is a named tuple in column order (``Record``: cheap to create on the
start-up path of ``sop case show``): the store turns JSON columns into Python
values at its boundary, so nothing else decodes them by hand.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import Any, Literal, cast, get_args

from ..errors import UserError
from ..i18n import _
from ..record import Record
from .rules import ACTING

# What an event of a case does; the store keeps it as text (`events.action`), verify names any other.
ActionKind = Literal["start", "advance", "attach", "cancel", "void", "migrate"]
ACTIONS: tuple[str, ...] = get_args(ActionKind)


def action_kind(text: str) -> ActionKind:
    """A stored event's action as the type says it is; ValueError for one sop never writes."""
    if text not in ACTIONS:
        raise ValueError(f"unknown action {text!r}")
    return cast(ActionKind, text)


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
        return {Status.OPEN: _("open"), Status.DONE: _("done"), Status.CANCELLED: _("cancelled")}[self]


class CaseRow(Record):
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


class EventRow(Record):
    case_id: str
    seq: int
    at: str  # when it happened: the server's clock, or the time given when back-dated
    action: str
    step: str | None
    outcome: str | None
    role: str | None
    operator: str  # who recorded it: the authenticated login (format 2), or a typed name (format 1)
    note: str | None
    data: str  # canonical JSON: documents, title, definition, ...
    prev_hash: str
    hash: str
    # format 2 (people and posts): written by the store, never typed
    holder: str | None = None  # the login of the person who acted (holds the pelaksana post)
    acting: str | None = None  # "plt" | "plh" when the holder acts by an acting appointment
    recorded_at: str | None = None  # the server's clock when the event was written
    backdated: int = 0  # 1 when ``at`` was given (``--at``) rather than read from the clock
    request: str | None = None  # the id the writer chose, unique: was this action saved?
    format: int = 1  # 1: before people and posts (operator typed); 2: operator authenticated

    @property
    def authenticated(self) -> bool:
        return self.format >= 2


def post_title(position: str, acting: str | None) -> str:
    """ "Camat", or "Plh. Camat" for an acting appointment."""
    return f"{ACTING[acting]} {position}" if acting else position


class PersonRow(Record):
    login: str  # the login this person authenticates with (OS login or database role)
    nama: str
    nip: str | None
    admin: bool  # may add people, grant and end posts, register SOP versions
    records_for_others: bool  # may record an action that another person did (``--for``)
    added_at: str
    added_by: str
    email: str | None = None  # where reminders go (sop notify); None: the person gets none

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class PostRow(Record):
    id: int
    login: str
    pelaksana: str  # a pelaksana id, as SOPs use it
    sops: list[str] | None  # only these SOPs; None: every SOP that has this pelaksana
    acting: str | None  # None: definitive; "plt" | "plh"
    valid_from: str  # YYYY-MM-DD, the first day it holds
    valid_until: str | None  # YYYY-MM-DD, the last day it holds
    ended_at: str | None  # when an admin ended it at once (UTC); it holds no more from then
    granted_by: str
    granted_at: str
    ended_by: str | None

    def holds(self, day: str, instant: str) -> bool:
        """Whether the post holds on ``day`` (YYYY-MM-DD, local) at ``instant`` (stored UTC time)."""
        return (
            self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.ended_at is None or instant < self.ended_at)
        )

    def to_json(self) -> dict[str, Any]:
        d = self._asdict()
        d["from"], d["until"] = d.pop("valid_from"), d.pop("valid_until")
        return d


class PengesahanRow(Record):
    """A version of an SOP disahkan: signed by the holder of the post its identity names, in force
    from its tanggal_efektif until the next version's (then dicabut)."""

    id: int
    sop: str
    version: str
    digest: str  # the definition signed
    nomor: str | None  # the SOP's nomor, as its identity page gives it
    tanggal_efektif: str  # YYYY-MM-DD: in force from this day
    jabatan: str  # the pelaksana id of the post that signed (identity.disahkan_oleh)
    signer: str  # the login of the holder who signed
    acting: str | None  # "plt" | "plh": signed by an acting appointment
    signed_on: str  # YYYY-MM-DD: the day it was signed
    recorded_by: str  # the login that recorded it (an admin, --for the signer)
    recorded_at: str  # the store's clock when it was recorded

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


def damaged(what: str) -> UserError:
    """The store holds what sop-runner never wrote: say so instead of failing inside."""
    return UserError(
        _("the case store is damaged: {what}; verify it and restore it from a backup").format(what=what),
        "store-damaged",
    )


class DocumentRow(Record):
    case_id: str
    seq: int  # the event that attached it
    name: str
    step: str | None
    filename: str | None
    size: int | None
    sha256: str | None
    content: bytes | None = None


def voided(events: Sequence[EventRow]) -> dict[int, int]:
    """The events voided: voided seq -> the seq of the void event that voids it."""
    return {int(json.loads(e.data)["voids"]): e.seq for e in events if e.action == "void"}


def standing(events: Sequence[EventRow]) -> list[int]:
    """The seqs of the actions that stand: every event but the voids and the events they voided, in order.
    The last of them is what a void voids next (never the start)."""
    gone = voided(events)
    return [e.seq for e in events if e.action != "void" and e.seq not in gone]
