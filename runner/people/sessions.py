"""Signing in to the web front door (``sop serve``): passwords, sessions, and bounded failures.

On PostgreSQL the database checks a person's password, for their own database login, and
sop-runner never keeps it; on SQLite (one office machine, where the program is the guard)
the store keeps a salted scrypt hash, set first by an admin (``sop people password``) and
changed by the person at their first sign-in. A session is a random token in an HttpOnly
cookie; the store keeps its SHA-256, when it was last used, and ends it after ``IDLE``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from ..store import SQLStore
from ..store.clock import iso, now
from ..store.rules import refusal
from ..store.sessions import PasswordRow

IDLE = timedelta(minutes=int(os.environ.get("SOP_WEB_IDLE_MINUTES", "30")))
# failed sign-ins within WINDOW after which a login, or an address, waits until the window has passed
WINDOW = timedelta(minutes=15)
MAX_FAILURES_LOGIN = 5
MAX_FAILURES_ADDRESS = 20
MIN_PASSWORD = 8
# how stale a session's last use may be kept: idle expiry is that much later at worst
TOUCH = timedelta(minutes=1)

# scrypt's cost: 2**14 x 8 is the standard library's documented interactive setting (16 MiB, ~50 ms)
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt${}${}${}${}${}".format(
        _N, _R, _P, base64.b64encode(salt).decode("ascii"), base64.b64encode(digest).decode("ascii")
    )


def verify_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):  # a row written behind sop's back: no password matches it
        return False
    return scheme == "scrypt" and hmac.compare_digest(got, expected)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class Session(NamedTuple):
    token: str  # the cookie's value; the store keeps only its digest
    login: str
    csrf: str  # the token every form sends back: derived from the session's, never stored
    must_change: bool  # a first password set by an admin: the person chooses their own first
    language: str | None


def _session(token: str, login: str, must_change: bool, language: str | None) -> Session:
    csrf = hmac.new(token.encode("ascii", "replace"), b"csrf", hashlib.sha256).hexdigest()
    return Session(token, login, csrf, must_change, language)


class Sessions:
    """Sign people in and out of one store, and find the session of a request."""

    def __init__(self, store: SQLStore) -> None:
        self.store = store

    def sign_in(self, login: str, password: str, address: str, language: str | None = None) -> Session:
        """A new session for ``login``; refused alike for an unknown login and a wrong password,
        and for a while after too many failures of that login or from that address."""
        at = now()
        by_login, by_address = self.store.failures(login, address, iso(at - WINDOW))
        if by_login >= MAX_FAILURES_LOGIN or by_address >= MAX_FAILURES_ADDRESS:
            raise refusal("sign-in-limited", minutes=int(WINDOW.total_seconds() // 60))
        person = self.store.person(login) if login else None
        accepted = self._accepts(login, password) if person is not None else False
        if not accepted:
            self.store.add_failure(login[:100], address[:100], iso(at), iso(at - WINDOW))
            raise refusal("sign-in-failed")
        self.store.forget_failures(login)
        token = secrets.token_urlsafe(32)
        self.store.add_session(_digest(token), login, iso(at), language)
        return _session(token, login, self._must_change(login), language)

    def _accepts(self, login: str, password: str) -> bool:
        if not self.store.keeps_passwords:
            return self.store.login_accepts(login, password)
        row = self.store.password_row(login)
        return row is not None and verify_password(row.hash, password)

    def resume(self, token: str | None, language: str | None = None) -> Session | None:
        """The session of a cookie's token, still in use (and now used again); None when there is none
        or it has been idle longer than ``IDLE`` (it is ended)."""
        if not token:
            return None
        digest = _digest(token)
        row = self.store.session_row(digest)
        if row is None:
            return None
        at = now()
        if datetime.fromisoformat(row.seen_at) < at - IDLE:
            self.store.end_sessions(idle_before=iso(at - IDLE))
            return None
        if language is not None or datetime.fromisoformat(row.seen_at) < at - TOUCH:
            self.store.touch_session(digest, iso(at), language)  # a write a minute, not one a page
        return _session(token, row.login, self._must_change(row.login), language or row.language)

    def _must_change(self, login: str) -> bool:
        """Whether the login's password is still the first one an admin set (SQLite's own passwords)."""
        if not self.store.keeps_passwords:
            return False
        row = self.store.password_row(login)
        return bool(row and row.must_change)

    def sign_out(self, token: str) -> None:
        self.store.end_sessions(token=_digest(token))

    def set_password(self, login: str, password: str, by: str, first: bool) -> None:
        """Keep ``password``'s hash for ``login`` (SQLite): ``first``, set by an admin, to be changed
        at the first sign-in. Every session of the login ends."""
        if not self.store.keeps_passwords:
            raise refusal("password-in-database", login=login)
        if self.store.person(login) is None:
            raise refusal("unknown-person", login=login)
        if first:
            admin = self.store.person(by)
            if admin is None or not admin.admin:
                raise refusal("not-admin", login=by)
        if len(password) < MIN_PASSWORD:
            raise refusal("weak-password", minimum=MIN_PASSWORD)
        self.store.set_password_row(PasswordRow(login, hash_password(password), first, iso(now()), by))

    def change_password(self, session: Session, old: str, new: str) -> Session:
        """The person's own new password, after their current one; a new session for them."""
        if not self._accepts(session.login, old):
            raise refusal("sign-in-failed")
        if new == old:
            raise refusal("same-password")
        self.set_password(session.login, new, session.login, first=False)
        token = secrets.token_urlsafe(32)
        self.store.add_session(_digest(token), session.login, iso(now()), session.language)
        return _session(token, session.login, False, session.language)
