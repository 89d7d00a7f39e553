"""People and posts in the store: the reads every store shares, and the rows they are read into.

Who may act, and the writes of people and posts, are each store's own: SQLite's in Python
(runner/store/sqlite_writes.py), PostgreSQL's in its functions (``postgres.sql``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from typing import Any

from ..definition.workcal import zone
from ..i18n import _
from .rows import PersonRow, PostRow, damaged
from .rules import OPEN_END, refusal

_PERSON = "login, nama, nip, admin, records_for_others, added_at, added_by"
_POST = "id, login, pelaksana, sops, acting, valid_from, valid_until, ended_at, granted_by, granted_at, ended_by"


def person_row(values: tuple | list) -> PersonRow:
    login, nama, nip, admin, records, added_at, added_by = values
    return PersonRow(login, nama, nip, bool(admin), bool(records), added_at, added_by)


def post_row(values: tuple | list) -> PostRow:
    v = list(values)
    try:
        v[3] = json.loads(v[3]) if v[3] is not None else None
        if v[3] is not None and not (isinstance(v[3], list) and all(isinstance(s, str) for s in v[3])):
            raise ValueError(v[3])
    except ValueError:  # a row written behind sop's back
        raise damaged(_("post #{id} holds SOPs sop never wrote").format(id=v[0])) from None
    return PostRow(*v)


def local_day(instant: str, tz_name: str) -> str:
    """The date (YYYY-MM-DD) of a stored UTC time in a timezone: posts are held by the day."""
    return datetime.fromisoformat(instant).astimezone(zone(tz_name)).date().isoformat()


def local_minute(instant: str, tz_name: str) -> str:
    """A stored UTC time as the day and minute in a timezone (YYYY-MM-DD HH:MM)."""
    return datetime.fromisoformat(instant).astimezone(zone(tz_name)).strftime("%Y-%m-%d %H:%M")


def _stamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class PeopleStore:
    """Mixed into ``SQLStore``: the people and posts tables."""

    def execute(self, sql: str, params: tuple | list = ()) -> Any:  # pragma: no cover - SQLStore's
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:  # pragma: no cover - SQLStore's
        raise NotImplementedError

    # --- reads -----------------------------------------------------------------

    def enforced(self) -> bool:
        """Whether posts are enforced: they are once the first person is registered."""
        return self.execute("SELECT 1 FROM people LIMIT 1").fetchone() is not None

    def person(self, login: str) -> PersonRow | None:
        row = self.execute(f"SELECT {_PERSON} FROM people WHERE login = ?", (login,)).fetchone()
        return person_row(row) if row else None

    def people(self) -> list[PersonRow]:
        return [person_row(r) for r in self.execute(f"SELECT {_PERSON} FROM people ORDER BY login").fetchall()]

    def posts(self, login: str | None = None, pelaksana: str | None = None) -> list[PostRow]:
        where, params = [], []
        if login is not None:
            where.append("login = ?")
            params.append(login)
        if pelaksana is not None:
            where.append("pelaksana = ?")
            params.append(pelaksana)
        clause = " WHERE " + " AND ".join(where) if where else ""
        rows = self.execute(f"SELECT {_POST} FROM posts{clause} ORDER BY pelaksana, valid_from, id", params)
        return [post_row(r) for r in rows.fetchall()]

    def holders(self, pelaksana: list[str], sop: str, day: str) -> Iterator[tuple[PostRow, PersonRow]]:
        """Who holds each of ``pelaksana`` for ``sop`` on ``day``, definitive posts first."""
        if not pelaksana:
            return
        marks = ", ".join("?" for _p in pelaksana)
        rows = self.execute(
            f"SELECT {', '.join('p.' + c for c in _POST.split(', '))}, {', '.join('h.' + c for c in _PERSON.split(', '))}"
            f" FROM posts p JOIN people h ON h.login = p.login WHERE p.pelaksana IN ({marks})"
            " AND p.valid_from <= ? AND (p.valid_until IS NULL OR p.valid_until >= ?) AND p.ended_at IS NULL"
            " ORDER BY p.acting IS NOT NULL, p.valid_from, p.id",
            [*pelaksana, day, day],
        ).fetchall()
        n = len(_POST.split(", "))
        for r in rows:
            post = post_row(r[:n])
            if post.sops is None or sop in post.sops:
                yield post, person_row(r[n:])

    # --- the checks of an action (SQLite; PostgreSQL's sop_authorize does the same) ---------

    # --- people and posts, written by an admin (SQLite; PostgreSQL has functions) --------------


def post_refusal(login: str, pelaksana: str, sop: str, day: str, posts: list[PostRow], tz_name: str) -> Exception:
    """Why ``login`` may not act as ``pelaksana`` on ``day``: no such post, not yet, or no more."""
    later = [p for p in posts if p.valid_from > day]
    if posts and len(later) == len(posts):
        first = min(later, key=lambda p: p.valid_from)
        return refusal("post-not-started", login=login, pelaksana=pelaksana, post=first.id, start=first.valid_from)
    if posts:
        last = max(posts, key=lambda p: (p.valid_until or "", p.id))
        until = local_minute(last.ended_at, tz_name) if last.ended_at else last.valid_until
        return refusal("post-ended", login=login, pelaksana=pelaksana, post=last.id, until=until)
    return refusal("not-holder", login=login, pelaksana=pelaksana, sop=sop, day=day)


def _overlap(post: PostRow, sops: list[str] | None, start: str, until: str | None) -> bool:
    """Whether ``post`` and a new one (``sops``, ``start`` .. ``until``) hold at some same time for some same SOP."""
    if post.sops is not None and sops is not None and not set(post.sops) & set(sops):
        return False
    post_until = post.valid_until or OPEN_END
    return post.valid_from <= (until or OPEN_END) and start <= post_until
