"""SQLite's writes: the program is the guard, checking each rule in Python inside the write transaction.

The same rules as PostgreSQL's functions (runner/store/postgres.sql), which ``PostgresStore`` calls
instead: the refusals are one table (runner/store/rules.py), and the data cases of tests/data/rules/
run on both. The interface is ``Writes`` (runner/store/writes.py); the reads are ``SQLStore``'s.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..definition.workcal import zone
from ..errors import ConcurrentChange
from ..i18n import _
from .chain import FORMAT, GENESIS, NOW, event_hash
from .clock import iso
from .limits import check_nama, check_write
from .people import _PERSON, _POST, _overlap, _stamp, local_day, post_refusal, post_row
from .rows import (
    CaseRow,
    DocumentRow,
    EventRow,
    PengesahanRow,
    PersonRow,
    PostRow,
    Status,
    damaged,
    post_title,
    standing,
)
from .rules import VOID_SOON_HOURS, RefusalKind, refusal
from .sql import _PENGESAHAN, DEFAULT_TIMEZONE, SQLStore, _columns, _marks, case_values, in_force

if TYPE_CHECKING:
    from .write import Write


class SQLiteWrites(SQLStore):
    """``Writes`` where nothing but this program checks the rules (SQLiteStore)."""

    def create_case(self, definition: tuple[str, str, str, str | None], w: Write) -> CaseRow:
        """Number a new case of ``w.sop`` and write it with its start event.

        ``definition`` is (digest, version, canonical JSON, YAML source). A version
        new to the store is registered with the case: by an admin, once posts are enforced.
        """
        digest, version, body, source = definition
        check_write(w.at, w.note, w.title, w.documents)
        with self.transaction():
            self.lock_numbering(w.sop)
            holder, acting = self.authorize(self.login, w.for_login, None, w.sop, w.timezone, w.at)
            self.check_in_force(w.sop, digest, version, local_day(w.at, w.timezone))
            if not self.execute("SELECT 1 FROM definitions WHERE digest = ?", (digest,)).fetchone():
                me = self.person(self.login)
                if self.enforced() and (me is None or not me.admin):
                    raise refusal("definition-unregistered", sop=w.sop, version=version)
                self.execute(
                    "INSERT INTO definitions (digest, sop, version, body, source) VALUES (?, ?, ?, ?, ?)",
                    (digest, w.sop, version, body, source),
                )
            (number,) = self.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM cases WHERE sop = ?", (w.sop,)
            ).fetchone()
            event = self._chained(w, f"{w.sop}-{number}", 1, GENESIS, w.step, holder, acting)
            case = w.row_after(None, event)
            self.execute(f"INSERT INTO cases ({_columns(CaseRow)}) VALUES ({_marks(CaseRow)})", case_values(case))
            self._insert_event(event, w.documents)
        return case

    def check_in_force(self, sop: str, digest: str, version: str, day: str) -> None:
        """A case of ``sop`` starts on ``day`` only on the version in force then (once a version of it
        is disahkan in this store; before that, on any version): as sop_start in postgres.sql."""
        signed = self.pengesahan(sop)
        if not signed:
            return
        current = in_force(signed, day)
        if current is None:
            first = min(signed, key=lambda p: p.tanggal_efektif)
            raise refusal("not-yet-in-force", sop=sop, day=day, start=first.tanggal_efektif)
        if current.digest != digest:
            raise refusal(
                "version-not-in-force", sop=sop, version=version, day=day, in_force=current.version,
                since=current.tanggal_efektif,
            )  # fmt: skip

    def sahkan(
        self,
        definition: tuple[str, str, str, str | None],
        sop: str,
        jabatan: str,
        nomor: str | None,
        tanggal_efektif: str,
        on: str | None,
        for_login: str | None,
        timezone: str,
    ) -> PengesahanRow:
        """Record that the holder of ``jabatan`` signed this version (``definition``: digest, version,
        canonical JSON, YAML source) on ``on`` (default today): in force from ``tanggal_efektif``.
        The checks are sop_sahkan's in postgres.sql; the service has read the facts from the SOP."""
        digest, version, body, source = definition
        with self.transaction():
            self.lock_numbering(sop)
            if not self.enforced():
                raise refusal("pengesahan-needs-people")
            recorded = self.clock()
            today = local_day(iso(recorded), timezone)
            day = on or today
            if day > today:
                raise refusal("day-in-future", day=day)
            # the post held on that day: now, or (a day given) at its noon
            at = (
                iso(recorded)
                if on is None
                else iso(datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=zone(timezone)))
            )
            holder, acting = self.authorize(self.login, for_login, jabatan, sop, timezone, at)
            assert holder is not None  # enforced: authorize names who acts
            if tanggal_efektif < day:
                raise refusal("efektif-before-signed", efektif=tanggal_efektif, day=day)
            for other in self.pengesahan(sop):
                if other.digest == digest:
                    raise refusal("already-disahkan", sop=sop, version=version, day=other.signed_on)
                if other.version == version:
                    raise refusal("version-text-differs", sop=sop, version=version)
                if other.tanggal_efektif == tanggal_efektif:
                    raise refusal("efektif-taken", sop=sop, other=other.version, efektif=tanggal_efektif)
            if not self.execute("SELECT 1 FROM definitions WHERE digest = ?", (digest,)).fetchone():
                self.execute(
                    "INSERT INTO definitions (digest, sop, version, body, source) VALUES (?, ?, ?, ?, ?)",
                    (digest, sop, version, body, source),
                )
            row = (
                sop,
                version,
                digest,
                nomor,
                tanggal_efektif,
                jabatan,
                holder,
                acting,
                day,
                self.login,
                iso(recorded),
            )
            self.execute(
                f"INSERT INTO pengesahan ({_PENGESAHAN.replace('id, ', '', 1)}) VALUES ({', '.join('?' * len(row))})",
                row,
            )
        return next(p for p in self.pengesahan(sop) if p.digest == digest)

    def append(self, case: CaseRow, w: Write) -> CaseRow:
        """Write the action ``w`` on ``case`` as it was read, if nobody wrote since."""
        check_write(w.at, w.note, w.title, w.documents)
        try:
            with self.transaction():
                holder, acting = self.authorize(self.login, w.for_login, w.role, w.sop, w.timezone, w.at)
                if w.action == "cancel" and case.step is not None:
                    named = self._cancel_by(case.definition)
                    pelaksana = named or self._step_pelaksana(case.id, case.definition, case.step)
                    self.check_cancel(
                        self.login, holder, case.id, case.step, pelaksana, w.sop, w.timezone, w.at, bool(named)
                    )
                if w.action == "void":
                    self._check_void(case, w, holder)
                event = self._chained(w, case.id, case.seq + 1, case.head, case.step, holder, acting)
                self._insert_event(event, w.documents)
                updated = w.row_after(case, event)
                moved = self.execute(
                    "UPDATE cases SET status = ?, step = ?, entered_at = ?, deadline = ?, available = ?,"
                    " seq = ?, head = ?, updated_at = ? WHERE id = ? AND seq = ?",
                    (
                        str(updated.status),
                        updated.step,
                        updated.entered_at,
                        updated.deadline,
                        json.dumps(updated.available, ensure_ascii=False),
                        updated.seq,
                        updated.head,
                        updated.updated_at,
                        case.id,
                        case.seq,
                    ),
                ).rowcount
                if moved != 1:
                    raise self._concurrent(case.id)
        except self.integrity_errors:
            raise self._concurrent(case.id) from None
        return updated

    def migrate_cases(
        self, definition: tuple[str, str, str, str | None], writes: list[tuple[CaseRow, Write]]
    ) -> list[CaseRow]:
        """Move cases to another version of their SOP (``definition``: digest, version, canonical JSON,
        YAML source; registered when new): each ``migrate`` write on its case as it was read, all in one
        transaction or none. Only an administrator, once posts are enforced; the version in force today,
        once the SOP has a pengesahan. The checks are sop_migrate's in postgres.sql."""
        digest, version, body, source = definition
        updated = []
        try:
            with self.transaction():
                for case, w in writes:
                    check_write(w.at, w.note, w.title, w.documents)
                    holder, acting = self.authorize(self.login, None, None, w.sop, w.timezone, w.at)
                    if holder is not None:  # enforced: who acts is a registered person
                        me = self.person(self.login)
                        if me is None or not me.admin:
                            raise refusal("not-admin-to-migrate", login=self.login)
                    self.check_in_force(w.sop, digest, version, local_day(w.at, w.timezone))
                    if not self.execute("SELECT 1 FROM definitions WHERE digest = ?", (digest,)).fetchone():
                        self.execute(
                            "INSERT INTO definitions (digest, sop, version, body, source) VALUES (?, ?, ?, ?, ?)",
                            (digest, w.sop, version, body, source),
                        )
                    now = self.case(case.id)
                    if now is None or now.seq != case.seq:
                        raise self._concurrent(case.id)
                    if now.status != Status.OPEN:
                        raise refusal("case-closed", case=case.id, status=str(now.status))
                    if now.definition == digest:
                        raise refusal("migrate-same-version", case=case.id, version=version)
                    event = self._chained(w, case.id, case.seq + 1, case.head, case.step, holder, acting)
                    self._insert_event(event, w.documents)
                    row = w.row_after(case, event)
                    moved = self.execute(
                        "UPDATE cases SET definition = ?, step = ?, deadline = ?, seq = ?, head = ?, updated_at = ?"
                        " WHERE id = ? AND seq = ?",
                        (row.definition, row.step, row.deadline, row.seq, row.head, row.updated_at, case.id, case.seq),
                    ).rowcount
                    if moved != 1:
                        raise self._concurrent(case.id)
                    updated.append(row)
        except self.integrity_errors:
            raise self._concurrent(writes[0][0].id if writes else "") from None
        return updated

    def _check_void(self, case: CaseRow, w: Write, holder: str | None) -> None:
        """A void names the last action that stands, never the start, and is made by one who may."""
        events = self.events(case.id)
        live = standing(events)
        target = int(json.loads(w.data)["voids"])
        if len(live) < 2:
            raise refusal("nothing-to-void", case=case.id)
        if live[-1] != target:
            raise refusal("void-not-last", case=case.id, seq=target, last=live[-1])
        voided = events[target - 1]
        if voided.action == "migrate":  # as sop_void: the move stands; a void never goes back across it
            moved_to = json.loads(voided.data).get("to_version")
            raise refusal("void-across-migration", case=case.id, seq=target, version=moved_to)
        assert voided.step is not None  # an action after the start happens at a step
        pelaksana = self._step_pelaksana(case.id, case.definition, voided.step)
        self.check_void(self.login, holder, voided, pelaksana, w.sop, w.timezone, w.at, iso(self.clock()))

    def _cancel_by(self, digest: str) -> list[str] | None:
        """The pelaksana a stored definition names as those who may cancel its cases (None: it names none)."""
        body = self.definition(digest)
        named = json.loads(body).get("cancel_by") if body else None
        return list(named) if named else None

    def _step_pelaksana(self, case_id: str, digest: str, step: str) -> list[str]:
        """The pelaksana of a step, from the stored definition (as the PostgreSQL functions read it)."""
        body = self.definition(digest)
        steps = json.loads(body)["steps"] if body else []
        found = [s for row in steps for s in row.get("kegiatan", [row]) if s["id"] == step]  # a step, or an activity
        if not found:
            raise damaged(_("case {id} stands at a step its SOP does not have").format(id=case_id))
        who = found[0]["pelaksana"]
        return [who] if isinstance(who, str) else list(who)

    def _chained(
        self, w: Write, case_id: str, seq: int, prev: str, step: str | None, holder: str | None, acting: str | None
    ) -> EventRow:
        """The event of ``w``, recorded now by the authenticated login, with its hash."""
        recorded = self.clock()
        at = datetime.fromisoformat(w.at)
        if at > recorded:  # the clock went back since it was read: as postgres.sql's sop_check_time
            raise refusal("time-in-future", at=w.at)
        if not w.backdated and at < recorded - NOW:
            raise refusal("clock", at=w.at, now=iso(recorded))
        event = EventRow(
            case_id=case_id,
            seq=seq,
            at=w.at,
            action=w.action,
            step=step,
            outcome=w.outcome,
            role=w.role,
            operator=self.login,
            note=w.note,
            data=w.data,
            prev_hash=prev,
            hash="",
            holder=holder,
            acting=acting,
            recorded_at=iso(recorded),
            backdated=int(w.backdated),
            request=w.request,
            format=FORMAT,
        )
        return event._replace(hash=event_hash(event))

    @staticmethod
    def _concurrent(case_id: str) -> ConcurrentChange:
        return ConcurrentChange(
            _("case {id} was changed by someone else just now; nothing was saved").format(id=case_id), case_id
        )

    def _insert_event(self, event: EventRow, documents: list[DocumentRow]) -> None:
        self.execute(f"INSERT INTO events ({_columns(EventRow)}) VALUES ({_marks(EventRow)})", event)
        for doc in documents:
            self.execute(
                f"INSERT INTO documents ({_columns(DocumentRow)}) VALUES ({_marks(DocumentRow)})",
                doc._replace(case_id=event.case_id, seq=event.seq),
            )

    def read_document(self, case_id: str, seq: int, name: str) -> bytes | None:
        """The content of one attachment, for a reader the rule lets read it, and the read kept
        (UU PDP: a citizen's report, ID scans, photos). PostgreSQL's sop_read_document is the same rule."""
        with self.transaction():
            case = self.case(case_id)
            if case is None:
                raise refusal("unknown-case", case=case_id)
            self._may_read(case)
            row = self.execute(
                "SELECT content FROM documents WHERE case_id = ? AND seq = ? AND name = ?", (case_id, seq, name)
            ).fetchone()
            self.execute(
                "INSERT INTO document_reads (case_id, seq, name, login, at) VALUES (?, ?, ?, ?, ?)",
                (case_id, seq, name, self.login, iso(self.clock())),
            )
        content = row[0] if row else None
        return bytes(content) if content is not None else None

    def _may_read(self, case: CaseRow) -> None:
        """An admin, whoever acted on or recorded an event of the case, and a holder today of a post
        of the case's SOP may read its attachments; anyone while nobody is registered."""
        if not self.enforced():
            return
        me = self.person(self.login)
        if me is not None and me.admin:
            return
        acted = self.execute(
            "SELECT 1 FROM events WHERE case_id = ? AND (holder = ? OR operator = ?) LIMIT 1",
            (case.id, self.login, self.login),
        ).fetchone()
        if acted:
            return
        try:
            definition = json.loads(self.definition(case.definition) or "{}")
            ids = {p["id"] for p in definition.get("pelaksana", [])}
            tz = str((definition.get("calendar") or {}).get("timezone") or DEFAULT_TIMEZONE)
        except (ValueError, TypeError, KeyError, AttributeError):
            raise damaged(
                _("the SOP definition {digest} is missing or unreadable").format(digest=case.definition[:12])
            ) from None
        at = iso(self.clock())
        day = local_day(at, tz)
        if not any(
            p.pelaksana in ids and (p.sops is None or case.sop in p.sops) and p.holds(day, at)
            for p in self.posts(login=self.login)
        ):
            raise refusal("document-not-yours", login=self.login, case=case.id, sop=case.sop)

    def add_checkpoint(self, digest: str, taken_at: str, body: str) -> None:
        """Keep a checkpoint (within the caller's transaction, which also writes its file)."""
        self.execute("INSERT INTO checkpoints (digest, taken_at, body) VALUES (?, ?, ?)", (digest, taken_at, body))

    # --- people and posts ---------------------------------------------------

    def authorize(
        self, recorder: str, for_login: str | None, role: str | None, sop: str, tz_name: str, at: str
    ) -> tuple[str | None, str | None]:
        """(holder, acting) of an action recorded by ``recorder``; raises the refusal when it may not be."""
        if not self.enforced():
            if for_login is not None:
                raise refusal("unknown-person", login=for_login)
            return None, None
        me = self.person(recorder)
        if me is None:
            raise refusal("not-a-person", login=recorder)
        holder = me
        if for_login is not None and for_login != recorder:
            if not me.records_for_others:
                raise refusal("no-right-to-record-for-others", login=recorder)
            found = self.person(for_login)
            if found is None:
                raise refusal("unknown-person", login=for_login)
            holder = found
        if role is None:
            return holder.login, None
        day = local_day(at, tz_name)
        posts = [p for p in self.posts(holder.login, role) if p.sops is None or sop in p.sops]
        held = sorted((p for p in posts if p.holds(day, at)), key=lambda p: (p.acting is not None, p.id))
        if held:
            return holder.login, held[0].acting
        raise post_refusal(holder.login, role, sop, day, posts, tz_name)

    def _admin_or_holder(
        self, recorder: str, holder: str, pelaksana: list[str], sop: str, tz_name: str, at: str
    ) -> bool:
        """Whether an administrator records it (or it is recorded in one's name), or ``holder`` holds a
        post of one of ``pelaksana`` for ``sop`` on that day (Plt./Plh. included)."""
        for login in {recorder, holder}:
            person = self.person(login)
            if person is not None and person.admin:
                return True
        day = local_day(at, tz_name)
        return any(
            p.pelaksana in pelaksana and (p.sops is None or sop in p.sops) and p.holds(day, at)
            for p in self.posts(holder)
        )

    def check_cancel(
        self,
        recorder: str,
        holder: str | None,
        case_id: str,
        step: str,
        pelaksana: list[str],
        sop: str,
        tz_name: str,
        at: str,
        named: bool = False,
    ) -> None:
        """Who may cancel a case (once posts are enforced): an administrator, recording it or in whose
        name it is recorded, or the holder of a post of ``pelaksana`` that day (Plt./Plh. included): those
        the SOP names in ``cancel_by`` (``named``), else the step's the case stands at. As sop_check_cancel
        in postgres.sql. A cancel ends the case: not for every registered person."""
        if holder is None or self._admin_or_holder(recorder, holder, pelaksana, sop, tz_name, at):
            return  # (None: posts are not enforced, anyone may, as before)
        kind: RefusalKind = "not-allowed-to-cancel-named" if named else "not-allowed-to-cancel"
        raise refusal(kind, login=holder, case=case_id, step=step, pelaksana=", ".join(pelaksana))

    def check_void(
        self,
        recorder: str,
        holder: str | None,
        voided: EventRow,
        pelaksana: list[str],
        sop: str,
        tz_name: str,
        at: str,
        now: str,
    ) -> None:
        """Who may void an action (once posts are enforced): as who may cancel, counting the step the
        action was at; and the login that recorded it, within VOID_SOON_HOURS (as sop_void in postgres.sql)."""
        if holder is None or self._admin_or_holder(recorder, holder, pelaksana, sop, tz_name, at):
            return
        soon = timedelta(hours=VOID_SOON_HOURS)
        if (
            voided.operator == recorder
            and voided.recorded_at
            and now <= iso(datetime.fromisoformat(voided.recorded_at) + soon)
        ):
            return
        raise refusal(
            "not-allowed-to-void", login=holder, case=voided.case_id, seq=voided.seq, pelaksana=", ".join(pelaksana),
            hours=VOID_SOON_HOURS,
        )  # fmt: skip

    def _admin(self, login: str) -> None:
        me = self.person(login)
        if me is None or not me.admin:
            raise refusal("not-admin", login=login)

    def add_person(
        self,
        by: str,
        login: str,
        nama: str,
        nip: str | None,
        admin: bool,
        records_for_others: bool,
        email: str | None = None,
    ) -> PersonRow:
        check_nama(nama)
        with self.transaction():
            first = not self.enforced()
            if first and login != by:
                raise refusal("first-person-self", login=by, person=login)
            if not first:
                self._admin(by)
            if self.person(login) is not None:
                raise refusal("already-a-person", login=login)
            row = PersonRow(login, nama, nip, admin or first, records_for_others, _stamp(), by, email)
            self.execute(
                f"INSERT INTO people ({_PERSON}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.login, row.nama, row.nip, int(row.admin), int(row.records_for_others), row.added_at,
                    row.added_by, row.email,
                ),
            )  # fmt: skip
        return row

    def set_email(self, by: str, login: str, email: str | None) -> PersonRow:
        """A person's e-mail address (None: none), changed by an admin or by the person (as sop_set_email)."""
        with self.transaction():
            if by != login:
                me = self.person(by)
                if me is None or not me.admin:
                    raise refusal("email-not-yours", login=by)
            row = self.person(login)
            if row is None:
                raise refusal("unknown-person", login=login)
            self.execute("UPDATE people SET email = ? WHERE login = ?", (email, login))
        return row._replace(email=email)

    def set_rights(self, by: str, login: str, admin: bool | None, records_for_others: bool | None) -> PersonRow:
        with self.transaction():
            self._admin(by)
            row = self.person(login)
            if row is None:
                raise refusal("unknown-person", login=login)
            if admin is False and row.admin:
                (others,) = self.execute(
                    "SELECT COUNT(*) FROM people WHERE admin = 1 AND login <> ?", (login,)
                ).fetchone()
                if not others:
                    raise refusal("last-admin", login=login)
            row = row._replace(
                admin=row.admin if admin is None else admin,
                records_for_others=row.records_for_others if records_for_others is None else records_for_others,
            )
            self.execute(
                "UPDATE people SET admin = ?, records_for_others = ? WHERE login = ?",
                (int(row.admin), int(row.records_for_others), login),
            )
        return row

    def grant_post(
        self,
        by: str,
        login: str,
        pelaksana: str,
        sops: list[str] | None,
        acting: str | None,
        valid_from: str,
        valid_until: str | None,
    ) -> PostRow:
        if valid_until is not None and valid_until < valid_from:
            raise refusal("post-dates", start=valid_from, until=valid_until)
        with self.transaction():
            self._admin(by)
            if self.person(login) is None:
                raise refusal("unknown-person", login=login)
            self._check_overlap(None, login, pelaksana, sops, acting, valid_from, valid_until)
            stamp = _stamp()
            post_id = self.execute(
                "INSERT INTO posts (login, pelaksana, sops, acting, valid_from, valid_until, granted_by, granted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    login,
                    pelaksana,
                    json.dumps(sops) if sops is not None else None,
                    acting,
                    valid_from,
                    valid_until,
                    by,
                    stamp,
                ),
            ).lastrowid
        return PostRow(
            id=post_id,
            login=login,
            pelaksana=pelaksana,
            sops=sops,
            acting=acting,
            valid_from=valid_from,
            valid_until=valid_until,
            ended_at=None,
            granted_by=by,
            granted_at=stamp,
            ended_by=None,
        )

    def _check_overlap(
        self,
        post_id: int | None,
        login: str,
        pelaksana: str,
        sops: list[str] | None,
        acting: str | None,
        valid_from: str,
        valid_until: str | None,
    ) -> None:
        """Nobody holds a pelaksana twice at once, and two acting appointments of it do not overlap:
        for a new post, and for every change of a post's dates (as sop_check_overlap in postgres.sql)."""
        for other in self.posts(pelaksana=pelaksana):
            if other.id == post_id or not _overlap(other, sops, valid_from, valid_until):
                continue
            if other.login == login:
                raise refusal("already-holds", login=login, pelaksana=pelaksana, post=other.id)
            if acting is not None and other.acting is not None:
                raise refusal(
                    "acting-overlap",
                    pelaksana=pelaksana,
                    start=valid_from,
                    post=other.id,
                    other=f"{post_title(other.pelaksana, other.acting)}: {other.login}",
                    other_start=other.valid_from,
                    other_until=other.valid_until or "…",
                )

    def end_post(self, by: str, post_id: int, valid_until: str | None, today: str) -> PostRow:
        """End a post: on ``valid_until`` (its last day), or at once when None (``today`` is its last day)."""
        with self.transaction():
            self._admin(by)
            row = self.execute(f"SELECT {_POST} FROM posts WHERE id = ?", (post_id,)).fetchone()
            if row is None:
                raise refusal("unknown-post", post=post_id)
            post = post_row(row)
            if post.ended_at is not None:
                raise refusal("post-already-ended", post=post_id)
            until, ended_at = (today, _stamp()) if valid_until is None else (valid_until, None)
            if until < post.valid_from:
                raise refusal("post-dates", start=post.valid_from, until=until)
            if post.valid_until is not None and until > post.valid_until:  # a later last day: it must not overlap
                self._check_overlap(post.id, post.login, post.pelaksana, post.sops, post.acting, post.valid_from, until)
            self.execute(
                "UPDATE posts SET valid_until = ?, ended_at = ?, ended_by = ? WHERE id = ?",
                (until, ended_at, by, post_id),
            )
        return post._replace(valid_until=until, ended_at=ended_at, ended_by=by)
