"""What is drawn on the chart over the SOP: a case's progress (completed steps, the current step, the path taken).

Any overlay has the same small interface (``Overlay``): a heading, a fill for
each symbol, whether an arrow is marked, a legend, and short notes placed on
the page (the report's heat overlay, runner/reports/heat.py, is another one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from ..definition import END, SOP
from ..i18n import N_, _, ngettext
from ..l10n import format_stamp
from ..store import Status

if TYPE_CHECKING:
    from ..cases.service import CaseView, HistoryEntry
    from .layout import Arrow, Page, Rect, Symbol

DONE, CURRENT, OVERDUE = "#d9f2d9", "#fff3b0", "#f8c4c4"
TAKEN, TAKEN_WIDTH = "#1a7f37", 2.2  # the path the case took

Legend = list[tuple[str, str, str]]  # (swatch kind "box" | "line", colour, meaning: a msgid)


class Overlay(Protocol):
    heading: str
    legend: ClassVar[Legend]

    def masthead(self) -> tuple[str, ...]:
        """What stands above the chart's title: the heading, then any notes; ``layout.compute`` makes room."""
        ...

    def fill(self, symbol: Symbol) -> str: ...

    def taken(self, arrow: Arrow) -> bool: ...

    def notes(self, page: Page) -> list[tuple[Rect, str]]:
        """Short texts to set on ``page``, each centred in its box."""
        ...


@dataclass
class Progress:
    """What a case did, for drawing it on the chart."""

    legend: ClassVar[Legend] = [  # meanings translated where the legend is drawn
        ("box", DONE, N_("Completed")),
        ("box", CURRENT, N_("Current step")),
        ("box", OVERDUE, N_("Current step, past its deadline")),
        ("line", TAKEN, N_("Path taken")),
    ]

    heading: str
    done: set[int] = field(default_factory=set)  # step numbers completed at least once
    current: int | None = None
    overdue: bool = False
    transitions: set[tuple[int, int | str]] = field(default_factory=set)  # (from step no, to step no | "end")
    acted: str = ""  # every person who acted on the case, and at which steps (not only the last)
    earlier: tuple[str, ...] = ()  # a case moved to this version: its path on the versions before, a line each

    def masthead(self) -> tuple[str, ...]:
        return (self.heading, *((self.acted,) if self.acted else ()), *self.earlier)

    def fill(self, symbol: Symbol) -> str:
        if symbol.step is not None and symbol.step == self.current:
            return OVERDUE if self.overdue else CURRENT
        if symbol.step in self.done:
            return DONE
        if symbol.kind == "terminator" and symbol.step is None and any(t == END for _f, t in self.transitions):
            return DONE
        return "#fff"

    def step_fill(self, no: int) -> str | None:
        """The colour of step ``no`` in the text formats, or None to leave it plain."""
        if no == self.current:
            return OVERDUE if self.overdue else CURRENT
        return DONE if no in self.done else None

    def taken(self, arrow: Arrow) -> bool:
        if arrow.from_step == arrow.to_step:  # joins between a step's own symbols
            return arrow.from_step in self.done
        return (arrow.from_step, arrow.to_step) in self.transitions

    def notes(self, page: Page) -> list[tuple[Rect, str]]:
        return []


def progress_of(sop: SOP, view: CaseView, history: Iterable[HistoryEntry]) -> Progress:
    """The overlay for a case, from its ``CaseView`` and its history."""
    history = list(history)  # read twice
    moved = [i for i, e in enumerate(history) if e.action == "migrate" and e.voided_by is None]
    earlier = _earlier(history, moved)
    if moved:  # the chart is the version the case follows now: what it did before is said above it
        history = history[moved[-1] + 1 :]
    number = sop.numbers
    done: set[int] = set()
    transitions: set[tuple[int, int | str]] = set()
    events = [e for e in history if e.action == "advance" and e.voided_by is None]
    for i, e in enumerate(events):
        assert e.step is not None
        src = number[e.step]
        done.add(src)
        nxt = events[i + 1].step if i + 1 < len(events) else view.row.step
        transitions.add((src, number[nxt] if nxt else END))
    title = f" — {view.row.title}" if view.row.title else ""
    current = number[view.row.step] if view.row.status == Status.OPEN and view.row.step else None
    heading = _("Case {id}{title} ({status})").format(id=view.row.id, title=title, status=Status(view.row.status).word)
    if view.last:
        heading += _(" · last: {who}").format(who=view.last.who())
    return Progress(heading, done, current, view.overdue, transitions, _acted(sop, history), earlier)


def _earlier(history: list[HistoryEntry], moved: list[int]) -> tuple[str, ...]:
    """A line for each move to another version: the steps done on the version before, and where it moved."""
    lines, begin = [], 0
    for i in moved:
        m = history[i]
        nos = sorted(
            {e.step_no for e in history[begin:i] if e.action == "advance" and e.voided_by is None and e.step_no}
        )
        said = ngettext(
            "On version {old}: step {numbers} done; moved {day} at step {no} to step {to} of version {new}",
            "On version {old}: steps {numbers} done; moved {day} at step {no} to step {to} of version {new}",
            len(nos),
        )
        if not nos:
            said = _("On version {old}: no step done; moved {day} at step {no} to step {to} of version {new}")
        day = format_stamp(m.at, m.timezone)
        lines.append(
            said.format(
                old=m.version,
                numbers=", ".join(map(str, nos)),
                day=day,
                no=m.step_no,
                to=m.to_step_no,
                new=m.to_version,
            )
        )
        begin = i + 1
    return tuple(lines)


def _acted(sop: SOP, history: Iterable[HistoryEntry]) -> str:
    """ "Acted: Kasi Trantib: Andi Wijaya (steps 1, 3); Plh. Camat: Sari Dewi (step 2)": each registered person
    who acted, as they held the post then (Plt./Plh. included), with the steps they acted at, in order."""
    number = sop.numbers
    steps: dict[str, list[int]] = {}
    posted: set[str] = set()  # the people who acted in a post: their events without one (a start) add nothing
    plain: dict[str, str] = {}  # such an event's label (the nama alone), by login
    for e in history:
        if not e.holder_label or not e.holder:  # nobody registered: the recorder is all there is, as "last"
            continue
        if e.role is None:
            plain.setdefault(e.holder, e.holder_label)
        else:
            posted.add(e.holder)
        held = steps.setdefault(e.holder_label, [])
        if e.step in number and number[e.step] not in held:
            held.append(number[e.step])
    said = []
    for who, nos in steps.items():
        if who in {plain[login] for login in posted if login in plain}:
            continue
        if nos:
            where = ngettext("step {numbers}", "steps {numbers}", len(nos)).format(numbers=", ".join(map(str, nos)))
            said.append(f"{who} ({where})")
        else:
            said.append(who)
    return _("Acted: {people}").format(people="; ".join(said)) if said else ""
