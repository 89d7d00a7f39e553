"""``case verify``: every fact the store holds, checked against the events that claim it.

For each case: the event chain (each hash over its content and the one
before, by the event's format), the replay of the events through the SOP's
state machine, every column of the case row against what the replay gives
(``row_after``, the same rule the writer follows), every document row against
the sha256 its event recorded (and no document row that no event recorded).
Who acted (event format 2): the fields the store stamps hold together, the
holder is a registered person, and an advance was covered by a post of the
holder. For the store: every stored SOP definition against its digest, and, on
SQLite, the database's own check of its pages. A damaged store never stops the
check: what cannot be read is a finding about the case it belongs to, and the
next case follows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..canonical import sha256_hex
from ..definition import SOP
from ..errors import Refused, UserError
from ..i18n import _
from ..l10n import format_moment_text
from ..store import ACTING, CaseRow, DocumentRow, EventRow, PostRow, SQLStore, Status, post_title
from ..store.audit import PERSON_FIELDS, POST_FIELDS
from ..store.chain import FORMAT, GENESIS, NOW, event_hash, people_hash
from ..store.people import local_day
from ..store.rows import action_kind
from ..store.sql import case_values
from . import engine
from .checkpoint import compare, read
from .findings import Finding
from .rows import deadline, deadline_entering, migrated, moves, row_after, unknown_case

# What reading a damaged store raises: the store's own word for it, or a value that is not
# what sop-runner wrote (a column that does not parse, a key that is missing).
_DAMAGE = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)


def verify(store: SQLStore, case_id: str | None = None, against: Path | None = None) -> list[Finding]:
    """Every finding, case by case; ``case_id``: that case only; ``against``: a checkpoint file too."""
    with store.reading_damage():
        return _verify(store, case_id, against)


def _verify(store: SQLStore, case_id: str | None, against: Path | None) -> list[Finding]:
    checkpoint = None
    if against is not None:
        checkpoint = read(against)  # an edited checkpoint is refused before anything is judged
    findings: list[Finding] = []
    definitions = _Definitions(store, findings)
    people = _People(store, findings)
    if case_id is None:
        ids = _all_case_ids(store, findings)
    else:
        ids = [case_id]
        known = _exists(store, case_id) or (checkpoint is not None and case_id in checkpoint.heads)
        if not known:
            raise unknown_case(store, case_id)
    for cid in ids:
        try:
            findings.extend(_verify_case(store, cid, definitions, people))
        except UserError as e:
            if e.kind != "store-damaged":
                raise
            findings.append(Finding(cid, "store-damaged", _("case {id}: {why}").format(id=cid, why=e)))
        except _DAMAGE as e:
            findings.append(
                Finding(
                    cid, "store-damaged", _("case {id}: a stored value cannot be read ({why})").format(id=cid, why=e)
                )
            )
    if case_id is None:
        findings.extend(definitions.unused())
        findings.extend(_verify_people(store))
        findings.extend(_store_damage(store))
    if checkpoint is not None:
        findings.extend(compare(store, checkpoint, case_id))
    return findings


def _guarded(findings: list[Finding], what: str, read: Callable[[], Any], default: Any) -> Any:
    """``read()``, or ``default`` with a store-wide finding when the store cannot give it."""
    try:
        return read()
    except UserError as e:
        if e.kind != "store-damaged":
            raise
        findings.append(Finding(None, "store-damaged", _("{what}: {why}").format(what=what, why=e)))
    except _DAMAGE as e:
        findings.append(Finding(None, "store-damaged", _("{what}: {why}").format(what=what, why=e)))
    return default


def _all_case_ids(store: SQLStore, findings: list[Finding]) -> list[str]:
    """Every case the store knows of: its rows, and any id its events or documents name without a row."""
    rows = _guarded(findings, _("the list of cases cannot be read"), store.case_ids, [])
    orphans = _guarded(findings, _("the cases of the events cannot be read"), store.orphan_case_ids, [])
    return list(dict.fromkeys([*rows, *orphans]))


def _exists(store: SQLStore, case_id: str) -> bool:
    return store.case_columns(case_id) is not None or bool(store.events(case_id)) or bool(store.documents(case_id))


def _store_damage(store: SQLStore) -> list[Finding]:
    problems: list[Finding] = []
    damage = _guarded(problems, _("the database cannot check its pages"), store.damage, [])
    if damage:
        shown = "; ".join(damage[:3]) + ("; ..." if len(damage) > 3 else "")
        problems.append(
            Finding(None, "store-damaged", _("the database finds its pages damaged: {what}").format(what=shown))
        )
    return problems


class _Definitions:
    """The stored SOP definitions, each checked once: its text against its digest, its columns
    against its text, and its YAML source (when kept) against both."""

    def __init__(self, store: SQLStore, findings: list[Finding]) -> None:
        self.sops: dict[str, SOP] = {}
        self.problems: dict[str, str] = {}  # digest -> what is wrong with it
        self.used: set[str] = set()
        rows = _guarded(findings, _("the SOP definitions cannot be read"), store.definition_rows, [])
        for digest, sop_id, version, body, source in rows:
            problem = self._judge(digest, sop_id, version, body, source)
            if problem:
                self.problems[digest] = problem

    def _judge(self, digest: str, sop_id: str, version: str, body: str, source: str | None) -> str | None:
        if sha256_hex(body) != digest:
            return _("its text does not hash to its digest — it was changed after it was stored")
        try:
            sop = SOP(json.loads(body))
        except _DAMAGE as e:
            return _("its text is not an SOP definition ({why})").format(why=e)
        if (sop.id, sop.version) != (sop_id, version):
            return _("it is stored as {sop} version {version} but its text is {id} version {v}").format(
                sop=sop_id, version=version, id=sop.id, v=sop.version
            )
        if source is not None and not self._source_gives(source, digest):
            return _("the YAML source kept with it does not give this definition")
        self.sops[digest] = sop
        return None

    @staticmethod
    def _source_gives(source: str, digest: str) -> bool:
        from ..definition.checks import check_source  # the validator (jsonschema, PyYAML): only for a stored source

        report = check_source(source.encode("utf-8"), "<stored>")
        return not report.errors and SOP(report.data).digest == digest

    def for_case(self, case_id: str, digest: object) -> tuple[SOP | None, Finding | None]:
        """The definition a case's start event names, or the finding why there is none to use."""
        if not isinstance(digest, str):
            return None, Finding(
                case_id, "event-changed", _("case {id}: its start event names no definition").format(id=case_id), 1
            )
        self.used.add(digest)
        if digest in self.problems:
            message = _("case {id}: its SOP definition {digest}: {why}").format(
                id=case_id, digest=digest[:12], why=self.problems[digest]
            )
            return None, Finding(case_id, "definition-changed", message)
        sop = self.sops.get(digest)
        if sop is None:
            message = _("case {id}: its SOP definition {digest} is missing from the store").format(
                id=case_id, digest=digest[:12]
            )
            return None, Finding(case_id, "definition-missing", message)
        return sop, None

    def unused(self) -> Iterator[Finding]:
        """Damaged definitions no case names (a case that names one has its own finding)."""
        for digest, why in sorted(self.problems.items()):
            if digest not in self.used:
                yield Finding(
                    None, "definition-changed", _("SOP definition {digest}: {why}").format(digest=digest[:12], why=why)
                )


