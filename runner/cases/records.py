"""What the case service takes and gives: attachments, the case as shown, list lines, history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..definition import SOP
from ..errors import UserError
from ..files import megabytes, read_regular
from ..i18n import _
from ..l10n import format_size
from ..record import Record
from ..store import CaseRow, DocumentRow, Status
from ..store.clock import iso, local
from ..store.limits import LIMITS, MB

if TYPE_CHECKING:
    from pathlib import Path


def max_attachment_bytes() -> int:
    """The store's limit (one fact: runner/store/limits.py), or less where SOP_MAX_ATTACHMENT_MB says so."""
    store = LIMITS["attachment_mb"]
    return min(megabytes("SOP_MAX_ATTACHMENT_MB", store), store * MB)


class Holder(Record):
    """A person who holds one of the current step's posts."""

    pelaksana: str
    login: str
    nama: str
    acting: str | None
    label: str  # "Plh. Camat: Sari Dewi"


class HistoryEntry(Record):
    """One event of ``case history``: what happened, who held the post, who recorded it."""

    seq: int
    at: str  # in the SOP's timezone
    action: str
    step: str | None
    outcome: str | None
    role: str | None
    operator: str  # the recorder (the contract's name for it)
    note: str | None
    documents: list[str]
    holder: str | None = None  # the login of the person who acted
    holder_nama: str | None = None
    acting: str | None = None  # "plt" | "plh"
    holder_label: str | None = None  # as documents write it: "Plh. Camat: Sari Dewi"
    authenticated: bool = False  # the recorder is the login the store authenticated, not a typed name
    recorded_at: str | None = None  # the store's clock when written, in the SOP's timezone
    backdated: bool = False  # ``at`` was given, not the clock
    timezone: str = "UTC"  # the SOP's, for showing the time
    voids: int | None = None  # a void: the seq of the event it voids
    voided_by: int | None = None  # the seq of the void event that voided this one
    definition: str | None = None  # the digest of the SOP version the event was done on
    version: str | None = None  # that version
    step_no: int | None = None  # the number of ``step`` in that version
    to_version: str | None = None  # a migrate: the version the case was moved to
    to_step: str | None = None  # a migrate: the step it stands at there
    to_step_no: int | None = None

    @property
    def recorder(self) -> str:
        return self.operator

    def recorded_by(self) -> str:
        """The recorder as shown: the login the store authenticated, or (format 1) a typed name, marked so."""
        return self.operator if self.authenticated else _("{name} (typed)").format(name=self.operator)

    def who(self) -> str:
        """Who acted and who recorded it, as screens and documents write it: "Plh. Camat: Sari Dewi,
        recorded by ani"; the recorder alone when nobody else held the post."""
        if self.holder_label and self.holder != self.operator:
            return _("{holder}, recorded by {recorder}").format(holder=self.holder_label, recorder=self.recorded_by())
        return self.holder_label or self.recorded_by()

    def to_json(self) -> dict[str, Any]:
        data = {**self._asdict(), "recorder": self.recorder}
        del data["timezone"]  # ``at`` carries its offset
        return data


class MigrationPlan(Record):
    """One case of ``sop case migrate``: where it stands, and where it stands after the move."""

    case: str
    title: str | None
    from_version: str
    from_step: str
    from_no: int
    to_version: str
    to_step: str
    to_no: int
    missing: list[str]  # the kelengkapan of the new step not at hand (the next advance needs them)
    deadline: str | None  # the new step's deadline (its waktu from when the case entered the step), in the SOP's zone
    overdue: bool
    timezone: str = "UTC"

    def to_json(self) -> dict[str, Any]:
        data = self._asdict()
        del data["timezone"]  # ``deadline`` carries its offset
        return data


class CaseSummary(Record):
    """One line of ``case list``."""

    id: str
    sop: str
    title: str | None
    status: Status
    step: str | None
    deadline: str | None  # in the SOP's timezone
    overdue: bool
    timezone: str = "UTC"  # the SOP's, for showing the deadline
    definition: str | None = None  # the digest of the SOP version the case follows

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sop": self.sop,
            "title": self.title,
            "status": str(self.status),
            "step": self.step,
            "deadline": self.deadline,
            "overdue": self.overdue,
        }


def is_overdue(row: CaseRow, at: datetime) -> bool:
    return row.status == Status.OPEN and row.deadline is not None and row.deadline < iso(at)


