"""Rows of several activities (``kegiatan``): one number, one mutu baku, each activity a state.

The SOP tests/data/kegiatan/penugasan.yaml has the shape of a signed SOP: row 2 holds five
activities with loops inside the row, row 3 chains four across four columns.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta

import pytest
from conftest import ROOT, SOPS

from runner import Attachment, Refused
from runner.definition import load_sop
from runner.definition.checks import check_file, check_source
from runner.definition.workcal import deadline
from runner.i18n import set_language
from runner.store import open_store
from runner.store.clock import iso

PENUGASAN = ROOT / "tests" / "data" / "kegiatan" / "penugasan.yaml"
TEXT = PENUGASAN.read_text(encoding="utf-8")


def _problems(text: str) -> list[str]:
    set_language("en")
    return [f"{p.line}: {p.message}" for p in check_source(text.encode(), "penugasan.yaml").problems]


def test_the_signed_shape_validates_and_flattens_into_states_with_row_numbers():
    assert check_file(PENUGASAN).problems == []
    sop = load_sop(PENUGASAN)
    assert [r.no for r in sop.rows] == [1, 2, 3, 4, 5]
    assert [s.label for s in sop.steps] == ["1", "2a", "2b", "2c", "2d", "2e", "3a", "3b", "3c", "3d", "4", "5"]
    row2 = sop.rows[1]
    assert row2.multi and row2.uraian == "Menyusun kegiatan pengawasan:" and row2.waktu == "1 hari"
    assert [s.id for s in row2.steps] == ["spt", "periksa-kasi", "paraf-kabid", "periksa-sekretaris", "setuju-kasat"]
    assert {s.waktu for s in row2.steps} == {"1 hari"}
    assert sop.step("disposisi").next == "spt"  # the default next enters the row at its first activity
    assert sop.step("setuju-kasat").decision.outcomes == {"setuju": "spt-kasat", "koreksi": "paraf-kabid"}
    assert sop.step("spt-tim").next == "pengawasan"
    assert sop.same_row("spt", "setuju-kasat") and not sop.same_row("setuju-kasat", "spt-kasat")
    assert not sop.same_row("pengawasan", "pengawasan")  # a one-step row is no row of activities
    assert sop.heading("uraian", "Uraian Kegiatan") == "AKTIVITAS"
    assert sop.heading("waktu", "Waktu") == "Waktu"
    shown = sop.to_json()["steps"]
    assert shown[1]["no"] == 2 and shown[1]["row"] == "menyusun" and shown[1]["kegiatan"] == "a"
    assert "row" not in shown[0]


def test_every_single_activity_sop_keeps_its_shape():
    for path in sorted(SOPS.glob("*.yaml")):
        sop = load_sop(path)
        assert [s.label for s in sop.steps] == [str(i) for i in range(1, len(sop.steps) + 1)]
        assert [r.steps for r in sop.rows] == [(s,) for s in sop.steps]
        assert all("row" not in s for s in sop.to_json()["steps"])


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("{id: spt-tim,", "{id: spt,", "67: the id 'spt' is already used by activity 2a; ids must be unique"),
        (
            "pelaksana: tim\n      - id: periksa-kasi",
            "pelaksana: Tim\n      - id: periksa-kasi",
            "38: unknown pelaksana 'Tim' (did you mean 'tim'?)",
        ),
        ("    waktu: 1 hari\n", "", "33: step 2 lacks the required key 'waktu'"),
        ("koreksi: spt}", "koreksi: sptx}", "43: the outcome 'koreksi' leads to no step: 'sptx'"),
        (
            "pelaksana: tim}\n    kelengkapan: [Surat",
            "pelaksana: tim, waktu: 1 jam}\n    kelengkapan: [Surat",
            "67: unknown key 'waktu'; allowed here: id, uraian, pelaksana, next, decision",
        ),
        (
            '    uraian: "Menyusun kegiatan pengawasan:"\n',
            '    uraian: "Menyusun kegiatan pengawasan:"\n    pelaksana: tim\n',
            "35: unknown key 'pelaksana'; allowed here: id, uraian, kegiatan",
        ),
        (
            "setuju: melaksanakan,",
            "setuju: paraf-kabid,",
            "can never finish: no path leads from them to 'end'; the last of them, step 2e 'setuju-kasat'",
        ),
        ("  uraian: AKTIVITAS", "  aktivitas: AKTIVITAS", "14: unknown key 'aktivitas'"),
    ],
)
def test_a_wrong_row_of_activities_is_named_at_its_line(old, new, expected):
    assert old in TEXT
    found = _problems(TEXT.replace(old, new, 1))
    assert any(expected in p for p in found), found


def test_a_row_needs_two_activities():
    one = TEXT.replace(
        "      - {id: spt-sekretaris, uraian: Sekretaris mencatat dan meneruskan, pelaksana: sekretaris}\n"
        "      - {id: spt-kabid, uraian: Kabid memberi arahan, pelaksana: kabid}\n"
        "      - {id: spt-tim, uraian: Tim menerima Surat Perintah Tugas, pelaksana: tim}\n",
        "",
    )
    assert any("'kegiatan' needs at least 2 entries" in p for p in _problems(one))


# --- running a case through the rows, on both stores ------------------------------


@pytest.fixture
def penugasan(store):
    from runner import Cases

    return Cases(store), load_sop(PENUGASAN)


def test_a_case_through_rows_of_activities_with_loops_inside_the_row(penugasan, db_url):
    cases, sop = penugasan
    t0 = datetime.now().astimezone().replace(microsecond=0) - timedelta(days=20)
    row = cases.start(sop, attach=[Attachment("Surat Masuk")], at=t0)
    case_id = row.id
    t = t0 + timedelta(hours=1)
    row = cases.advance(case_id, "kasat", at=t)  # row 1 -> row 2, activity a
    entered = t
    due = iso(deadline(sop.calendar, entered, sop.step("spt").duration))
    assert (row.step, row.deadline) == ("spt", due)
    assert "disposisi" in row.available

    def act(role: str, outcome: str | None = None, minutes: int = 30):
        nonlocal t
        t += timedelta(minutes=minutes)
        return cases.advance(case_id, role, outcome, at=t)

    with pytest.raises(Refused) as refused:
        act("kasi")
    assert refused.value.kind == "wrong-pelaksana"
    assert refused.value.details["step"] == 2
    assert "2a" in str(refused.value) or db_url.startswith("postgresql")
    row = act("tim")
    assert row.step == "periksa-kasi" and row.deadline == due  # moving inside the row keeps its deadline
    with pytest.raises(Refused) as refused:
        act("kasi")
    assert refused.value.kind == "outcome-missing"
    assert refused.value.details["outcomes"] == ["koreksi", "paraf"]  # as the stored definition lists them
    row = act("kasi", "koreksi")  # a loop inside the row
    assert (row.step, row.deadline) == ("spt", due)
    assert row.entered_at == iso(t)  # each activity is a state: entered now, for its own duration
    for role, outcome, step in [
        ("tim", None, "periksa-kasi"),
        ("kasi", "paraf", "paraf-kabid"),
        ("kabid", None, "periksa-sekretaris"),
        ("sekretaris", "koreksi", "paraf-kabid"),
        ("kabid", None, "periksa-sekretaris"),
        ("sekretaris", "teruskan", "setuju-kasat"),
    ]:
        row = act(role, outcome)
        assert (row.step, row.deadline) == (step, due)
    assert "surat perintah tugas" not in row.available  # the row's output: once the case leaves the row
    row = act("kasat", "setuju")  # the outcome names row 3: its first activity
    assert row.step == "spt-kasat"
    assert row.deadline == iso(deadline(sop.calendar, t, sop.step("spt-kasat").duration))  # a new row: a new deadline
    assert {"surat perintah tugas", "nota dinas"} <= set(row.available)
    for role in ("kasat", "sekretaris", "kabid"):
        row = act(role)
        assert row.step.startswith("spt-")
    row = act("tim")
    assert row.step == "pengawasan"
    assert row.deadline == iso(deadline(sop.calendar, t, sop.step("pengawasan").duration))
    act("tim")
    row = act("kasat")
    assert row.status == "done"
    assert cases.verify(case_id) == []
    with open_store(db_url) as store:
        steps = [(e.action, e.step, e.outcome) for e in store.events(case_id)]
    assert steps[3] == ("advance", "periksa-kasi", "koreksi")


def test_a_deadline_moved_inside_the_row_is_refused_or_found(penugasan, db_url):
    """Between activities of a row the deadline stays: a moving event that records the waktu from
    the activity's entering instead (as a writer that ignored the row would) is refused by
    PostgreSQL's sop_act, and found by verify where the Python writes (SQLite)."""
    from runner.cases import engine

    cases, sop = penugasan
    t0 = datetime.now().astimezone().replace(microsecond=0) - timedelta(days=20)
    row = cases.start(sop, attach=[Attachment("Surat Masuk")], at=t0)
    cases.advance(row.id, "kasat", at=t0 + timedelta(hours=1))
    row = cases.store.case(row.id)
    assert row.step == "spt"
    state = engine.CaseState(row.status, row.step, datetime.fromisoformat(row.entered_at), frozenset(row.available))
    when = cases.store.clock()
    new = engine.apply(sop, state, engine.Event("advance", when, "tim"))
    wrong = iso(deadline(sop.calendar, when, sop.step("periksa-kasi").duration))
    assert wrong != row.deadline
    write = cases._write_of(sop, "advance", when, False, new, {"documents": [], "deadline": wrong}, [], None, "tim")
    if db_url.startswith("postgresql"):  # the database decides: the row's deadline or nothing
        with pytest.raises(Refused) as refused:
            cases.store.append(row, write)
        assert refused.value.kind == "bad-deadline"
        assert cases.store.case(row.id).seq == row.seq
        return
    cases.store.append(row, write)
    found = [(f.seq, f.kind) for f in cases.verify(row.id)]
    assert found == [(3, "deadline-differs")], found


