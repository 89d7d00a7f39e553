"""Who is told what: the messages a pass adds to the outbox, read from what the store holds.

- A case entered a step: each holder of a post of the step on that day (Plt./Plh. included), once
  per entry (its key: the case, the step and the moment it entered it).
- From the morning's hour on (``SOP_NOTIFY_HOUR``, the office's zone): each holder of the posts of
  overdue and due-today steps, one digest a day listing them; and the holders of the posts an SOP
  names as its ``pengawas``, one list a day of its overdue cases.

Nobody without an e-mail address gets a message; nothing here writes but the outbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from ..canonical import sha256_hex
from ..cases.service import stored_sop
from ..definition import SOP, Step
from ..definition.workcal import zone
from ..i18n import _, language, set_language
from ..l10n import format_date, format_moment_text
from ..links import case_url
from ..store import CaseRow, PersonRow, PostRow, Status, post_title
from ..store.clock import iso
from ..store.outbox import OutboxMessage
from ..store.people import local_day
from .settings import NotifySettings

if TYPE_CHECKING:
    from ..store import SQLStore


class Item(NamedTuple):
    """One case in a digest or a list: where it stands, as whom the reader is told, and whether late."""

    case: CaseRow
    sop: SOP
    step: Step
    post: str  # "Plh. Camat"
    overdue: bool


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Write in ``lang`` (the office's), whatever the caller speaks, and speak that again after."""
    before = language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