class _People:
    """The people and posts, read once: what the holder of a format-2 event is checked against."""

    def __init__(self, store: SQLStore, findings: list[Finding]) -> None:
        people = _guarded(findings, _("the people cannot be read"), store.people, [])
        posts = _guarded(findings, _("the posts cannot be read"), store.posts, [])
        self.logins = {p.login for p in people}
        self.posts: dict[tuple[str, str], list[PostRow]] = {}
        for post in posts:
            self.posts.setdefault((post.login, post.pelaksana), []).append(post)

    def held(self, login: str, pelaksana: str, sop: str, day: str, at: str, acting: str | None) -> bool:
        """Whether a post of ``login`` as ``pelaksana`` for ``sop``, of that acting kind, held then."""
        return any(
            p.acting == acting and (p.sops is None or sop in p.sops) and p.holds(day, at)
            for p in self.posts.get((login, pelaksana), [])
        )


def _verify_case(store: SQLStore, case_id: str, definitions: _Definitions, people: _People) -> list[Finding]:
    findings: list[Finding] = []
    events = store.events(case_id)
    stored = store.case_columns(case_id)
    documents = store.documents(case_id)
    digests = store.content_digests(case_id)  # not the contents: a clerk may verify what they may not read
    if stored is None and not events and not documents:
        return findings  # nothing of it here (a checkpoint may say it was)
    expected, recorded, read_upto = _replay(case_id, events, definitions, people, findings)
    findings.extend(_compare_documents(case_id, documents, digests, recorded, read_upto, len(events)))
    if stored is None:
        findings.append(
            Finding(
                case_id, "row-missing", _("case {id}: it has events or documents but no case row").format(id=case_id)
            )
        )
    elif not events:
        findings.append(Finding(case_id, "events-missing", _("case {id}: it has no events").format(id=case_id)))
    elif expected is not None:
        findings.extend(_compare_row(case_id, stored, expected))
    return findings


