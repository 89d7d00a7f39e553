"""The SQL both stores share: tables, migrations, and the one-transaction writes.

Concurrency is optimistic: an action reads the case, decides, then writes its
event as ``seq + 1`` and moves the case row only ``WHERE seq = <what it read>``.
If another clerk wrote in between, the event's primary key or the row's
sequence number no longer fits, the transaction rolls back, and the clerk is
told to look again. Nothing is lost and nothing is written twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..canonical import sha256_hex
from ..definition.model import Calendar
from ..errors import UserError
from ..i18n import _
from . import audit
from .chain import GENESIS
from .migrations import MIGRATIONS
from .people import PeopleStore
from .rows import CaseRow, DocumentRow, EventRow, PengesahanRow, Status, damaged
from .sessions import SessionStore
from .writes import Writes

if TYPE_CHECKING:
    pass

DEFAULT_TIMEZONE = Calendar._field_defaults["timezone"]  # an SOP's calendar without a zone


class OutcomeUnknown(UserError):
    """The store failed while a write was under way (the connection broke, the commit failed):
    it may or may not have landed.

    The case service asks the store (``recover``) before it answers the clerk; where nobody
    asks (a migration, an admin's change, a checkpoint) it is a refusal that says to look first.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(
            _(
                "the store failed during a write ({reason}); whether it was saved is unknown — look with 'sop case show' before repeating it"
            ).format(reason=reason),
            "write-outcome-unknown",
            reason=reason,
        )
        self.reason = reason


_PENGESAHAN = (
    "id, sop, version, digest, nomor, tanggal_efektif, jabatan, signer, acting, signed_on, recorded_by, recorded_at"
)


def in_force(signed: list[PengesahanRow], day: str) -> PengesahanRow | None:
    """The version in force on ``day`` among an SOP's pengesahan: the one that took force last by then."""
    began = [p for p in signed if p.tanggal_efektif <= day]
    return max(began, key=lambda p: p.tanggal_efektif) if began else None


def _columns(cls: type[tuple]) -> str:
    return ", ".join(cls._fields)  # type: ignore[attr-defined]


def _marks(cls: type[tuple]) -> str:
    return ", ".join("?" for _name in cls._fields)  # type: ignore[attr-defined]


_AVAILABLE = CaseRow._fields.index("available")
_STATUS = CaseRow._fields.index("status")


def case_values(case: CaseRow) -> tuple:
    """A case row as its columns hold it: the documents at hand as a JSON list."""
    values = list(case)
    values[_STATUS] = str(case.status)
    values[_AVAILABLE] = json.dumps(case.available, ensure_ascii=False)
    return tuple(values)


def case_row(values: tuple | list) -> CaseRow:
    row = list(values)
    try:
        row[_STATUS] = Status(row[_STATUS])
        row[_AVAILABLE] = json.loads(row[_AVAILABLE])
        if not isinstance(row[_AVAILABLE], list):
            raise ValueError(row[_AVAILABLE])
    except (ValueError, TypeError):  # a row written behind sop's back
        raise damaged(_("case {id} holds a status or documents at hand sop never wrote").format(id=row[0])) from None
    return CaseRow(*row)


# The tables sop-runner makes; a database that has some of them but no schema version of
# ours belongs to someone else, and is never written to.
OUR_TABLES = frozenset(
    {"meta", "definitions", "cases", "events", "documents", "checkpoints", "people", "posts", "web_sessions"}
    | {"pengesahan"}
)  # (and the later ones: any of these already marks a database as ours)


