"""Running cases: the Python API behind ``sop case ...``.

Each action reads the case, lets the engine decide, and writes one event plus
the case's new state in one transaction. Reading commands (show, list,
history) never import the state machine: the case row keeps what they need.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .definition import SOP, normal
from .errors import UserError
from .i18n import _
from .store import CaseRow, DocumentRow, EventRow, SQLStore

GENESIS = "0" * 64


def _max_attachment_mb() -> float:
    value = os.environ.get("SOP_MAX_ATTACHMENT_MB", "20")
    try:
        return float(value)
    except ValueError:
        raise UserError(
            _("SOP_MAX_ATTACHMENT_MB is '{value}'; set it to a number of megabytes").format(value=value)
        ) from None


# --- time ----------------------------------------------------------------------


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(t: datetime) -> str:
    """Stored times: UTC with microseconds, so that text order is time order."""
    return t.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_time(text: str, tz_name: str) -> datetime:
    """An ``--at`` value: ISO 8601; without a zone it is in the SOP's timezone."""
    from .workcal import zone

    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        raise UserError(
            _("cannot read the time '{text}'; write it as ISO 8601, e.g. 2026-11-28T09:30").format(text=text)
        ) from None
    return t if t.tzinfo else t.replace(tzinfo=zone(tz_name))


def local(stored: str | None, tz_name: str) -> str | None:
    """A stored UTC time shown in the SOP's timezone (ISO 8601 with offset)."""
    if stored is None:
        return None
    from .workcal import zone

    return datetime.fromisoformat(stored).astimezone(zone(tz_name)).isoformat(timespec="seconds")


@functools.cache
def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in a bare container
        return "unknown"


# --- attachments ---------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    name: str
    file: Path | None = None

    @classmethod
    def parse(cls, spec: str) -> Attachment:
        """``NAME=FILE`` or ``NAME`` alone (the paper is at hand, no file kept)."""
        name, sep, file = spec.partition("=")
        if not name.strip():
            raise UserError(_('an attachment needs a name: --attach "Surat Perintah=scan.pdf"'))
        return cls(name.strip(), Path(file) if sep and file else None)

    def read(self) -> tuple[bytes | None, str | None]:
        if self.file is None:
            return None, None
        try:
            size = self.file.stat().st_size
            limit = _max_attachment_mb()
            if size > limit * 1024 * 1024:
                raise UserError(
                    _(
                        "{file} is {size:.1f} MB; attachments are kept up to {limit:g} MB — attach a smaller scan, or the name alone"
                    ).format(file=self.file, size=size / 1024 / 1024, limit=limit)
                )
            return self.file.read_bytes(), self.file.name
        except OSError as e:
            raise UserError(_("cannot read {file}: {reason}").format(file=self.file, reason=e.strerror)) from None


# --- the event chain -----------------------------------------------------------


def event_hash(event: EventRow) -> str:
    """sha256 over the previous hash and every field of the event but its own hash."""
    import hashlib  # imported late: OpenSSL's start-up is felt by `sop case show`

    fields = [
        event.case_id,
        event.seq,
        event.at,
        event.action,
        event.step,
        event.outcome,
        event.role,
        event.operator,
        event.note,
        event.data,
        event.prev_hash,
    ]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass
class CaseView:
    """A case as ``show`` presents it."""

    row: CaseRow
    sop: SOP
    documents: list[DocumentRow]
    now: datetime
    newer: str | None = None  # a note when the SOP file changed since the case started

    @property
    def overdue(self) -> bool:
        return self.row.status == "open" and self.row.deadline is not None and self.row.deadline < iso(self.now)

    @property
    def missing(self) -> list[str]:
        if self.row.step is None:
            return []
        return self.sop.step(self.row.step).missing(json.loads(self.row.available))

    def to_json(self) -> dict[str, Any]:
        tz = self.sop.calendar.timezone
        step = None
        if self.row.status == "open" and self.row.step:
            s = self.sop.step(self.row.step)
            step = {
                "id": s.id,
                "no": s.no,
                "uraian": s.uraian,
                "pelaksana": list(s.pelaksana),
                "kelengkapan": list(s.kelengkapan),
                "waktu": s.waktu,
                "entered_at": local(self.row.entered_at, tz),
                "deadline": local(self.row.deadline, tz),
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
            "status": self.row.status,
            "step": step,
            "documents": [
                {"name": d.name, "step": d.step, "sha256": d.sha256, "size": d.size, "filename": d.filename}
                for d in self.documents
            ],
            "created_at": local(self.row.created_at, tz),
            "updated_at": local(self.row.updated_at, tz),
            "newer_definition": self.newer,
        }