_Recorded = dict[tuple[int, str], DocumentRow]


def _replay(
    case_id: str, events: list[EventRow], definitions: _Definitions, people: _People, findings: list[Finding]
) -> tuple[CaseRow | None, _Recorded, int]:
    """The case row the events give (None when they cannot be replayed to the end), the
    documents they recorded by (seq, name), and up to which event those were read.
    Stops at the first event that does not hold."""
    recorded: _Recorded = {}
    prev, row, sop, read_upto = GENESIS, None, None, 0
    state: engine.CaseState | None = None
    before: dict[int, tuple[engine.CaseState | None, CaseRow | None]] = {}  # by seq: where the case stood
    live: list[int] = []  # the actions that stand: what a void voids next is the last

    def stop(kind: str, e: EventRow | None, why: str) -> tuple[None, _Recorded, int]:
        if e is not None:
            findings.append(Finding(case_id, kind, f"{_where(case_id, e)}: {why}", e.seq))
        return None, recorded, read_upto

    for i, e in enumerate(events):
        if e.format not in (1, FORMAT):  # a hash is taken by the format: another cannot be checked
            return stop("event-format", e, _("it is of format {n}, which sop-runner never writes").format(n=e.format))
        if e.prev_hash != prev or event_hash(e) != e.hash or e.seq != i + 1:
            return stop(
                "event-changed", e, _("its hash does not match its content — it was changed after it was written")
            )
        prev = e.hash
        where = _where(case_id, e)
        findings.extend(_format(case_id, e, events[i - 1] if i else None, where))
        try:
            data = json.loads(e.data)
            documents = data.get("documents", [])
            for meta in documents:
                recorded[(e.seq, meta["name"])] = DocumentRow(
                    case_id, e.seq, meta["name"], e.step, meta["filename"], meta["size"], meta["sha256"]
                )
            read_upto = e.seq
        except _DAMAGE as err:
            return stop("replay-failed", e, _("its data cannot be read ({why})").format(why=err))
        if (i == 0) != (e.action == "start"):
            return stop("replay-failed", e, _("a case starts with its first event and only then"))
        if i == 0:
            sop, problem = definitions.for_case(case_id, data.get("definition"))
            if problem:
                findings.append(problem)
                return stop("", None, "")
        assert sop is not None
        at_step = state.step if state else sop.first.id
        if e.step != at_step:
            return stop(
                "replay-failed",
                e,
                _("it is recorded at step '{step}' while the case stood at '{at}'").format(step=e.step, at=at_step),
            )
        if i and e.at < events[i - 1].at:
            return stop("replay-failed", e, _("it is dated before the event that precedes it"))
        if e.action == "void":  # the case goes back to where it stood before the last action that stands
            target = data.get("voids")
            if len(live) < 2 or target != live[-1] or documents:
                return stop("replay-failed", e, _("it voids an event that is not the case's last action that stands"))
            if events[target - 1].action == "migrate":
                return stop("replay-failed", e, _("it voids a move to another version, which a void never does"))
            state, row = before[live.pop()]
            assert row is not None  # the start is never voided
            row = row._replace(seq=e.seq, head=e.hash, updated_at=e.at)
            if e.format == FORMAT:
                findings.extend(_who(case_id, e, sop, people, where))
            continue
        if e.action == "migrate":  # the case goes on on another version: the rest replays on that one
            if state is None or row is None or state.status != Status.OPEN or documents:
                return stop("replay-failed", e, _("only an open case is moved to another version"))
            moved_to, problem = definitions.for_case(case_id, data.get("to"))
            if problem:
                findings.append(problem)
                return stop("", None, "")
            assert moved_to is not None
            step = data.get("to_step")
            mapped = (data.get("map") or {}).get(e.step, e.step)
            if (
                data.get("from") != sop.digest
                or (data.get("from_version"), data.get("to_version")) != (sop.version, moved_to.version)
                or moved_to.id != sop.id
                or step != mapped
                or step not in moved_to.numbers
                or data.get("entered_at") != row.entered_at
                or "deadline" not in data
            ):
                why = _("it moves the case to a version or step its own record, its map and the versions do not give")
                return stop("replay-failed", e, why)
            before[e.seq] = (state, row)
            live.append(e.seq)
            sop, state = moved_to, migrated(state, data)
            findings.extend(_moved_deadline(case_id, e, sop, row, data, where))
            row = row_after(row, sop, e, state, data)
            if e.format == FORMAT:
                findings.extend(_who(case_id, e, sop, people, where))
            continue
        before[e.seq] = (state, row)
        live.append(e.seq)
        try:
            names = tuple(m["name"] for m in documents)
            event = engine.Event(action_kind(e.action), datetime.fromisoformat(e.at), e.role, e.outcome, names)
            state = engine.apply(sop, state, event, case_id)  # type: ignore[arg-type]  # None only for a start
            findings.extend(_deadline(case_id, e, sop, row, state, data, where))
            row = row_after(row, sop, e, state, data)
            if e.format == FORMAT:
                findings.extend(_who(case_id, e, sop, people, where))
        except Refused as r:
            return stop("replay-failed", e, _("the SOP does not allow it on replay: {why}").format(why=r))
        except UserError as err:  # e.g. a deadline the calendar cannot give
            return stop("replay-failed", e, str(err))
        except _DAMAGE as err:  # an unknown action, a time that is not one, a step the SOP lacks
            return stop("replay-failed", e, _("it cannot be replayed ({why})").format(why=err))
    return row, recorded, read_upto


