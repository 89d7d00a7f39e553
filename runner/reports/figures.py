"""The figures of a report, computed in one pass over a stream of events.

The store hands over the events of one SOP's cases started in the period,
case by case and in order (``SQLStore.report_events``). Each case is replayed
on the definition it ran on, with no state machine: the stored events were
already checked when they were written. What is kept between cases is counts
only: durations are tallied per whole second (a ``Counter``), so memory grows
with the number of different durations, never with the number of events.

Definitions (docs/format.md, "Reports", says the same with examples):
- a step's duration runs from the event that entered it to the ``advance``
  that left it; working time on the SOP's calendar when its waktu says
  ``kerja``, wall time otherwise; whole seconds;
- within waktu: duration <= waktu (equal is within); steps with waktu ``-``
  have no share;
- percentiles are nearest-rank: the p-th percentile of n values is the value
  at rank ceil(p * n) in ascending order (the median is p = 0.5, so of an even
  count the lower middle value);
- a correction is a decision outcome that leads back to the same or an
  earlier step.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from ..definition import END, SOP, Calendar, Row, normal
from ..definition.waktu import MONTH_MINUTES
from ..definition.workcal import deadline, work_calendar, zone
from ..i18n import _, ngettext
from ..l10n import format_number, format_span, format_stamp
from ..store.clock import iso
from ..store.clock import now as clock_now
from ..store.rows import Status, damaged
from .period import Period

if TYPE_CHECKING:
    from ..store import SQLStore

# where a required document came from when its step was completed
FILE, PAPER, OUTPUT = "file", "paper", "output"


class Stats(NamedTuple):
    """Count, median, 90th percentile and maximum of durations in seconds (nearest rank)."""

    n: int
    median: int
    p90: int
    max: int

    @classmethod
    def of(cls, counts: Counter[int]) -> Stats | None:
        n = sum(counts.values())
        if not n:
            return None
        ordered = sorted(counts.items())

        def rank(p: float) -> int:
            wanted, seen = max(1, math.ceil(p * n)), 0
            for value, k in ordered:
                seen += k
                if seen >= wanted:
                    return value
            return ordered[-1][0]

        return cls(n, rank(0.5), rank(0.9), ordered[-1][0])

    def to_json(self) -> dict[str, int]:
        return {"median": self.median, "p90": self.p90, "max": self.max}


def read_words(cases: int, events: int) -> str:
    """'6 cases and 28 events read': what a report was made from."""
    said = ngettext("{n} case", "{n} cases", cases).format(n=format_number(cases))
    read = ngettext("{n} event", "{n} events", events).format(n=format_number(events))
    # TRANSLATORS: {cases} is e.g. "6 cases", {events} e.g. "28 events"
    return _("{cases} and {events} read").format(cases=said, events=read)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class StepFigures(NamedTuple):
    no: int
    id: str
    uraian: str
    pelaksana: tuple[str, ...]
    waktu: str
    waktu_seconds: float | None  # None: waktu "-"
    working: bool  # durations in working time
    completions: int
    within: int
    durations: Counter[int]  # seconds -> how many completions took that long
    open: int  # cases waiting at this step now
    overdue: int  # of them, past their deadline
    day_seconds: float | None = None  # a working day of the SOP's calendar, when durations are working time

    @property
    def stats(self) -> Stats | None:
        return Stats.of(self.durations)

    def span(self, seconds: float) -> str:
        """A duration of this step in words: in working units ("3 hari kerja") when it is working time."""
        return format_span(seconds, self.day_seconds if self.working else None)

    @property
    def share_within(self) -> float | None:
        return share(self.within, self.completions) if self.waktu_seconds is not None else None

    def to_json(self) -> dict[str, Any]:
        stats = self.stats
        return {
            "no": self.no,
            "id": self.id,
            "waktu": self.waktu,
            "waktu_seconds": self.waktu_seconds,
            "working_time": self.working,
            "working_day_seconds": self.day_seconds,
            "completions": self.completions,
            "duration_seconds": stats.to_json() if stats else None,
            "within_waktu": self.within if self.waktu_seconds is not None else None,
            "share_within_waktu": self.share_within,
            "open": self.open,
            "open_overdue": self.overdue,
        }


class Correction(NamedTuple):
    """One outcome that leads back: how many corrections, and how they spread over the cases."""

    outcome: str
    target: str
    per_case: Counter[int]  # corrections in one case -> how many cases (of those that reached the decision)

    @property
    def total(self) -> int:
        return sum(k * n for k, n in self.per_case.items())

    @property
    def cases(self) -> int:
        """Cases corrected at least once."""
        return sum(n for k, n in self.per_case.items() if k)

    def to_json(self) -> dict[str, Any]:
        return {
            "to": self.target,
            "total": self.total,
            "cases_corrected": self.cases,
            "max_per_case": max(self.per_case, default=0),
            "per_case": {str(k): n for k, n in sorted(self.per_case.items())},
        }


class DecisionFigures(NamedTuple):
    no: int
    id: str
    question: str | None  # None: a diamond without a question
    outcomes: dict[str, int]  # every outcome of the SOP, in its order, with how often it was taken
    corrections: list[Correction]

    def to_json(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "id": self.id,
            "question": self.question,
            "outcomes": dict(self.outcomes),
            "corrections": {c.outcome: c.to_json() for c in self.corrections},
        }


class PelaksanaFigures(NamedTuple):
    id: str
    nama: str
    completed: int
    judged: int  # completions of steps that have a waktu
    within: int
    waiting: int  # open steps that wait on them now (a step of several pelaksana waits on each)

    @property
    def share_within(self) -> float | None:
        return share(self.within, self.judged)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "nama": self.nama,
            "completed": self.completed,
            "within_waktu": self.within,
            "share_within_waktu": self.share_within,
            "waiting": self.waiting,
        }


class KelengkapanFigures(NamedTuple):
    """A required document of a step: where it came from each time the step was completed."""

    no: int
    step: str
    document: str
    with_file: int
    without_file: int  # recorded "at hand", no file kept
    from_output: int  # produced by an earlier step

    @property
    def required(self) -> int:
        return self.with_file + self.without_file + self.from_output

    @property
    def share_without_file(self) -> float | None:
        return share(self.without_file, self.required)

    def to_json(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "step": self.step,
            "document": self.document,
            "required": self.required,
            "with_file": self.with_file,
            "without_file": self.without_file,
            "from_output": self.from_output,
            "share_without_file": self.share_without_file,
        }


class CaseCounts(NamedTuple):
    started: int
    done: int
    cancelled: int
    open: int
    overdue: int

    def to_json(self) -> dict[str, int]:
        return {
            "started": self.started,
            "done": self.done,
            "cancelled": self.cancelled,
            "open": self.open,
            "open_overdue": self.overdue,
        }


class LeadTime(NamedTuple):
    """Finished cases: from start to end, beside the waktu of the steps they went through."""

    actual: Counter[int]
    waktu: Counter[int]

    def to_json(self) -> dict[str, Any]:
        actual, waktu = Stats.of(self.actual), Stats.of(self.waktu)
        return {
            "cases": actual.n if actual else 0,
            "actual_seconds": actual.to_json() if actual else None,
            "waktu_seconds": waktu.to_json() if waktu else None,
        }


class ActivityFigures(NamedTuple):
    """One activity of a row of several: how long a case stood at it (the row's waktu judges the row)."""

    no: int
    kegiatan: str  # its letter
    id: str
    pelaksana: tuple[str, ...]
    completions: int
    durations: Counter[int]

    def to_json(self) -> dict[str, Any]:
        stats = Stats.of(self.durations)
        return {
            "no": self.no,
            "kegiatan": self.kegiatan,
            "id": self.id,
            "pelaksana": list(self.pelaksana),
            "completions": self.completions,
            "duration_seconds": stats.to_json() if stats else None,
        }


class SopFigures(NamedTuple):
    """Everything a report says about the cases of one SOP version."""

    sop: SOP
    digest: str
    versions: int  # how many versions of this SOP the period's cases ran on
    counts: CaseCounts
    lead: LeadTime
    steps: list[StepFigures]
    decisions: list[DecisionFigures]
    pelaksana: list[PelaksanaFigures]
    kelengkapan: list[KelengkapanFigures]
    events: int
    # the activities of rows of several (kegiatan), each its own durations; the rows above are the table's
    activities: list[ActivityFigures] = []
    moved_out: int = 0  # cases moved from this version to another: counted there, their steps done here counted here
    moved_in: int = 0  # cases moved here from another version

    @property
    def label(self) -> str:
        """'pelacuran 1.0'; with the definition's digest when two versions share a version number."""
        return f"{self.sop.id} {self.sop.version}" + (f" ({self.digest[:8]})" if self.versions > 1 else "")

    def step(self, no: int) -> StepFigures:
        return self.steps[no - 1]

    def to_json(self) -> dict[str, Any]:
        return {
            "sop": self.sop.id,
            "nama": self.sop.nama,
            "version": self.sop.version,
            "definition": self.digest,
            "versions_in_period": self.versions,
            "cases": self.counts.to_json(),
            "lead_time": self.lead.to_json(),
            "steps": [s.to_json() for s in self.steps],
            **({"activities": [a.to_json() for a in self.activities]} if self.activities else {}),
            "decisions": [d.to_json() for d in self.decisions],
            "pelaksana": [p.to_json() for p in self.pelaksana],
            "kelengkapan": [k.to_json() for k in self.kelengkapan],
            "events_read": self.events,
            "moved_out": self.moved_out,
            "moved_in": self.moved_in,
        }


class Report(NamedTuple):
    period: Period
    generated: datetime
    store: str  # the store's address, without a password
    sections: list[SopFigures]  # one per SOP version with cases in the period
    empty: list[tuple[str, str]]  # (id, nama) of the SOPs asked for that had no case in the period

    @property
    def cases(self) -> int:
        return sum(s.counts.started for s in self.sections)

    @property
    def events(self) -> int:
        return sum(s.events for s in self.sections)

    @property
    def timezone(self) -> str:
        """The zone the report's moments are shown in: its first SOP's (the office's) zone."""
        return self.sections[0].sop.calendar.timezone if self.sections else Calendar().timezone

    @property
    def basis(self) -> str:
        return _("Cases are counted in the period by the day they started, in their SOP's time zone.")

    @property
    def as_of(self) -> str:
        return _("Open and overdue cases as of {moment}.").format(
            moment=format_stamp(iso(self.generated), self.timezone)
        )

    @property
    def read(self) -> str:
        return read_words(self.cases, self.events)

    def notes(self) -> list[str]:
        """What a reader must know to read the figures right, one sentence each."""
        said = [self.basis]
        for sop_id in dict.fromkeys(s.sop.id for s in self.sections if s.versions > 1):
            versions = [s.label for s in self.sections if s.sop.id == sop_id]
            said.append(
                _(
                    "The cases of SOP {sop} ran on {n} versions of its definition; each version is reported on its "
                    "own: {versions}."
                ).format(sop=sop_id, n=len(versions), versions=", ".join(versions))
            )
        for s in self.sections:
            if s.moved_out:
                said.append(
                    ngettext(
                        "{n} case was moved from {version} to another version: it is counted with the version it follows now, the steps it completed before the move with {version}.",
                        "{n} cases were moved from {version} to another version: they are counted with the version they follow now, the steps they completed before the move with {version}.",
                        s.moved_out,
                    ).format(n=s.moved_out, version=s.label)
                )
        for sop_id, nama in self.empty:
            said.append(_("No case of SOP {sop} ({nama}) started in this period.").format(sop=sop_id, nama=nama))
        return said

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {**self.period.to_json(), "basis": "started"},
            "generated_at": iso(self.generated),
            "store": self.store,
            "cases_read": self.cases,
            "events_read": self.events,
            "sops": [s.to_json() for s in self.sections],
            "without_cases": [sop_id for sop_id, _nama in self.empty],
            "notes": self.notes(),
        }


