"""The command line as a whole: the error boundary, JSON output, listing cases at scale."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT, SOPS, run_sop

from runner.cli.boundary import guarded
from runner.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_REFUSED, UserError

# --- the error boundary -----------------------------------------------------------------


def _raise(exc: BaseException):
    def invoke() -> int:
        raise exc

    return invoke


def test_a_bug_exits_3_with_a_crash_log_and_no_advice_to_just_run_again(isolated_home, capsys):
    code = guarded(_raise(KeyError("steps")), ["case", "advance", "x-1", "--as", "camat"], lambda: False)
    err = capsys.readouterr().err
    assert code == EXIT_INTERNAL
    assert err.startswith("error: internal error (KeyError: 'steps')") and err.count("\n") == 1
    log = Path(err.split("the details are in ")[1].split(";")[0])
    text = log.read_text(encoding="utf-8")
    assert "sop-runner 0." in text and "command: sop case advance x-1 --as camat" in text
    assert "Traceback" in text and "KeyError: 'steps'" in text
    assert "Traceback" not in err
    assert "whether it was saved before you repeat it" in err  # never "run it again"


def test_debug_shows_the_traceback_instead():
    with pytest.raises(ZeroDivisionError):
        guarded(_raise(ZeroDivisionError()), [], lambda: True)


def test_ctrl_c_exits_130_without_a_traceback(capsys):
    assert guarded(_raise(KeyboardInterrupt()), [], lambda: False) == EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert err.startswith("error: interrupted") and "Traceback" not in err


def test_user_errors_exit_1_with_one_line(capsys):
    code = guarded(_raise(UserError("cannot do that", "x")), [], lambda: False)
    assert code == EXIT_REFUSED
    assert capsys.readouterr().err == "error: cannot do that\n"


def test_debug_is_read_through_click(sop):
    # `--debug` after the command name is not the top-level flag: click refuses it as usage
    assert sop("list", "--debug").code == 2
    assert sop("--debug", "list", "--json").code == 0


def test_a_reader_that_leaves_early_is_not_an_error(tmp_path):
    import subprocess
    import sys

    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    for _ in range(3):
        run_sop("--db", db, "case", "start", "pkl")
    p = subprocess.run(
        f"{sys.executable} -m runner --db {db} case list --json | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "Traceback" not in p.stderr and "Exception" not in p.stderr


# --- validate --json ----------------------------------------------------------------------


def test_validate_json(sop):
    broken = ROOT / "tests" / "golden" / "invalid" / "unknown-top-key.yaml"
    result = sop("validate", "--json", str(broken), str(SOPS / "pkl.yaml"))
    data = json.loads(result.out)
    assert result.code == 1
    assert data["valid"] is False and data["files"] == 2 and data["errors"] >= 1
    first = data["problems"][0]
    assert set(first) == {"path", "line", "col", "severity", "message"}
    assert first["path"] == str(broken) and first["severity"] == "error"
    ok = sop("validate", "--json", str(SOPS))
    assert ok.code == 0 and json.loads(ok.out)["valid"] is True


# --- case list at scale -------------------------------------------------------------------


@pytest.fixture
def listed(sop, db_url):
    """A store with open, done and cancelled cases of two SOPs."""
    run = lambda *a: sop("--db", db_url, "case", *a)  # noqa: E731
    ids = []
    for i in range(6):
        r = run("start", "pkl" if i % 2 else "pelacuran", "--title", f"kasus {i}", "--at", f"2026-11-0{i + 1}T09:00")
        assert r.code == 0, r.err
        ids.append(r.out.strip())
    assert run("cancel", ids[0], "--reason", "ganda").code == 0
    return run, ids


def test_case_list_shows_open_cases_newest_first_by_default(listed):
    run, ids = listed
    shown = [c["id"] for c in json.loads(run("list", "--json").out)]
    assert shown == list(reversed(ids[1:]))
    everything = [c["id"] for c in json.loads(run("list", "--all", "--json").out)]
    assert everything == list(reversed(ids))
    cancelled = json.loads(run("list", "--status", "cancelled", "--json").out)
    assert [c["id"] for c in cancelled] == [ids[0]] and cancelled[0]["status"] == "cancelled"
    pkl = [c["id"] for c in json.loads(run("list", "--sop", "pkl", "--json").out)]
    assert pkl == [i for i in reversed(ids) if i.startswith("pkl")]
    since = [c["id"] for c in json.loads(run("list", "--all", "--since", "2026-11-04", "--json").out)]
    assert since == list(reversed(ids[3:]))
    assert set(json.loads(run("list", "--json").out)[0]) == {
        "id",
        "sop",
        "title",
        "status",
        "step",
        "deadline",
        "overdue",
    }


def test_case_list_limit_says_how_many_more(listed):
    run, ids = listed
    result = run("list", "--limit", "2")
    assert result.code == 0
    assert ids[5] in result.out and ids[4] in result.out and ids[3] not in result.out
    assert "3 more not shown" in result.err
    assert len(json.loads(run("list", "--limit", "2", "--json").out)) == 2
    assert "more not shown" not in run("list", "--limit", "0").err


def test_case_list_on_an_empty_store(sop, db_url):
    result = sop("--db", db_url, "case", "list")
    assert result.code == 0 and "no cases" in result.out
    assert json.loads(sop("--db", db_url, "case", "list", "--json").out) == []


def test_case_list_reads_only_a_screenful_by_default(tmp_path, sop):
    """Listing stops at the limit in SQL: a store of many cases is not read whole."""
    db = tmp_path / "many.sqlite3"
    run = lambda *a: sop("--db", str(db), "case", *a)  # noqa: E731
    run("start", "pkl")
    with sqlite3.connect(db) as conn:  # 2,000 more open cases, copies of the first
        row = conn.execute("SELECT * FROM cases").fetchone()
        conn.executemany(
            "INSERT INTO cases VALUES (" + ",".join("?" * len(row)) + ")",
            [(f"pkl-{n}", row[1], n, *row[3:]) for n in range(2, 2002)],
        )
    result = run("list", "--limit", "5")
    assert result.out.count("pkl-") == 5 and "1,996 more not shown" in result.err