def _where(case_id: str, e: EventRow) -> str:
    return _("case {id} event #{seq} ({action})").format(id=case_id, seq=e.seq, action=e.action)


# the fields of format 2, which a format-1 event's hash does not cover: as the migration left them
_FORMAT_2_FIELDS = {"holder": None, "acting": None, "recorded_at": None, "backdated": 0, "request": None}


def _format(case_id: str, e: EventRow, before: EventRow | None, where: str) -> list[Finding]:
    """An event of format 1 is one written before people and posts: never after one of format 2
    (a downgrade would shed the checks of who acted), and without the fields its hash does not cover."""
    if e.format != 1:
        return []
    if before is not None and before.format == FORMAT:
        why = _("it is of format 1, written before people and posts, but follows an event of format 2")
        return [Finding(case_id, "event-format", f"{where}: {why}", e.seq)]
    unhashed = [f for f, empty in _FORMAT_2_FIELDS.items() if getattr(e, f) != empty]
    if unhashed:
        why = _("it is of format 1, whose hash does not cover {fields}, yet holds them").format(
            fields=", ".join(unhashed)
        )
        return [Finding(case_id, "event-format", f"{where}: {why}", e.seq)]
    return []


def _deadline(
    case_id: str, e: EventRow, sop: SOP, row: CaseRow | None, state: engine.CaseState, data: dict, where: str
) -> list[Finding]:
    """The deadline a moving event recorded against the one the SOP's waktu gives on its calendar
    now. The functions of a shared store can check its form but not the working calendar; a
    difference is also what new holiday data makes, so it is a finding of its own."""
    if not moves(row, state) or "deadline" not in data:
        return []
    try:
        due = deadline_entering(sop, row, state.step, e.at)
    except UserError:  # the calendar gives none now (the writer's did): nothing to compare with
        return []
    if data["deadline"] == due:
        return []
    why = _(
        "it recorded the deadline {recorded}, while the SOP's waktu on its calendar gives {expected} (unless the holidays known have changed since, the deadline was set by hand)"
    ).format(recorded=_moment(data["deadline"], sop), expected=_moment(due, sop))
    return [Finding(case_id, "deadline-differs", f"{where}: {why}", e.seq)]