# --- the one pass ----------------------------------------------------------------------


class _Plan(NamedTuple):
    """What the replay needs of one step, worked out once per definition."""

    id: str
    limit: float | None  # the waktu in seconds (working seconds when it says kerja); None for "-"
    working: bool
    allowance: float | None  # the waktu in wall seconds, when that does not depend on the moment (no kerja)
    kelengkapan: tuple[str, ...]  # normalised
    output: tuple[str, ...]  # normalised
    outcomes: dict[str, str] | None
    next: str


class _Carried(NamedTuple):
    """What a case moved to another version carries into its next part: when it started, when it entered
    its step, the step it stands at there, the documents at hand and the waktu allowed so far."""

    started: datetime
    entered: datetime
    step: str
    at_hand: dict[str, str]
    allowed: float


def _parts(events: list[tuple]) -> list[tuple[str, list[tuple], int]]:
    """A case's events by the version they were done on: (digest, the events that stand, how many were read)
    for each, split at its moves; each later part begins with the move that led to it."""
    gone = {int(json.loads(e[7])["voids"]) - 1 for e in events if e[3] == "void"}
    digest = str(json.loads(events[0][7])["definition"])
    parts: list[tuple[str, list[tuple], int]] = []
    kept: list[tuple] = []
    read = 0
    for i, e in enumerate(events):
        if e[3] == "migrate" and i not in gone:
            parts.append((digest, [*kept, e], read + 1))
            digest, kept, read = str(json.loads(e[7])["to"]), [e], 0
            continue
        read += 1
        if e[3] != "void" and i not in gone:
            kept.append(e)
    parts.append((digest, kept, read))
    return parts


