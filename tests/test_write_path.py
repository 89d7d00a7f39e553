"""The write path: event format 2 hashed alike by Python and PostgreSQL, request ids, and a store
failing mid-write resolved before the clerk is answered (saved, or not saved and nothing changed)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time

import pytest
from conftest import PG_URL, ROOT, run_sop
from pgproxy import CuttingProxy

from runner import Attachment, Cases, find_sop, load_sop
from runner.store import EventRow, open_store
from runner.store.chain import event_hash

HOSTILE = [
    'a "quoted" \\ back\\slash',
    "tab\there\nnew line\r\b\f",
    "\x01\x02\x1b[2J\x1f\x7f",
    "ünïcödé ‘x’ \u2028 \u2029 😀 \u00a0",
    "</script><!-- %s ? $$ {} []",
    '{"looks": "like json"}',
    "\\u0000 \\n",
]


@pytest.fixture(scope="module")
def pg_store():
    if not PG_URL:
        pytest.skip("SOP_TEST_PG_URL is not set")
    from conftest import _drop_schema, _pg_schema_url

    schema, url = _pg_schema_url()
    try:
        with open_store(url) as store:
            yield store
    finally:
        _drop_schema(schema)


@pytest.mark.parametrize("text", HOSTILE)
def test_postgresql_hashes_format_2_as_python_does(pg_store, text):
    store = pg_store
    event = EventRow(text, 7, text, text, text, text, text, text, text, text, text, "", text, text, text, 1, text, 2)
    (sql,) = store.execute(
        "SELECT sop_event_hash(ROW(" + ", ".join("?" for _f in EventRow._fields) + ")::events)",
        list(event),
    ).fetchone()
    assert sql == event_hash(event)
    nulls = event._replace(step=None, outcome=None, role=None, note=None, holder=None, acting=None, backdated=0)
    (sql,) = store.execute(
        "SELECT sop_event_hash(ROW(" + ", ".join("?" for _f in EventRow._fields) + ")::events)", list(nulls)
    ).fetchone()
    assert sql == event_hash(nulls)


def test_hostile_texts_written_by_either_store_verify(cases, db_url):
    """Whatever wrote the hash (SQLite: Python; PostgreSQL: its function), Python recomputes it."""
    sop = load_sop(find_sop("pelacuran"))
    for text in HOSTILE:
        row = cases.start(sop, title=text, attach=[Attachment("Informasi Pelanggaran"), Attachment(text)])
        cases.advance(row.id, "kasi-trantib", note=text, attach=[Attachment(text + " 2")])
        assert cases.verify(row.id) == []
        assert [e.format for e in cases.store.events(row.id)] == [2, 2]


def test_a_request_id_lands_once(cases, db_url):
    """The same request written twice is one event: the second finds the case moved on."""
    from runner.cases import engine
    from runner.cases.service import deadline
    from runner.errors import ConcurrentChange
    from runner.store.clock import iso

    sop = load_sop(find_sop("pelacuran"))
    row = cases.start(sop, attach=[Attachment("Informasi Pelanggaran")])
    when = cases.store.clock()
    state = engine.CaseState(row.status, row.step, when, frozenset(row.available))
    new = engine.apply(sop, state, engine.Event("advance", when, "kasi-trantib"))
    data = {"documents": [], "deadline": deadline(sop, new.step, iso(when))}
    write = cases._write_of(sop, "advance", when, False, new, data, [], None, "kasi-trantib")
    first = cases.store.append(row, write)
    with pytest.raises(ConcurrentChange):
        cases.store.append(row, write)
    assert [e.seq for e in cases.store.events(row.id)] == [1, 2]
    assert cases.store.landed(write.request) == first
    assert cases.store.landed("no-such-request") is None
    assert cases.verify(row.id) == []


# --- SQLite: a commit that fails for real --------------------------------------------------------


def test_sqlite_a_failed_commit_is_told_not_saved_and_changes_nothing(tmp_path):
    """The file may not grow (RLIMIT_FSIZE): the commit fails, the request id is looked up, not found."""
    db = tmp_path / "c.sqlite3"
    url = f"sqlite:///{db}"
    cid = run_sop("--db", url, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(os.urandom(400_000))  # far more than the room left in the files
    with open_store(url) as s:
        before = (s.events(cid), s.case(cid))
    limit = max(f.stat().st_size for f in tmp_path.glob("c.sqlite3*")) + 4096

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "runner",
            "--db",
            url,
            "case",
            "advance",
            cid,
            "--as",
            "kasi-trantib",
            "--attach",
            f"Surat Tugas={scan}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=small_files,
        timeout=60,
    )
    assert p.returncode == 1, p.stderr
    assert p.stderr.startswith("error: ") and p.stderr.count("\n") == 1
    assert "was not saved, nothing changed" in p.stderr and "safe to do it again" in p.stderr
    with open_store(url) as s:
        assert (s.events(cid), s.case(cid)) == before
        assert Cases(s).verify(cid) == []


# --- PostgreSQL: the connection lost at the commit -----------------------------------------------


def test_postgresql_saved_although_the_answer_was_lost(pg_url):
    db_url = pg_url
    cid = run_sop("--db", db_url, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    proxy = CuttingProxy(("127.0.0.1", 5432), b"sop_act")
    try:
        via = db_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        done = run_sop("--db", via, "case", "advance", cid, "--as", "kasi-trantib", "--json")
    finally:
        proxy.close()
    assert proxy.cut.is_set()
    assert done.code == 0, done.err
    assert "it was saved" in done.err
    assert json.loads(done.out)["step"]["id"] == "perintah-penertiban"  # the normal output
    history = json.loads(run_sop("--db", db_url, "case", "history", cid, "--json").out)
    assert [h["action"] for h in history] == ["start", "advance"]  # once, not twice
    assert run_sop("--db", db_url, "case", "verify").code == 0


def test_postgresql_not_saved_when_the_backend_dies_before_the_commit(pg_url):
    """A clerk's action waits for a case another clerk holds; its server process is terminated."""
    import psycopg

    db_url = pg_url
    store = open_store(db_url)
    cid = run_sop("--db", db_url, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    before = (store.events(cid), store.case(cid))
    with psycopg.connect(db_url) as holder:  # another clerk, in the middle of a change of the case
        holder.execute("SELECT 1 FROM cases WHERE id = %s FOR UPDATE", (cid,))
        env = {**os.environ, "SOP_PG_LOCK_TIMEOUT": "30s"}
        clerk = subprocess.Popen(
            [sys.executable, "-m", "runner", "--db", db_url, "case", "advance", cid, "--as", "kasi-trantib"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            pid = None
            for _ in range(200):
                found = admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%%sop_act%%'"
                ).fetchone()
                if found:
                    pid = found[0]
                    break
                time.sleep(0.05)
            assert pid, "the clerk's call never waited for the lock"
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        out, err = clerk.communicate(timeout=60)
        holder.rollback()
    assert clerk.returncode == 1, err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "was not saved, nothing changed" in err
    assert (store.events(cid), store.case(cid)) == before
    store.close()


def test_a_case_moved_on_since_this_store_wrote_it_is_decided_again_on_what_is_there(cases, db_url):
    """PostgreSQL remembers the case it wrote last and acts on it without reading first; when another
    clerk moved the case in between, the action is decided again on the case as it is now."""
    sop = load_sop(find_sop("pelacuran"))
    row = cases.start(sop, attach=[Attachment("Informasi Pelanggaran")])
    cases.advance(row.id, "kasi-trantib")  # remembered: the case at step 2 (camat)
    with open_store(db_url) as other:
        Cases(other).advance(row.id, "camat")  # another clerk: now step 3 (kasi-trantib)
    moved = cases.advance(row.id, "kasi-trantib")  # right for the case as it is now, not as remembered
    assert (moved.seq, moved.step) == (4, "verifikasi-surat-perintah")
    with open_store(db_url) as other:
        Cases(other).advance(row.id, "sekcam", outcome="koreksi")  # back to step 3
    from runner import Refused

    with pytest.raises(Refused) as refused:
        cases.advance(row.id, "sekcam", outcome="disetujui")  # remembered step 4 allowed it; step 3 does not
    assert refused.value.kind == "not-a-decision" and refused.value.details["step"] == 3
    assert [e.seq for e in cases.store.events(row.id)] == [1, 2, 3, 4, 5]
    assert cases.verify(row.id) == []


# --- the deadline an event records: its form checked by the store, its value by verify ----------


def test_postgresql_takes_only_a_deadline_of_the_right_form_from_a_moving_event(pg_url):
    """What a clerk with psql can send sop_act: the function refuses a moving event without a
    deadline, one not in the stored form, and a deadline on an event that does not move the case;
    a deadline of the right form but not the SOP's waktu is taken, and case verify finds it."""
    import psycopg

    cid = run_sop("--db", pg_url, "case", "start", "pkl", "--attach", "Laporan Pengaduan").out.strip()
    from datetime import datetime

    from runner.cases import engine

    with open_store(pg_url) as store:
        row = store.case(cid)
    available = json.dumps(row.available, ensure_ascii=False)
    state = engine.CaseState(row.status, row.step, datetime.fromisoformat(row.entered_at), frozenset(row.available))
    new = engine.apply(load_sop(find_sop("pkl")), state, engine.Event("advance", state.entered_at, "kasi-trantib"))
    after = json.dumps(sorted(new.available), ensure_ascii=False)  # what the advance leaves at hand
    call = "SELECT id FROM sop_act(%s, %s, 1, %s, %s, NULL, NULL, %s, now()::text, false, NULL, %s, '{}', '{}', '{}')"
    far = "2099-01-01T00:00:00.000000+00:00"
    refused = [
        ("advance", "kasi-trantib", {"documents": []}),
        ("advance", "kasi-trantib", {"documents": [], "deadline": "2099-01-01"}),
        ("advance", "kasi-trantib", {"documents": [], "deadline": 7}),
        ("attach", None, {"documents": [], "deadline": far}),
    ]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for action, role, data in refused:
            with pytest.raises(psycopg.errors.RaiseException, match="deadline"):
                conn.execute(call, (os.urandom(16).hex(), cid, action, role, json.dumps(data), available))
        conn.execute(
            call,
            (
                os.urandom(16).hex(),
                cid,
                "advance",
                "kasi-trantib",
                json.dumps({"documents": [], "deadline": far}),
                after,
            ),
        )
    found = json.loads(run_sop("--db", pg_url, "case", "verify", "--json").out)
    assert [(f["case"], f["seq"], f["kind"]) for f in found] == [(cid, 2, "deadline-differs")], found