def _nama(sop: SOP, pelaksana: str) -> str:
    """The pelaksana's nama ("Camat"), as people name a post; its id when the SOP has no such pelaksana."""
    return next((p.nama for p in sop.pelaksana if p.id == pelaksana), pelaksana)


def _moment(stamp: str | None, sop: SOP) -> str:
    """A recorded time in words, in the SOP's zone; none as a dash (a step without a deadline)."""
    return format_moment_text(stamp, sop.calendar.timezone) if stamp else "—"


def _moved_deadline(case_id: str, e: EventRow, sop: SOP, row: CaseRow, data: dict, where: str) -> list[Finding]:
    """A move's deadline: the new step's waktu from when the case entered its step, on the new version's calendar."""
    try:
        due = deadline(sop, data["to_step"], row.entered_at)
    except UserError:
        return []
    if data["deadline"] == due:
        return []
    why = _(
        "it recorded the deadline {recorded}, while the SOP's waktu on its calendar gives {expected} (unless the holidays known have changed since, the deadline was set by hand)"
    ).format(recorded=data["deadline"], expected=due)
    return [Finding(case_id, "deadline-differs", f"{where}: {why}", e.seq)]


def _who(case_id: str, e: EventRow, sop: SOP, people: _People, where: str) -> list[Finding]:
    """A format-2 event's own record of who acted and when: what the store stamps, checked."""
    problems = []
    at = datetime.fromisoformat(e.at)
    if e.recorded_at is None:
        problems.append(_("it has no time of recording"))
    else:
        recorded = datetime.fromisoformat(e.recorded_at)
        if recorded < at:
            problems.append(
                _("it was recorded ({recorded}) before it happened").format(
                    recorded=format_moment_text(e.recorded_at, sop.calendar.timezone)
                )
            )
        elif not e.backdated and recorded - at > NOW:
            problems.append(
                _("it is not marked back-dated, yet it was recorded {recorded}, long after it happened").format(
                    recorded=format_moment_text(e.recorded_at, sop.calendar.timezone)
                )
            )
    if not e.request:
        problems.append(_("it has no request id"))
    if e.acting is not None and e.acting not in ACTING:
        problems.append(_("its acting appointment '{acting}' is neither plt nor plh").format(acting=e.acting))
    if e.holder is not None and e.holder not in people.logins:
        problems.append(_("its holder '{login}' is not a registered person").format(login=e.holder))
    findings = []
    if problems:
        findings.append(Finding(case_id, "event-invalid", f"{where}: {'; '.join(problems)}", e.seq))
    holder = e.holder
    if e.action == "advance" and e.role and holder is not None and holder in people.logins:
        day = local_day(e.at, sop.calendar.timezone)
        if not people.held(holder, e.role, sop.id, day, e.at, e.acting):
            why = _(
                "no post of {login} as {post} for SOP {sop} holds on {day} now; if a post was ended afterwards with an earlier last day, this is expected"
            ).format(login=holder, post=post_title(_nama(sop, e.role), e.acting), sop=sop.id, day=_moment(day, sop))
            findings.append(Finding(case_id, "post-not-held", f"{where}: {why}", e.seq))
    return findings


def _compare_row(case_id: str, stored: tuple, expected: CaseRow) -> list[Finding]:
    """Every column of the stored row against the replay, compared as stored (a column that
    does not parse simply differs); one finding naming each column that differs."""
    differs = [
        _("{column} is {stored}, its events give {expected}").format(
            column=column, stored=_short(have), expected=_short(want)
        )
        for column, have, want in zip(CaseRow._fields, stored, case_values(expected), strict=True)
        if have != want
    ]
    if not differs:
        return []
    return [
        Finding(
            case_id,
            "row-differs",
            _("case {id}: its stored row does not equal the replay of its events: {what}").format(
                id=case_id, what="; ".join(differs)
            ),
        )
    ]


