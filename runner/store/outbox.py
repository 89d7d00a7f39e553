"""The outbox of reminders (``sop notify``): each message a row, sent once.

The notifier fills it from what the store already holds (a case entered a step, the morning's
due steps), never the write path: an action never waits on mail. Each message has a unique key
(kind, case, step entry or day, recipient), so that several notifiers filling it at once, or one
run again after a crash, add each message once. A sender claims one row at a time with a lease
(SQLite: the write lock of BEGIN IMMEDIATE; PostgreSQL: ``sop_outbox_claim``, FOR UPDATE SKIP
LOCKED), sends it, and marks it sent; a sender killed in between leaves the lease to run out, and
the next one sends it again under the same Message-ID. A failure records the error and the time
of the next attempt (exponential backoff, capped).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from .clock import iso


class OutboxMessage(NamedTuple):
    """A message to add: who gets it, about what, and its text (written in the notifier's language)."""

    key: str  # unique: kind, case, step entry or day, recipient
    kind: str  # step | digest | overdue
    login: str
    address: str
    case_id: str | None
    subject: str
    body: str
    message_id: str  # stable: a resent message is recognisable as the same one


class OutboxRow(NamedTuple):
    id: int
    key: str
    kind: str
    login: str
    address: str
    case_id: str | None
    subject: str
    body: str
    message_id: str
    created_at: str
    next_at: str  # not before this time (backoff after a failure)
    attempts: int
    claim: str | None  # the sender that holds it
    lease_until: str | None  # until when; a sender that died leaves it to run out
    sent_at: str | None
    error: str | None  # the last failure

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self._asdict().items() if k not in ("body", "claim")}


OUTBOX = ", ".join(OutboxRow._fields)
_ADDED = ("key", "kind", "login", "address", "case_id", "subject", "body", "message_id")

RETRY_CAP = 3600  # never longer than an hour between attempts


def retry_after(attempts: int, first: int = 60) -> int:
    """Seconds until the next attempt after ``attempts`` failed ones: ``first``, doubled each time, capped."""
    return int(min(RETRY_CAP, first * 2 ** max(0, min(attempts - 1, 20))))


class OutboxStore:
    """Mixed into ``SQLStore``: the outbox. SQLite's writes here; PostgreSQL calls its functions."""

    def execute(self, sql: str, params: tuple | list = ()) -> Any:  # pragma: no cover - SQLStore's
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:  # pragma: no cover - SQLStore's
        raise NotImplementedError

    def clock(self) -> datetime:  # pragma: no cover - SQLStore's
        raise NotImplementedError

    def enqueue(self, messages: list[OutboxMessage]) -> int:
        """Add the messages whose key is new and whose person still has that address; how many were."""
        added = 0
        with self.transaction():
            at = iso(self.clock())
            for m in messages:
                # only to the address the person has now (as sop_outbox_enqueue)
                added += self.execute(
                    f"INSERT INTO outbox ({', '.join(_ADDED)}, created_at, next_at)"
                    f" SELECT {', '.join('?' for _f in _ADDED)}, ?, ?"
                    " WHERE EXISTS (SELECT 1 FROM people WHERE login = ? AND email = ?) ON CONFLICT (key) DO NOTHING",
                    (*m, at, at, m.login, m.address),
                ).rowcount
        return added

    def claim_outbox(self, claim: str, lease_seconds: int) -> OutboxRow | None:
        """The next message due that no live sender holds, now held by ``claim`` for ``lease_seconds``."""
        with self.transaction():  # BEGIN IMMEDIATE: one claimer at a time
            t = self.clock()
            now = iso(t)
            row = self.execute(
                f"SELECT {OUTBOX} FROM outbox WHERE sent_at IS NULL AND next_at <= ?"
                " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_at, id LIMIT 1",
                (now, now),
            ).fetchone()
            if row is None:
                return None
            found = OutboxRow(*row)
            until = iso(t + timedelta(seconds=lease_seconds))
            self.execute(
                "UPDATE outbox SET claim = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?",
                (claim, until, found.id),
            )
        return found._replace(claim=claim, lease_until=until, attempts=found.attempts + 1)

    def outbox_sent(self, row_id: int, claim: str) -> bool:
        """Mark a message sent, if ``claim`` still holds it; whether it did."""
        with self.transaction():
            return bool(
                self.execute(
                    "UPDATE outbox SET sent_at = ?, lease_until = NULL, error = NULL"
                    " WHERE id = ? AND claim = ? AND sent_at IS NULL",
                    (iso(self.clock()), row_id, claim),
                ).rowcount
            )

    def outbox_failed(self, row_id: int, claim: str, error: str, retry_seconds: int) -> None:
        """Record a failed attempt: the error, and no new attempt before ``retry_seconds`` from now."""
        with self.transaction():
            t = self.clock()
            self.execute(
                "UPDATE outbox SET next_at = ?, lease_until = NULL, error = ?"
                " WHERE id = ? AND claim = ? AND sent_at IS NULL",
                (iso(t + timedelta(seconds=retry_seconds)), error[:1000], row_id, claim),
            )

    def outbox(self, pending: bool = False) -> list[OutboxRow]:
        """The outbox's messages (only those not sent yet), oldest first."""
        where = " WHERE sent_at IS NULL" if pending else ""
        rows = self.execute(f"SELECT {OUTBOX} FROM outbox{where} ORDER BY id").fetchall()
        return [OutboxRow(*r) for r in rows]

    def outbox_keys(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` the outbox holds already (the notifier writes no message twice)."""
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            rows = self.execute(f"SELECT key FROM outbox WHERE key IN ({', '.join('?' for _k in part)})", part)
            found.update(r[0] for r in rows.fetchall())
        return found
