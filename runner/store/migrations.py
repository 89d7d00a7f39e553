"""The schema's history: each migration a named step that gives its statements for the store's dialect.

A store's ``meta.schema_version`` is the number of steps it has taken; ``SQLStore.migrate`` takes the rest,
in order, in one transaction. A step never changes once released: a change of the schema is a new step
at the end (the people audit's stays last: its triggers must see every table before it). What differs
between SQLite and PostgreSQL (a blob's type, a serial key, the triggers that keep events append-only,
PostgreSQL's functions every write goes through) the store says, as a ``Dialect``. After sqlite-utils'
``migrations.py``: a list of functions, named in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Dialect(Protocol):
    """What a migration asks of the store it runs on."""

    blob_type: str
    serial_type: str

    def append_only_sql(self) -> list[str]: ...
    def functions_sql(self) -> list[str]: ...
    def people_audit_sql(self) -> list[str]: ...
    def audit_snapshot_sql(self) -> list[str]: ...


Migration = Callable[[Dialect], list[str]]


def m001_tables(d: Dialect) -> list[str]:
    """The tables."""
    return [
        "CREATE TABLE definitions (digest TEXT PRIMARY KEY, sop TEXT NOT NULL, version TEXT NOT NULL, "
        "body TEXT NOT NULL)",
        "CREATE TABLE cases (id TEXT PRIMARY KEY, sop TEXT NOT NULL, number INTEGER NOT NULL, title TEXT, "
        "definition TEXT NOT NULL REFERENCES definitions (digest), status TEXT NOT NULL, step TEXT, "
        "entered_at TEXT NOT NULL, deadline TEXT, available TEXT NOT NULL, seq INTEGER NOT NULL, "
        "head TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (sop, number))",
        "CREATE TABLE events (case_id TEXT NOT NULL REFERENCES cases (id), seq INTEGER NOT NULL, "
        "at TEXT NOT NULL, action TEXT NOT NULL, step TEXT, outcome TEXT, role TEXT, operator TEXT NOT NULL, "
        "note TEXT, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (case_id, "
        "seq))",
        f"CREATE TABLE documents (case_id TEXT NOT NULL REFERENCES cases (id), seq INTEGER NOT NULL, "
        f"name TEXT NOT NULL, step TEXT, filename TEXT, size INTEGER, sha256 TEXT, content {d.blob_type}, "
        f"PRIMARY KEY (case_id, seq, name))",
    ]


def m002_open_cases_and_append_only_events(d: Dialect) -> list[str]:
    """Listing open cases by deadline; events that cannot be edited in place."""
    return [
        "CREATE INDEX cases_status_deadline ON cases (status, deadline)",
        "CREATE INDEX cases_sop ON cases (sop, status)",
        *d.append_only_sql(),
    ]


def m003_definition_sources(d: Dialect) -> list[str]:
    """The YAML text a definition was read from, so that `case show` sees an unchanged file cheaply."""
    return [
        "ALTER TABLE definitions ADD COLUMN source TEXT",
    ]


def m004_newest_first(d: Dialect) -> list[str]:
    """`case list` newest first, open ones by default, without reading every case."""
    return [
        "CREATE INDEX cases_status_created ON cases (status, created_at)",
        "CREATE INDEX cases_created ON cases (created_at)",
    ]


def m005_reports_by_sop(d: Dialect) -> list[str]:
    """Reports read the cases of one SOP started in a period, in order, without sorting."""
    return [
        "CREATE INDEX cases_sop_created ON cases (sop, created_at, id)",
    ]


def m006_checkpoints(d: Dialect) -> list[str]:
    """Audit checkpoints (the file is kept elsewhere; the latest digest goes on documents)."""
    return [
        "CREATE TABLE checkpoints (digest TEXT PRIMARY KEY, taken_at TEXT NOT NULL, body TEXT NOT NULL)",
    ]


def m007_people_and_posts(d: Dialect) -> list[str]:
    """People and posts; on events who held the post, the store's clock and a request id; on PostgreSQL the
    functions every write goes through (a change to them is a new migration that repeats "{functions}").
    """
    return [
        "CREATE TABLE people (login TEXT PRIMARY KEY, nama TEXT NOT NULL, nip TEXT, admin INTEGER NOT NULL, "
        "records_for_others INTEGER NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL)",
        f"CREATE TABLE posts (id {d.serial_type}, login TEXT NOT NULL REFERENCES people (login), "
        f"pelaksana TEXT NOT NULL, sops TEXT, acting TEXT, valid_from TEXT NOT NULL, valid_until TEXT, "
        f"ended_at TEXT, granted_by TEXT NOT NULL, granted_at TEXT NOT NULL, ended_by TEXT)",
        "CREATE INDEX posts_pelaksana ON posts (pelaksana, login)",
        "ALTER TABLE events ADD COLUMN holder TEXT",
        "ALTER TABLE events ADD COLUMN acting TEXT",
        "ALTER TABLE events ADD COLUMN recorded_at TEXT",
        "ALTER TABLE events ADD COLUMN backdated INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE events ADD COLUMN request TEXT",
        "ALTER TABLE events ADD COLUMN format INTEGER NOT NULL DEFAULT 1",
        "CREATE UNIQUE INDEX events_request ON events (request)",
        *d.functions_sql(),
    ]


def m008_functions_on_the_servers_clock(d: Dialect) -> list[str]:
    """PostgreSQL's functions stamp the server's clock of the moment and check the post then, set the timeouts
    they rely on, and lock rows of an owner-only table instead of advisory keys.
    """
    return [
        *d.functions_sql(),
    ]


def m009_web_sessions(d: Dialect) -> list[str]:
    """The web front door (sop serve). Its sessions and failed sign-ins live in the store, so that several
    server processes share them; the token is kept as its SHA-256 only. On SQLite the passwords' salted
    hashes (PostgreSQL checks its own logins' passwords); on PostgreSQL sop_me(), which takes the person a
    registered gateway acts for.
    """
    return [
        "CREATE TABLE web_sessions (token TEXT PRIMARY KEY, login TEXT NOT NULL, created_at TEXT NOT NULL, "
        "seen_at TEXT NOT NULL, language TEXT)",
        "CREATE TABLE web_failures (login TEXT NOT NULL, address TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE INDEX web_failures_at ON web_failures (at)",
        "CREATE TABLE passwords (login TEXT PRIMARY KEY REFERENCES people (login), hash TEXT NOT NULL, "
        "must_change INTEGER NOT NULL, set_at TEXT NOT NULL, set_by TEXT NOT NULL)",
        "CREATE INDEX cases_status_updated ON cases (status, updated_at)",  # the inbox: done this month
        *d.functions_sql(),
    ]


def m010_document_reads(d: Dialect) -> list[str]:
    """Who read which attachment (UU PDP); on PostgreSQL the reading function, for the clerks' roles may not
    read the contents column, and the digests `case verify` compares.
    """
    return [
        "CREATE TABLE IF NOT EXISTS document_reads (case_id TEXT NOT NULL, seq INTEGER NOT NULL, "
        "name TEXT NOT NULL, login TEXT NOT NULL, at TEXT NOT NULL)",
        *d.functions_sql(),
    ]


def m011_pengesahan(d: Dialect) -> list[str]:
    """An SOP's life and a case's mistakes (issue 23): the pengesahan of SOP versions, each in force from its
    tanggal_efektif (a case starts only on the version in force); on PostgreSQL sop_sahkan, and sop_act
    checks who may cancel.
    """
    return [
        f"CREATE TABLE pengesahan (id {d.serial_type}, sop TEXT NOT NULL, version TEXT NOT NULL, "
        f"digest TEXT NOT NULL UNIQUE REFERENCES definitions (digest), nomor TEXT, "
        f"tanggal_efektif TEXT NOT NULL, jabatan TEXT NOT NULL, "
        f"signer TEXT NOT NULL REFERENCES people (login), acting TEXT, signed_on TEXT NOT NULL, "
        f"recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (sop, tanggal_efektif))",
        *d.functions_sql(),
    ]


def m012_people_audit(d: Dialect) -> list[str]:
    """People and posts in the audit: every change of a row an event of a chain (runner/store/audit.py), the
    rows there now its first events.
    """
    return [
        *d.people_audit_sql(),
        *d.functions_sql(),
        *d.audit_snapshot_sql(),
    ]


MIGRATIONS: list[Migration] = [
    m001_tables,
    m002_open_cases_and_append_only_events,
    m003_definition_sources,
    m004_newest_first,
    m005_reports_by_sop,
    m006_checkpoints,
    m007_people_and_posts,
    m008_functions_on_the_servers_clock,
    m009_web_sessions,
    m010_document_reads,
    m011_pengesahan,
    m012_people_audit,
]