def _compare_documents(
    case_id: str,
    documents: list[DocumentRow],
    digests: dict[tuple[int, str], str | None],
    recorded: _Recorded,
    read_upto: int,
    events: int,
) -> list[Finding]:
    """Each document an event recorded against its row; and rows no event recorded (among the
    events that could be read, or of events that do not exist)."""
    findings = []
    kept = {(d.seq, d.name): d for d in documents}
    for key, want in recorded.items():
        have = kept.get(key)
        where = _("case {id}: the document '{name}' of event #{seq}").format(id=case_id, name=key[1], seq=key[0])
        if have is None:
            why = _("is gone from the store")
        elif have._replace(content=None) != want:
            why = _("is not stored as its event recorded it")
        elif digests.get(key) != want.sha256:  # None on both sides: a name without a file
            why = _("does not match the sha256 recorded with it")
        else:
            continue
        findings.append(Finding(case_id, "document-changed", f"{where} {why}", key[0]))
    for key in sorted(kept.keys() - recorded.keys()):
        if read_upto < key[0] <= events:
            continue  # its event could not be read: that event's finding covers it
        findings.append(
            Finding(
                case_id,
                "document-planted",
                _("case {id}: the document '{name}' (event #{seq}) was recorded by no event").format(
                    id=case_id, name=key[1], seq=key[0]
                ),
                key[0],
            )
        )
    return findings


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _verify_people(store: SQLStore) -> list[Finding]:
    """The chain of changes of people and posts, link by link, and the rows it leaves against the
    tables (runner/store/audit.py): a row not as its events say, or changed behind sop's back."""
    findings: list[Finding] = []
    prev = GENESIS
    expected: dict[str, dict[str, dict[str, Any]]] = {"person": {}, "post": {}}
    for i, e in enumerate(store.people_events(), start=1):
        where = _("the record of people and posts, change #{seq}").format(seq=e.seq)
        if e.seq != i or e.prev_hash != prev:
            findings.append(
                Finding(
                    None, "people-chain-broken", _("{where}: a change before it is missing").format(where=where), e.seq
                )
            )
            return findings
        if people_hash(e.prev_hash, e.seq, e.at, e.actor, e.via, e.action, e.subject, e.data) != e.hash:
            findings.append(
                Finding(
                    None,
                    "people-chain-broken",
                    _("{where}: it was changed after it was written").format(where=where),
                    e.seq,
                )
            )
            return findings
        prev = e.hash
        kind, _sep, deleted = e.action.partition("-")
        if kind not in expected:
            findings.append(
                Finding(
                    None,
                    "people-chain-broken",
                    _("{where}: sop never writes '{action}'").format(where=where, action=e.action),
                    e.seq,
                )
            )
            return findings
        if deleted:
            expected[kind].pop(e.subject, None)
        else:
            try:
                expected[kind][e.subject] = json.loads(e.data)
            except ValueError:
                findings.append(
                    Finding(None, "people-chain-broken", _("{where}: its row is not JSON").format(where=where), e.seq)
                )
                return findings
        if not e.via:
            findings.append(
                Finding(
                    None,
                    "people-changed-outside",
                    _("{where}: {subject} was changed by {actor} at {at} outside sop-runner's functions").format(
                        where=where, subject=e.subject, actor=e.actor, at=format_moment_text(e.at)
                    ),
                    e.seq,
                )
            )
    tables = (("person", "people", "login", PERSON_FIELDS), ("post", "posts", "id", POST_FIELDS))
    for kind, table, key, fields in tables:
        rows = {str(r[key]): r for r in store.raw_rows(table, fields)}
        for subject in sorted(rows.keys() | expected[kind].keys()):
            have, want = rows.get(subject), expected[kind].get(subject)
            if have is not None and want is not None and all(_same(have[f], want.get(f)) for f in fields):
                continue
            what = _("person {login}").format(login=subject) if kind == "person" else _("post #{id}").format(id=subject)
            why = (
                _("is not in the store, though its record says it is")
                if have is None
                else _("has no record of how it came to be")
                if want is None
                else _("is not as its record says")
            )
            findings.append(Finding(None, f"{kind}-not-as-recorded", f"{what} {why}"))
    return findings


def _same(stored: Any, recorded: Any) -> bool:
    """A column against the value the chain recorded (JSON keeps numbers and text apart the same way)."""
    return stored == recorded or (stored is not None and recorded is not None and str(stored) == str(recorded))
