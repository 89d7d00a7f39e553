"""Cases on both stores, through the commands a clerk types."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from conftest import SOPS

from runner.cases import service as cases_module
from runner.definition import Calendar
from runner.definition import load_sop as load
from runner.definition.waktu import parse
from runner.definition.workcal import deadline
from runner.store import open_store
from runner.store.clock import iso, now
from runner.store.migrations import MIGRATIONS

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def case(sop, db_url):
    """Run ``sop --db <store> case ...``."""

    def run(*args):
        return sop("--db", db_url, "case", *args)

    return run


def _events(db_url, case_id):
    with open_store(db_url) as s:
        return s.events(case_id)


def _start(case, *extra):
    result = case("start", "pelacuran", "--attach", "Informasi Pelanggaran", *extra)
    assert result.code == 0, result.err
    return result.out.strip()


def test_start_prints_the_id_alone_and_json_has_the_contract_keys(case):
    first = _start(case)
    assert first == "pelacuran-1"
    data = json.loads(case("start", "pelacuran", "--json").out)
    assert data == {"id": "pelacuran-2", "sop": "pelacuran", "status": "open", "step": "terima-laporan"}


def test_a_whole_case_with_a_correction(case, db_url, tmp_path):
    scan = tmp_path / "draft.pdf"
    scan.write_bytes(b"%PDF-1.4 draft" * 100)
    cid = _start(case, "--title", "Laporan RW 03")
    sop = load(SOPS / "pelacuran.yaml")
    plan = [
        ("kasi-trantib", None),
        ("camat", None),
        ("kasi-trantib", None),
        ("sekcam", "koreksi"),
        ("kasi-trantib", None),
        ("camat", "disetujui"),
        ("kasi-trantib", None),
    ]
    for role, outcome in plan:
        args = ["advance", cid, "--as", role] + (["--outcome", outcome] if outcome else [])
        assert case(*args).code == 0
    shown = json.loads(case("show", cid, "--json").out)
    assert shown["step"]["id"] == sop.steps[5].id and shown["step"]["missing"] == ["Draft Laporan"]
    refused = case("advance", cid, "--as", "danru")
    assert refused.code == 1
    assert f'sop case attach {cid} "Draft Laporan" FILE' in refused.err
    assert case("attach", cid, "Draft Laporan", str(scan)).code == 0
    assert case("advance", cid, "--as", "danru").code == 0
    assert (
        case(
            "advance",
            cid,
            "--as",
            "anggota",
            "--attach",
            "Seragam",
            "--attach",
            "alat peneritiban",
            "--attach",
            "kendaraan",
            "--attach",
            "perlengkapan",
        ).code
        == 0
    )
    for role, outcome in [("danru", None), ("kasi-trantib", "disetujui"), ("kasi-trantib", None)]:
        args = ["advance", cid, "--as", role] + (["--outcome", outcome] if outcome else [])
        assert case(*args).code == 0, case("show", cid).out

    shown = json.loads(case("show", cid, "--json").out)
    assert shown["status"] == "done" and shown["step"] is None
    assert {"id", "sop", "version", "title", "status", "step", "documents"} <= set(shown)
    draft = next(d for d in shown["documents"] if d["name"] == "Draft Laporan")
    import hashlib

    assert draft["sha256"] == hashlib.sha256(scan.read_bytes()).hexdigest()
    with open_store(db_url) as s:
        kept = next(d for d in s.documents(cid, with_content=True) if d.name == "Draft Laporan")
    assert kept.content == scan.read_bytes() and kept.filename == "draft.pdf"

    history = json.loads(case("history", cid, "--json").out)
    assert [h["seq"] for h in history] == list(range(1, len(history) + 1))
    assert {"seq", "at", "action", "step", "outcome", "role", "operator", "note"} <= set(history[0])
    assert [h["outcome"] for h in history if h["outcome"]] == ["koreksi", "disetujui", "disetujui"]
    assert {h["action"] for h in history} == {"start", "advance", "attach"}
    assert case("verify", cid).code == 0
    after = case("advance", cid, "--as", "kasi-trantib")
    assert after.code == 1 and "is done" in after.err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--as", "camat"], "use --as kasi-trantib"),
        (["--as", "kasi-trantib", "--outcome", "ya"], "leave out --outcome"),
        (["--as", "kasi-trantib", "--at", "2999-01-01T08:00"], "lies in the future"),
        (["--as", "kasi-trantib", "--at", "2000-01-01T08:00"], "before the case's last event"),
        (["--as", "kasi-trantib", "--at", "kemarin"], "cannot read the time"),
    ],
)
def test_refusals_exit_1_with_one_line_and_change_nothing(case, db_url, args, message):
    cid = _start(case)
    before = _events(db_url, cid)
    result = case("advance", cid, *args)
    assert result.code == 1
    assert result.err.startswith("error: ") and message in result.err
    assert result.err.count("\n") == 1
    assert _events(db_url, cid) == before


def test_unknown_case_and_missing_outcome(case):
    cid = _start(case)
    unknown = case("show", cid + "0")
    assert unknown.code == 1 and f"(did you mean '{cid}'?)" in unknown.err
    for role in ("kasi-trantib", "camat", "kasi-trantib"):
        case("advance", cid, "--as", role)
    missing = case("advance", cid, "--as", "sekcam")
    assert missing.code == 1 and "--outcome disetujui|koreksi" in missing.err
    wrong = case("advance", cid, "--as", "sekcam", "--outcome", "tolak")
    assert wrong.code == 1 and "use one of: disetujui, koreksi" in wrong.err


def test_back_dated_actions_and_overdue_listing(case):
    start = (datetime.now(WIB) - timedelta(days=2)).replace(microsecond=0)
    cid = _start(case, "--at", start.replace(tzinfo=None).isoformat())
    fresh = _start(case)
    overdue = json.loads(case("list", "--overdue", "--json").out)
    assert [c["id"] for c in overdue] == [cid] and overdue[0]["overdue"]
    late = start + timedelta(hours=1)
    assert case("advance", cid, "--as", "kasi-trantib", "--at", late.isoformat()).code == 0
    history = json.loads(case("history", cid, "--json").out)
    assert datetime.fromisoformat(history[1]["at"]) == late
    assert json.loads(case("show", cid, "--json").out)["step"]["overdue"] is True
    assert "deadline" in case("show", fresh).out
    assert {c["id"] for c in json.loads(case("list", "--status", "open", "--json").out)} == {cid, fresh}
    assert json.loads(case("list", "--sop", "pkl", "--json").out) == []


def test_cancel_needs_a_reason_and_closes_the_case(case):
    cid = _start(case)
    assert case("cancel", cid, "--reason", "Laporan ganda").code == 0
    assert json.loads(case("show", cid, "--json").out)["status"] == "cancelled"
    assert case("cancel", cid, "--reason", "lagi").code == 1
    assert json.loads(case("list", "--status", "cancelled", "--json").out)[0]["id"] == cid


def test_attachment_size_limit(case, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_MAX_ATTACHMENT_MB", "0.001")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"x" * 5000)
    cid = _start(case)
    before = _events(db_url, cid)
    result = case("attach", cid, "Surat Perintah", str(big))
    assert result.code == 1 and "attachments are kept up to" in result.err
    assert _events(db_url, cid) == before
    missing = case("attach", cid, "Surat Perintah", str(tmp_path / "nope.pdf"))
    assert missing.code == 1 and "cannot read" in missing.err
    monkeypatch.setenv("SOP_MAX_ATTACHMENT_MB", "banyak")
    wrong = case("attach", cid, "Surat Perintah", str(big))
    assert wrong.code == 1 and "set it to a positive number of megabytes" in wrong.err
    assert _events(db_url, cid) == before


def test_a_case_keeps_the_definition_it_started_with(sop, db_url, tmp_path):
    folder = tmp_path / "sop"
    folder.mkdir()
    shutil.copy(SOPS / "pkl.yaml", folder / "pkl.yaml")
    run = lambda *a: sop("--db", db_url, "--sop-dir", str(folder), "case", *a)  # noqa: E731
    cid = run("start", "pkl", "--attach", "Laporan Pengaduan").out.strip()
    text = (folder / "pkl.yaml").read_text(encoding="utf-8")
    (folder / "pkl.yaml").write_text(
        text.replace('version: "0.1"', 'version: "0.2"').replace(
            "pelaksana: [danru, anggota]\n    kelengkapan: [Catatan", "pelaksana: camat\n    kelengkapan: [Catatan"
        ),
        encoding="utf-8",
    )
    assert run("advance", cid, "--as", "kasi-trantib").code == 0
    shown = run("show", cid)
    assert "now has version 0.2" in shown.out
    # the running case still follows 0.1, where danru does step 2
    assert "--as danru | anggota" in shown.out
    (folder / "pkl.yaml").unlink()
    assert run("show", cid).code == 0


def test_verify_names_a_tampered_event(case, db_url, store):
    cid = _start(case)
    case("advance", cid, "--as", "kasi-trantib")
    case("advance", cid, "--as", "camat")
    assert case("verify").code == 0
    with pytest.raises(Exception, match="append-only"):
        with store.transaction():
            store.execute("UPDATE events SET note = 'x' WHERE case_id = ? AND seq = 2", (cid,))
    # someone with direct access removes the guard and edits history
    with store.transaction():
        if "postgresql" in db_url:
            store.execute("DROP TRIGGER events_append_only ON events")
        else:
            store.execute("DROP TRIGGER events_no_update")
        store.execute("UPDATE events SET role = 'camat' WHERE case_id = ? AND seq = 2", (cid,))
    result = case("verify")
    assert result.code == 1
    assert f"case {cid} event #2 (advance)" in result.err


def _old_store(store, sop):
    """Take ``store`` back to schema 6, as the release before people and posts left it, with one
    case of two events whose operator was typed (--by), in event format 1, written before
    events recorded their deadlines."""
    from runner.canonical import canonical_json
    from runner.cases import engine
    from runner.store import CaseRow, EventRow
    from runner.store.chain import GENESIS, event_hash
    from runner.store.clock import iso
    from runner.store.sql import case_values

    with store.transaction():
        for table in (
            "people_events", "document_reads", "pengesahan", "passwords", "web_sessions", "web_failures", "posts",
            "people", "checkpoints", "documents", "events", "cases", "definitions", "meta",
        ):  # fmt: skip
            # on PostgreSQL the functions of migration 7 depend on the tables' row types
            store.execute(f"DROP TABLE {table}" + (" CASCADE" if store.placeholder == "%s" else ""))
    store.migrate(upto=6)
    t0 = now() - timedelta(days=1)
    t1 = t0 + timedelta(hours=1)
    start = engine.start(sop, t0, ["Informasi Pelanggaran"])
    after = engine.apply(sop, start, engine.Event("advance", t1, "kasi-trantib"))
    doc = {"name": "Informasi Pelanggaran", "filename": None, "size": None, "sha256": None}
    first = EventRow(
        "pelacuran-1", 1, iso(t0), "start", sop.first.id, None, None, "pak-budi", None,
        canonical_json({"definition": sop.digest, "documents": [doc], "title": "lama"}), GENESIS, "",
    )  # fmt: skip
    first = first._replace(hash=event_hash(first))
    second = EventRow(
        "pelacuran-1", 2, iso(t1), "advance", sop.first.id, None, "kasi-trantib", "bu-sari", None,
        canonical_json({"documents": []}), first.hash, "",
    )  # fmt: skip
    second = second._replace(hash=event_hash(second))
    due = deadline(sop.calendar, t1, sop.step(after.step).duration)
    case = CaseRow(
        "pelacuran-1", "pelacuran", 1, "lama", sop.digest, after.status, after.step, iso(t1), iso(due) if due else None,
        sorted(after.available), 2, second.hash, iso(t0), iso(t1),
    )  # fmt: skip
    columns = ", ".join(EventRow._fields[:12])
    with store.transaction():
        store.execute(
            "INSERT INTO definitions (digest, sop, version, body, source) VALUES (?, ?, ?, ?, ?)",
            (sop.digest, sop.id, sop.version, sop.canonical, sop.source),
        )
        store.execute("INSERT INTO cases VALUES (" + ", ".join("?" * len(case)) + ")", case_values(case))
        for e in (first, second):
            store.execute(f"INSERT INTO events ({columns}) VALUES ({', '.join('?' * 12)})", e[:12])
        store.execute(
            "INSERT INTO documents (case_id, seq, name, step) VALUES (?, 1, ?, ?)",
            ("pelacuran-1", "Informasi Pelanggaran", sop.first.id),
        )
    return case


def test_an_older_store_opens_after_an_upgrade_and_its_events_stay_unauthenticated(db_url, cases, sop):
    from runner.errors import UserError
    from runner.store import open_store as reopen

    store = cases.store
    pelacuran = load(SOPS / "pelacuran.yaml")
    row = _old_store(store, pelacuran)
    assert store.schema_version() == 6
    with reopen(db_url) as upgraded:
        assert upgraded.schema_version() == len(MIGRATIONS)
        again = cases_module.Cases(upgraded)
        assert again.show(row.id).row.status == "open"
        assert again.verify(row.id) == []
        again.advance(row.id, "camat")
        assert again.verify(row.id) == []
        events = upgraded.events(row.id)
        login = upgraded.login
    assert [(e.format, e.operator, e.authenticated) for e in events[:2]] == [
        (1, "pak-budi", False),
        (1, "bu-sari", False),
    ]
    assert events[2].format == 2 and events[2].authenticated and events[2].operator == login
    history = json.loads(sop("--db", db_url, "case", "history", row.id, "--json").out)
    assert [(h["operator"], h["recorder"], h["authenticated"]) for h in history] == [
        ("pak-budi", "pak-budi", False),
        ("bu-sari", "bu-sari", False),
        (login, login, True),
    ]
    table = sop("--db", db_url, "case", "history", row.id).out
    assert "pak-budi (typed)" in table or "pak-budi (diketik)" in table
    with store.transaction():
        store.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(UserError, match="newer sop-runner"):
        reopen(db_url)


# --- working time -------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, waktu, due",
    [
        (datetime(2026, 11, 27, 10, 0), "1 hari kerja", datetime(2026, 11, 30, 10, 0)),  # Friday -> Monday
        (datetime(2026, 11, 27, 15, 0), "2 jam kerja", datetime(2026, 11, 30, 9, 0)),  # past closing time
        (datetime(2026, 11, 28, 12, 0), "30 menit kerja", datetime(2026, 11, 30, 8, 30)),  # Saturday
        (datetime(2026, 12, 24, 10, 0), "1 hari kerja", datetime(2026, 12, 28, 10, 0)),  # Christmas Day
        (datetime(2026, 11, 27, 10, 0), "2 jam", datetime(2026, 11, 27, 12, 0)),  # calendar time
        (datetime(2026, 11, 27, 10, 0), "1 minggu kerja", datetime(2026, 12, 4, 10, 0)),
    ],
)
def test_working_time_deadlines(start, waktu, due):
    got = deadline(Calendar(), start.replace(tzinfo=WIB), parse(waktu))
    assert got == due.replace(tzinfo=WIB)


def test_extra_holidays_and_no_time_standard():
    cal = Calendar(extra_holidays=("2026-11-30",), holidays=None)
    got = deadline(cal, datetime(2026, 11, 27, 10, 0, tzinfo=WIB), parse("1 hari kerja"))
    assert got == datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
    assert deadline(cal, datetime.now(timezone.utc), parse("-")) is None


def test_a_write_based_on_a_stale_read_is_refused(cases, db_url):
    from runner.errors import ConcurrentChange

    sop = load(SOPS / "pelacuran.yaml")
    row = cases.start(sop, attach=[cases_module.Attachment("Informasi Pelanggaran")])
    stale = cases.store.case(row.id)  # clerk A reads ...
    with open_store(db_url) as other:  # ... clerk B advances in between ...
        cases_module.Cases(other).advance(row.id, "kasi-trantib")
    from runner.cases import engine

    state = engine.CaseState(
        stale.status, stale.step, datetime.fromisoformat(stale.entered_at), frozenset(stale.available)
    )
    when = cases.store.clock()
    new = engine.apply(sop, state, engine.Event("advance", when, "kasi-trantib"))
    data = {"documents": [], "deadline": cases_module.deadline(sop, new.step, iso(when))}
    write = cases._write_of(sop, "advance", when, False, new, data, [], None, "kasi-trantib")
    with pytest.raises(ConcurrentChange, match="changed by someone else"):
        cases.store.append(stale, write)
    assert [e.seq for e in cases.store.events(row.id)] == [1, 2]
    assert cases.verify(row.id) == []


def test_the_migrations_are_named_steps_in_order_the_people_audit_last():
    names = [m.__name__ for m in MIGRATIONS]
    assert [int(n[1:4]) for n in names] == list(range(1, len(names) + 1))  # m001_..., m002_..., as numbered
    assert all(n[0] == "m" and n[4] == "_" for n in names)
    assert names[-1].endswith("people_audit")  # its triggers must see every table before it


def test_a_nul_in_any_text_is_refused_by_the_api_on_both_stores(cases):
    """A NUL reaches the API from a file or a program, never from a command line; no store keeps one."""
    from runner import Attachment, UserError, find_sop, load_sop

    sop = load_sop(find_sop("pelacuran"))
    with pytest.raises(UserError, match="NUL") as e:
        cases.start(sop, title="Laporan\x00RW 03", attach=[Attachment("Informasi Pelanggaran")])
    assert e.value.kind == "bad-text"
    case = cases.start(sop, title="Laporan RW 03", attach=[Attachment("Informasi Pelanggaran")])
    with pytest.raises(UserError, match="NUL"):
        cases.advance(case.id, "kasi-trantib", note="catatan\x00")
    assert cases.show(case.id).row.seq == 1  # nothing was written
