"""People and posts: the API behind ``sop people ...`` and ``sop post ...``.

A person is a login (the OS login on SQLite, the database login on PostgreSQL)
with a nama and an optional NIP. A post lets a person act as a pelaksana
(``camat``, ``kasi-trantib``, ...) in every SOP that has it, or only in named
SOPs, from a day and optionally until a day; it can be an acting appointment,
Plt. or Plh. The first person registered in a store is its admin, and from then
on every action is checked against the posts at the moment it happens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ..cases.service import stored_sop
from ..definition import SOP, did_you_mean, discover_sops, load_sop
from ..errors import UserError
from ..i18n import _
from ..store import OutcomeUnknown, PersonRow, PostRow, SQLStore
from ..store.clock import today
from ..store.rules import check_email, check_login, look_alikes, parse_acting, parse_day, refusal

T = TypeVar("T")


class Post(NamedTuple):
    """A post with its holder's nama, as ``post list`` shows it."""

    row: PostRow
    nama: str
    status: str  # on the day asked about (default today): current | ended | future

    def to_json(self) -> dict[str, Any]:
        return {**self.row.to_json(), "nama": self.nama, "status": self.status}


class People:
    """Register people, grant and end their posts, and list who holds what, in one store."""

    def __init__(self, store: SQLStore, sop_dirs: Sequence[str | Path] = ()) -> None:
        self.store = store
        self.sop_dirs = sop_dirs

    @property
    def login(self) -> str:
        """Who is asking: the login the store authenticated."""
        return self.store.login

    @property
    def enforced(self) -> bool:
        """Posts are enforced once the first person is registered."""
        return self.store.enforced()

    def registered(self) -> list[PersonRow]:
        """Everyone registered, by login."""
        return self.store.people()

    @staticmethod
    def look_alikes(people: Sequence[PersonRow]) -> dict[str, list[str]]:
        """login -> the other logins of ``people`` a reader cannot tell it from (a planted or old login)."""
        return look_alikes([p.login for p in people])

    def add(
        self,
        login: str,
        nama: str,
        nip: str | None = None,
        admin: bool = False,
        records_for_others: bool = False,
        email: str | None = None,
    ) -> PersonRow:
        """Register a person (an admin's work; the first person must be the one asking, and is the admin);
        ``email``: where reminders reach them (sop notify)."""
        if not nama.strip():
            raise refusal("nama-missing")
        nip = nip.strip() or None if nip is not None else None
        login = check_login(login)
        address = check_email(email)
        return _written(
            lambda: self.store.add_person(self.login, login, nama.strip(), nip, admin, records_for_others, address)
        )

    def set_email(self, login: str, email: str | None) -> PersonRow:
        """Change a person's e-mail address (None or empty: none): an admin's, or the person's own."""
        address = check_email(email)
        self._someone_registered()
        return _written(lambda: self.store.set_email(self.login, login, address))

    def set_rights(self, login: str, admin: bool | None = None, records_for_others: bool | None = None) -> PersonRow:
        """Give or take the admin right and the right to record for others (None: unchanged)."""
        self._someone_registered()
        return _written(lambda: self.store.set_rights(self.login, login, admin, records_for_others))

    def grant(
        self,
        login: str,
        pelaksana: str,
        sops: Sequence[str] | None = None,
        acting: str | None = None,
        valid_from: str | None = None,
        valid_until: str | None = None,
    ) -> PostRow:
        """Let ``login`` act as ``pelaksana`` (in ``sops`` only, when given) from ``valid_from`` (default
        today) until ``valid_until`` (its last day; default: open); ``acting`` is plt or plh."""
        known = self._known()
        if pelaksana not in known["pelaksana"]:
            raise UserError(
                _("no SOP has the pelaksana '{pelaksana}'{hint}").format(
                    pelaksana=pelaksana, hint=did_you_mean(pelaksana, sorted(known["pelaksana"]))
                ),
                "unknown-pelaksana",
                pelaksana=pelaksana,
            )
        for sop in sops or ():
            if sop not in known["sops"]:
                raise UserError(
                    _("no SOP '{id}'{hint}").format(id=sop, hint=did_you_mean(sop, sorted(known["sops"]))),
                    "unknown-sop",
                    sop=sop,
                )
        start = parse_day(valid_from) if valid_from else today()
        until = parse_day(valid_until) if valid_until else None
        chosen = sorted(set(sops)) if sops else None
        kind = parse_acting(acting)
        self._someone_registered()
        return _written(lambda: self.store.grant_post(self.login, login, pelaksana, chosen, kind, start, until))

    def end(self, post_id: int, on: str | None = None) -> PostRow:
        """End a post: ``on`` is its last day; without it, the post holds no more from now."""
        until = parse_day(on) if on else None
        self._someone_registered()
        return _written(lambda: self.store.end_post(self.login, post_id, until, today()))

    def posts(self, on: str | None = None, login: str | None = None) -> list[Post]:
        """Every post (of ``login``), or only those that hold on the day ``on``."""
        day = parse_day(on) if on else today()
        names = {p.login: p.nama for p in self.store.people()}
        found = []
        for row in self.store.posts(login=login):
            status = "future" if row.valid_from > day else "ended" if _ended(row, day) else "current"
            if on is None or status == "current":
                found.append(Post(row, names.get(row.login, ""), status))
        return found

    def _someone_registered(self) -> None:
        """An admin's work needs an admin: in a store with nobody registered, say how to become one
        (the store would refuse as 'not an admin', and point at admins who do not exist)."""
        if not self.store.enforced():
            raise refusal("nobody-registered", login=self.login)

    def _known(self) -> dict[str, set[str]]:
        """The SOP ids and pelaksana ids of the SOPs found and of those stored with cases."""
        sops: list[SOP] = []
        for digest, body in self.store.definitions().items():
            try:
                sops.append(stored_sop(digest, body))
            except UserError:  # a damaged definition is `case verify`'s business, not a grant's
                continue
        for path in discover_sops(self.sop_dirs):
            try:
                sops.append(load_sop(path))
            except UserError:  # an invalid file is `sop validate`'s business, not a grant's
                continue
        return {"sops": {s.id for s in sops}, "pelaksana": {p.id for s in sops for p in s.pelaksana}}


def _written(write: Callable[[], T]) -> T:
    """An admin's change; when the store fails in the middle of writing it, say so plainly."""
    try:
        return write()
    except OutcomeUnknown as lost:
        raise UserError(
            _(
                "the store failed while the change was written ({reason}); look with 'sop people list' or 'sop post list' whether it was saved"
            ).format(reason=lost),
            "write-outcome-unknown",
        ) from None


def _ended(row: PostRow, day: str) -> bool:
    if row.valid_until is not None and row.valid_until < day:
        return True
    return row.ended_at is not None and row.valid_until == day and day == today()
