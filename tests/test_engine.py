"""The generic runner: a transitions machine built from any SOP, no SOP-specific code."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import ROOT

from runner import engine
from runner.definition import END, load, normal
from runner.errors import Refused

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def _advance(sop, state, role, outcome=None, documents=()):
    return engine.apply(sop, state, engine.Event("advance", T0, role, outcome, tuple(documents)))


def _walk(sop, choose, attach_all=True):
    """Drive a case to its end, taking outcome ``choose(step)`` at decisions; returns the path."""
    state = engine.start(sop, T0)
    path = []
    while state.status == "open":
        step = sop.step(state.step)
        path.append(step.id)
        docs = step.kelengkapan if attach_all else ()
        outcome = choose(step) if step.decision else None
        state = _advance(sop, state, step.pelaksana[-1], outcome, docs)
        assert len(path) < 100
    return state, path


def test_one_machine_per_definition_with_no_auto_transitions():
    sop = load(ROOT / "sop" / "pelacuran.yaml")
    machine = engine.machine_for(sop)
    assert machine is engine.machine_for(sop)
    assert set(machine.states) == {s.id for s in sop.steps} | {END, engine.CANCELLED}
    assert not any(name.startswith("to_") for name in machine.events)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "sop").glob("*.yaml")) + sorted((ROOT / "tests/golden/valid").glob("*.yaml")),
    ids=lambda p: p.stem,
)
def test_every_valid_sop_runs_to_its_end(path):
    sop = load(path)
    first_outcome = lambda step: next(iter(step.decision.outcomes))  # noqa: E731
    state, visited = _walk(sop, first_outcome)
    assert state.status == "done"
    assert visited[0] == sop.first.id


def test_a_correction_loops_back_and_outputs_become_available():
    sop = load(ROOT / "sop" / "pelacuran.yaml")
    corrections = {"count": 0}

    def choose(step):
        if step.no == 4 and corrections["count"] == 0:
            corrections["count"] += 1
            return "koreksi"
        return "disetujui"

    state, path = _walk(sop, choose)
    assert state.status == "done"
    assert path[:6] == [sop.steps[i].id for i in (0, 1, 2, 3, 2, 3)]
    assert normal("Laporan Pelaksanaan") in state.available


def test_refusals_say_what_to_do():
    sop = load(ROOT / "sop" / "pelacuran.yaml")
    state = engine.start(sop, T0, ["informasi pelanggaran"])  # names match regardless of case
    with pytest.raises(Refused, match="use --as kasi-trantib"):
        _advance(sop, state, "camat")
    with pytest.raises(Refused, match="not a pelaksana of this SOP"):
        _advance(sop, state, "lurah")
    with pytest.raises(Refused, match="leave out --outcome"):
        _advance(sop, state, "kasi-trantib", "disetujui")
    bare = engine.start(sop, T0)
    with pytest.raises(Refused, match="needs 'Informasi Pelanggaran' first; attach it with: sop case attach"):
        _advance(sop, bare, "kasi-trantib")

    for role in ("kasi-trantib", "camat", "kasi-trantib"):
        state = _advance(sop, state, role)
    assert state.step == sop.steps[3].id
    with pytest.raises(Refused, match="give --outcome disetujui|koreksi"):
        _advance(sop, state, "sekcam")
    with pytest.raises(Refused, match="'tolak' is not an outcome of step 4; use one of: disetujui, koreksi"):
        _advance(sop, state, "camat", "tolak")


def test_a_closed_case_refuses_everything():
    sop = load(ROOT / "sop" / "pkl.yaml")
    state = engine.start(sop, T0, ["Laporan Pengaduan"])
    cancelled = engine.apply(sop, state, engine.Event("cancel", T0 + timedelta(hours=1)))
    assert cancelled.status == "cancelled" and cancelled.step is None
    for action in ("advance", "attach", "cancel"):
        with pytest.raises(Refused, match="is cancelled"):
            engine.apply(sop, cancelled, engine.Event(action, T0, "kasi-trantib"))


def test_a_decision_can_end_the_case_early():
    sop = load(ROOT / "sop" / "pkl.yaml")
    state, path = _walk(sop, lambda step: "tidak-melanggar" if step.id == "telaah" else "patuh")
    assert state.status == "done"
    assert path == ["terima-laporan", "peninjauan", "telaah"]


def test_a_new_sop_needs_no_code(tmp_path: Path):
    (tmp_path / "baru.yaml").write_text(
        "format: 1\nid: baru\nversion: '1'\nnama: Baru\n"
        "pelaksana: [{id: x, nama: X}, {id: y, nama: Y}]\n"
        "steps:\n"
        "  - {id: a, uraian: A, pelaksana: x, waktu: 1 jam, output: [P]}\n"
        "  - {id: b, uraian: B, pelaksana: [x, y], kelengkapan: [P], waktu: '-',"
        " decision: {question: Q?, outcomes: {lagi: a, cukup: end}}}\n",
        encoding="utf-8",
    )
    sop = load(tmp_path / "baru.yaml")
    state = _advance(sop, engine.start(sop, T0), "x")
    state = _advance(sop, state, "y", "lagi")
    assert state.step == "a"
    state = _advance(sop, _advance(sop, state, "x"), "x", "cukup")
    assert state.status == "done"
