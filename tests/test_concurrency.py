"""Concurrent clerks and killed processes, on real stores, in real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, run_sop

RACERS = 8

# Each racer imports everything first, then waits for the same instant, so the
# advances reach the store together rather than one process start-up apart.
RACER = """
import sys, time
from runner.cli import main
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
sys.exit(main(sys.argv[2:]))
"""


def test_racing_clerks_exactly_one_wins(db_url):
    cid = run_sop("--db", db_url, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    at = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                RACER,
                str(at),
                "--db",
                db_url,
                "case",
                "advance",
                cid,
                "--as",
                "kasi-trantib",
                "--note",
                f"racer {i}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for i in range(RACERS)
    ]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _err in results)
    assert codes == [0] + [1] * (RACERS - 1), results
    for code, err in results:
        assert "Traceback" not in err
        if code == 1:
            assert err.startswith("error: ") and err.count("\n") == 1
    history = json.loads(run_sop("--db", db_url, "case", "history", cid, "--json").out)
    assert [h["action"] for h in history] == ["start", "advance"]
    assert run_sop("--db", db_url, "case", "verify").code == 0


def test_a_killed_process_leaves_the_store_consistent(db_url):
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "drive_cases.py"), db_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    lines = 0
    try:
        while lines < 40:  # let it get well into its loop
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines += 1
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    verified = run_sop("--db", db_url, "case", "verify")
    assert verified.code == 0, verified.err
    listed = json.loads(run_sop("--db", db_url, "case", "list", "--all", "--json").out)
    assert len(listed) >= 3
    # and the store still takes work after the crash
    last = listed[0]["id"]  # newest first
    shown = json.loads(run_sop("--db", db_url, "case", "show", last, "--json").out)
    if shown["status"] == "open":
        role = shown["step"]["pelaksana"][0]
        args = ["--db", db_url, "case", "advance", last, "--as", role]
        args += [a for m in shown["step"]["missing"] for a in ("--attach", m)]
        if shown["step"]["outcomes"]:
            args += ["--outcome", shown["step"]["outcomes"][0]]
        assert run_sop(*args).code == 0