def test_postgresql_decides_the_activities_of_a_row_itself(penugasan, db_url):
    """What a clerk with psql can send sop_act for a case inside a row: the database reads the
    activity's pelaksana and outcomes from the stored definition, and its targets."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the functions of a shared store")
    import psycopg

    cases, sop = penugasan
    t0 = datetime.now().astimezone().replace(microsecond=0) - timedelta(days=20)
    row = cases.start(sop, attach=[Attachment("Surat Masuk")], at=t0)
    cases.advance(row.id, "kasat", at=t0 + timedelta(hours=1))
    cases.advance(row.id, "tim", at=t0 + timedelta(hours=2))
    with open_store(db_url) as store:
        now_row = store.case(row.id)
    assert now_row.step == "periksa-kasi"
    call = (
        "SELECT step FROM sop_act(%s, %s, %s, 'advance', %s, %s, NULL, %s, now()::text, false, NULL, %s,"
        " '{}', '{}', '{}')"
    )
    data = json.dumps({"documents": [], "deadline": now_row.deadline})
    available = json.dumps(now_row.available, ensure_ascii=False)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for role, outcome, match in [
            ("tim", "koreksi", "wrong-pelaksana|is done by"),
            ("kasi", None, "decision"),
            ("kasi", "setuju", "not an outcome"),
        ]:
            with pytest.raises(psycopg.errors.RaiseException, match=match):
                conn.execute(call, (os.urandom(16).hex(), row.id, now_row.seq, role, outcome, data, available))
        (step,) = conn.execute(
            call, (os.urandom(16).hex(), row.id, now_row.seq, "kasi", "koreksi", data, available)
        ).fetchone()
    assert step == "spt"
    assert cases.verify(row.id) == []


def test_the_report_judges_a_row_of_activities_as_one_row_and_times_each_activity(penugasan, db_url):
    """A row's waktu is for the whole row: its completion is the case leaving it, its duration from
    entering it (loops inside it included); each activity has its own durations besides."""
    from runner import Period, build_report

    cases, sop = penugasan
    t0 = datetime(2026, 7, 6, 1, 0, tzinfo=datetime.now().astimezone().tzinfo).astimezone()  # a Monday
    row = cases.start(sop, attach=[Attachment("Surat Masuk")], at=t0)
    t = t0
    plan = [
        ("kasat", None, 60),  # row 1 done: row 2 entered at t0 + 60 min
        ("tim", None, 60),
        ("kasi", "koreksi", 60),  # back to 2a: the row's clock keeps running
        ("tim", None, 60),
        ("kasi", "paraf", 60),
        ("kabid", None, 60),
        ("sekretaris", "teruskan", 60),
        ("kasat", "setuju", 60),  # row 2 left after 7 hours
    ]
    for role, outcome, minutes in plan:
        t += timedelta(minutes=minutes)
        cases.advance(row.id, role, outcome, at=t)
    report = build_report(cases.store, Period.parse("2026-Q3"), [sop], at=t + timedelta(minutes=1))
    [figures] = report.sections
    by_id = {s.id: s for s in figures.steps}
    assert [s.id for s in figures.steps] == ["disposisi", "menyusun", "melaksanakan", "pengawasan", "terima-laporan"]
    menyusun = by_id["menyusun"]
    assert (menyusun.no, menyusun.completions, menyusun.waktu) == (2, 1, "1 hari")
    assert menyusun.durations == {7 * 3600: 1}  # entering the row to leaving it, loops inside it included
    assert menyusun.within == 1  # 7 hours within 1 hari
    assert menyusun.uraian.startswith("Menyusun kegiatan pengawasan:\na. membuat Surat Perintah Tugas")
    assert (by_id["melaksanakan"].open, by_id["melaksanakan"].completions) == (1, 0)
    acts = {a.id: a for a in figures.activities}
    assert acts["spt"].completions == 2 and acts["spt"].durations == {3600: 2}
    assert acts["periksa-kasi"].kegiatan == "b" and acts["periksa-kasi"].completions == 2
    shown = figures.to_json()
    assert [a["id"] for a in shown["activities"]][:5] == [
        "spt", "periksa-kasi", "paraf-kabid", "periksa-sekretaris", "setuju-kasat",
    ]  # fmt: skip
    assert "activities" not in build_report(cases.store, Period.parse("2026-Q4"), [sop]).to_json()


def test_mermaid_and_dot_draw_a_node_per_activity_and_the_loops_inside_the_row():
    from runner import render

    sop = load_sop(PENUGASAN)
    mermaid = render(sop, "mermaid")
    assert 's2b{"2b. Kasi memeriksa' in mermaid
    assert '  s2b -->|"koreksi"| s2a' in mermaid and "  s2a --> s2b" in mermaid
    assert '  s2e -->|"setuju"| s3a' in mermaid and "  s1 --> s2a" in mermaid
    dot = render(sop, "dot")
    assert 's2b -> s2a [label="koreksi", constraint=false];' in dot  # a loop back does not push its step down
    assert "s2a -> s2b;" in dot  # on inside the row: down the graph


def test_sop_diff_pairs_activities_and_says_a_rows_mutu_baku_once(tmp_path):
    from runner import diff_sops

    old = load_sop(PENUGASAN)
    changed = TEXT.replace("    waktu: 1 hari\n", "    waktu: 2 hari\n").replace(
        "        uraian: Kasi memeriksa Surat Perintah Tugas\n        pelaksana: kasi",
        "        uraian: Kasi memeriksa Surat Perintah Tugas\n        pelaksana: kabid",
    )
    path = tmp_path / "penugasan.yaml"
    path.write_text(changed, encoding="utf-8")
    found = [(c.kind, c.step) for c in diff_sops(old, load_sop(path)).changes]
    assert found == [("waktu", "spt"), ("pelaksana", "periksa-kasi")], found


def test_sop_show_prints_the_row_once_its_activities_lettered_under_the_sops_own_headings(sop):
    result = sop("show", str(PENUGASAN))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "AKTIVITAS" in lines[3] and "Perlengkapan" in lines[3]
    starts = [line.split("│")[1].strip() for line in lines if line.startswith("│") and line.split("│")[1].strip()]
    assert starts == ["No", "1.", "2.", "3.", "4.", "5."]  # five rows, as the signed table has
    row2 = next(line for line in lines if line.startswith("│ 2."))
    assert "✓a" in row2 and "◇b" in row2 and "◇e" in row2  # each activity's mark in its lane, lettered
    assert "koreksi → 2a" in result.out  # the loop inside the row, to activity 2a
    shown = json.loads(sop("show", str(PENUGASAN), "--json").out)
    assert [s["id"] for s in shown["steps"]][:3] == ["disposisi", "spt", "periksa-kasi"]


def test_a_voided_move_inside_the_row_brings_the_case_back_with_the_rows_deadline(penugasan, db_url):
    cases, sop = penugasan
    t0 = datetime.now().astimezone().replace(microsecond=0) - timedelta(hours=5)
    row = cases.start(sop, attach=[Attachment("Surat Masuk")], at=t0)
    cases.advance(row.id, "kasat", at=t0 + timedelta(hours=1))
    entered = cases.store.case(row.id)
    moved = cases.advance(row.id, "tim", at=t0 + timedelta(hours=2))
    assert (moved.step, moved.deadline) == ("periksa-kasi", entered.deadline)
    back = cases.void(row.id, "salah catat")
    assert (back.step, back.deadline, back.entered_at) == ("spt", entered.deadline, entered.entered_at)
    assert cases.verify(row.id) == []
