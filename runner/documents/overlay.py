"""A case's progress, drawn on the chart: completed steps, the current step, the path taken."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..definition import END, SOP
from ..store import Status

if TYPE_CHECKING:
    from ..cases.service import CaseView, HistoryEntry
    from .layout import Arrow, Symbol

DONE, CURRENT, OVERDUE = "#d9f2d9", "#fff3b0", "#f8c4c4"


@dataclass
class Progress:
    """What a case did, for drawing it on the chart."""

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
    status = {Status.OPEN: "sedang berjalan", Status.DONE: "selesai", Status.CANCELLED: "dibatalkan"}[
        Status(view.row.status)
    ]
    title = f" — {view.row.title}" if view.row.title else ""
    current = number[view.row.step] if view.row.status == Status.OPEN and view.row.step else None
    last = f" · terakhir: {_who(view.last)}" if view.last else ""
    return Progress(f"Kasus {view.row.id}{title} ({status}){last}", done, current, view.overdue, transitions)


def _who(e: HistoryEntry) -> str:
    """Who acted last, as the document writes it: "Plh. Camat: Sari Dewi, dicatat oleh ani"."""
    recorder = e.operator if e.authenticated else f"{e.operator} (diketik)"
    if e.holder_label and e.holder != e.operator:
        return f"{e.holder_label}, dicatat oleh {recorder}"
    return e.holder_label or recorder
