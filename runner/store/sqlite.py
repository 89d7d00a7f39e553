"""The default store: one SQLite file (standard library), WAL and durable commits."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UserError
from ..i18n import _
from .sql import OutcomeUnknown, SQLStore

PRAGMAS = (
    "PRAGMA journal_mode = WAL",  # readers never wait for the writer
    "PRAGMA synchronous = FULL",  # a reported commit survives a power cut
    "PRAGMA foreign_keys = ON",
)


@functools.cache
def os_login() -> str:
    """The login of the user this process runs as: from the OS's user database, not the environment."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # Windows; or a uid with no name, as in a bare container
        import getpass

        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


class SQLiteStore(SQLStore):
    """One SQLite file. Who acts is the OS login, and only this program checks posts:
    whoever can write the file can go around it (a shared office store belongs on PostgreSQL)."""

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
        except (sqlite3.DatabaseError, OutcomeUnknown) as e:
            raise UserError(
                _("cannot open the case store {path}: {reason}").format(path=path, reason=e),
                "store-unavailable",
                store=str(path),
            ) from None

    @property
    def login(self) -> str:
        return os_login()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front: two writers queue instead of deadlocking
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as e:  # a full disk, an I/O error: the caller asks what landed
            raise OutcomeUnknown(str(e)) from e

    def append_only_sql(self) -> list[str]:
        return [
            f"CREATE TRIGGER events_no_{op.lower()} BEFORE {op} ON events"
            " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            for op in ("UPDATE", "DELETE")
        ]
