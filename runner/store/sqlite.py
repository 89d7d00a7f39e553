"""The default store: one SQLite file (standard library), WAL and durable commits."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UserError
from ..i18n import _
from .sql import SQLStore

PRAGMAS = (
    "PRAGMA journal_mode = WAL",  # readers never wait for the writer
    "PRAGMA synchronous = FULL",  # a reported commit survives a power cut
    "PRAGMA foreign_keys = ON",
)


class SQLiteStore(SQLStore):
    blob_type = "BLOB"
    placeholder = "?"
    integrity_errors = (sqlite3.IntegrityError,)
    missing_table_errors = (sqlite3.OperationalError,)

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite:///{path}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we open our own transactions, so a read never holds a lock
            self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            for pragma in PRAGMAS:
                self.conn.execute(pragma)
            self.migrate()
        except sqlite3.DatabaseError as e:
            raise UserError(
                _("cannot open the case store {path}: {reason}").format(path=path, reason=e),
                "store-unavailable",
                store=str(path),
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front: two writers queue instead of deadlocking
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def append_only_sql(self) -> list[str]:
        return [
            f"CREATE TRIGGER events_no_{op.lower()} BEFORE {op} ON events"
            " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            for op in ("UPDATE", "DELETE")
        ]
