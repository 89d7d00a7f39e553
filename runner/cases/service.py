"""Running cases: the case service behind ``sop case ...`` and every other front door.

Each action reads the case, lets the engine decide, and writes one event plus
the case's new state in one transaction. Reading (show, search, history)
never imports the state machine: the case row keeps what it needs.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..canonical import canonical_json, sha256_hex
from ..definition import SOP, did_you_mean, normal
from ..errors import UserError
from ..i18n import _
from ..l10n import format_size
from ..store import CaseRow, DocumentRow, EventRow, SQLStore, Status
from .chain import GENESIS, event_hash
from .clock import in_range, iso, local, now, parse_time

if TYPE_CHECKING:
    from . import engine
    from .checkpoint import Checkpoint
    from .verify import Finding


def max_attachment_bytes() -> int:
    from ..files import megabytes

    return megabytes("SOP_MAX_ATTACHMENT_MB", 20)


@functools.cache
def os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in a bare container
        return "unknown"


def text(value: str | None, what: str) -> str | None:
    """``value`` when it is text that can be stored and hashed; bytes that were not UTF-8
    (a terminal or file name in another encoding) arrive as lone surrogates and are refused."""
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise UserError(
                _("{what} '{value}' is not UTF-8 text; type it again, in UTF-8").format(what=what, value=shown),
                "bad-text",
                what=what,
            ) from None
    return value


def unknown_case(store: SQLStore, case_id: str) -> UserError:
    return UserError(
        _("no case '{id}'{hint}").format(id=case_id, hint=did_you_mean(case_id, store.case_ids())),
        "unknown-case",
        case=case_id,
    )


def damaged(what: str) -> UserError:
    """The store holds what sop-runner never wrote: say so instead of failing inside."""
    return UserError(
        _("the case store is damaged: {what}; verify it and restore it from a backup").format(what=what),
        "store-damaged",
    )


# --- attachments ---------------------------------------------------------------


class Attachment(NamedTuple):
    """A document now at hand: its name, and the file whose content is kept (or None: paper only)."""

    name: str
    file: Path | None = None

    def read(self) -> tuple[bytes | None, str | None]:
        if self.file is None:
            return None, None
        from ..files import read_regular

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


# --- results -------------------------------------------------------------------


class CaseView(NamedTuple):
    """A case as ``show`` presents it."""

    row: CaseRow
    sop: SOP
    documents: list[DocumentRow]
    now: datetime
    newer: str | None = None  # a note when the SOP file changed since the case started

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
                {"name": d.name, "step": d.step, "sha256": d.sha256, "size": d.size, "filename": d.filename}
                for d in self.documents
            ],
            "created_at": self.local(self.row.created_at),
            "updated_at": self.local(self.row.updated_at),
            "newer_definition": self.newer,
        }


def is_overdue(row: CaseRow, at: datetime) -> bool:
    return row.status == Status.OPEN and row.deadline is not None and row.deadline < iso(at)


class CaseSummary(NamedTuple):
    """One line of ``case list``."""

    id: str
    sop: str
    title: str | None
    status: Status
    step: str | None
    deadline: str | None  # in the SOP's timezone
    overdue: bool
    timezone: str = "UTC"  # the SOP's, for showing the deadline

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


class HistoryEntry(NamedTuple):
    """One event of ``case history``."""

    seq: int
    at: str  # in the SOP's timezone
    action: str
    step: str | None
    outcome: str | None
    role: str | None
    operator: str
    note: str | None
    documents: list[str]
    timezone: str = "UTC"  # the SOP's, for showing the time

    def to_json(self) -> dict[str, Any]:
        data = self._asdict()
        del data["timezone"]  # ``at`` carries its offset
        return data


# --- the case row: a function of the case's events ---------------------------------


def case_number(case_id: str, sop_id: str) -> int | None:
    """The number in a case id ``<sop>-<number>``; None when the id is not of that SOP."""
    prefix, _sep, number = case_id.rpartition("-")
    return int(number) if prefix == sop_id and number.isdigit() else None


def deadline(sop: SOP, step: str | None, entered: str) -> str | None:
    """When ``step``, entered at the stored time ``entered``, is due: its waktu on the SOP's calendar."""
    if step is None:
        return None
    from ..definition.workcal import deadline as due_after

    due = due_after(sop.calendar, datetime.fromisoformat(entered), sop.step(step).duration)
    return iso(due) if due else None


