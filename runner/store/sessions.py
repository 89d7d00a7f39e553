"""The web front door's rows in the store: sessions, failed sign-ins, and (SQLite) password hashes.

They live in the store, not in a server's memory, so that several server processes, or
machines, share them. A session is kept under the SHA-256 of its token: whoever reads the
table cannot sign in with what they read. On PostgreSQL the web gateway writes these
tables itself, before it takes a person's role (README: the web front door).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, NamedTuple


class SessionRow(NamedTuple):
    token: str  # SHA-256 of the cookie's token
    login: str
    created_at: str
    seen_at: str
    language: str | None


class PasswordRow(NamedTuple):
    login: str
    hash: str
    must_change: bool
    set_at: str
    set_by: str


_SESSION = ", ".join(SessionRow._fields)


class SessionStore:
    """Mixed into ``SQLStore``: the tables of ``sop serve``."""

    def execute(self, sql: str, params: tuple | list = ()) -> Any:  # pragma: no cover - SQLStore's
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:  # pragma: no cover - SQLStore's
        raise NotImplementedError

    def act_as(self, login: str) -> None:
        """Act as ``login`` from now on, a person the web front door signed in (see the stores)."""
        raise NotImplementedError  # pragma: no cover - overridden

    def is_gateway(self) -> bool:
        """Whether this store's own login is a web gateway that acts for others (PostgreSQL)."""
        return False

    # SQLite keeps the passwords' hashes (passwords); PostgreSQL checks its own logins' (login_accepts)
    keeps_passwords = True

    def login_accepts(self, login: str, password: str) -> bool:
        """Whether the database accepts ``password`` for its own login ``login`` (PostgreSQL)."""
        raise NotImplementedError  # pragma: no cover - PostgreSQL's

    # --- sessions ----------------------------------------------------------------------

    def add_session(self, token: str, login: str, at: str, language: str | None) -> None:
        with self.transaction():
            self.execute(
                f"INSERT INTO web_sessions ({_SESSION}) VALUES (?, ?, ?, ?, ?)", (token, login, at, at, language)
            )

    def session_row(self, token: str) -> SessionRow | None:
        row = self.execute(f"SELECT {_SESSION} FROM web_sessions WHERE token = ?", (token,)).fetchone()
        return SessionRow(*row) if row else None

    def touch_session(self, token: str, at: str, language: str | None = None) -> None:
        with self.transaction():
            if language is None:
                self.execute("UPDATE web_sessions SET seen_at = ? WHERE token = ?", (at, token))
            else:
                self.execute("UPDATE web_sessions SET seen_at = ?, language = ? WHERE token = ?", (at, language, token))

    def end_sessions(self, token: str | None = None, login: str | None = None, idle_before: str | None = None) -> None:
        """Delete one session, every session of a login (a new password), or the ones idle since before."""
        with self.transaction():
            if token is not None:
                self.execute("DELETE FROM web_sessions WHERE token = ?", (token,))
            if login is not None:
                self.execute("DELETE FROM web_sessions WHERE login = ?", (login,))
            if idle_before is not None:
                self.execute("DELETE FROM web_sessions WHERE seen_at < ?", (idle_before,))

    # --- failed sign-ins ---------------------------------------------------------------

    def add_failure(self, login: str, address: str, at: str, forget_before: str) -> None:
        with self.transaction():
            self.execute("DELETE FROM web_failures WHERE at < ?", (forget_before,))
            self.execute("INSERT INTO web_failures (login, address, at) VALUES (?, ?, ?)", (login, address, at))

    def failures(self, login: str, address: str, since: str) -> tuple[int, int]:
        """(failed sign-ins of ``login``, failed sign-ins from ``address``) since ``since``."""
        row = self.execute(
            "SELECT COALESCE(SUM(CASE WHEN login = ? THEN 1 ELSE 0 END), 0),"
            " COALESCE(SUM(CASE WHEN address = ? THEN 1 ELSE 0 END), 0) FROM web_failures WHERE at >= ?",
            (login, address, since),
        ).fetchone()
        return int(row[0]), int(row[1])

    def forget_failures(self, login: str) -> None:
        with self.transaction():
            self.execute("DELETE FROM web_failures WHERE login = ?", (login,))

    # --- password hashes (SQLite) ------------------------------------------------------

    def password_row(self, login: str) -> PasswordRow | None:
        row = self.execute(
            "SELECT login, hash, must_change, set_at, set_by FROM passwords WHERE login = ?", (login,)
        ).fetchone()
        return PasswordRow(row[0], row[1], bool(row[2]), row[3], row[4]) if row else None

    def set_password_row(self, row: PasswordRow) -> None:
        """Keep a password hash, and end the login's sessions: a new password signs everyone out."""
        with self.transaction():
            self.execute("DELETE FROM passwords WHERE login = ?", (row.login,))
            self.execute(
                "INSERT INTO passwords (login, hash, must_change, set_at, set_by) VALUES (?, ?, ?, ?, ?)",
                (row.login, row.hash, int(row.must_change), row.set_at, row.set_by),
            )
            self.execute("DELETE FROM web_sessions WHERE login = ?", (row.login,))
