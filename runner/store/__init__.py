"""Where cases live: SQLite (standard library, the default) or PostgreSQL (psycopg 3).

Both speak the same SQL through ``SQLStore``; a subclass only says how to
connect, how to begin a write transaction and which errors mean "another
clerk got there first". The store creates and migrates its own tables.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UserError
from ..i18n import _
from .rows import Acting, CaseRow, DocumentRow, EventRow, PersonRow, PostRow, Status, Write, post_title
from .sql import OutcomeUnknown, SQLStore

__all__ = [
    "Acting",
    "CaseRow",
    "DocumentRow",
    "EventRow",
    "OutcomeUnknown",
    "PersonRow",
    "PostRow",
    "SQLStore",
    "Status",
    "Write",
    "default_url",
    "open_store",
    "post_title",
]


def default_url() -> str:
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('sop-runner')) / 'cases.sqlite3'}"


def open_store(url: str | None = None) -> SQLStore:
    """Open the store named by ``url`` (``--db``), ``$SOP_DB`` or the default SQLite file."""
    url = url or os.environ.get("SOP_DB") or default_url()
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(url)
    if url.startswith("sqlite:///"):
        from .sqlite import SQLiteStore

        return SQLiteStore(Path(url[len("sqlite:///") :]))
    if "://" not in url:  # a plain path is an SQLite file
        from .sqlite import SQLiteStore

        return SQLiteStore(Path(url))
    raise UserError(
        _("cannot use the database '{url}'; give sqlite:///PATH or postgresql://USER@HOST/DB").format(url=url),
        "bad-store-url",
        url=url,
    )