def moves(row: CaseRow | None, state: engine.CaseState) -> bool:
    """Whether an event that leads to ``state`` moves the case to another step (or closes it)."""
    return row is None or state.step != row.step or state.status != row.status


def row_after(row: CaseRow | None, sop: SOP, event: EventRow, state: engine.CaseState, data: dict) -> CaseRow:
    """The case row after ``event`` (``row`` None: the start event), given the engine's state after it.

    The one rule for what a case row holds: the writer stores what it gives, and
    ``verify`` replays every event through it and compares each column. The
    deadline is the one the moving event recorded (holiday data may change
    later); an event written before deadlines were recorded has it recomputed.
    """
    moved = moves(row, state)
    if not moved:
        assert row is not None
        due = row.deadline
    elif "deadline" in data:
        due = data["deadline"]
    else:
        due = deadline(sop, state.step, event.at)
    if row is None:
        return CaseRow(
            event.case_id,
            sop.id,
            case_number(event.case_id, sop.id),  # type: ignore[arg-type]  # verify reports a None
            data.get("title"),
            data["definition"],
            state.status,
            state.step,
            event.at,
            due,
            sorted(state.available),
            event.seq,
            event.hash,
            event.at,
            event.at,
        )
    return row._replace(
        status=state.status,
        step=state.step,
        entered_at=event.at if moved else row.entered_at,
        deadline=due,
        available=sorted(state.available),
        seq=event.seq,
        head=event.hash,
        updated_at=event.at,
    )


# --- the service -----------------------------------------------------------------


