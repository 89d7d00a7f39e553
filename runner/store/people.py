"""People and posts in the store: reads for every store, and the checks SQLite's write path makes.

On SQLite the program is the only guard: ``authorize`` and the people writes
below run inside the write transaction, in Python. PostgreSQL does the same in
its own functions (``postgres.sql``) and overrides the writes; the reads are shared.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from typing import Any

from ..definition.workcal import zone
from ..i18n import _
from .clock import iso
from .limits import check_nama
from .rows import EventRow, PersonRow, PostRow, damaged, post_title
from .rules import OPEN_END, VOID_SOON_HOURS, refusal

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

    def authorize(
        self, recorder: str, for_login: str | None, role: str | None, sop: str, tz_name: str, at: str
    ) -> tuple[str | None, str | None]:
        """(holder, acting) of an action recorded by ``recorder``; raises the refusal when it may not be."""
        if not self.enforced():
            if for_login is not None:
                raise refusal("unknown-person", login=for_login)
            return None, None
        me = self.person(recorder)
        if me is None:
            raise refusal("not-a-person", login=recorder)
        holder = me
        if for_login is not None and for_login != recorder:
            if not me.records_for_others:
                raise refusal("no-right-to-record-for-others", login=recorder)
            found = self.person(for_login)
            if found is None:
                raise refusal("unknown-person", login=for_login)
            holder = found
        if role is None:
            return holder.login, None
        day = local_day(at, tz_name)
        posts = [p for p in self.posts(holder.login, role) if p.sops is None or sop in p.sops]
        held = sorted((p for p in posts if p.holds(day, at)), key=lambda p: (p.acting is not None, p.id))
        if held:
            return holder.login, held[0].acting
        raise post_refusal(holder.login, role, sop, day, posts, tz_name)

    def _admin_or_holder(
        self, recorder: str, holder: str, pelaksana: list[str], sop: str, tz_name: str, at: str
    ) -> bool:
        """Whether an administrator records it (or it is recorded in one's name), or ``holder`` holds a
        post of one of ``pelaksana`` for ``sop`` on that day (Plt./Plh. included)."""
        for login in {recorder, holder}:
            person = self.person(login)
            if person is not None and person.admin:
                return True
        day = local_day(at, tz_name)
        return any(
            p.pelaksana in pelaksana and (p.sops is None or sop in p.sops) and p.holds(day, at)
            for p in self.posts(holder)
        )

    def check_cancel(
        self,
        recorder: str,
        holder: str | None,
        case_id: str,
        step: str,
        pelaksana: list[str],
        sop: str,
        tz_name: str,
        at: str,
        named: bool = False,
    ) -> None:
        """Who may cancel a case (once posts are enforced): an administrator, recording it or in whose
        name it is recorded, or the holder of a post of ``pelaksana`` that day (Plt./Plh. included): those
        the SOP names in ``cancel_by`` (``named``), else the step's the case stands at. As sop_check_cancel
        in postgres.sql. A cancel ends the case: not for every registered person."""
        if holder is None or self._admin_or_holder(recorder, holder, pelaksana, sop, tz_name, at):
            return  # (None: posts are not enforced, anyone may, as before)
        kind = "not-allowed-to-cancel-named" if named else "not-allowed-to-cancel"
        raise refusal(kind, login=holder, case=case_id, step=step, pelaksana=", ".join(pelaksana))

    def check_void(
        self,
        recorder: str,
        holder: str | None,
        voided: EventRow,
        pelaksana: list[str],
        sop: str,
        tz_name: str,
        at: str,
        now: str,
    ) -> None:
        """Who may void an action (once posts are enforced): as who may cancel, counting the step the
        action was at; and the login that recorded it, within VOID_SOON_HOURS (as sop_void in postgres.sql)."""
        if holder is None or self._admin_or_holder(recorder, holder, pelaksana, sop, tz_name, at):
            return
        soon = timedelta(hours=VOID_SOON_HOURS)
        if (
            voided.operator == recorder
            and voided.recorded_at
            and now <= iso(datetime.fromisoformat(voided.recorded_at) + soon)
        ):
            return
        raise refusal(
            "not-allowed-to-void", login=holder, case=voided.case_id, seq=voided.seq, pelaksana=", ".join(pelaksana),
            hours=VOID_SOON_HOURS,
        )  # fmt: skip

    # --- people and posts, written by an admin (SQLite; PostgreSQL has functions) --------------

    def _admin(self, login: str) -> None:
        me = self.person(login)
        if me is None or not me.admin:
            raise refusal("not-admin", login=login)

    def add_person(
        self, by: str, login: str, nama: str, nip: str | None, admin: bool, records_for_others: bool
    ) -> PersonRow:
        check_nama(nama)
        with self.transaction():
            first = not self.enforced()
            if first and login != by:
                raise refusal("first-person-self", login=by, person=login)
            if not first:
                self._admin(by)
            if self.person(login) is not None:
                raise refusal("already-a-person", login=login)
            row = PersonRow(login, nama, nip, admin or first, records_for_others, _stamp(), by)
            self.execute(
                f"INSERT INTO people ({_PERSON}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.login, row.nama, row.nip, int(row.admin), int(row.records_for_others), row.added_at, row.added_by),
            )
        return row

    def set_rights(self, by: str, login: str, admin: bool | None, records_for_others: bool | None) -> PersonRow:
        with self.transaction():
            self._admin(by)
            row = self.person(login)
            if row is None:
                raise refusal("unknown-person", login=login)
            if admin is False and row.admin:
                (others,) = self.execute(
                    "SELECT COUNT(*) FROM people WHERE admin = 1 AND login <> ?", (login,)
                ).fetchone()
                if not others:
                    raise refusal("last-admin", login=login)
            row = row._replace(
                admin=row.admin if admin is None else admin,
                records_for_others=row.records_for_others if records_for_others is None else records_for_others,
            )
            self.execute(
                "UPDATE people SET admin = ?, records_for_others = ? WHERE login = ?",
                (int(row.admin), int(row.records_for_others), login),
            )
        return row

    def grant_post(
        self,
        by: str,
        login: str,
        pelaksana: str,
        sops: list[str] | None,
        acting: str | None,
        valid_from: str,
        valid_until: str | None,
    ) -> PostRow:
        if valid_until is not None and valid_until < valid_from:
            raise refusal("post-dates", start=valid_from, until=valid_until)
        with self.transaction():
            self._admin(by)
            if self.person(login) is None:
                raise refusal("unknown-person", login=login)
            self._check_overlap(None, login, pelaksana, sops, acting, valid_from, valid_until)
            stamp = _stamp()
            post_id = self.execute(
                "INSERT INTO posts (login, pelaksana, sops, acting, valid_from, valid_until, granted_by, granted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    login,
                    pelaksana,
                    json.dumps(sops) if sops is not None else None,
                    acting,
                    valid_from,
                    valid_until,
                    by,
                    stamp,
                ),
            ).lastrowid
        return PostRow(
            id=post_id,
            login=login,
            pelaksana=pelaksana,
            sops=sops,
            acting=acting,
            valid_from=valid_from,
            valid_until=valid_until,
            ended_at=None,
            granted_by=by,
            granted_at=stamp,
            ended_by=None,
        )

    def _check_overlap(
        self,
        post_id: int | None,
        login: str,
        pelaksana: str,
        sops: list[str] | None,
        acting: str | None,
        valid_from: str,
        valid_until: str | None,
    ) -> None:
        """Nobody holds a pelaksana twice at once, and two acting appointments of it do not overlap:
        for a new post, and for every change of a post's dates (as sop_check_overlap in postgres.sql)."""
        for other in self.posts(pelaksana=pelaksana):
            if other.id == post_id or not _overlap(other, sops, valid_from, valid_until):
                continue
            if other.login == login:
                raise refusal("already-holds", login=login, pelaksana=pelaksana, post=other.id)
            if acting is not None and other.acting is not None:
                raise refusal(
                    "acting-overlap",
                    pelaksana=pelaksana,
                    start=valid_from,
                    post=other.id,
                    other=f"{post_title(other.pelaksana, other.acting)}: {other.login}",
                    other_start=other.valid_from,
                    other_until=other.valid_until or "…",
                )

    def end_post(self, by: str, post_id: int, valid_until: str | None, today: str) -> PostRow:
        """End a post: on ``valid_until`` (its last day), or at once when None (``today`` is its last day)."""
        with self.transaction():
            self._admin(by)
            row = self.execute(f"SELECT {_POST} FROM posts WHERE id = ?", (post_id,)).fetchone()
            if row is None:
                raise refusal("unknown-post", post=post_id)
            post = post_row(row)
            if post.ended_at is not None:
                raise refusal("post-already-ended", post=post_id)
            until, ended_at = (today, _stamp()) if valid_until is None else (valid_until, None)
            if until < post.valid_from:
                raise refusal("post-dates", start=post.valid_from, until=until)
            if post.valid_until is not None and until > post.valid_until:  # a later last day: it must not overlap
                self._check_overlap(post.id, post.login, post.pelaksana, post.sops, post.acting, post.valid_from, until)
            self.execute(
                "UPDATE posts SET valid_until = ?, ended_at = ?, ended_by = ? WHERE id = ?",
                (until, ended_at, by, post_id),
            )
        return post._replace(valid_until=until, ended_at=ended_at, ended_by=by)


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
