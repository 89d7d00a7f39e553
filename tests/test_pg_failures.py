"""PostgreSQL failing: a server that is gone or never answers, timeouts, a read-only server.

Each is one line `error: ...`, exit 1, and nothing written; the timeouts are set
on every session and can be changed (SOP_PG_* or the URL's own options).
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import quote

import psycopg
import pytest
from conftest import PG_URL, run_sop
from pgproxy import CuttingProxy

from runner.store import open_store


def one_line_refusal(result, *words):
    assert result.code == 1, result
    assert result.err.startswith("error: ") and result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    for w in words:
        assert w in result.err, result.err


def _case(url):
    return run_sop("--db", url, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()


def _with_options(url: str, options: str) -> str:
    """The test URL (which sets the search_path in its options) with more options."""
    return url.replace("options=", f"options={quote(options + ' ')}", 1)


def test_a_server_that_accepts_but_never_answers_times_out():
    """A black hole: the port accepts the connection and then says nothing, ever."""
    hole = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(hole.accept()[0]), daemon=True).start()
    try:
        url = f"postgresql://nobody@127.0.0.1:{hole.getsockname()[1]}/test"
        started = time.monotonic()
        result = run_sop("--db", url, "case", "list", env={"SOP_PG_CONNECT_TIMEOUT": "2"}, timeout=30)
        elapsed = time.monotonic() - started
    finally:
        hole.close()
        for s in held:
            s.close()
    one_line_refusal(result, "cannot reach the case database", "check --db or SOP_DB")
    assert elapsed < 15


def test_a_server_that_is_gone():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    one_line_refusal(run_sop("--db", f"postgresql://nobody@127.0.0.1:{port}/test", "case", "list"), "cannot reach")


@pytest.mark.parametrize("option", ["connect_timeout=abc", "bogus=1"])
def test_a_url_with_a_wrong_option_is_refused_without_repeating_it(option):
    result = run_sop("--db", f"postgresql://clerk:rahasia@127.0.0.1:1/test?{option}", "case", "list")
    one_line_refusal(result, "cannot use the database URL", "check --db or SOP_DB")
    assert "rahasia" not in result.err


def test_every_session_has_its_timeouts_and_the_url_wins(pg_url, monkeypatch):
    monkeypatch.setenv("SOP_PG_LOCK_TIMEOUT", "750ms")
    with open_store(pg_url) as store:
        settings = {
            name: store.execute(f"SHOW {name}").fetchone()[0]
            for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")
        }
    assert settings == {
        "statement_timeout": "30s",
        "lock_timeout": "750ms",
        "idle_in_transaction_session_timeout": "1min",
    }
    with open_store(_with_options(pg_url, "-c lock_timeout=2s")) as store:
        assert store.execute("SHOW lock_timeout").fetchone()[0] == "2s"


@pytest.mark.parametrize("setting", ["SOP_PG_LOCK_TIMEOUT", "SOP_PG_STATEMENT_TIMEOUT", "SOP_PG_CONNECT_TIMEOUT"])
def test_a_timeout_that_is_not_a_duration_is_refused(pg_url, setting):
    one_line_refusal(run_sop("--db", pg_url, "case", "list", env={setting: "soon"}), setting, "'soon'")


def test_a_case_held_by_a_frozen_clerk_times_out_the_others(pg_url):
    cid = _case(pg_url)
    with open_store(pg_url) as store:
        before = store.events(cid)
    with psycopg.connect(pg_url) as frozen:  # began a change of the case, then froze
        frozen.execute("SELECT 1 FROM cases WHERE id = %s FOR UPDATE", (cid,))
        started = time.monotonic()
        lock = run_sop(
            "--db", pg_url, "case", "advance", cid, "--as", "kasi-trantib", env={"SOP_PG_LOCK_TIMEOUT": "500ms"}
        )
        assert time.monotonic() - started < 10
        # the database names who holds the case (the login of the frozen session)
        one_line_refusal(lock, f"another clerk (postgres) is changing case {cid}", "within 500ms", "ask postgres")
        # without a lock timeout (from the URL), the statement timeout ends the wait instead
        statement = run_sop(
            "--db",
            _with_options(pg_url, "-c lock_timeout=0"),
            "case",
            "advance",
            cid,
            "--as",
            "kasi-trantib",
            env={"SOP_PG_STATEMENT_TIMEOUT": "700ms"},
        )
        one_line_refusal(statement, "did not answer in time", "SOP_PG_STATEMENT_TIMEOUT")
        frozen.rollback()
    with open_store(pg_url) as store:
        assert store.events(cid) == before
    assert run_sop("--db", pg_url, "case", "advance", cid, "--as", "kasi-trantib").code == 0


def test_an_idle_transaction_is_ended_by_the_server(pg_url, monkeypatch):
    monkeypatch.setenv("SOP_PG_IDLE_TIMEOUT", "300ms")
    with open_store(pg_url) as store:
        store.conn.execute("BEGIN")
        store.conn.execute("SELECT 1 FROM cases LIMIT 1")
        time.sleep(1.0)
        with pytest.raises(Exception) as lost:
            store.execute("SELECT 1")
    assert "cannot be reached" in str(lost.value)


def test_a_read_only_server_refuses_with_a_clear_line(pg_url):
    cid = _case(pg_url)
    with open_store(pg_url) as store:
        before = (store.events(cid), store.case(cid))
    read_only = _with_options(pg_url, "-c default_transaction_read_only=on")
    assert run_sop("--db", read_only, "case", "show", cid).code == 0  # reading still works
    one_line_refusal(run_sop("--db", read_only, "case", "advance", cid, "--as", "kasi-trantib"), "read-only")
    one_line_refusal(run_sop("--db", read_only, "case", "start", "pelacuran"), "read-only")
    with open_store(pg_url) as store:
        assert (store.events(cid), store.case(cid)) == before


@pytest.mark.skipif(not PG_URL, reason="SOP_TEST_PG_URL is not set")
def test_a_new_store_on_a_read_only_server():
    """Creating the tables is the first write: refused as read-only, nothing half made."""
    import uuid

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        url = PG_URL + "?options=" + quote(f"-csearch_path={schema} -c default_transaction_read_only=on")
        assert run_sop("--db", url, "case", "list").out == "no cases\n"  # a reading command makes nothing
        one_line_refusal(run_sop("--db", url, "case", "start", "pelacuran"), "read-only")
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", (schema,)).fetchone()
        assert tables == (0,)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def test_the_connection_lost_while_reading(pg_url):
    """The connection drops while `case advance` reads the case: nothing was written, a clear line."""
    cid = _case(pg_url)
    proxy = CuttingProxy(("127.0.0.1", 5432), b"clock_timestamp() FROM cases")
    try:
        result = run_sop(
            "--db", pg_url.replace(":5432/", f":{proxy.port}/"), "case", "advance", cid, "--as", "kasi-trantib"
        )
    finally:
        proxy.close()
    assert proxy.cut.is_set()
    one_line_refusal(result, "the case database cannot be reached")
    with open_store(pg_url) as store:
        assert [e.action for e in store.events(cid)] == ["start"]