class Cases:
    """Start, advance, attach, cancel, show, search, history and verify cases in one store."""

    def __init__(self, store: SQLStore, sop_dirs: Sequence[str | Path] = ()) -> None:
        self.store = store
        self.sop_dirs = sop_dirs
        self._definitions: dict[str, SOP] = {}

    # --- helpers -------------------------------------------------------------

    def definition(self, digest: str) -> SOP:
        sop = self._definitions.get(digest)
        if sop is None:
            body = self.store.definition(digest)
            try:
                sop = SOP(json.loads(body)) if body is not None else None
            except (ValueError, KeyError, TypeError, AttributeError):
                sop = None
            if sop is None:
                raise damaged(_("the SOP definition {digest} is missing or unreadable").format(digest=digest[:12]))
            self._definitions[digest] = sop
        return sop

    def _case(self, case_id: str) -> tuple[CaseRow, SOP]:
        text(case_id, _("the case id"))
        try:
            row = self.store.case(case_id)
        except (ValueError, TypeError) as e:  # a column that is not what we wrote
            raise damaged(_("the row of case {id} is unreadable ({reason})").format(id=case_id, reason=e)) from None
        if row is None:
            raise unknown_case(self.store, case_id)
        return row, self.definition(row.definition)

    def _when(self, at: str | datetime | None, sop: SOP, after: str | None) -> datetime:
        current = now()
        if at is None:
            return current
        t = parse_time(at, sop.calendar.timezone) if isinstance(at, str) else in_range(at, at)
        if t > current:
            raise UserError(
                _("the time {at} lies in the future; give a time up to now").format(at=at), "time-in-future", at=str(at)
            )
        if after is not None and iso(t) < after:
            raise UserError(
                _("the time {at} is before the case's last event ({last}); actions are recorded in order").format(
                    at=at, last=local(after, sop.calendar.timezone)
                ),
                "time-before-last-event",
                at=str(at),
                last=local(after, sop.calendar.timezone),
            )
        return t

    @staticmethod
    def _check_names(attach: Sequence[Attachment]) -> None:
        """Every document has a name, and each name comes once: before anything else is judged."""
        seen: set[str] = set()
        for a in attach:
            text(a.name, _("the document name"))
            if not a.name.strip():
                raise UserError(_("a document needs a name"), "document-name-missing")
            if normal(a.name) in seen:
                raise UserError(
                    _("the document '{name}' is given twice; attach it once").format(name=a.name),
                    "attachment-twice",
                    name=a.name,
                )
            seen.add(normal(a.name))

    @staticmethod
    def _read(attach: Sequence[Attachment]) -> list[tuple[Attachment, bytes | None, str | None]]:
        """Every attachment's content, read before any transaction opens (files can be large)."""
        return [(a, *a.read()) for a in attach]

    @staticmethod
    def _documents(
        case_id: str, seq: int, step: str | None, files: list[tuple[Attachment, bytes | None, str | None]]
    ) -> tuple[list[DocumentRow], list[dict]]:
        rows, meta = [], []
        for a, content, filename in files:
            digest = sha256_hex(content) if content is not None else None
            size = len(content) if content is not None else None
            rows.append(DocumentRow(case_id, seq, a.name, step, filename, size, digest, content))
            meta.append({"name": a.name, "filename": filename, "size": size, "sha256": digest})
        return rows, meta

    @staticmethod
    def _event(
        row_seq: int,
        prev: str,
        case_id: str,
        at: datetime,
        action: str,
        step: str | None,
        operator: str,
        data: dict,
        role: str | None = None,
        outcome: str | None = None,
        note: str | None = None,
    ) -> EventRow:
        ev = EventRow(
            case_id, row_seq, iso(at), action, step, outcome, role, operator, note, canonical_json(data), prev, ""
        )
        return ev._replace(hash=event_hash(ev))

    # --- actions -------------------------------------------------------------

    def start(
        self,
        sop: SOP,
        title: str | None = None,
        attach: Sequence[Attachment] = (),
        at: str | datetime | None = None,
        by: str | None = None,
    ) -> CaseRow:
        from . import engine

        self._check_names(attach)
        text(title, _("the title"))
        text(by, _("the operator"))
        when = self._when(at, sop, None)
        operator = by or os_user()
        state = engine.start(sop, when, [a.name for a in attach])
        files = self._read(attach)

        due = deadline(sop, state.step, iso(when))

        def build(number: int) -> tuple[CaseRow, EventRow, list[DocumentRow]]:
            case_id = f"{sop.id}-{number}"
            docs, meta = self._documents(case_id, 1, sop.first.id, files)
            data = {"definition": sop.digest, "documents": meta, "title": title, "deadline": due}
            ev = self._event(1, GENESIS, case_id, when, "start", sop.first.id, operator, data)
            return row_after(None, sop, ev, state, data), ev, docs

        return self.store.create_case(sop.id, (sop.digest, sop.version, sop.canonical, sop.source), build)

    def _act(
        self,
        case_id: str,
        action: str,
        *,
        role: str | None = None,
        outcome: str | None = None,
        note: str | None = None,
        attach: Sequence[Attachment] = (),
        at: str | datetime | None = None,
        by: str | None = None,
    ) -> CaseRow:
        """The one path every change of a case takes: decide with the engine, write in one transaction."""
        from . import engine

        self._check_names(attach)
        for value, what in (
            (role, _("the pelaksana")),
            (outcome, _("the outcome")),
            (note, _("the note")),
            (by, _("the operator")),
        ):
            text(value, what)
        row, sop = self._case(case_id)
        when = self._when(at, sop, row.updated_at)  # updated_at: the last event's time
        try:
            entered_at = datetime.fromisoformat(row.entered_at)
        except ValueError:
            raise damaged(_("case {id} entered its step at '{at}'").format(id=case_id, at=row.entered_at)) from None
        state = engine.CaseState(Status(row.status), row.step, entered_at, frozenset(row.available))
        event = engine.Event(action, when, role, outcome, tuple(a.name for a in attach))
        new = engine.apply(sop, state, event, case_id)  # raises Refused; nothing written yet
        seq = row.seq + 1
        docs, meta = self._documents(case_id, seq, row.step, self._read(attach))
        data: dict[str, Any] = {"documents": meta}
        if moves(row, new):
            data["deadline"] = deadline(sop, new.step, iso(when))
        ev = self._event(seq, row.head, case_id, when, action, row.step, by or os_user(), data, role, outcome, note)
        updated = row_after(row, sop, ev, new, data)
        self.store.append(updated, row.seq, ev, docs)
        return updated

    def advance(
        self,
        case_id: str,
        role: str,
        outcome: str | None = None,
        note: str | None = None,
        attach: Sequence[Attachment] = (),
        at: str | datetime | None = None,
        by: str | None = None,
    ) -> CaseRow:
        return self._act(case_id, "advance", role=role, outcome=outcome, note=note, attach=attach, at=at, by=by)

    def attach(
        self,
        case_id: str,
        attach: Sequence[Attachment],
        at: str | datetime | None = None,
        by: str | None = None,
        note: str | None = None,
    ) -> CaseRow:
        return self._act(case_id, "attach", attach=attach, at=at, by=by, note=note)

    def cancel(self, case_id: str, reason: str, at: str | datetime | None = None, by: str | None = None) -> CaseRow:
        if not reason.strip():
            raise UserError(_("give the reason for cancelling"), "reason-missing", case=case_id)
        return self._act(case_id, "cancel", note=reason, at=at, by=by)

    # --- reading -------------------------------------------------------------

    def show(self, case_id: str) -> CaseView:
        row, sop = self._case(case_id)
        return CaseView(row, sop, self.store.documents(case_id), now(), self._newer(sop, row.definition))

    def _newer(self, sop: SOP, digest: str) -> str | None:
        """Say when the SOP file has changed since this case (on definition ``digest``) started with it."""
        from ..definition import find_sop, load_sop
        from ..definition.catalogue import MAX_SOP_BYTES
        from ..files import read_regular

        try:
            path = find_sop(sop.id, self.sop_dirs)
            stored = self.store.definition_source(digest)
            raw = read_regular(path, MAX_SOP_BYTES, lambda size: UserError(""))
            if stored is not None and raw.decode("utf-8", errors="replace") == stored:
                return None  # the very text the case started with: nothing to parse or hash
            current = load_sop(path)
        except UserError:
            return None  # gone or invalid now: the case keeps its own copy either way
        if current.digest == digest:
            return None
        return _("the SOP file now has version {new}; this case follows version {old}, which it started with").format(
            new=current.version, old=sop.version
        )

    def search(
        self,
        sop: str | None = None,
        status: Status | None = None,
        overdue: bool = False,
        since: str | datetime | None = None,
        limit: int | None = None,
    ) -> Iterator[CaseSummary]:
        """The cases that match, newest first, one at a time (a store may hold hundreds of thousands)."""
        text(sop, _("the SOP id"))
        # every definition first: while the rows stream, the connection serves nothing else
        for digest, body in self.store.definitions().items():
            if digest not in self._definitions:
                self._definitions[digest] = SOP(json.loads(body))
        t = now()
        rows = self.store.cases(
            sop=sop,
            status=status,
            overdue_at=iso(t) if overdue else None,
            since=self._since(since),
            limit=limit,
            newest_first=True,
        )
        for r in rows:
            tz = self.definition(r.definition).calendar.timezone
            yield CaseSummary(
                r.id, r.sop, r.title, Status(r.status), r.step, local(r.deadline, tz), is_overdue(r, t), tz
            )

    def count(
        self,
        sop: str | None = None,
        status: Status | None = None,
        overdue: bool = False,
        since: str | datetime | None = None,
    ) -> int:
        """How many cases ``search`` with the same filters finds, without a limit."""
        return self.store.count_cases(sop, status, iso(now()) if overdue else None, self._since(since))

    @staticmethod
    def _since(since: str | datetime | None) -> str | None:
        if since is None:
            return None
        return iso(parse_time(since, "UTC") if isinstance(since, str) else in_range(since, since))

    def history(self, case_id: str) -> list[HistoryEntry]:
        row, sop = self._case(case_id)
        tz = sop.calendar.timezone
        return [
            HistoryEntry(
                e.seq,
                local(e.at, tz) or e.at,
                e.action,
                e.step,
                e.outcome,
                e.role,
                e.operator,
                e.note,
                [d["name"] for d in json.loads(e.data).get("documents", [])],
                tz,
            )
            for e in self.store.events(case_id)
        ]

    def checkpoint(self, path: Path) -> Checkpoint:
        """Anchor the audit trail: every case's chain head and one digest over them, written to
        ``path`` and kept in the store (see ``checkpoint``); refused when the store does not verify."""
        from .checkpoint import take

        return take(self, path)

    def latest_checkpoint(self) -> Checkpoint | None:
        """The checkpoint taken last in this store (its digest is printed on documents), or None."""
        from .checkpoint import latest

        return latest(self.store)

    def verify(self, case_id: str | None = None, against: Path | None = None) -> list[Finding]:
        """Everything the store claims, checked against the events that claim it (see ``verify``);
        with ``against``, also every case's history up to that checkpoint file."""
        from .verify import verify

        return verify(self.store, case_id, against)