class SQLStore(PeopleStore, SessionStore, Writes):
    """What every store shares: the connection's machinery, the migrations, and the reads.

    The writes are the ``Writes`` interface, implemented side by side: ``SQLiteWrites``
    (the program checks who may act) and ``PostgresStore`` (the database's own functions do).
    """

    url: str
    conn: Any
    blob_type = "BLOB"
    serial_type = "INTEGER PRIMARY KEY"
    placeholder = "?"
    integrity_errors: tuple[type[BaseException], ...] = ()
    # errors of the world (disk, locks, permissions, damage), turned into a UserError by world_error
    world_errors: tuple[type[BaseException], ...] = ()
    # whether the tables of other programs may stand beside ours (a shared database server)
    shares_database = False

    # --- dialect hooks -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:  # pragma: no cover - overridden
        raise NotImplementedError
        yield

    def append_only_sql(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def functions_sql(self) -> list[str]:
        """The functions the store's writes go through (PostgreSQL); none on SQLite."""
        return []

    def people_audit_sql(self) -> list[str]:
        """The table and triggers of the people chain (SQLite; PostgreSQL's are in its functions)."""
        return [audit.TABLE, *audit.sqlite_triggers(GENESIS)]

    def audit_snapshot_sql(self) -> list[str]:
        return audit.SNAPSHOT

    @property
    def login(self) -> str:  # pragma: no cover - overridden
        """Who is acting: the login the store authenticated (never a typed name)."""
        raise NotImplementedError

    def clock(self) -> datetime:
        """The store's clock, which stamps every action (PostgreSQL: the server's)."""
        return datetime.now(timezone.utc)

    def case_and_clock(self, case_id: str, fresh: bool = False) -> tuple[CaseRow | None, datetime, bool]:
        """A case and the store's clock, read together; and whether they were remembered rather
        than read (PostgreSQL remembers the case it wrote last: see PostgresStore)."""
        return self.case(case_id), self.clock(), False

    def lock_numbering(self, sop: str) -> None:
        """Serialise case numbering of one SOP (SQLite's write lock already does)."""

    @contextmanager
    def reading_damage(self) -> Iterator[None]:
        """Read what sop never wrote as far as it reads, so that verify can name it (SQLite: text not UTF-8)."""
        yield

    def table_names(self) -> set[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def prepare(self) -> None:
        """Settings of a store that is ours (or becomes ours): after ``open`` judged it."""

    def world_error(self, error: BaseException) -> BaseException:
        """The UserError that says what a failure of the world means and what to do."""
        return error  # pragma: no cover - only stores with world_errors call it

    def missing(self) -> UserError:  # pragma: no cover - overridden
        raise NotImplementedError

    def foreign(self) -> UserError:  # pragma: no cover - overridden
        raise NotImplementedError

    def open(self, create: bool) -> None:
        """Judge what the connection found before anything is written to it.

        Ours: migrated to this version. Empty: made ours only when ``create``
        (a command that writes); otherwise ``missing()`` is raised, and
        ``open_store`` gives a reading command an empty store in memory.
        Anything else is someone else's database: refused, untouched.
        """
        version = self.schema_version()
        if version == 0:
            tables = self.table_names()
            if tables & (OUR_TABLES if self.shares_database else tables):
                raise self.foreign()
            if not create:
                raise self.missing()
        self.prepare()
        if version != len(MIGRATIONS):
            self.migrate()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- SQL helpers ---------------------------------------------------------

    def execute(self, sql: str, params: tuple | list = ()) -> Any:
        if self.placeholder != "?":
            sql = sql.replace("?", self.placeholder)
        try:
            # no parameters, no placeholder parsing (a literal % must stay a %)
            cursor = self.conn.execute(sql, params) if params else self.conn.execute(sql)
        except self.world_errors as e:
            raise self._translated(e) from None
        return _Cursor(cursor, self) if self.world_errors else cursor

    def _translated(self, error: BaseException) -> BaseException:
        # an integrity error is how a concurrent change shows itself: the caller judges it
        return error if isinstance(error, self.integrity_errors) else self.world_error(error)

    def stream(self, sql: str, params: tuple | list = ()) -> Iterator[Any]:
        """Rows one by one, without holding the whole result in memory."""
        return iter(self.execute(sql, params))

    # --- schema --------------------------------------------------------------

    def migrate(self, upto: int | None = None) -> int:
        """Bring the tables to the newest version (or ``upto``); returns the version."""
        target = len(MIGRATIONS) if upto is None else upto
        if upto is None and self.schema_version() == target:
            return target
        with self.transaction():
            self.lock_numbering("__schema__")
            self.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = self.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            current = int(row[0]) if row else 0
            if current > len(MIGRATIONS):
                raise UserError(
                    _("this store was written by a newer sop-runner (schema {v}); upgrade sop-runner").format(
                        v=current
                    ),
                    "store-too-new",
                    schema=current,
                )
            for version in range(current + 1, target + 1):
                for sql in MIGRATIONS[version - 1](self):
                    self.execute(sql)
            if target > current:
                self.execute("DELETE FROM meta WHERE key = 'schema_version'")
                self.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(target),))
            return max(current, target)

    def schema_version(self) -> int:
        """The version of our tables; 0 for a store without them."""
        if "meta" not in self.table_names():
            return 0
        row = self.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    # --- writes: one transaction each ---------------------------------------

    def pengesahan(self, sop: str | None = None) -> list[PengesahanRow]:
        """The versions disahkan (of ``sop``), by SOP and tanggal_efektif."""
        where, params = (" WHERE sop = ?", [sop]) if sop is not None else ("", [])
        rows = self.execute(f"SELECT {_PENGESAHAN} FROM pengesahan{where} ORDER BY sop, tanggal_efektif", params)
        return [PengesahanRow(*r) for r in rows.fetchall()]

    def recover(self, request: str) -> CaseRow | None:
        """After ``OutcomeUnknown``: the case the action was written to, or None when it was not
        (the transaction has ended either way); OutcomeUnknown still when the store cannot tell."""
        try:
            return self.landed(request)
        except UserError as e:
            raise OutcomeUnknown(str(e)) from None

    def landed(self, request: str) -> CaseRow | None:
        """The case an action with this request id was written to, as it is now; None if it was not."""
        row = self.execute("SELECT case_id FROM events WHERE request = ?", (request,)).fetchone()
        return self.case(row[0]) if row else None

    def people_events(self) -> list[audit.PeopleEvent]:
        """The chain of changes of people and posts, in order."""
        fields = ", ".join(audit.PeopleEvent._fields)
        rows = self.execute(f"SELECT {fields} FROM people_events ORDER BY seq").fetchall()
        return [audit.PeopleEvent(*r) for r in rows]

    def raw_rows(self, table: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
        """Every row of ``people`` or ``posts`` as stored, column by column (verify compares them)."""
        assert table in ("people", "posts")
        return [dict(zip(fields, r, strict=True)) for r in self.execute(f"SELECT {', '.join(fields)} FROM {table}")]

    def content_digests(self, case_id: str) -> dict[tuple[int, str], str | None]:
        """(seq, name) -> the SHA-256 of each kept content (None: a name without a file), for `case verify`."""
        rows = self.stream("SELECT seq, name, content FROM documents WHERE case_id = ?", (case_id,))
        return {(int(seq), name): sha256_hex(bytes(c)) if c is not None else None for seq, name, c in rows}

    # --- reads ---------------------------------------------------------------

    def heads(self) -> dict[str, tuple[int, str]]:
        """Every case's last event: case id -> (seq, hash), read from the events themselves."""
        rows = self.execute(
            "SELECT case_id, seq, hash FROM events e WHERE seq = (SELECT MAX(seq) FROM events WHERE case_id = e.case_id)"
        ).fetchall()
        return {case: (int(seq), head) for case, seq, head in rows}

    def latest_checkpoint(self) -> str | None:
        """The JSON of the checkpoint taken last, if any."""
        row = self.execute("SELECT body FROM checkpoints ORDER BY taken_at DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def definition(self, digest: str) -> str | None:
        row = self.execute("SELECT body FROM definitions WHERE digest = ?", (digest,)).fetchone()
        return row[0] if row else None

    def definitions(self) -> dict[str, str]:
        """Every stored definition: digest -> canonical JSON (a store holds one per SOP version)."""
        return dict(self.execute("SELECT digest, body FROM definitions").fetchall())

    def definition_source(self, digest: str) -> str | None:
        row = self.execute("SELECT source FROM definitions WHERE digest = ?", (digest,)).fetchone()
        return row[0] if row else None

    def case_columns(self, case_id: str) -> tuple | None:
        """A case row's columns as stored, unconverted (verify compares them with what it expects)."""
        row = self.execute(f"SELECT {_columns(CaseRow)} FROM cases WHERE id = ?", (case_id,)).fetchone()
        return tuple(row) if row else None

    def definition_rows(self) -> list[tuple[str, str, str, str, str | None]]:
        """Every stored definition as (digest, sop, version, body, source)."""
        return [tuple(r) for r in self.execute("SELECT digest, sop, version, body, source FROM definitions").fetchall()]

    def orphan_case_ids(self) -> list[str]:
        """Case ids that events or documents name and no case row has."""
        rows = self.execute(
            "SELECT case_id FROM events UNION SELECT case_id FROM documents EXCEPT SELECT id FROM cases ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def damage(self) -> list[str]:
        """What the database itself finds wrong with its files (nothing, where it cannot tell)."""
        return []

    def case(self, case_id: str) -> CaseRow | None:
        row = self.execute(f"SELECT {_columns(CaseRow)} FROM cases WHERE id = ?", (case_id,)).fetchone()
        return case_row(row) if row else None

    @staticmethod
    def _filter(
        sop: str | None,
        status: Status | None,
        overdue_at: str | None,
        since: str | None,
        at_steps: dict[str, list[str]] | None = None,
        changed_since: str | None = None,
    ) -> tuple[str, list[Any]]:
        where, params = [], []
        if changed_since:
            where.append("updated_at >= ?")
            params.append(changed_since)
        if at_steps is not None:  # open cases standing at these steps: definition digest -> step ids
            either = [f"(definition = ? AND step IN ({', '.join('?' for _s in ids)}))" for ids in at_steps.values()]
            where.append("status = 'open' AND (" + (" OR ".join(either) or "1 = 0") + ")")
            for digest, ids in at_steps.items():
                params += [digest, *ids]
        if sop:
            where.append("sop = ?")
            params.append(sop)
        if overdue_at:
            where.append("status = 'open' AND deadline < ?")
            params.append(overdue_at)
        if status:
            where.append("status = ?")
            params.append(str(status))
        if since:
            where.append("created_at >= ?")
            params.append(since)
        return (" WHERE " + " AND ".join(where) if where else ""), params

    def cases(
        self,
        sop: str | None = None,
        status: Status | None = None,
        overdue_at: str | None = None,
        since: str | None = None,
        limit: int | None = None,
        newest_first: bool = False,
        at_steps: dict[str, list[str]] | None = None,
        offset: int = 0,
        by_deadline: bool = False,
    ) -> Iterator[CaseRow]:
        """The cases that match, streamed from the cursor (a store may hold hundreds of thousands);
        ``at_steps``: only open cases standing at one of these steps of these definitions."""
        where, params = self._filter(sop, status, overdue_at, since, at_steps)
        order = "created_at DESC, sop DESC, number DESC" if newest_first else "created_at, sop, number"
        if by_deadline:  # the soonest due first, cases without a deadline last
            order = "deadline IS NULL, deadline, created_at, sop, number"
        sql = f"SELECT {_columns(CaseRow)} FROM cases{where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if offset:
            sql += f"{'' if limit is not None else ' LIMIT -1' if self.placeholder == '?' else ' LIMIT ALL'} OFFSET {int(offset)}"
        for r in self.stream(sql, params):
            yield case_row(r)

    def count_cases(
        self,
        sop: str | None = None,
        status: Status | None = None,
        overdue_at: str | None = None,
        since: str | None = None,
        at_steps: dict[str, list[str]] | None = None,
        changed_since: str | None = None,
    ) -> int:
        where, params = self._filter(sop, status, overdue_at, since, at_steps, changed_since)
        (n,) = self.execute(f"SELECT COUNT(*) FROM cases{where}", params).fetchone()
        return int(n)

    def case_ids(self) -> list[str]:
        return [r[0] for r in self.execute("SELECT id FROM cases ORDER BY created_at, sop, number").fetchall()]

    def events(self, case_id: str) -> list[EventRow]:
        rows = self.execute(
            f"SELECT {_columns(EventRow)} FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
        ).fetchall()
        return [EventRow(*r) for r in rows]

    # what a report reads: the columns it needs, case by case, each case's events in order
    REPORT_EVENTS = (
        "SELECT e.case_id, c.definition, e.at, e.action, e.step, e.outcome, e.role, e.data"
        " FROM cases c JOIN events e ON e.case_id = c.id"
        " WHERE c.sop = ? AND c.created_at >= ? AND c.created_at < ? ORDER BY c.created_at, c.id, e.seq"
    )

    def report_events(self, sop: str, since: str, until: str) -> Iterator[tuple]:
        """The events of the cases of ``sop`` started in [since, until), streamed (memory stays flat)."""
        return self.stream(self.REPORT_EVENTS, (sop, since, until))

    def sop_ids(self) -> list[str]:
        """Every SOP that has cases in this store."""
        return [r[0] for r in self.execute("SELECT DISTINCT sop FROM cases ORDER BY sop").fetchall()]

    def last_event(self, case_id: str) -> EventRow | None:
        row = self.execute(
            f"SELECT {_columns(EventRow)} FROM events WHERE case_id = ? ORDER BY seq DESC LIMIT 1", (case_id,)
        ).fetchone()
        return EventRow(*row) if row else None

    def last_note(self, case_id: str) -> EventRow | None:
        """The latest event that carries a note: a correction's reason, a disposition, a cancellation's reason."""
        row = self.execute(
            f"SELECT {_columns(EventRow)} FROM events WHERE case_id = ? AND note IS NOT NULL AND note <> ''"
            " ORDER BY seq DESC LIMIT 1",
            (case_id,),
        ).fetchone()
        return EventRow(*row) if row else None

    def documents(self, case_id: str, with_content: bool = False) -> list[DocumentRow]:
        cols = _columns(DocumentRow) if with_content else _columns(DocumentRow).replace(", content", "")
        rows = self.execute(f"SELECT {cols} FROM documents WHERE case_id = ? ORDER BY seq, name", (case_id,)).fetchall()
        # PostgreSQL hands BYTEA back as memoryview
        return [DocumentRow(*(bytes(v) if isinstance(v, memoryview) else v for v in r)) for r in rows]  # type: ignore[arg-type]


class _Cursor:
    """A cursor whose fetches turn the world's failures into UserErrors, as ``execute`` does:
    SQLite reads a damaged page, or a disk fails, while rows are fetched, not only at the start."""

    __slots__ = ("_cursor", "_store")

    def __init__(self, cursor: Any, store: SQLStore) -> None:
        self._cursor, self._store = cursor, store

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    def fetchone(self) -> Any:
        try:
            return self._cursor.fetchone()
        except self._store.world_errors as e:
            raise self._store._translated(e) from None

    def fetchall(self) -> list[Any]:
        try:
            return list(self._cursor.fetchall())
        except self._store.world_errors as e:
            raise self._store._translated(e) from None

    def __iter__(self) -> Iterator[Any]:
        while True:
            row = self.fetchone()
            if row is None:
                return
            yield row