class Cases:
    """Start, advance, attach, cancel, show, list, history and verify cases in one store."""

    def __init__(self, store: SQLStore, sop_dirs: Sequence[str | Path] = ()) -> None:
        self.store = store
        self.sop_dirs = sop_dirs
        self._definitions: dict[str, SOP] = {}

    # --- helpers -------------------------------------------------------------

    def definition(self, digest: str) -> SOP:
        sop = self._definitions.get(digest)
        if sop is None:
            sop = self._definitions[digest] = SOP.from_dict(json.loads(self.store.definition(digest)))
        return sop

    def _case(self, case_id: str) -> tuple[CaseRow, SOP]:
        row = self.store.case(case_id)
        if row is None:
            from .definition import did_you_mean

            raise UserError(
                _("no case '{id}'{hint}; 'sop case list' shows the cases").format(
                    id=case_id, hint=did_you_mean(case_id, self.store.case_ids())
                )
            )
        return row, self.definition(row.definition)

    @staticmethod
    def _operator(by: str | None) -> str:
        return by or _os_user()

    def _when(self, at: str | datetime | None, sop: SOP, after: str | None) -> datetime:
        current = now()
        if at is None:
            return current
        t = parse_time(at, sop.calendar.timezone) if isinstance(at, str) else at
        if t > current:
            raise UserError(_("--at {at} lies in the future; give a time up to now").format(at=at))
        if after is not None and iso(t) < after:
            raise UserError(
                _("--at {at} is before the case's last event ({last}); actions are recorded in order").format(
                    at=at, last=local(after, sop.calendar.timezone)
                )
            )
        return t

    @staticmethod
    def _read(attach: Sequence[Attachment]) -> list[tuple[Attachment, bytes | None, str | None]]:
        """Every attachment's content, read before any transaction opens (files can be large)."""
        seen: set[str] = set()
        for a in attach:
            if normal(a.name) in seen:
                raise UserError(_("the document '{name}' is given twice; attach it once").format(name=a.name))
            seen.add(normal(a.name))
        return [(a, *a.read()) for a in attach]

    @staticmethod
    def _documents(
        case_id: str, seq: int, step: str | None, files: list[tuple[Attachment, bytes | None, str | None]]
    ) -> tuple[list[DocumentRow], list[dict]]:
        import hashlib

        rows, meta = [], []
        for a, content, filename in files:
            digest = hashlib.sha256(content).hexdigest() if content is not None else None
            size = len(content) if content is not None else None
            rows.append(DocumentRow(case_id, seq, a.name, step, filename, size, digest, content))
            meta.append({"name": a.name, "filename": filename, "size": size, "sha256": digest})
        return rows, meta

    def _deadline(self, sop: SOP, step: str | None, entered: datetime) -> str | None:
        if step is None:
            return None
        from .workcal import deadline

        due = deadline(sop.calendar, entered, sop.step(step).duration)
        return iso(due) if due else None

    def _event(
        self,
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
            case_id, row_seq, iso(at), action, step, outcome, role, operator, note, _canonical(data), prev, ""
        )
        return replace(ev, hash=event_hash(ev))

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

        when = self._when(at, sop, None)
        operator = self._operator(by)
        state = engine.start(sop, when, [a.name for a in attach])
        files = self._read(attach)

        def build(number: int) -> tuple[CaseRow, EventRow, list[DocumentRow]]:
            case_id = f"{sop.id}-{number}"
            docs, meta = self._documents(case_id, 1, sop.first.id, files)
            data = {"definition": sop.digest, "documents": meta, "title": title}
            ev = self._event(1, GENESIS, case_id, when, "start", sop.first.id, operator, data)
            row = CaseRow(
                case_id,
                sop.id,
                number,
                title,
                sop.digest,
                state.status,
                state.step,
                iso(when),
                self._deadline(sop, state.step, when),
                json.dumps(sorted(state.available)),
                1,
                ev.hash,
                iso(when),
                iso(when),
            )
            return row, ev, docs

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

        row, sop = self._case(case_id)
        when = self._when(at, sop, row.updated_at)  # updated_at: the last event's time
        state = engine.CaseState(
            row.status, row.step, datetime.fromisoformat(row.entered_at), frozenset(json.loads(row.available))
        )
        event = engine.Event(action, when, role, outcome, tuple(a.name for a in attach))
        new = engine.apply(sop, state, event, case_id)  # raises Refused; nothing written yet
        seq = row.seq + 1
        docs, meta = self._documents(case_id, seq, row.step, self._read(attach))
        ev = self._event(
            seq, row.head, case_id, when, action, row.step, self._operator(by), {"documents": meta}, role, outcome, note
        )
        moved = new.step != row.step or new.status != row.status
        entered = new.entered_at if moved else datetime.fromisoformat(row.entered_at)
        updated = replace(
            row,
            status=new.status,
            step=new.step,
            entered_at=iso(entered),
            deadline=self._deadline(sop, new.step, entered) if moved else row.deadline,
            available=json.dumps(sorted(new.available)),
            seq=seq,
            head=ev.hash,
            updated_at=iso(when),
        )
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
            raise UserError(_('give the reason for cancelling: --reason "..."'))
        return self._act(case_id, "cancel", note=reason, at=at, by=by)

    # --- reading -------------------------------------------------------------

    def show(self, case_id: str) -> CaseView:
        row, sop = self._case(case_id)
        return CaseView(row, sop, self.store.documents(case_id), now(), self._newer(sop, row.definition))

    def _newer(self, sop: SOP, digest: str) -> str | None:
        """Say when the SOP file has changed since this case (on definition ``digest``) started with it."""
        from .definition import find, load

        try:
            path = find(sop.id, self.sop_dirs)
            stored = self.store.definition_source(digest)
            if stored is not None and path.read_bytes().decode("utf-8", errors="replace") == stored:
                return None  # the very text the case started with: nothing to parse or hash
            current = load(path)
        except (UserError, OSError):
            return None  # gone or invalid now: the case keeps its own copy either way
        if current.digest == digest:
            return None
        return _("the SOP file now has version {new}; this case follows version {old}, which it started with").format(
            new=current.version, old=sop.version
        )

    def list(self, sop: str | None = None, status: str | None = None, overdue: bool = False) -> list[dict[str, Any]]:
        t = now()
        rows = self.store.cases(sop=sop, status=status, overdue_at=iso(t) if overdue else None)
        out = []
        for r in rows:
            tz = self.definition(r.definition).calendar.timezone
            out.append(
                {
                    "id": r.id,
                    "sop": r.sop,
                    "title": r.title,
                    "status": r.status,
                    "step": r.step,
                    "deadline": local(r.deadline, tz),
                    "overdue": r.status == "open" and r.deadline is not None and r.deadline < iso(t),
                }
            )
        return out

    def history(self, case_id: str) -> list[dict[str, Any]]:
        row, sop = self._case(case_id)
        tz = sop.calendar.timezone
        return [
            {
                "seq": e.seq,
                "at": local(e.at, tz),
                "action": e.action,
                "step": e.step,
                "outcome": e.outcome,
                "role": e.role,
                "operator": e.operator,
                "note": e.note,
                "documents": [d["name"] for d in json.loads(e.data).get("documents", [])],
            }
            for e in self.store.events(case_id)
        ]

    def verify(self, case_id: str | None = None) -> list[str]:
        """Re-hash and replay; one line per case that does not match its events."""
        ids = [case_id] if case_id else self.store.case_ids()
        problems = []
        for cid in ids:
            problem = self._verify_one(cid)
            if problem:
                problems.append(problem)
        return problems

    def _verify_one(self, case_id: str) -> str | None:
        import hashlib

        from . import engine
        from .errors import Refused

        row, sop = self._case(case_id)
        prev = GENESIS
        state: engine.CaseState | None = None
        events = self.store.events(case_id)
        contents = {(d.seq, d.name): d for d in self.store.documents(case_id, with_content=True)}
        for e in events:
            where = _("case {id} event #{seq} ({action})").format(id=case_id, seq=e.seq, action=e.action)
            if e.prev_hash != prev or event_hash(e) != e.hash:
                return _("{where}: its hash does not match its content — it was changed after it was written").format(
                    where=where
                )
            data = json.loads(e.data)
            for meta in data.get("documents", []):
                doc = contents.get((e.seq, meta["name"]))
                if (
                    doc is None
                    or doc.sha256 != meta["sha256"]
                    or (doc.content is not None and hashlib.sha256(doc.content).hexdigest() != meta["sha256"])
                ):
                    return _("{where}: the document '{name}' does not match the sha256 recorded with it").format(
                        where=where, name=meta["name"]
                    )
            ev = engine.Event(
                e.action,
                datetime.fromisoformat(e.at),
                e.role,
                e.outcome,
                tuple(m["name"] for m in data.get("documents", [])),
            )
            try:
                state = engine.apply(sop, state, ev, case_id)  # type: ignore[arg-type]
            except Refused as r:
                return _("{where}: the SOP does not allow it on replay: {why}").format(where=where, why=r)
            prev = e.hash
        if (
            state is None
            or (row.status, row.step, row.seq, row.head) != (state.status, state.step, len(events), prev)
            or json.loads(row.available) != sorted(state.available)
        ):
            return _("case {id}: its stored state does not equal the replay of its events").format(id=case_id)
        return None
