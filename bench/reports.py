"""`sop report` at scale: its time beside a bare SQL pass over the same events, and its peak memory.

bare    the report's own query on a plain sqlite3 connection, every row read into Python and dropped
report  build_report() over the same cases: replaying them, tallying every figure
memory  the peak resident size (getrusage ru_maxrss) of a fresh process that builds the report,
        on 10,000 and on 100,000 cases: the events stream, so it should not grow with the store

Used by bench/run.py (`make bench`) on the stores it populates; runnable alone:
`python bench/reports.py STORE.sqlite3 ...`.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from runner import Period, build_report, find_sop, load_sop, open_store
from runner.definition.workcal import zone
from runner.store.clock import iso
from runner.store.sql import SQLStore

SOP_ID = "pelacuran"
# every case of the bench stores: they start within the last 60 days
PERIOD = Period.between(date.today() - timedelta(days=62), date.today())

PEAK = """
import resource, sys
from runner import Period, build_report, find_sop, load_sop, open_store
period = Period.between(sys.argv[2], sys.argv[3])
with open_store("sqlite:///" + sys.argv[1]) as store:
    report = build_report(store, period, [load_sop(find_sop("pelacuran"))])
print(report.events, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bare_pass(path: Path) -> tuple[float, int]:
    """Seconds to read the report's events into Python with nothing else done, and how many."""
    since, until = PERIOD.bounds(zone(load_sop(find_sop(SOP_ID)).calendar.timezone))
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    n = 0
    for _row in conn.execute(SQLStore.REPORT_EVENTS, (SOP_ID, iso(since), iso(until))):
        n += 1
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, n


def report_pass(path: Path) -> tuple[float, int]:
    sop = load_sop(find_sop(SOP_ID))
    with open_store(f"sqlite:///{path}") as store:
        started = time.perf_counter()
        report = build_report(store, PERIOD, [sop])
        elapsed = time.perf_counter() - started
    return elapsed, report.events


def peak_kb(path: Path) -> tuple[int, int]:
    """(events read, peak resident kilobytes) of a fresh process building the report."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(path), PERIOD.first.isoformat(), PERIOD.last.isoformat()],
        capture_output=True,
        text=True,
        check=True,
    )
    events, kb = done.stdout.split()
    return int(events), int(kb)


def measure(stores: dict[str, Path], rounds: int = 5) -> dict:
    """Per store (a name -> its file): report and bare-pass medians, their ratio, and the peak memory."""
    result: dict = {}
    for name, path in stores.items():
        bare, report = [], []
        events = 0
        for _ in range(rounds):  # interleaved: the disk's and the CPU's moods hit both alike
            seconds, events = bare_pass(path)
            bare.append(seconds)
            seconds, counted = report_pass(path)
            assert counted == events, (counted, events)  # the report read exactly the events the bare pass did
            report.append(seconds)
        read, kb = peak_kb(path)
        result[name] = {
            "events": events,
            "bare_s": statistics.median(bare),
            "report_s": statistics.median(report),
            "ratio": statistics.median(r / b for r, b in zip(report, bare, strict=True)),
            "peak_mb": kb / 1024,
            "rounds": rounds,
        }
    return result


def report_lines(r: dict) -> list[str]:
    lines = [
        "",
        "`sop report` on the same stores: `build_report` against a bare pass of its own query that reads every "
        "event into Python and does nothing with it; peak memory of a fresh process building the report "
        "(max RSS, the interpreter and its imports included).",
        "",
        "| store | events read | bare pass | report | report / bare | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in r.items():
        lines.append(
            f"| {name} | {m['events']:,} | {m['bare_s']:.2f} s | {m['report_s']:.2f} s | {m['ratio']:.2f} (goal ≤ 3) "
            f"| {m['peak_mb']:.0f} MB |"
        )
    return lines


if __name__ == "__main__":
    measured = measure({Path(p).name: Path(p) for p in sys.argv[1:]}, rounds=3)
    print("\n".join(report_lines(measured)))
