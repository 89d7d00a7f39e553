"""Where cases live: SQLite (standard library, the default) or PostgreSQL (psycopg 3).

Both speak the same SQL through ``SQLStore``; a subclass only says how to
connect, how to begin a write transaction and which errors mean "another
clerk got there first". The store creates and migrates its own tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..errors import UserError
from ..i18n import _
from .rows import ACTING, CaseRow, DocumentRow, EventRow, PengesahanRow, PersonRow, PostRow, Status, post_title
from .sql import OutcomeUnknown, SQLStore

__all__ = [
    "ACTING",
    "CaseRow",
    "DocumentRow",
    "EventRow",
    "OutcomeUnknown",
    "PengesahanRow",
    "PersonRow",
    "PostRow",
    "SQLStore",
    "Status",
    "default_url",
    "open_store",
    "post_title",
]


def default_url() -> str:
    from platformdirs import user_data_dir  # a third-party module: only when no --db is given

    return f"sqlite:///{os.path.join(user_data_dir('sop-runner'), 'cases.sqlite3')}"


def _refuse(url: str, why: str) -> UserError:
    return UserError(
        _("cannot use the store '{url}': {why}; give sqlite:///PATH or postgresql://USER@HOST/DB").format(
            url=url, why=why
        ),
        "bad-store-url",
        url=url,
    )


def open_store(url: str | None = None, create: bool = True) -> SQLStore:
    """Open the store named by ``url`` (``--db``), ``$SOP_DB`` or the default SQLite file.

    ``create``: make the store when it does not exist yet (a command that writes);
    with False a missing store is an error and nothing is created or migrated
    that is not ours already.
    """
    if url is not None and not url.strip():
        raise _refuse(url, _("the name is empty"))
    chosen = url or os.environ.get("SOP_DB") or None
    name = chosen or default_url()
    if name.startswith(("postgresql://", "postgres://")):
        from urllib.parse import parse_qs, urlsplit  # only a PostgreSQL url is parsed

        parts = urlsplit(name)
        query = parse_qs(parts.query)
        if not (parts.hostname or parts.path.strip("/") or "host" in query or "dbname" in query):
            raise _refuse(name, _("it names no server and no database"))
        from .postgres import PostgresStore  # psycopg: only a PostgreSQL url loads it

        return _or_empty(lambda: PostgresStore(name, create), name)
    if "://" in name and not name.startswith("sqlite:///"):
        raise _refuse(name, _("an unknown kind of store"))
    path = name[len("sqlite:///") :] if name.startswith("sqlite:///") else name
    if not path.strip():
        raise _refuse(name, _("it names no file"))
    if path == ":memory:" or path.startswith("file::memory:"):
        raise _refuse(name, _("a store in memory forgets every case when the command ends"))
    from .sqlite import SQLiteStore  # sqlite3: a PostgreSQL user never loads it

    return _or_empty(lambda: SQLiteStore(path, create, private_folder=chosen is None), name)


def _or_empty(connect: Callable[[], SQLStore], url: str) -> SQLStore:
    """The store; where none exists yet and the command only reads, an empty one that makes nothing."""
    try:
        return connect()
    except UserError as e:
        if e.kind != "store-missing":
            raise
        from .sqlite import EmptyStore  # sqlite3: a PostgreSQL user never loads it

        return EmptyStore(url, e)
