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
from ..i18n import N_, _
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
    number = sop.numbers
    done: set[int] = set()
    transitions: set[tuple[int, int | str]] = set()
    events = [e for e in history if e.action == "advance"]
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
    return Progress(heading, done, current, view.overdue, transitions)