class CaseView(Record):
    """A case as ``show`` presents it."""

    row: CaseRow
    sop: SOP
    documents: list[DocumentRow]
    now: datetime
    newer: str | None = None  # a note when the SOP file changed since the case started
    enforced: bool = False  # whether posts are enforced in this store (once a person is registered)
    holders: tuple[Holder, ...] = ()  # who holds the current step's posts today
    last: HistoryEntry | None = None  # the latest event: who acted and who recorded it
    note: HistoryEntry | None = None  # the latest event with a note (a correction's reason, a disposition ...)

    @property
    def overdue(self) -> bool:
        return is_overdue(self.row, self.now)

    @property
    def missing(self) -> list[str]:
        if self.row.step is None:
            return []
        return self.sop.step(self.row.step).missing(self.row.available)

    def local(self, stored: str | None) -> str | None:
        """A stored time in the SOP's timezone."""
        return local(stored, self.sop.calendar.timezone)

    def _last_note(self) -> dict[str, Any] | None:
        n = self.note
        if n is None:
            return None
        return {
            "text": n.note,
            "by": self.note_by(n),
            "role": n.role,
            "recorder": n.operator,
            "at": n.at,
            "action": n.action,
            "outcome": n.outcome,
            "seq": n.seq,
        }

    def note_by(self, e: HistoryEntry) -> str:
        """Who wrote a note, as people name them: the holder ("Plh. Camat: Sari Dewi"), else the pelaksana's
        name, else (a cancellation) the recorder."""
        if e.holder_label:
            return e.holder_label
        if e.role and e.role in {p.id for p in self.sop.pelaksana}:
            return self.sop.pelaksana_by_id(e.role).label
        return e.recorded_by()

    def to_json(self) -> dict[str, Any]:
        """The ``case show --json`` shape of the contract."""
        step = None
        if self.row.status == Status.OPEN and self.row.step:
            s = self.sop.step(self.row.step)
            step = {
                "id": s.id,
                "no": s.no,
                "uraian": s.uraian,
                "pelaksana": list(s.pelaksana),
                "kelengkapan": list(s.kelengkapan),
                "waktu": s.waktu,
                "entered_at": self.local(self.row.entered_at),
                "deadline": self.local(self.row.deadline),
                "overdue": self.overdue,
                "missing": self.missing,
                "outcomes": list(s.decision.outcomes) if s.decision else None,
                "question": s.decision.question if s.decision else None,
                "holders": [h._asdict() for h in self.holders],
            }
        return {
            "id": self.row.id,
            "sop": self.row.sop,
            "nama": self.sop.nama,
            "version": self.sop.version,
            "title": self.row.title,
            "status": str(self.row.status),
            "step": step,
            "documents": [
                {
                    "name": d.name,
                    "step": d.step,
                    "sha256": d.sha256,
                    "size": d.size,
                    "filename": d.filename,
                    "seq": d.seq,
                }
                for d in self.documents
            ],
            "created_at": self.local(self.row.created_at),
            "updated_at": self.local(self.row.updated_at),
            "newer_definition": self.newer,
            "posts_enforced": self.enforced,
            "last_event": self.last.to_json() if self.last else None,
            "last_note": self._last_note(),
        }


class Attachment(Record):
    """A document now at hand: its name, and the file whose content is kept (or None: paper only)."""

    name: str
    file: Path | None = None
    # or the content itself, as a web form uploads it, with the file name the browser gave
    content: bytes | None = None
    filename: str | None = None

    def read(self) -> tuple[bytes | None, str | None]:
        if self.content is not None:
            limit = max_attachment_bytes()
            if len(self.content) > limit:
                raise UserError(
                    _(
                        "{file} is over {limit}; attachments are kept up to {limit} — attach a smaller scan, or the name alone"
                    ).format(file=self.filename or self.name, limit=format_size(limit)),
                    "attachment-too-large",
                    file=self.filename,
                    size=len(self.content),
                    limit_mb=limit / 1024 / 1024,
                )
            return self.content, self.filename or self.name
        if self.file is None:
            return None, None
        limit = max_attachment_bytes()

        def too_large(size: int | None) -> UserError:
            return UserError(
                _(
                    "{file} is over {limit}; attachments are kept up to {limit} — attach a smaller scan, or the name alone"
                ).format(file=self.file, limit=format_size(limit)),
                "attachment-too-large",
                file=str(self.file),
                size=size,
                limit_mb=limit / 1024 / 1024,
            )

        # a file name in another encoding is kept readable: its undecodable bytes become U+FFFD
        name = self.file.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return read_regular(self.file, limit, too_large), name
