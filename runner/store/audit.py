"""People and posts are part of the audit: every change of a row is an event in a chain of its own.

Triggers on ``people`` and ``posts`` append each new row (or its deletion) to ``people_events``,
with who changed it, when, whether sop-runner's own write path did (``via``), and a hash over
it and the hash before it (``chain.people_hash``). So a change made behind sop-runner's back
is recorded too, marked, and ``case verify`` replays the chain against the tables: a row that
is not what its events say, a broken link, or a change outside the write path is a finding.

On SQLite the triggers call functions only sop-runner's connection defines (``sop_people_hash``,
``sop_now``, ``sop_actor``): the sqlite3 shell cannot change people or posts without dropping
them first, and a dropped trigger leaves rows its events do not explain. On PostgreSQL the
trigger function is in postgres.sql; the write functions set ``sop.actor`` for the trigger.
"""

from __future__ import annotations

from typing import NamedTuple

# the fields of a person in the chain: as migration 12 began it, and with the e-mail address from 13 on
# (an event recorded before has no "email": verify reads it as none)
PERSON_FIELDS_12 = ("login", "nama", "nip", "admin", "records_for_others", "added_at", "added_by")
PERSON_FIELDS = (*PERSON_FIELDS_12, "email")
POST_FIELDS = (
    "id", "login", "pelaksana", "sops", "acting", "valid_from", "valid_until", "ended_at", "granted_by",
    "granted_at", "ended_by",
)  # fmt: skip


class PeopleEvent(NamedTuple):
    seq: int
    at: str
    actor: str
    via: int  # 1: written by sop-runner's write path; 0: by hand, behind its back
    action: str  # person | person-deleted | post | post-deleted
    subject: str  # the login, or the post's id
    data: str  # the row as JSON after the change ("{}" for a deletion)
    prev_hash: str
    hash: str


TABLE = (
    "CREATE TABLE people_events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
    " via INTEGER NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, data TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
)


def _sqlite_trigger(table: str, op: str, kind: str, key: str, fields: tuple[str, ...]) -> str:
    row = "OLD" if op == "DELETE" else "NEW"
    action = f"{kind}-deleted" if op == "DELETE" else kind
    data = "'{}'" if op == "DELETE" else "json_object(" + ", ".join(f"'{f}', NEW.{f}" for f in fields) + ")"
    return (
        f"CREATE TRIGGER {table}_audit_{op.lower()} AFTER {op} ON {table} BEGIN"
        " INSERT INTO people_events (seq, at, actor, via, action, subject, data, prev_hash, hash)"
        f" SELECT s.n, s.t, s.a, 1, '{action}', s.k, s.d, s.p,"
        f" sop_people_hash(s.p, s.n, s.t, s.a, 1, '{action}', s.k, s.d)"
        " FROM (SELECT (SELECT COALESCE(MAX(seq), 0) + 1 FROM people_events) AS n, sop_now() AS t,"
        f" sop_actor() AS a, CAST({row}.{key} AS TEXT) AS k, {data} AS d,"
        " COALESCE((SELECT hash FROM people_events ORDER BY seq DESC LIMIT 1), '{genesis}') AS p) AS s; END"
    )


def sqlite_triggers(genesis: str) -> list[str]:
    """The chain's triggers as migration 12 made them (a released step never changes)."""
    statements = [
        _sqlite_trigger(table, op, kind, key, fields).replace("{genesis}", genesis)
        for table, kind, key, fields in (
            ("people", "person", "login", PERSON_FIELDS_12),
            ("posts", "post", "id", POST_FIELDS),
        )
        for op in ("INSERT", "UPDATE", "DELETE")
    ]
    statements += [
        f"CREATE TRIGGER people_events_no_{op.lower()} BEFORE {op} ON people_events"
        " BEGIN SELECT RAISE(ABORT, 'people_events are append-only'); END"
        for op in ("UPDATE", "DELETE")
    ]
    return statements


def sqlite_person_triggers(genesis: str) -> list[str]:
    """The people table's triggers again, recording every field of ``PERSON_FIELDS`` (migration 13)."""
    return [
        stmt
        for op in ("INSERT", "UPDATE", "DELETE")
        for stmt in (
            f"DROP TRIGGER IF EXISTS people_audit_{op.lower()}",
            _sqlite_trigger("people", op, "person", "login", PERSON_FIELDS).replace("{genesis}", genesis),
        )
    ]


# the existing rows become the chain's first events: an update that changes nothing fires the triggers
SNAPSHOT = ["UPDATE people SET login = login", "UPDATE posts SET id = id"]
