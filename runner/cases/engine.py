"""The generic runner: one ``transitions`` state machine per SOP definition.

States are the step ids plus ``end`` (done) and ``_cancelled``. Completing a
step fires ``advance``; its conditions check that the acting pelaksana may do
the step and that every kelengkapan is at hand, and on a decision step that
the outcome names this branch. A condition that fails records why, so the
clerk hears the reason rather than "no transition".

Nothing here knows any particular SOP: the machine is built from the
definition alone, and a case's state is always the replay of its events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from transitions import EventData, Machine

from ..definition import END, SOP, Step, normal
from ..errors import Refused
from ..i18n import _
from ..store import Status
from ..store.rows import ActionKind

CANCELLED = "_cancelled"  # step ids cannot start with "_", so this never clashes


@dataclass(frozen=True)
class Event:
    """One entry of a case's history, as the engine needs it."""

    action: ActionKind  # not "void" nor "migrate": they are replayed, not decided
    at: datetime
    role: str | None = None
    outcome: str | None = None
    documents: tuple[str, ...] = ()  # names attached with this event


@dataclass(frozen=True)
class CaseState:
    status: Status
    step: str | None  # the current step id while open
    entered_at: datetime  # when the case entered its current step (or closed)
    available: frozenset[str] = field(default_factory=frozenset)  # normalised document names


class _Case:
    """The model object the machine drives for the length of one action."""

    def __init__(self, sop: SOP, state: CaseState, case_id: str) -> None:
        self.sop, self.case_id = sop, case_id
        self.state = state.step
        self.available = set(state.available)
        self.refusal: Refused | None = None


def _model(ev: EventData) -> _Case:
    assert isinstance(ev.model, _Case)
    return ev.model


def _role_ok(ev: EventData) -> bool:
    case = _model(ev)
    step = case.sop.step(ev.state.name)
    role = ev.kwargs.get("role")
    if role in step.pelaksana:
        return True
    names = ", ".join(step.pelaksana)
    facts = {"role": role, "step": step.no, "step_id": step.id, "pelaksana": list(step.pelaksana)}
    if role not in {p.id for p in case.sop.pelaksana}:
        message = _("'{role}' is not a pelaksana of this SOP; step {no} is done by: {names}")
        case.refusal = Refused(message.format(role=role, no=step.label, names=names), kind="not-a-pelaksana", **facts)
    else:
        message = _("step {no} '{id}' is done by {names}, not {role}")
        case.refusal = Refused(
            message.format(no=step.label, id=step.id, names=names, role=role), kind="wrong-pelaksana", **facts
        )
    return False


def _kelengkapan_ok(ev: EventData) -> bool:
    case = _model(ev)
    step = case.sop.step(ev.state.name)
    missing = step.missing(case.available)
    if not missing:
        return True
    case.refusal = Refused(
        _("step {no} needs {missing} first").format(no=step.label, missing=", ".join(f"'{m}'" for m in missing)),
        kind="kelengkapan-missing",
        case=case.case_id,
        step=step.no,
        missing=missing,
    )
    return False


def _outcome_is(name: str) -> Any:
    def check(ev: EventData) -> bool:
        return ev.kwargs.get("outcome") == name

    check.__name__ = f"outcome_is_{name}"
    return check


def _produce(ev: EventData) -> None:
    """Completing a step makes its outputs available to the steps after it; a row of several
    activities makes the row's outputs when a case leaves the row."""
    case = _model(ev)
    assert ev.transition is not None
    if not case.sop.same_row(ev.transition.source, ev.transition.dest):
        case.available.update(normal(o) for o in case.sop.step(ev.transition.source).output)


def build_machine(sop: SOP) -> Machine:
    states = [s.id for s in sop.steps] + [END, CANCELLED]
    transitions: list[dict[str, Any]] = []
    for s in sop.steps:
        checks: list[Any] = [_role_ok, _kelengkapan_ok]
        if s.decision:
            for outcome, target in s.decision.outcomes.items():
                transitions.append(
                    {
                        "trigger": "advance",
                        "source": s.id,
                        "dest": target,
                        "conditions": checks + [_outcome_is(outcome)],
                        "before": _produce,
                    }
                )
        else:
            transitions.append(
                {"trigger": "advance", "source": s.id, "dest": s.next, "conditions": checks, "before": _produce}
            )
        transitions.append({"trigger": "cancel", "source": s.id, "dest": CANCELLED})
    return Machine(
        model=[], states=states, transitions=transitions, initial=sop.first.id, auto_transitions=False, send_event=True
    )


_machines: dict[str, Machine] = {}


def machine_for(sop: SOP) -> Machine:
    """The machine of this exact definition, built once per process."""
    m = _machines.get(sop.digest)
    if m is None:
        m = _machines[sop.digest] = build_machine(sop)
    return m


def start(sop: SOP, at: datetime, documents: Iterable[str] = ()) -> CaseState:
    return CaseState(Status.OPEN, sop.first.id, at, frozenset(normal(d) for d in documents))


def apply(sop: SOP, state: CaseState, event: Event, case_id: str = "CASE") -> CaseState:
    """The state after ``event``; raises Refused, changing nothing, when the SOP does not allow it."""
    if event.action == "start":
        return start(sop, event.at, event.documents)
    if state.status != Status.OPEN:
        raise Refused(
            _("case {id} is {status}; nothing more can be done with it").format(id=case_id, status=state.status.word),
            kind="case-closed",
            case=case_id,
            status=str(state.status),
        )
    available = state.available | {normal(d) for d in event.documents}
    if event.action == "attach":
        return replace(state, available=frozenset(available))
    if event.action not in ("advance", "cancel"):
        raise ValueError(f"unknown action {event.action!r}")

    step = sop.step(state.step)  # type: ignore[arg-type]
    if event.outcome is not None and (event.action == "cancel" or not step.decision):
        raise Refused(
            _("step {no} is not a decision; it has no outcome").format(no=step.label),
            kind="not-a-decision",
            step=step.no,
        )
    model = _Case(sop, replace(state, available=frozenset(available)), case_id)
    # The model is driven through the event directly rather than added to the machine:
    # add_model binds a method per state and trigger, which for one action per process
    # (or thousands in a loop) costs more than the whole transition.
    trigger = machine_for(sop).events[event.action].trigger
    moved = trigger(model, role=event.role, outcome=event.outcome)
    if not moved:
        raise model.refusal or _outcome_problem(step, event.outcome)
    status = {END: Status.DONE, CANCELLED: Status.CANCELLED}.get(model.state or "", Status.OPEN)
    current = model.state if status == Status.OPEN else None
    return CaseState(status, current, event.at, frozenset(model.available))


def _outcome_problem(step: Step, outcome: str | None) -> Refused:
    """Every check but the outcome passed: the outcome was missing or unknown."""
    assert step.decision is not None
    names = list(step.decision.outcomes)
    if outcome is None:
        return Refused(
            _("step {no} is a decision ({question}); give its outcome: {names}").format(
                no=step.label, question=step.decision.question or step.uraian, names=", ".join(names)
            ),
            kind="outcome-missing",
            step=step.no,
            outcomes=names,
        )
    return Refused(
        _("'{outcome}' is not an outcome of step {no}; use one of: {names}").format(
            outcome=outcome, no=step.label, names=", ".join(names)
        ),
        kind="outcome-unknown",
        outcome=outcome,
        step=step.no,
        outcomes=names,
    )