class _Tally:
    """The running counts of one SOP version; ``case`` takes one case's events at a time.

    Each completion is one increment of one counter keyed by (step, pelaksana,
    seconds), and each completion of a step with kelengkapan one increment keyed
    by (step, where each document came from): the per-step, per-pelaksana and
    kelengkapan figures are derived from these when the pass is over.
    """

    def __init__(self, sop: SOP, digest: str, now: datetime) -> None:
        self.sop, self.digest, self.now = sop, digest, now
        self.number = sop.numbers
        self.waktu = {s.id: s.duration for s in sop.steps}
        self.work = work_calendar(sop.calendar) if any(w.working for w in self.waktu.values()) else None
        self.plan: dict[str, _Plan] = {}
        for s in sop.steps:
            w = self.waktu[s.id]
            minutes = w.calendar_minutes + w.months * MONTH_MINUTES
            if self.work is not None:  # a waktu mixing both kinds counts all of it as working time
                minutes += sum(self.work.working_minutes(a, u) for a, u in w.working)
            self.plan[s.id] = _Plan(
                s.id,
                None if w.none else minutes * 60,
                bool(w.working),
                None if w.working else (w.calendar_minutes + w.months * MONTH_MINUTES) * 60,
                tuple(normal(k) for k in s.kelengkapan),
                tuple(normal(o) for o in s.output),
                dict(s.decision.outcomes) if s.decision else None,
                s.next or END,
            )
        # a row of several activities is judged as a whole: its unit is the row's id (a step's is its own)
        self.unit = {s.id: (s.row or s.id) for s in sop.steps}
        for row in sop.rows:
            if row.multi:
                first = self.plan[row.steps[0].id]
                self.plan[row.id] = first._replace(id=row.id, outcomes=None)
        self.activity: Counter[tuple[str, int]] = Counter()  # (activity, seconds)
        self.loops = {
            (s.id, o): t
            for s in sop.steps
            if s.decision
            for o, t in s.decision.outcomes.items()
            if t != END and self.number[t] <= s.no
        }
        self.completed: Counter[tuple[str, str, int]] = Counter()  # (step, pelaksana, seconds)
        self.sources: Counter[tuple[str, tuple[str, ...]]] = Counter()  # (step, source of each kelengkapan)
        self.outcomes: Counter[tuple[str, str]] = Counter()  # (decision, outcome)
        self.per_case: dict[tuple[str, str], Counter[int]] = {k: Counter() for k in self.loops}
        self.open_at: Counter[str] = Counter()
        self.overdue_at: Counter[str] = Counter()
        self.status: Counter[Status] = Counter()
        self.lead: Counter[int] = Counter()
        self.lead_waktu: Counter[int] = Counter()
        self.events = 0
        self.moved_out = 0  # cases moved from this version to another (counted with that one)
        self.moved_in = 0  # cases moved here from another version

    def case(
        self, events: Sequence[tuple], read: int | None = None, carried: _Carried | None = None
    ) -> _Carried | None:
        """One case: (case_id, definition, at, action, step, outcome, role, data) rows in order (seq 1, 2, ...);
        a voided action counts as never done, and the void itself not at all. A case moved to another
        version comes in parts (``_parts``): this version's events that stand (``read``: how many were
        read), and ``carried`` from the part before; a part that ends in a move counts its steps done
        here and gives what the next part carries on with, and the case is counted with its last version."""
        self.events += len(events) if read is None else read
        if read is None and any(e[3] == "void" for e in events):
            gone = {int(json.loads(e[7])["voids"]) - 1 for e in events if e[3] == "void"}
            events = [e for i, e in enumerate(events) if e[3] != "void" and i not in gone]
        plans, completed, loops, outcomes = self.plan, self.completed, self.loops, self.outcomes
        first = events[0]
        if carried is None:
            started = entered = datetime.fromisoformat(first[2])
            step: str = first[4]
            at_hand: dict[str, str] = {}
            allowed = 0.0
        else:  # the part begins with the move that led here
            started, entered, step, at_hand, allowed = carried
            events = events[1:]
        row_entered = entered  # a row of several activities is judged from when the case entered it
        taken: Counter[tuple[str, str]] = Counter()
        reached: set[str] = set()
        status = Status.OPEN
        unit_of = self.unit
        for _case, _digest, at, action, ev_step, outcome, role, data in events:
            if '"name"' in data:  # documents came with this event
                at_hand.update(_documents(data))
            if action != "advance":
                if action == "cancel":
                    status = Status.CANCELLED
                    break
                if action == "migrate":
                    moved = json.loads(data)  # the part ends: the next version goes on at the step mapped
                    self.moved_out += 1
                    return _Carried(started, entered, moved["to_step"], at_hand, allowed)
                continue
            left = datetime.fromisoformat(at)
            p = plans[ev_step]
            if p.outcomes is not None:
                outcomes[(ev_step, outcome)] += 1
                reached.add(ev_step)
                target = p.outcomes[outcome]
                if (ev_step, outcome) in loops:
                    taken[(ev_step, outcome)] += 1
            else:
                target = p.next
            unit = unit_of[ev_step]
            if unit != ev_step:  # an activity of a row of several: its own time, then the row's
                self.activity[(ev_step, self._took(p, entered, left))] += 1
                if target != END and unit_of[target] == unit:  # on inside the row: not left yet
                    step, entered = target, left
                    continue
                p = plans[unit]
            took = self._took(p, row_entered, left)
            completed[(unit, role, took)] += 1
            if p.allowance is not None:
                allowed += p.allowance
            elif p.limit is not None:  # kerja: how long the waktu lasts depends on when the step was entered
                due = deadline(self.sop.calendar, row_entered, self.waktu[ev_step])
                assert due is not None
                allowed += (due - row_entered).total_seconds()
            if p.kelengkapan:
                self.sources[(unit, tuple(at_hand.get(k, OUTPUT) for k in p.kelengkapan))] += 1
            for o in p.output:
                at_hand.setdefault(o, OUTPUT)
            if target == END:
                status = Status.DONE
                self.lead[round((left - started).total_seconds())] += 1
                self.lead_waktu[round(allowed)] += 1
                break
            step, entered = target, left
            row_entered = left
        self.status[status] += 1
        if status == Status.OPEN:
            self.open_at[step] += 1
            due = deadline(self.sop.calendar, row_entered, self.waktu[step])  # a row's deadline: from entering it
            if due is not None and due < self.now:
                self.overdue_at[step] += 1
        for (decision, outcome), counts in self.per_case.items():
            if decision in reached:
                counts[taken[(decision, outcome)]] += 1
        return None

    def _took(self, p: _Plan, since: datetime, until: datetime) -> int:
        """Seconds from ``since`` to ``until``: working seconds on the calendar when the waktu says kerja."""
        if p.working and self.work is not None:
            return round(self.work.working_minutes_between(since, until) * 60)
        return round((until - since).total_seconds())

    def figures(self, versions: int) -> SopFigures:
        sop = self.sop
        units = [(r, r.steps[0] if not r.multi else None) for r in sop.rows]  # a row: its one step, or None
        durations: dict[str, Counter[int]] = {(s.id if s else r.id): Counter() for r, s in units}
        within: Counter[str] = Counter()
        role_done: Counter[str] = Counter()
        role_judged: Counter[str] = Counter()
        role_within: Counter[str] = Counter()
        for (step_id, role, took), n in self.completed.items():
            durations[step_id][took] += n
            role_done[role] += n
            limit = self.plan[step_id].limit
            if limit is not None:
                role_judged[role] += n
                if took <= limit:
                    within[step_id] += n
                    role_within[role] += n
        waiting: Counter[str] = Counter()
        for step_id, n in self.open_at.items():
            for p in sop.step(step_id).pelaksana:
                waiting[p] += n
        sources: Counter[tuple[str, str, str]] = Counter()
        needs = {(s.id if s else r.id): r.kelengkapan for r, s in units}
        for (step_id, where), n in self.sources.items():
            for k, source in zip(needs[step_id], where, strict=True):
                sources[(step_id, k, source)] += n
        steps = []
        for r, s in units:
            uid = s.id if s else r.id
            states = [x.id for x in r.steps]
            steps.append(
                StepFigures(
                    no=r.no,
                    id=uid,
                    uraian=s.uraian if s else _lettered(r),
                    pelaksana=s.pelaksana if s else tuple(dict.fromkeys(p for x in r.steps for p in x.pelaksana)),
                    waktu=r.waktu,
                    waktu_seconds=self.plan[uid].limit,
                    working=self.plan[uid].working,
                    completions=sum(durations[uid].values()),
                    within=within[uid],
                    durations=durations[uid],
                    open=sum(self.open_at[x] for x in states),
                    overdue=sum(self.overdue_at[x] for x in states),
                    day_seconds=self.work.day_minutes * 60
                    if self.work is not None and self.plan[uid].working
                    else None,
                )
            )
        taken_at: dict[str, Counter[int]] = {}
        for (act, took), n in self.activity.items():
            taken_at.setdefault(act, Counter())[took] += n
        activities = [
            ActivityFigures(
                no=x.no,
                kegiatan=x.letter,
                id=x.id,
                pelaksana=x.pelaksana,
                completions=sum(taken_at.get(x.id, Counter()).values()),
                durations=taken_at.get(x.id, Counter()),
            )
            for r, s in units
            if s is None
            for x in r.steps
        ]
        decisions = [
            DecisionFigures(
                s.no,
                s.id,
                s.decision.question,
                {o: self.outcomes[(s.id, o)] for o in s.decision.outcomes},
                [Correction(o, t, self.per_case[(s.id, o)]) for (d, o), t in self.loops.items() if d == s.id],
            )
            for s in sop.steps
            if s.decision
        ]
        pelaksana = [
            PelaksanaFigures(p.id, p.nama, role_done[p.id], role_judged[p.id], role_within[p.id], waiting[p.id])
            for p in sop.pelaksana
        ]
        kelengkapan = [
            KelengkapanFigures(
                r.no, uid, k, sources[(uid, k, FILE)], sources[(uid, k, PAPER)], sources[(uid, k, OUTPUT)]
            )
            for r, s in units
            for uid in [s.id if s else r.id]
            for k in r.kelengkapan
        ]
        st = self.status
        counts = CaseCounts(
            sum(st.values()), st[Status.DONE], st[Status.CANCELLED], st[Status.OPEN], sum(self.overdue_at.values())
        )
        return SopFigures(
            sop=sop,
            digest=self.digest,
            versions=versions,
            counts=counts,
            lead=LeadTime(self.lead, self.lead_waktu),
            steps=steps,
            decisions=decisions,
            pelaksana=pelaksana,
            kelengkapan=kelengkapan,
            events=self.events,
            activities=activities,
            moved_out=self.moved_out,
            moved_in=self.moved_in,
        )


