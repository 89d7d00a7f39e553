"""The generic runner: a transitions machine built from any SOP, no SOP-specific code."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import OFFICE_SOPS, ROOT, SOPS

from runner.cases import engine
from runner.definition import END, normal
from runner.definition import load_sop as load
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
    sop = load(SOPS / "pelacuran.yaml")
    machine = engine.machine_for(sop)
    assert machine is engine.machine_for(sop)
    assert set(machine.states) == {s.id for s in sop.steps} | {END, engine.CANCELLED}
    assert not any(name.startswith("to_") for name in machine.events)


@pytest.mark.sop_folder
@pytest.mark.parametrize(
    "path",
    sorted(OFFICE_SOPS.glob("*.yaml")) + sorted((ROOT / "tests/golden/valid").glob("*.yaml")),
    ids=lambda p: p.stem,
)
def test_every_valid_sop_runs_to_its_end(path):
    sop = load(path)
    first_outcome = lambda step: next(iter(step.decision.outcomes))  # noqa: E731
    state, visited = _walk(sop, first_outcome)
    assert state.status == "done"
    assert visited[0] == sop.first.id


def test_a_correction_loops_back_and_outputs_become_available():
    sop = load(SOPS / "pelacuran.yaml")
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


def _refusal(sop, state, role, outcome=None):
    with pytest.raises(Refused) as caught:
        _advance(sop, state, role, outcome)
    return caught.value


def test_refusals_carry_their_kind_and_facts_and_name_no_flag():
    sop = load(SOPS / "pelacuran.yaml")
    state = engine.start(sop, T0, ["informasi pelanggaran"])  # names match regardless of case
    cases = [
        (("camat",), "wrong-pelaksana", {"role": "camat", "step": 1, "pelaksana": ["kasi-trantib"]}),
        (("lurah",), "not-a-pelaksana", {"role": "lurah", "pelaksana": ["kasi-trantib"]}),
        (("kasi-trantib", "disetujui"), "not-a-decision", {"step": 1}),
    ]
    for args, kind, facts in cases:
        r = _refusal(sop, state, *args)
        assert r.kind == kind and facts.items() <= r.details.items(), (r.kind, r.details)
    bare = engine.start(sop, T0)
    r = _refusal(sop, bare, "kasi-trantib")
    assert (r.kind, r.details["missing"]) == ("kelengkapan-missing", ["Informasi Pelanggaran"])
    assert "needs 'Informasi Pelanggaran' first" in str(r)

    for role in ("kasi-trantib", "camat", "kasi-trantib"):
        state = _advance(sop, state, role)
    assert state.step == sop.steps[3].id
    r = _refusal(sop, state, "sekcam")
    assert (r.kind, r.details["outcomes"]) == ("outcome-missing", ["disetujui", "koreksi"])
    r = _refusal(sop, state, "camat", "tolak")
    assert (r.kind, r.details["outcome"]) == ("outcome-unknown", "tolak")
    assert "'tolak' is not an outcome of step 4; use one of: disetujui, koreksi" in str(r)
    # the core words nothing for a particular front door: the CLI adds its flags
    for refusal in (r, _refusal(sop, state, "lurah"), _refusal(sop, bare, "kasi-trantib")):
        assert "--" not in str(refusal) and "sop " not in str(refusal)


def test_the_cli_words_each_refusal_with_the_flag_to_use():
    from runner.cli.wording import word

    sop = load(SOPS / "pelacuran.yaml")
    state = engine.start(sop, T0, ["informasi pelanggaran"])
    assert word(_refusal(sop, state, "camat")).endswith("; use --as kasi-trantib")
    assert word(_refusal(sop, state, "kasi-trantib", "x")).endswith("; leave out --outcome")
    bare = engine.start(sop, T0)
    assert 'sop case attach CASE "Informasi Pelanggaran" FILE' in word(_refusal(sop, bare, "kasi-trantib"))
    for role in ("kasi-trantib", "camat", "kasi-trantib"):
        state = _advance(sop, state, role)
    assert word(_refusal(sop, state, "sekcam")).endswith("; give --outcome disetujui|koreksi")


def test_a_closed_case_refuses_everything():
    sop = load(SOPS / "pkl.yaml")
    state = engine.start(sop, T0, ["Laporan Pengaduan"])
    cancelled = engine.apply(sop, state, engine.Event("cancel", T0 + timedelta(hours=1)))
    assert cancelled.status == "cancelled" and cancelled.step is None
    for action in ("advance", "attach", "cancel"):
        with pytest.raises(Refused, match="is cancelled") as caught:
            engine.apply(sop, cancelled, engine.Event(action, T0, "kasi-trantib"))
        assert caught.value.kind == "case-closed"


def test_a_decision_can_end_the_case_early():
    sop = load(SOPS / "pkl.yaml")
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
