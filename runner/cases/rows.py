"""The case row as a function of the case's events: the one rule the writer follows and
``verify`` replays. Below the service and ``verify``, so neither imports the other for it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from ..definition import SOP
from ..definition.shared import did_you_mean
from ..definition.workcal import deadline as due_after
from ..errors import UserError
from ..i18n import _
from ..store import CaseRow, EventRow, SQLStore, Status
from ..store.clock import iso
from ..store.rows import action_kind, standing, voided

__all__ = [
    "deadline",
    "deadline_entering",
    "migrated",
    "moves",
    "replay",
    "row_after",
    "standing",
    "unknown_case",
    "voided",
]

if TYPE_CHECKING:
    from . import engine


def unknown_case(store: SQLStore, case_id: str) -> UserError:
    return UserError(
        _("no case '{id}'{hint}").format(id=case_id, hint=did_you_mean(case_id, store.case_ids())),
        "unknown-case",
        case=case_id,
    )


def case_number(case_id: str, sop_id: str) -> int | None:
    """The number in a case id ``<sop>-<number>``; None when the id is not of that SOP."""
    prefix, _sep, number = case_id.rpartition("-")
    return int(number) if prefix == sop_id and number.isdigit() else None


def deadline(sop: SOP, step: str | None, entered: str) -> str | None:
    """When ``step``, entered at the stored time ``entered``, is due: its waktu on the SOP's calendar."""
    if step is None:
        return None
    due = due_after(sop.calendar, datetime.fromisoformat(entered), sop.step(step).duration)
    return iso(due) if due else None


def deadline_entering(sop: SOP, row: CaseRow | None, step: str | None, entered: str) -> str | None:
    """The deadline an event that moves the case from ``row`` to ``step`` records: the waktu of the
    step entered, except between activities of one row, whose waktu is the whole row's: kept."""
    if row is not None and row.status == Status.OPEN and sop.same_row(row.step, step):
        return row.deadline
    return deadline(sop, step, entered)


def moves(row: CaseRow | None, state: engine.CaseState) -> bool:
    """Whether an event that leads to ``state`` moves the case to another step (or closes it)."""
    return row is None or state.step != row.step or state.status != row.status


def row_after(row: CaseRow | None, sop: SOP, event: EventRow, state: engine.CaseState, data: dict) -> CaseRow:
    """The case row after ``event`` (``row`` None: the start event), given the engine's state after it.

    The one rule for what a case row holds: the writer stores what it gives, and
    ``verify`` replays every event through it and compares each column. The
    deadline is the one the moving event recorded (holiday data may change
    later); an event written before deadlines were recorded has it recomputed.
    """
    if event.action == "migrate":  # to another version: at the step the map gives, entered when it was
        assert row is not None
        return row._replace(
            definition=data["to"],
            step=state.step,
            deadline=data["deadline"],
            available=sorted(state.available),
            seq=event.seq,
            head=event.hash,
            updated_at=event.at,
        )
    moved = moves(row, state)
    if not moved:
        assert row is not None
        due = row.deadline
    elif "deadline" in data:
        due = data["deadline"]
    else:
        due = deadline_entering(sop, row, state.step, event.at)
    if row is None:
        return CaseRow(
            id=event.case_id,
            sop=sop.id,
            number=case_number(event.case_id, sop.id),  # type: ignore[arg-type]  # verify reports a None
            title=data.get("title"),
            definition=data["definition"],
            status=state.status,
            step=state.step,
            entered_at=event.at,
            deadline=due,
            available=sorted(state.available),
            seq=event.seq,
            head=event.hash,
            created_at=event.at,
            updated_at=event.at,
        )
    return row._replace(
        status=state.status,
        step=state.step,
        entered_at=event.at if moved else row.entered_at,
        deadline=due,
        available=sorted(state.available),
        seq=event.seq,
        head=event.hash,
        updated_at=event.at,
    )


def migrated(state: engine.CaseState, data: dict) -> engine.CaseState:
    """The engine's state after a ``migrate`` event: the same case, at the step the map gave on the new
    version (its documents at hand kept; whether they suffice there is the next advance's question)."""
    # (the state's own class: dataclasses.replace would cost every `case show` the import)
    return type(state)(state.status, data["to_step"], state.entered_at, state.available)


def replay(
    definition: Callable[[str], SOP], events: Sequence[EventRow]
) -> dict[int, tuple[engine.CaseState | None, CaseRow | None]]:
    """The engine's state and the case row before each event that stands, by its seq (a void brings
    the case back to where it stood before the event it voids): what ``void`` restores. ``definition``
    gives the SOP version of a digest: the start's, then each migration's."""
    from . import engine  # the state machine (transitions): only a void replays the case

    before: dict[int, tuple[engine.CaseState | None, CaseRow | None]] = {}
    state: engine.CaseState | None = None
    row: CaseRow | None = None
    sop: SOP | None = None
    for e in events:
        data = json.loads(e.data)
        if e.action == "start":
            sop = definition(data["definition"])
        assert sop is not None  # a case begins with its start
        if e.action == "migrate":
            before[e.seq] = (state, row)
            sop = definition(data["to"])
            assert state is not None
            state = migrated(state, data)
            row = row_after(row, sop, e, state, data)
            continue
        if e.action == "void":
            state, row = before[int(data["voids"])]
            assert row is not None  # the start is never voided
            row = row._replace(seq=e.seq, head=e.hash, updated_at=e.at)
            continue
        before[e.seq] = (state, row)
        names = tuple(m["name"] for m in data.get("documents", []))
        event = engine.Event(action_kind(e.action), datetime.fromisoformat(e.at), e.role, e.outcome, names)
        state = engine.apply(sop, state, event, e.case_id)  # type: ignore[arg-type]  # None only for a start
        row = row_after(row, sop, e, state, data)
    return before