def _lettered(row: Row) -> str:
    """A row of several activities as its table cell reads: its lead, then a., b., c. ..."""
    return "\n".join(([row.uraian] if row.uraian else []) + [f"{s.letter}. {s.uraian}" for s in row.steps])


@lru_cache(maxsize=4096)
def _documents(data: str) -> tuple[tuple[str, str], ...]:
    """The documents an event's data records: (normalised name, FILE or PAPER); the same texts recur, so cached."""
    return tuple((normal(d["name"]), FILE if d["sha256"] else PAPER) for d in json.loads(data)["documents"])


def empty_figures(sop: SOP) -> SopFigures:
    """The figures of an SOP without cases: every count zero (an empty monitoring form is still a form)."""
    return _Tally(sop, sop.digest, clock_now()).figures(1)


def _cases(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    for _case_id, events in groupby(rows, key=itemgetter(0)):
        yield list(events)


def build_report(
    store: SQLStore, period: Period, sops: Sequence[SOP] | None = None, at: datetime | None = None
) -> Report:
    """The figures of the cases started in ``period``: of ``sops``, or of every SOP with cases in the store.

    ``at`` is the moment "now" for open and overdue cases (default: now).
    """
    now = at or clock_now()
    # every definition first: while the events stream, the connection serves nothing else
    definitions = {digest: SOP(json.loads(body)) for digest, body in store.definitions().items()}
    wanted: list[tuple[str, str, str]] = []  # (id, nama, timezone)
    if sops is None:
        newest = {d.id: d for d in definitions.values()}
        for sop_id in store.sop_ids():
            d = newest[sop_id]
            wanted.append((sop_id, d.nama, d.calendar.timezone))
    else:
        wanted = [(s.id, s.nama, s.calendar.timezone) for s in sops]
    sections: list[SopFigures] = []
    empty: list[tuple[str, str]] = []
    for sop_id, nama, tz in wanted:
        since, until = period.bounds(zone(tz))
        tallies: dict[str, _Tally] = {}
        for events in _cases(store.report_events(sop_id, iso(since), iso(until))):
            try:
                if not any(e[3] == "migrate" for e in events):
                    _tally(tallies, definitions, events[0][1], now).case(events)
                    continue
                carried = None
                for i, (digest, part, read) in enumerate(_parts(events)):
                    tally = _tally(tallies, definitions, digest, now)
                    tally.moved_in += bool(i)
                    carried = tally.case(part, read, carried)
            except (ValueError, TypeError, KeyError, AttributeError):  # events written behind sop's back
                raise damaged(
                    _("the events of case {id} hold values sop never wrote; 'sop case verify' finds them").format(
                        id=events[0][0]
                    )
                ) from None
        if not tallies:
            empty.append((sop_id, nama))
        sections += [t.figures(len(tallies)) for t in tallies.values()]
    return Report(period, now, _without_password(store.url), sections, empty)


def _tally(tallies: dict[str, _Tally], definitions: dict[str, SOP], digest: str, now: datetime) -> _Tally:
    tally = tallies.get(digest)
    if tally is None:
        tally = tallies[digest] = _Tally(definitions[digest], digest, now)
    return tally


def _without_password(url: str) -> str:
    """The store's address as a paper may carry it: without the login and its password
    (``postgresql://user:pw@host/db`` -> ``postgresql://host/db``), and without a password given as a parameter."""
    url = re.sub(r"^([a-z][a-z0-9+.-]*://)[^/?#]*@", r"\1", url, flags=re.IGNORECASE)
    return re.sub(r"([?&](?:password|user)=)[^&#]*", r"\1***", url, flags=re.IGNORECASE)
