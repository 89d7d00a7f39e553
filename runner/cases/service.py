"""Running cases: the case service behind ``sop case ...`` and every other front door.

Each action reads the case, lets the engine decide, and writes one event plus
the case's new state in one transaction. Reading (show, search, history)
never imports the state machine: the case row keeps what it needs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from ..canonical import canonical_json, sha256_hex
from ..definition import SOP, Signature, discover_sops, load_sop, normal
from ..definition.catalogue import locate
from ..definition.shared import MAX_SOP_BYTES
from ..errors import Refused, UserError
from ..files import read_regular
from ..i18n import _
from ..record import Record
from ..store import CaseRow, DocumentRow, EventRow, OutcomeUnknown, PersonRow, SQLStore, Status, post_title
from ..store.clock import in_range, iso, local, now, parse_time, today
from ..store.people import local_day
from ..store.rows import ActionKind, PengesahanRow, damaged
from ..store.rules import VOID_SOON_HOURS, parse_day, refusal
from ..store.write import Write
from .records import Attachment, CaseSummary, CaseView, HistoryEntry, Holder, MigrationPlan, is_overdue
from .rows import deadline, deadline_entering, migrated, moves, replay, row_after, standing, unknown_case, voided

if TYPE_CHECKING:
    from pathlib import Path

    from ..store.write import Write
    from . import engine
    from .checkpoint import Checkpoint
    from .findings import Finding
    from .lifecycle import SopStatus


# what waits on a post: (pelaksana id, the SOPs it counts in; None: every SOP that has it)
Waiting = tuple[str, Sequence[str] | None]


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
        if "\x00" in value:  # no store keeps a NUL in text (PostgreSQL refuses it): said here, for every door
            raise UserError(
                _("{what} holds a NUL character, which no text may; type it again without it").format(what=what),
                "bad-text",
                what=what,
            )
    return value


def stored_sop(digest: str, body: str | None) -> SOP:
    """The SOP definition a store keeps under ``digest``; a missing or unreadable one is damage."""
    try:
        sop = SOP(json.loads(body)) if body is not None else None
    except (ValueError, KeyError, TypeError, AttributeError):
        sop = None
    if sop is None:
        raise damaged(_("the SOP definition {digest} is missing or unreadable").format(digest=digest[:12]))
    return sop


def holder_label(sop: SOP, role: str | None, acting: str | None, person: PersonRow | None) -> str | None:
    """Who acted, as documents write it: "Plh. Camat: Sari Dewi" (or the nama alone without a post)."""
    if person is None:
        return None
    if role is None or role not in {p.id for p in sop.pelaksana}:
        return person.nama
    return f"{post_title(sop.pelaksana_by_id(role).label, acting)}: {person.nama}"


def _document_names(e: EventRow) -> list[str]:
    try:
        return [str(d["name"]) for d in json.loads(e.data).get("documents", [])]
    except (ValueError, TypeError, KeyError, AttributeError):  # an event written behind sop's back
        raise damaged(
            _("event #{seq} of case {id} holds data sop never wrote; 'sop case verify' finds it").format(
                seq=e.seq, id=e.case_id
            )
        ) from None


def _entry(sop: SOP, e: EventRow, people: dict[str, PersonRow]) -> HistoryEntry:
    tz = sop.calendar.timezone
    person = people.get(e.holder or "")
    return HistoryEntry(
        e.seq,
        local(e.at, tz) or e.at,
        e.action,
        e.step,
        e.outcome,
        e.role,
        e.operator,
        e.note,
        _document_names(e),
        e.holder,
        person.nama if person else None,
        e.acting,
        holder_label(sop, e.role, e.acting, person),
        e.authenticated,
        local(e.recorded_at, tz),
        bool(e.backdated),
        tz,
        definition=sop.digest,
        version=sop.version,
        step_no=sop.numbers.get(e.step) if e.step else None,
    )


def _data(e: EventRow) -> dict[str, Any]:
    try:
        data = json.loads(e.data)
        if not isinstance(data, dict):
            raise TypeError(data)
        return data
    except (ValueError, TypeError):
        raise damaged(
            _("event #{seq} of case {id} holds data sop never wrote; 'sop case verify' finds it").format(
                seq=e.seq, id=e.case_id
            )
        ) from None


# --- the service -----------------------------------------------------------------


class Action(Record):
    """What a person asks of a case, as one value: the public methods build it, ``_act`` decides and writes it."""

    kind: Literal["advance", "attach", "cancel"]
    role: str | None = None
    outcome: str | None = None
    note: str | None = None
    attach: Sequence[Attachment] = ()
    at: str | datetime | None = None
    by: str | None = None  # the login acting, when it is named
    for_person: str | None = None  # recorded for this person (the right to record for others)


class Cases:
    """Start, advance, attach, cancel, show, search, history and verify cases in one store."""

    def __init__(self, store: SQLStore, sop_dirs: Sequence[str | Path] = ()) -> None:
        self.store = store
        self.sop_dirs = sop_dirs
        self._definitions: dict[str, SOP] = {}
        self.notices: list[
            str
        ] = []  # what a front door should tell besides the result (an action saved despite a failure)

    # --- helpers -------------------------------------------------------------

    def definition(self, digest: str) -> SOP:
        sop = self._definitions.get(digest)
        if sop is None:
            sop = self._definitions[digest] = stored_sop(digest, self.store.definition(digest))
        return sop

    def _case(self, case_id: str) -> tuple[CaseRow, SOP]:
        text(case_id, _("the case id"))
        try:
            row = self.store.case(case_id)
        except (ValueError, TypeError) as e:  # a column that is not what we wrote
            raise damaged(_("the row of case {id} is unreadable ({reason})").format(id=case_id, reason=e)) from None
        if row is None:
            raise unknown_case(self.store, case_id)
        sop = self.definition(row.definition)
        try:
            if row.step is not None:
                sop.step(row.step)
        except KeyError:  # a row written behind sop's back
            raise damaged(_("case {id} stands at a step its SOP does not have").format(id=case_id)) from None
        return row, sop

    @staticmethod
    def _when(at: str | datetime | None, sop: SOP, after: str | None, current: datetime) -> datetime:
        """When the action happened: the store's clock ``current``, or ``at`` when given (back-dated)."""
        if at is None:
            return current
        t = parse_time(at, sop.calendar.timezone) if isinstance(at, str) else in_range(at, at)
        if t > current:
            raise refusal("time-in-future", at=str(at), timezone=sop.calendar.timezone)
        if after is not None and iso(t) < after:
            raise refusal(
                "time-before-last-event",
                at=str(at),
                last=local(after, sop.calendar.timezone),
                timezone=sop.calendar.timezone,
            )
        return t

    def _check_by(self, by: str | None) -> None:
        """``by`` may only confirm who is acting: the recorder is the login the store authenticated."""
        if by is not None and by != self.store.login:
            raise refusal("by-not-you", login=self.store.login, by=by)

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
        step: str | None, files: list[tuple[Attachment, bytes | None, str | None]]
    ) -> tuple[list[DocumentRow], list[dict]]:
        """The document rows (the store fills in case and event) and their record in the event."""
        rows, meta = [], []
        for a, content, filename in files:
            digest = sha256_hex(content) if content is not None else None
            size = len(content) if content is not None else None
            rows.append(DocumentRow("", 0, a.name, step, filename, size, digest, content))
            meta.append({"name": a.name, "filename": filename, "size": size, "sha256": digest})
        return rows, meta

    @staticmethod
    def _write_of(
        sop: SOP,
        action: ActionKind,
        when: datetime,
        backdated: bool,
        state: engine.CaseState,
        data: dict[str, Any],
        docs: list[DocumentRow],
        for_person: str | None,
        role: str | None = None,
        outcome: str | None = None,
        note: str | None = None,
        title: str | None = None,
    ) -> Write:
        """What the store writes for an action the engine decided (``state``: the case after it)."""
        return Write(
            request=os.urandom(16).hex(),
            action=action,
            sop=sop.id,
            timezone=sop.calendar.timezone,
            at=iso(when),
            backdated=backdated,
            role=role,
            outcome=outcome,
            note=note,
            data=canonical_json(data),
            documents=docs,
            for_login=for_person,
            title=title,
            step=sop.first.id if action == "start" else None,
            available=sorted(state.available),
            row_after=lambda before, event: row_after(before, sop, event, state, data),
        )

    def _commit(self, write: Callable[[], CaseRow], request: str) -> CaseRow:
        """Write, and when the store failed during the write, find out whether it landed."""
        try:
            return write()
        except OutcomeUnknown as lost:
            landed = self.store.recover(request)
            if landed is None:
                raise UserError(
                    _("the store failed during the write ({reason}); the action was not saved, nothing changed").format(
                        reason=lost.reason
                    ),
                    "not-saved",
                    request=request,
                ) from None
            self.notices.append(
                _("the store failed as the action was written ({reason}); it was saved").format(reason=lost.reason)
            )
            return landed

    # --- actions -------------------------------------------------------------

    def start(
        self,
        sop: SOP,
        title: str | None = None,
        attach: Sequence[Attachment] = (),
        at: str | datetime | None = None,
        by: str | None = None,
        for_person: str | None = None,
    ) -> CaseRow:
        """Start a case of ``sop``. ``by`` may only name the login acting; ``for_person`` records it
        for that person (needs the right to record for others)."""
        from . import engine  # the state machine (transitions): only acting on a case needs it

        self._check_names(attach)
        text(title, _("the title"))
        text(by, _("the operator"))
        text(for_person, _("the person"))
        self._check_by(by)
        files = self._read(attach)  # before the clock is read: the store checks the time is now
        when = self._when(at, sop, None, self.store.clock())
        state = engine.start(sop, when, [a.name for a in attach])
        docs, meta = self._documents(sop.first.id, files)
        data = {
            "definition": sop.digest,
            "documents": meta,
            "title": title,
            "deadline": deadline(sop, state.step, iso(when)),
        }
        w = self._write_of(sop, "start", when, at is not None, state, data, docs, for_person, title=title)
        definition = (sop.digest, sop.version, sop.canonical, sop.source)
        return self._commit(lambda: self.store.create_case(definition, w), w.request)

    def _act(self, case_id: str, action: Action) -> CaseRow:
        """The one path every change of a case takes: decide with the engine, write in one transaction."""
        self._check_names(action.attach)
        for value, what in (
            (case_id, _("the case id")),
            (action.role, _("the pelaksana")),
            (action.outcome, _("the outcome")),
            (action.note, _("the note")),
            (action.by, _("the operator")),
            (action.for_person, _("the person")),
        ):
            text(value, what)
        self._check_by(action.by)
        files = self._read(action.attach)  # before the clock is read: the store checks the time is now
        row, clock, remembered = self._case_and_clock(case_id)
        if remembered:
            assert row is not None
            try:
                return self._decide_and_write(row, clock, action, files)
            except Refused:  # the case moved on since this store wrote it: decide on what is there now
                row, clock, _remembered = self._case_and_clock(case_id, fresh=True)
        if row is None:
            raise unknown_case(self.store, case_id)
        return self._decide_and_write(row, clock, action, files)

    def _case_and_clock(self, case_id: str, fresh: bool = False) -> tuple[CaseRow | None, datetime, bool]:
        try:
            return self.store.case_and_clock(case_id, fresh)
        except (ValueError, TypeError) as e:  # a column that is not what we wrote
            raise damaged(_("the row of case {id} is unreadable ({reason})").format(id=case_id, reason=e)) from None

    def _decide_and_write(
        self, row: CaseRow, clock: datetime, action: Action, files: list[tuple[Attachment, bytes | None, str | None]]
    ) -> CaseRow:
        from . import engine  # the state machine (transitions): only acting on a case needs it

        sop = self.definition(row.definition)
        when = self._when(action.at, sop, row.updated_at, clock)  # updated_at: the last event's time
        try:
            entered_at = datetime.fromisoformat(row.entered_at)
        except ValueError:
            raise damaged(_("case {id} entered its step at '{at}'").format(id=row.id, at=row.entered_at)) from None
        state = engine.CaseState(Status(row.status), row.step, entered_at, frozenset(row.available))
        event = engine.Event(action.kind, when, action.role, action.outcome, tuple(a.name for a in action.attach))
        new = engine.apply(sop, state, event, row.id)  # raises Refused; nothing written yet
        docs, meta = self._documents(row.step, files)
        data: dict[str, Any] = {"documents": meta}
        if moves(row, new):
            data["deadline"] = deadline_entering(sop, row, new.step, iso(when))
        w = self._write_of(
            sop, action.kind, when, action.at is not None, new, data, docs, action.for_person, action.role,
            action.outcome, action.note,
        )  # fmt: skip
        try:
            return self._commit(lambda: self.store.append(row, w), w.request)
        except Refused as refused:
            raise self._with_holders(refused, sop, action.role, when, action.for_person) from None

    def _with_holders(
        self, refused: Refused, sop: SOP, role: str | None, when: datetime, for_person: str | None
    ) -> Refused:
        """A clerk who may record for others and typed --as without --for most likely records what
        the post's holder did: name who held it that day, so the refusal leads to --for."""
        if refused.kind != "not-holder" or for_person is not None or role is None:
            return refused
        me = self.store.person(self.store.login)
        if me is None or not me.records_for_others:
            return refused
        day = local_day(iso(when), sop.calendar.timezone)
        holders = sorted({person.login for _post, person in self.store.holders([role], sop.id, day)})
        if holders:
            refused.details["holders"] = holders
        return refused

    def advance(
        self,
        case_id: str,
        role: str,
        outcome: str | None = None,
        note: str | None = None,
        attach: Sequence[Attachment] = (),
        at: str | datetime | None = None,
        by: str | None = None,
        for_person: str | None = None,
    ) -> CaseRow:
        return self._act(
            case_id,
            Action(
                "advance", role=role, outcome=outcome, note=note, attach=attach, at=at, by=by, for_person=for_person
            ),
        )

    def attach(
        self,
        case_id: str,
        attach: Sequence[Attachment],
        at: str | datetime | None = None,
        by: str | None = None,
        note: str | None = None,
        for_person: str | None = None,
    ) -> CaseRow:
        return self._act(case_id, Action("attach", attach=attach, at=at, by=by, note=note, for_person=for_person))

    def cancel(
        self,
        case_id: str,
        reason: str,
        at: str | datetime | None = None,
        by: str | None = None,
        for_person: str | None = None,
    ) -> CaseRow:
        if not reason.strip():
            raise UserError(_("give the reason for cancelling"), "reason-missing", case=case_id)
        return self._act(case_id, Action("cancel", note=reason, at=at, by=by, for_person=for_person))

    def void(
        self,
        case_id: str,
        reason: str,
        at: str | datetime | None = None,
        by: str | None = None,
        for_person: str | None = None,
    ) -> CaseRow:
        """Void the case's last action that stands (a wrong entry): an event that names it and why is
        appended, and the case stands where it stood before it; repeated, it voids the one before. The
        start is never voided (cancel the case instead). Allowed to an administrator, the holder of a post
        of the step the action was at, and (within a day) the login that recorded it."""
        for value, what in ((case_id, _("the case id")), (reason, _("the note")), (by, _("the operator"))):
            text(value, what)
        text(for_person, _("the person"))
        if not reason.strip():
            raise UserError(_("give the reason for voiding"), "reason-missing", case=case_id)
        self._check_by(by)
        row, sop = self._case(case_id)
        events = self.store.events(case_id)
        live = standing(events)
        if len(live) < 2:
            raise refusal("nothing-to-void", case=case_id)
        target = live[-1]
        if events[target - 1].action == "migrate":  # its definition and map are the store's, not a clerk's entry
            moved_to = self.definition(str(_data(events[target - 1]).get("to")))
            raise refusal("void-across-migration", case=case_id, seq=target, version=moved_to.version)
        state, before = replay(self.definition, events)[target]
        assert state is not None and before is not None  # the start is never voided
        when = self._when(at, sop, row.updated_at, self.store.clock())
        data = {"documents": [], "voids": target}
        restored = before

        def after(_row: CaseRow | None, event: EventRow) -> CaseRow:
            return restored._replace(seq=event.seq, head=event.hash, updated_at=event.at)

        w = self._write_of(sop, "void", when, at is not None, state, data, [], for_person, note=reason)
        w = w._replace(row_after=after, restores=restored)
        return self._commit(lambda: self.store.append(row, w), w.request)

    def may_correct(self, case_id: str) -> tuple[bool, int | None]:
        """What the login asking may do to undo or end case ``case_id`` now: (cancel it, the seq of the action
        a void would void, or None): the rules of cancel and void, read from the people and posts, so that a
        front door offers only these. The store decides again when it is asked (on PostgreSQL the database)."""
        row, sop = self._case(case_id)
        if row.status != Status.OPEN or row.step is None:
            return False, None
        clock, login = self.store.clock(), self.store.login
        at, day = iso(clock), local_day(iso(clock), sop.calendar.timezone)
        enforced = self.store.enforced()
        me = self.store.person(login) if enforced else None
        posts = [p for p in self.store.posts(login=login) if p.sops is None or sop.id in p.sops] if me else []

        def holds(pelaksana: Sequence[str]) -> bool:
            return not enforced or bool(
                me and (me.admin or any(p.pelaksana in pelaksana and p.holds(day, at) for p in posts))
            )

        cancel = holds(sop.cancel_by or sop.step(row.step).pelaksana)
        events = self.store.events(case_id)
        live = standing(events)
        target = events[live[-1] - 1] if len(live) >= 2 else None
        if target is None or target.action == "migrate" or target.step is None:
            return cancel, None
        on = self._versions(events, row.definition)[target.seq - 1]
        soon = (
            me is not None
            and target.operator == login
            and target.recorded_at is not None
            and clock <= datetime.fromisoformat(target.recorded_at) + timedelta(hours=VOID_SOON_HOURS)
        )
        void = holds(on.step(target.step).pelaksana) or soon
        return cancel, target.seq if void else None

    # --- moving running cases to another version ------------------------------------

    def target_version(self, sop_id: str, version: str) -> SOP:
        """Version ``version`` of SOP ``sop_id``: as the store keeps it, else the SOP file on the search
        path when it has that version (a migration registers it)."""
        text(sop_id, _("the SOP id"))
        text(version, _("the version"))
        if any(r[1] == sop_id and r[2] == version for r in self.store.definition_rows()):
            return self.stored_version(sop_id, version)
        path = locate(sop_id, self.sop_dirs)
        if path is not None:
            from pathlib import Path  # only a version new to the store is read from its file

            found = load_sop(Path(path))
            if found.version == version:
                return found
        return self.stored_version(sop_id, version)  # refused, naming the versions kept

    def migrate(
        self,
        sop_id: str,
        to_version: str,
        from_version: str | None = None,
        step_map: dict[str, str] | None = None,
        case_ids: Sequence[str] = (),
        dry_run: bool = False,
        reason: str | None = None,
    ) -> list[MigrationPlan]:
        """Move the open cases of ``sop_id`` (those on ``from_version``, or ``case_ids``; default every open
        case on another version) to version ``to_version``: each case stands at the step ``step_map`` gives
        for its step (old id -> new id), else at the step of the same id; a case at a step with neither is
        refused. Each case gets one ``migrate`` event (by an administrator, once posts are enforced) that
        records both versions, the map and both steps; its deadline is the new step's waktu from when it
        entered the step; the documents at hand stay. All the cases or none, in one transaction. With
        ``dry_run``, nothing is written: the plans say where each case would stand."""
        step_map = dict(step_map or {})
        for value, what in ((from_version, _("the version")), (reason, _("the note"))):
            text(value, what)
        for old, new in step_map.items():
            text(old, _("the step"))
            text(new, _("the step"))
        target = self.target_version(sop_id, to_version)
        rows = self._to_move(sop_id, target, from_version, case_ids)
        sources = {r.definition: self.definition(r.definition) for r in rows}
        for old, new in step_map.items():
            if new not in target.numbers:
                raise refusal("migrate-unknown-step", step=new, version=target.version, sop=sop_id)
            if not any(old in s.numbers for s in sources.values()):
                shown = from_version or ", ".join(sorted({s.version for s in sources.values()}))
                raise refusal("migrate-unknown-step", step=old, version=shown, sop=sop_id)
        clock = self.store.clock()
        plans, writes = [], []
        tz = target.calendar.timezone
        for row in rows:
            source = sources[row.definition]
            assert row.step is not None  # open cases stand at a step
            new_step = step_map.get(row.step, row.step if row.step in target.numbers else None)
            if new_step is None:
                raise refusal("migrate-no-counterpart", case=row.id, step=row.step, version=target.version, sop=sop_id)
            due = deadline(target, new_step, row.entered_at)
            plans.append(
                MigrationPlan(
                    row.id,
                    row.title,
                    source.version,
                    row.step,
                    source.numbers[row.step],
                    target.version,
                    new_step,
                    target.numbers[new_step],
                    target.step(new_step).missing(row.available),
                    local(due, tz),
                    due is not None and due < iso(clock),
                    tz,
                )  # fmt: skip
            )
            writes.append((row, self._migration(row, source, target, new_step, step_map, due, clock, reason)))
        if dry_run:
            return plans
        definition = (target.digest, target.version, target.canonical, target.source)
        self.store.migrate_cases(definition, writes)
        return plans

    def _to_move(self, sop_id: str, target: SOP, from_version: str | None, case_ids: Sequence[str]) -> list[CaseRow]:
        """The open cases a migration moves: those named (each of the SOP, open, on another version), or
        every open case of the SOP on ``from_version`` (default: on any other version than the target)."""
        if case_ids:
            rows = []
            for case_id in dict.fromkeys(case_ids):
                row, sop = self._case(case_id)
                if row.sop != sop_id:
                    raise UserError(
                        _("case {id} is a case of SOP {other}, not of {sop}").format(
                            id=row.id, other=row.sop, sop=sop_id
                        ),
                        "case-of-another-sop",
                        case=row.id,
                        sop=row.sop,
                    )
                if row.status != Status.OPEN:
                    raise refusal("case-closed", case=row.id, status=str(row.status))
                if row.definition == target.digest:
                    raise refusal("migrate-same-version", case=row.id, version=target.version)
                if from_version is not None and sop.version != from_version:
                    raise UserError(
                        _("case {id} follows version {version}, not {wanted}").format(
                            id=row.id, version=sop.version, wanted=from_version
                        ),
                        "case-of-another-version",
                        case=row.id,
                        version=sop.version,
                    )
                rows.append(row)
            return rows
        self._load_definitions()
        found = [
            r
            for r in self.store.cases(sop=sop_id, status=Status.OPEN)
            if r.definition != target.digest
            and (from_version is None or self.definition(r.definition).version == from_version)
        ]
        if not found:
            raise refusal("nothing-to-migrate", sop=sop_id, version=target.version)
        return found

    def _migration(
        self,
        row: CaseRow,
        source: SOP,
        target: SOP,
        new_step: str,
        step_map: dict[str, str],
        due: str | None,
        clock: datetime,
        reason: str | None,
    ) -> Write:
        from . import engine  # the state machine's record of a case: only acting on a case needs it

        state = engine.CaseState(
            Status.OPEN, row.step, datetime.fromisoformat(row.entered_at), frozenset(row.available)
        )
        data: dict[str, Any] = {
            "documents": [],
            "from": source.digest,
            "from_version": source.version,
            "to": target.digest,
            "to_version": target.version,
            "map": step_map,
            "to_step": new_step,
            "entered_at": row.entered_at,
            "deadline": due,
        }
        new = migrated(state, data)
        w = self._write_of(target, "migrate", clock, False, new, data, [], None, note=reason)
        return w

    # --- an SOP's life: pengesahan and the version in force -------------------------

    def sahkan(self, sop: SOP, on: str | None = None, for_person: str | None = None) -> PengesahanRow:
        """Record that this version of ``sop`` is disahkan: by the login acting, holder of the post its
        identity's ``disahkan_oleh`` names (or for ``for_person``, with the right to record for others),
        on ``on`` (YYYY-MM-DD; default today). It is in force from its ``tanggal_efektif``; the version in
        force before is dicabut that day. Cases of the SOP then start only on the version in force."""
        text(for_person, _("the person"))
        identity = sop.identity or {}
        jabatan = sop.signer_post
        if jabatan is None:
            said = (identity.get("disahkan_oleh") or {}).get("jabatan") or ""
            raise refusal("no-signer", sop=sop.id, version=sop.version, jabatan=said)
        from ..definition.dates import parse_signed_date  # the identity's dates: only a pengesahan reads them

        signed = parse_signed_date(identity["tanggal_efektif"]) if identity.get("tanggal_efektif") else None
        if signed is None:
            raise refusal("no-tanggal-efektif", sop=sop.id, version=sop.version)
        efektif = signed.first_day.isoformat()  # a month alone means its first day
        day = parse_day(text(on, _("the day")) or "") if on is not None else None
        definition = (sop.digest, sop.version, sop.canonical, sop.source)
        return self.store.sahkan(
            definition, sop.id, jabatan, identity.get("nomor"), efektif, day, for_person, sop.calendar.timezone
        )

    def sop_status(self) -> list[SopStatus]:
        """Every SOP found (files on the search path) or kept in the store, with its versions: which are
        disahkan, by whom, when each is or was in force, and when the one in force is evaluated next."""
        from .lifecycle import statuses  # the versions' life: only `sop sop status` reads it, not case show

        files = []
        for path in discover_sops(self.sop_dirs):
            try:
                files.append(load_sop(path))
            except UserError:  # an invalid file is `sop validate`'s business
                continue
        self._load_definitions()
        people = {p.login: p for p in self.store.people()}
        return statuses(files, list(self._definitions.values()), self.store.pengesahan(), people, today())

    def signature(self, sop: SOP) -> Signature | None:
        """Who signed this very version of ``sop`` (by its digest) and on which day, as its identity page
        prints it: the jabatan as the SOP writes it (Plt./Plh. before it), the signer's nama and NIP; None
        when the store holds no pengesahan of it."""
        signed = next((p for p in self.store.pengesahan(sop.id) if p.digest == sop.digest), None)
        if signed is None:
            return None
        person = self.store.person(signed.signer)
        written = ((sop.identity or {}).get("disahkan_oleh") or {}).get("jabatan")
        try:
            post = sop.pelaksana_by_id(signed.jabatan).nama
        except StopIteration:
            post = signed.jabatan
        # the jabatan as the identity writes it, unless it names the post by its id
        position = written if written and normal(written) != normal(signed.jabatan) else post
        return Signature(
            post_title(position, signed.acting),
            person.nama if person else signed.signer,
            person.nip if person else None,
            signed.signed_on,
        )

    # --- reading -------------------------------------------------------------

    def show(self, case_id: str) -> CaseView:
        row, sop = self._case(case_id)
        t = now()
        enforced = self.store.enforced()
        holders: list[Holder] = []
        if enforced and row.status == Status.OPEN and row.step:
            day = local_day(iso(t), sop.calendar.timezone)
            for post, person in self.store.holders(list(sop.step(row.step).pelaksana), sop.id, day):
                label = holder_label(sop, post.pelaksana, post.acting, person) or person.nama
                holders.append(Holder(post.pelaksana, person.login, person.nama, post.acting, label))
        last = self.store.last_event(case_id)
        noted = last if last and last.note else self.store.last_note(case_id)
        people: dict[str, PersonRow] = {}
        for e in (last, noted):
            if e and e.holder and e.holder not in people:
                found = self.store.person(e.holder)
                if found:
                    people[found.login] = found
        return CaseView(
            row,
            sop,
            self.store.documents(case_id),
            t,
            self._newer(sop, row.definition),
            enforced,
            tuple(holders),
            _entry(sop, last, people) if last else None,
            _entry(sop, noted, people) if noted else None,
        )

    def _newer(self, sop: SOP, digest: str) -> str | None:
        """Say when the SOP file has changed since this case (on definition ``digest``) started with it."""
        try:
            path = locate(sop.id, self.sop_dirs)
            if path is None:
                return None  # gone: the case keeps its own copy
            stored = self.store.definition_source(digest)
            raw = read_regular(path, MAX_SOP_BYTES, lambda size: UserError(""))
            if stored is not None and raw.decode("utf-8", errors="replace") == stored:
                return None  # the very text the case started with: nothing to parse or hash
            from pathlib import Path  # only a changed SOP file comes here; case show is lighter without it

            current = load_sop(Path(path))
        except UserError:
            return None  # gone or invalid now: the case keeps its own copy either way
        if current.digest == digest:
            return None
        return _(
            "the SOP file now has version {new}; this case follows version {old}, as the case store keeps it"
        ).format(new=current.version, old=sop.version)

    def search(
        self,
        sop: str | None = None,
        status: Status | None = None,
        overdue: bool = False,
        since: str | datetime | None = None,
        limit: int | None = None,
        waiting_for: Sequence[Waiting] | None = None,
        offset: int = 0,
        overdue_first: bool = False,
    ) -> Iterator[CaseSummary]:
        """The cases that match, newest first, one at a time (a store may hold hundreds of thousands).

        ``waiting_for``: only open cases whose current step one of these pelaksana does, each as
        (pelaksana id, the SOPs it counts in or None for every SOP); ``my_posts()`` gives the
        signed-in person's. ``offset``: skip that many (a page further); ``overdue_first``: open
        cases by deadline, the most overdue first (an inbox), instead of newest first."""
        text(sop, _("the SOP id"))
        self._load_definitions()  # every one first: while the rows stream, the connection serves nothing else
        t = now()
        rows = self.store.cases(
            sop=sop,
            status=status,
            overdue_at=iso(t) if overdue else None,
            since=self._since(since),
            limit=limit,
            newest_first=not overdue_first,
            at_steps=self._at_steps(waiting_for),
            offset=offset,
            by_deadline=overdue_first,
        )
        for r in rows:
            tz = self.definition(r.definition).calendar.timezone
            yield CaseSummary(
                r.id, r.sop, r.title, Status(r.status), r.step, local(r.deadline, tz), is_overdue(r, t), tz,
                r.definition,
            )  # fmt: skip

    def count(
        self,
        sop: str | None = None,
        status: Status | None = None,
        overdue: bool = False,
        since: str | datetime | None = None,
        waiting_for: Sequence[Waiting] | None = None,
        changed_since: str | datetime | None = None,
    ) -> int:
        """How many cases ``search`` with the same filters finds, without a limit; ``changed_since``:
        only cases whose last event is that recent (closed this month, with ``status``)."""
        self._load_definitions()
        return self.store.count_cases(
            sop,
            status,
            iso(now()) if overdue else None,
            self._since(since),
            self._at_steps(waiting_for),
            self._since(changed_since),
        )

    def time_left(self, digest: str, step: str | None, deadline: str | None, at: datetime | None = None) -> str | None:
        """How long until ``deadline`` of ``step`` in SOP version ``digest``, in the time its waktu counts:
        working time for a waktu in working units ("dalam 2 hari kerja 3 jam kerja"), else calendar time;
        "... lewat" when overdue; None without a deadline."""
        if deadline is None or step is None:
            return None
        from ..definition.workcal import work_calendar  # holidays: only pages that show time left need it
        from ..l10n import format_span

        sop = self.definition(digest)
        t, due = at or now(), datetime.fromisoformat(deadline)
        early, late = sorted((t, due))
        waktu = sop.step(step).duration
        if waktu.working and not waktu.calendar_minutes and not waktu.months:
            cal = work_calendar(sop.calendar)
            span = format_span(cal.working_minutes_between(early, late) * 60, cal.day_minutes * 60)
        else:
            span = format_span((late - early).total_seconds())
        return (_("in {span}") if due >= t else _("{span} overdue")).format(span=span)

    def my_posts(self) -> list[Waiting]:
        """The pelaksana the login asking holds now (Plt./Plh. included), each with the SOPs it
        counts in (None: every SOP that has it): what waits on them is what ``search`` finds."""
        day, instant = today(), iso(now())
        return [(p.pelaksana, p.sops) for p in self.store.posts(login=self.store.login) if p.holds(day, instant)]

    def stored_version(self, sop_id: str, version: str) -> SOP:
        """Version ``version`` of SOP ``sop_id`` as the store keeps it (the one its cases ran on)."""
        text(sop_id, _("the SOP id"))
        text(version, _("the version"))
        found = [r for r in self.store.definition_rows() if r[1] == sop_id and r[2] == version]
        if not found:
            kept = sorted({r[2] for r in self.store.definition_rows() if r[1] == sop_id})
            raise UserError(
                _("the case store keeps no version {version} of SOP {sop} (it keeps: {kept})").format(
                    version=version, sop=sop_id, kept=", ".join(kept) or "—"
                ),
                "unknown-version",
                sop=sop_id,
                version=version,
            )
        digest, _sop, _version, body, source = found[-1]
        return stored_sop(digest, body)

    def _load_definitions(self) -> None:
        for digest, body in self.store.definitions().items():
            if digest not in self._definitions:
                self._definitions[digest] = stored_sop(digest, body)

    def _at_steps(self, waiting: Sequence[Waiting] | None) -> dict[str, list[str]] | None:
        """Per stored definition, the steps one of ``waiting`` does (the store then reads only those)."""
        if waiting is None:
            return None
        found: dict[str, list[str]] = {}
        for digest, sop in self._definitions.items():
            ids = [
                s.id
                for s in sop.steps
                if any(p in s.pelaksana and (sops is None or sop.id in sops) for p, sops in waiting)
            ]
            if ids:
                found[digest] = ids
        return found

    @staticmethod
    def _since(since: str | datetime | None) -> str | None:
        if since is None:
            return None
        return iso(parse_time(since, "UTC") if isinstance(since, str) else in_range(since, since))

    def history(self, case_id: str) -> list[HistoryEntry]:
        row, sop = self._case(case_id)
        events = self.store.events(case_id)
        people = {p.login: p for p in self.store.people()} if any(e.holder for e in events) else {}
        gone = {v: k for k, v in voided(events).items()}  # void seq -> voided seq
        by = {k: v for v, k in gone.items()}
        entries = []
        for e, on in zip(events, self._versions(events, row.definition), strict=True):
            entry = _entry(on, e, people)._replace(voids=gone.get(e.seq), voided_by=by.get(e.seq))
            if e.action == "migrate":
                data = _data(e)
                to = self.definition(str(data.get("to")))
                step = str(data.get("to_step"))
                entry = entry._replace(to_version=to.version, to_step=step, to_step_no=to.numbers.get(step))
            entries.append(entry)
        return entries

    def _versions(self, events: Sequence[EventRow], current: str) -> list[SOP]:
        """The SOP version each event was done on: the start's, then from each migration the one it moved to."""
        found, digest = [], current
        for e in events:
            if e.action == "start":
                digest = str(_data(e).get("definition") or current)
            found.append(self.definition(digest))
            if e.action == "migrate":
                digest = str(_data(e).get("to"))
        return found

    def checkpoint(self, path: Path) -> Checkpoint:
        """Anchor the audit trail: every case's chain head and one digest over them, written to
        ``path`` and kept in the store (see ``checkpoint``); refused when the store does not verify."""
        from .checkpoint import take  # the audit subsystem: not for the commands typed all day

        return take(self, path)

    @staticmethod
    def read_checkpoint(path: Path) -> Checkpoint:
        """A checkpoint file, refused when it is not one or was edited since it was written."""
        from .checkpoint import read  # the audit subsystem: not for the commands typed all day

        return read(path)

    def latest_checkpoint(self) -> Checkpoint | None:
        """The checkpoint taken last in this store (its digest is printed on documents), or None."""
        from .checkpoint import latest  # the audit subsystem: not for the commands typed all day

        return latest(self.store)

    def verify(self, case_id: str | None = None, against: Path | None = None) -> list[Finding]:
        """Everything the store claims, checked against the events that claim it (see ``verify``);
        with ``against``, also every case's history up to that checkpoint file."""
        from .verify import verify  # the audit subsystem (and the state machine): not for every start

        return verify(self.store, case_id, against)