class Composer:
    def __init__(self, store: SQLStore, settings: NotifySettings) -> None:
        self.store = store
        self.settings = settings
        self._sops: dict[str, SOP] = {}
        domain = settings.mail.sender.rpartition("@")[2] if settings.mail else "sop-runner"
        self.domain = domain or "sop-runner"
        self.without_address: set[str] = set()  # logins who would have been told

    def sop(self, digest: str) -> SOP:
        if digest not in self._sops:
            self._sops[digest] = stored_sop(digest, self.store.definition(digest))
        return self._sops[digest]

    def _holders(self, pelaksana: list[str], sop: SOP, instant: str) -> list[tuple[PostRow, PersonRow]]:
        """Who holds each of ``pelaksana`` for ``sop`` at ``instant`` (on its day in the SOP's zone), once each."""
        day = local_day(instant, sop.calendar.timezone)
        found: dict[str, tuple[PostRow, PersonRow]] = {}
        for post, person in self.store.holders(pelaksana, sop.id, day):
            if post.holds(day, instant) and person.login not in found:
                found[person.login] = (post, person)
        for login, (_post, person) in list(found.items()):
            if not person.email:
                self.without_address.add(login)
                del found[login]
        return list(found.values())

    def _message(
        self, key: str, kind: str, person: PersonRow, case_id: str | None, subject: str, body: str
    ) -> OutboxMessage:
        message_id = f"<{sha256_hex(key.encode('utf-8'))[:32]}@{self.domain}>"
        assert person.email is not None  # _holders keeps only people with an address
        return OutboxMessage(key, kind, person.login, person.email, case_id, subject, body, message_id)

    def messages(self, at: datetime) -> list[OutboxMessage]:
        with speaking(self.settings.language):
            return self._entered(at) + self._mornings(at)

    # --- a case entered a step -----------------------------------------------------------

    def _entered(self, at: datetime) -> list[OutboxMessage]:
        since = iso(at - timedelta(hours=self.settings.window_hours))
        rows = [r for r in self.store.entered_since(since) if r.entered_at <= iso(at)]  # read whole: then ask more
        out = []
        for row in rows:
            if row.step is None:
                continue
            sop = self.sop(row.definition)
            step = sop.step(row.step)
            for post, person in self._holders(list(step.pelaksana), sop, row.entered_at):
                key = f"step:{row.id}:{row.step}:{row.entered_at}:{person.login}"
                title = post_title(sop.pelaksana_by_id(post.pelaksana).label, post.acting)
                out.append(self._message(key, "step", person, row.id, *self._step_text(row, sop, step, title, person)))
        return out

    def _step_text(self, row: CaseRow, sop: SOP, step: Step, post: str, person: PersonRow) -> tuple[str, str]:
        subject = _("Case {case} waits for you: step {no}, {step}").format(case=row.id, no=step.no, step=step.id)
        lines = [
            _("Dear {nama},").format(nama=person.nama),
            "",
            _('Case {case} ("{title}") of SOP {sop} has entered step {no}, {step}, which you do as {post}.').format(
                case=row.id, title=row.title or "—", sop=sop.nama, no=step.no, step=step.id, post=post
            ),
            "",
            _("Activity: {uraian}").format(uraian=step.uraian),
            _("Deadline: {deadline}").format(deadline=self._deadline(row, sop)),
            "",
            self._link(row.id),
            "",
            _("-- sop-runner (sop notify)"),
        ]
        return subject, "\n".join(lines) + "\n"

    def _deadline(self, row: CaseRow, sop: SOP) -> str:
        return format_moment_text(row.deadline, sop.calendar.timezone) if row.deadline else _("none")

    @staticmethod
    def _link(case_id: str) -> str:
        url = case_url(case_id)
        if url:
            return _("Open the case: {url}").format(url=url)
        return _(
            "There is no link to the case page, for SOP_SERVE_URL is not set: open case {case} in sop serve, or with: sop case show {case}"
        ).format(case=case_id)

    # --- the morning: digests, and the pengawas' lists ------------------------------------

    def _mornings(self, at: datetime) -> list[OutboxMessage]:
        local = at.astimezone(zone(self.settings.timezone))
        if (local.hour, local.minute) < self.settings.hour:
            return []
        day = local.date()
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), local.tzinfo)
        now = iso(at)
        rows = list(self.store.cases(status=Status.OPEN, overdue_at=iso(end), by_deadline=True))  # due by tonight
        mine: dict[str, tuple[PersonRow, list[Item]]] = {}
        late: dict[str, tuple[PersonRow, list[Item]]] = {}
        for row in rows:
            if row.step is None or row.deadline is None:
                continue
            sop = self.sop(row.definition)
            step = sop.step(row.step)
            overdue = row.deadline < now
            for post, person in self._holders(list(step.pelaksana), sop, now):
                title = post_title(sop.pelaksana_by_id(post.pelaksana).label, post.acting)
                mine.setdefault(person.login, (person, []))[1].append(Item(row, sop, step, title, overdue))
            if overdue and sop.pengawas:
                for post, person in self._holders(list(sop.pengawas), sop, now):
                    title = post_title(sop.pelaksana_by_id(post.pelaksana).label, post.acting)
                    late.setdefault(person.login, (person, []))[1].append(Item(row, sop, step, title, True))
        out = []
        for login, (person, items) in sorted(mine.items()):
            key = f"digest:{login}:{day.isoformat()}"
            out.append(self._message(key, "digest", person, None, *self._digest_text(person, items, day)))
        for login, (person, items) in sorted(late.items()):
            key = f"overdue:{login}:{day.isoformat()}"
            out.append(self._message(key, "overdue", person, None, *self._overdue_text(person, items, day)))
        return out

    def _line(self, item: Item) -> list[str]:
        row = item.case
        where = _("step {no}, {step}").format(no=item.step.no, step=item.step.id)
        when = _("deadline {deadline}").format(deadline=self._deadline(row, item.sop))
        late = " — " + _("OVERDUE") if item.overdue else ""
        return [f'- {row.id} "{row.title or "—"}" ({item.sop.nama}): {where}; {when}{late}', "  " + self._link(row.id)]

    def _digest_text(self, person: PersonRow, items: list[Item], day: date) -> tuple[str, str]:
        over = sum(i.overdue for i in items)
        today = len(items) - over
        words = format_date(day)
        subject = _("Your steps on {day}: {overdue} overdue, {today} due today").format(
            day=words, overdue=over, today=today
        )
        lines = [
            _("Dear {nama},").format(nama=person.nama),
            "",
            _("These steps wait for you, overdue first, then those due today ({day}):").format(day=words),
            "",
        ]
        for item in sorted(items, key=lambda i: (not i.overdue, i.case.deadline or "", i.case.id)):
            lines += self._line(item)
        lines += ["", _("-- sop-runner (sop notify)")]
        return subject, "\n".join(lines) + "\n"

    def _overdue_text(self, person: PersonRow, items: list[Item], day: date) -> tuple[str, str]:
        words = format_date(day)
        subject = _("Overdue cases on {day}: {count}").format(day=words, count=len(items))
        lines = [
            _("Dear {nama},").format(nama=person.nama),
            "",
            _("You oversee these SOPs as {post}; these of their cases are past their deadline:").format(
                post=", ".join(sorted({i.post for i in items}))
            ),
            "",
        ]
        for item in sorted(items, key=lambda i: (i.case.deadline or "", i.case.id)):
            lines += self._line(item)
        lines += ["", _("-- sop-runner (sop notify)")]
        return subject, "\n".join(lines) + "\n"
