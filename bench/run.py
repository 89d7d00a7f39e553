"""The benchmarks, side by side, measured in one run: `make bench`.

engine  complete pelacuran cases (two corrections each) through the Cases API,
        the same path the CLI takes, on an SQLite file with its default durability
floor   the same number of bare SQLite transactions (one INSERT + COMMIT, same pragmas)
peer    SpiffWorkflow 3.2.0 running the same SOP as BPMN, its JSON state loaded from
        and saved to SQLite at every step, as a command-line tool must
cli     `sop case show` (in Indonesian, and with --lang en) / `sop case advance` as whole
        processes on 10,000 cases, against `python -c pass`
scale   `case list` (open, a screenful), `case list --all` and `case history` on 10,000 and 100,000 cases
report  `sop report` beside a bare SQL pass over the same events, and its peak memory (bench/reports.py)
layout  the SOP AP chart's layout for SOPs of 50 to 500 steps and decisions of 10 and 50 outcomes
        (bench/layout.py)
postgres  the engine on PostgreSQL against a bare psycopg INSERT + COMMIT, and 16 clerks at once
        (bench/postgres.py; skipped without SOP_BENCH_PG_URL or SOP_TEST_PG_URL)

Speed is reported as medians and ratios measured in the same run, never as
absolute promises. Writes bench/results.json and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import reports  # bench/reports.py: `sop report` against a bare pass over the same events
from layout import measure as measure_layout  # bench/layout.py: the chart's layout as SOPs grow
from layout import report_lines as layout_lines

from runner import Attachment, CaseRow, Cases, Status, find_sop, load_sop, open_store, render
from runner.canonical import canonical_json
from runner.cases import engine
from runner.definition.workcal import deadline
from runner.documents.bpmn import task_id
from runner.store import DocumentRow, EventRow
from runner.store.chain import GENESIS, event_hash
from runner.store.clock import iso, now
from runner.store.sql import case_values
from runner.store.sqlite import PRAGMAS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
SOP = load_sop(find_sop("pelacuran"))
# The path a case takes: a correction at step 4 and one at step 9, 14 steps in all.
PLAN = {4: ["koreksi", "disetujui"], 9: ["koreksi", "disetujui"]}
SOP_COMMAND = [str(Path(sys.executable).parent / "sop")]  # the console script a clerk types


def summary(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def plan_step(step_no: int, taken: dict[int, int]) -> str | None:
    if step_no not in PLAN:
        return None
    k = taken.get(step_no, 0)
    taken[step_no] = k + 1
    return PLAN[step_no][min(k, len(PLAN[step_no]) - 1)]


# --- engine, floor, peer --------------------------------------------------------------


def run_engine(folder: Path, cases_per_round: int) -> tuple[float, int]:
    """Steps per second of whole cases; returns (rate, steps)."""
    path = folder / "engine.sqlite3"
    for p in folder.glob("engine.sqlite3*"):
        p.unlink()
    with open_store(f"sqlite:///{path}") as store:
        cases = Cases(store)
        steps = 0
        started = time.perf_counter()
        for _ in range(cases_per_round):
            row = cases.start(SOP, attach=[Attachment("Informasi Pelanggaran")])
            taken: dict[int, int] = {}
            while row.status == "open":
                step = SOP.step(row.step)
                docs = [Attachment(k) for k in step.kelengkapan]
                row = cases.advance(row.id, step.pelaksana[0], outcome=plan_step(step.no, taken), attach=docs)
                steps += 1
        elapsed = time.perf_counter() - started
    return steps / elapsed, steps


def fresh_sqlite(folder: Path, name: str, table: str) -> sqlite3.Connection:
    """An empty SQLite file beside the engine's, with the case store's own pragmas."""
    for p in folder.glob(f"{name}*"):
        p.unlink()
    conn = sqlite3.connect(folder / name, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute(table)
    return conn


def run_floor(folder: Path, transactions: int) -> float:
    """Bare SQLite transactions per second, with the store's own pragmas."""
    conn = fresh_sqlite(folder, "floor.sqlite3", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    started = time.perf_counter()
    for i in range(transactions):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (f"event {i}",))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return transactions / elapsed


def run_peer(folder: Path, cases_per_round: int) -> float:
    """SpiffWorkflow steps per second, state round-tripped through SQLite at every step."""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_str(str(render(SOP, "bpmn")).encode())
    [process] = parser.get_process_ids()
    spec = parser.get_spec(process)
    number = {task_id(s.id): s.no for s in SOP.steps}
    serializer = BpmnWorkflowSerializer()
    conn = fresh_sqlite(folder, "peer.sqlite3", "CREATE TABLE workflows (id INTEGER PRIMARY KEY, state TEXT NOT NULL)")
    steps = 0
    started = time.perf_counter()
    for case in range(cases_per_round):
        wf = BpmnWorkflow(spec)
        wf.data_objects.update({obj: "ada" for obj in spec.data_objects})  # the documents a clerk brings
        wf.do_engine_steps()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO workflows (id, state) VALUES (?, ?)", (case, serializer.serialize_json(wf)))
        conn.execute("COMMIT")
        taken: dict[int, int] = {}
        while True:
            (state,) = conn.execute("SELECT state FROM workflows WHERE id = ?", (case,)).fetchone()
            wf = serializer.deserialize_json(state)
            if wf.is_completed():
                break
            [task] = wf.get_tasks(state=TaskState.READY, manual=True)
            outcome = plan_step(number[task.task_spec.name], taken)
            if outcome:
                task.data["outcome"] = outcome
            for obj in task.task_spec.data_output_associations:  # the step's outputs, as the engine records them
                task.data[obj.bpmn_id] = "ada"
            task.run()
            wf.do_engine_steps()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE workflows SET state = ? WHERE id = ?", (serializer.serialize_json(wf), case))
            conn.execute("COMMIT")
            steps += 1
    elapsed = time.perf_counter() - started
    conn.close()
    return steps / elapsed


# --- big stores, written in bulk ----------------------------------------------------------


def template() -> list[tuple[engine.Event, engine.CaseState]]:
    """One whole case through the real engine: each event with the state after it."""
    t0 = now()
    state = engine.start(SOP, t0, ["Informasi Pelanggaran"])
    out = [(engine.Event("start", t0, documents=("Informasi Pelanggaran",)), state)]
    taken: dict[int, int] = {}
    while state.status == "open":
        step = SOP.step(state.step)
        docs = tuple(step.missing(state.available))
        ev = engine.Event("advance", t0, step.pelaksana[0], plan_step(step.no, taken), docs)
        state = engine.apply(SOP, state, ev)
        out.append((ev, state))
    return out


OPEN_CASES = 300  # an office has a few hundred running cases, however long its history


def populate(path: Path, n_cases: int) -> None:
    """A store of ``n_cases`` pelacuran cases with valid hash chains: all done but the newest
    OPEN_CASES, which stand at every step (and are overdue by now)."""
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    store = open_store(f"sqlite:///{path}")
    tpl = template()
    base = now() - timedelta(days=60)
    conn = store.conn
    conn.execute("BEGIN")
    store.execute(
        "INSERT INTO definitions (digest, sop, version, body, source) VALUES (?, ?, ?, ?, ?)",
        (SOP.digest, SOP.id, SOP.version, SOP.canonical, SOP.source),
    )
    for i in range(1, n_cases + 1):
        case_id = f"{SOP.id}-{i}"
        open_case = i > n_cases - OPEN_CASES
        length = 1 + i % (len(tpl) - 1) if open_case else len(tpl)
        start = base + timedelta(seconds=i * 50)
        prev, events, docs = GENESIS, [], []
        state, step, entered = None, None, start
        for seq, (ev, after) in enumerate(tpl[:length], start=1):
            at = start + timedelta(minutes=10 * (seq - 1))
            meta = [{"name": d, "filename": None, "size": None, "sha256": None} for d in ev.documents]
            data = {"documents": meta} | ({"definition": SOP.digest, "title": None} if ev.action == "start" else {})
            row = EventRow(
                case_id,
                seq,
                iso(at),
                ev.action,
                step or SOP.first.id,
                ev.outcome,
                ev.role,
                "bench",
                None,
                canonical_json(data),
                prev,
                "",
            )
            row = row._replace(hash=event_hash(row))
            events.append(row)
            docs += [DocumentRow(case_id, seq, d, row.step, None, None, None, None) for d in ev.documents]
            prev = row.hash
            if state is None or after.step != state.step:
                entered = at
            state, step = after, after.step
        due = deadline(SOP.calendar, entered, SOP.step(state.step).duration) if state.step else None
        case = CaseRow(
            case_id,
            SOP.id,
            i,
            None,
            SOP.digest,
            state.status,
            state.step,
            iso(entered),
            iso(due) if due else None,
            sorted(state.available),
            length,
            prev,
            iso(start),
            events[-1][2],
        )
        store.execute("INSERT INTO cases VALUES (" + ",".join("?" * len(case)) + ")", case_values(case))
        conn.executemany(f"INSERT INTO events VALUES ({','.join('?' * len(EventRow._fields))})", events)
        conn.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", docs)
        if i % 20000 == 0:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
    conn.execute("COMMIT")
    problems = Cases(store).verify(f"{SOP.id}-{n_cases // 2}") + Cases(store).verify(f"{SOP.id}-{n_cases}")
    assert not problems, problems  # the bulk rows are what the engine itself would have written
    store.close()


# --- whole processes ----------------------------------------------------------------------


def wall(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def interleaved(
    commands: dict[str, Callable[[int], list[str]]], repeats: int, env: dict[str, str]
) -> dict[str, list[float]]:
    """Run the commands in turn, ``repeats`` times, so that drift hits all of them alike."""
    times: dict[str, list[float]] = {k: [] for k in commands}
    for warm in range(2):
        for make in commands.values():
            wall(make(-1 - warm), env)
    for r in range(repeats):
        for name, make in commands.items():
            times[name].append(wall(make(r), env))
    return times


def advance_args(db: str, store_path: Path, repeats: int) -> list[list[str]]:
    """Prepared `case advance` commands, each on a different open case, each one the SOP allows."""
    with open_store(f"sqlite:///{store_path}") as store:
        rows = list(store.cases(status=Status.OPEN, limit=repeats + 2))
    commands = []
    for r in rows:
        step = SOP.step(r.step)
        available = set(r.available)
        args = SOP_COMMAND + ["--db", db, "case", "advance", r.id, "--as", step.pelaksana[0]]
        args += [a for k in step.missing(available) for a in ("--attach", k)]
        if step.decision:
            args += ["--outcome", "disetujui"]
        commands.append(args)
    return commands


def machine() -> dict[str, str]:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "sqlite": sqlite3.sqlite_version,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", type=int, default=30, help="cases per engine/peer round")
    parser.add_argument("--repeats", type=int, default=15, help="runs per whole-process timing")
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    # SOP_LANG=id: the product's language whatever this machine's locale says; --lang en is timed beside it
    env = {**os.environ, "XDG_CACHE_HOME": str(WORK / "cache"), "XDG_DATA_HOME": str(WORK / "data"), "SOP_LANG": "id"}
    env.pop("SOP_DB", None)
    os.environ.update({"XDG_CACHE_HOME": env["XDG_CACHE_HOME"], "XDG_DATA_HOME": env["XDG_DATA_HOME"]})
    results: dict = {"machine": machine(), "when": iso(now())}

    print("engine / floor / peer ...", flush=True)
    eng, flo, peer = [], [], []
    for _ in range(args.rounds):  # interleaved rounds: the disk's mood hits all three alike
        rate, steps = run_engine(WORK, args.cases)
        eng.append(rate)
        flo.append(run_floor(WORK, steps))
        peer.append(run_peer(WORK, args.cases))
    results["engine_steps_per_s"] = summary(eng)
    results["floor_tx_per_s"] = summary(flo)
    results["peer_steps_per_s"] = summary(peer)
    results["engine_over_floor"] = statistics.median(e / f for e, f in zip(eng, flo, strict=True))
    results["engine_over_peer"] = statistics.median(e / p for e, p in zip(eng, peer, strict=True))
    # one durable commit per step bounds the engine: it can be at most floor/peer times the peer
    results["floor_over_peer"] = statistics.median(f / p for f, p in zip(flo, peer, strict=True))

    print("stores of 10,000 and", args.big, "cases ...", flush=True)
    small, big = WORK / "cases-10k.sqlite3", WORK / "cases-big.sqlite3"
    populate(small, 10_000)
    populate(big, args.big)
    db_small, db_big = f"sqlite:///{small}", f"sqlite:///{big}"
    middle = "pelacuran-5000"  # a closed case with its whole history
    running = f"pelacuran-{10_000 - 7}"  # one of the open cases, as a clerk looks at them

    print("report ...", flush=True)
    results["report"] = reports.measure({"10,000 cases": small, f"{args.big:,} cases": big}, max(3, args.rounds))

    print("whole processes ...", flush=True)
    # As installed from a wheel, where pip compiles the bytecode: a checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module on every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "runner")], check=True)
    advances = advance_args(db_small, small, args.repeats)
    py = [sys.executable]
    cli = interleaved(
        {
            "python -c pass": lambda r: py + ["-c", "pass"],
            "python -c 'import click'": lambda r: py + ["-c", "import click"],
            "sop case show": lambda r: SOP_COMMAND + ["--db", db_small, "case", "show", running],
            "sop case show --lang en": lambda r: (
                SOP_COMMAND + ["--lang", "en", "--db", db_small, "case", "show", running]
            ),
            "sop case advance": lambda r: advances[r + 2],
        },
        args.repeats,
        env,
    )
    results["cli_seconds"] = {k: summary(v) for k, v in cli.items()}
    bare = statistics.median(cli["python -c pass"])
    results["cli_over_bare_python"] = {k: statistics.median(v) / bare for k, v in cli.items() if k != "python -c pass"}

    print("scale ...", flush=True)
    scale = interleaved(
        {
            "list 10k": lambda r: SOP_COMMAND + ["--db", db_small, "case", "list"],
            "list big": lambda r: SOP_COMMAND + ["--db", db_big, "case", "list"],
            "list --all 10k": lambda r: SOP_COMMAND + ["--db", db_small, "case", "list", "--all"],
            "list --all big": lambda r: SOP_COMMAND + ["--db", db_big, "case", "list", "--all"],
            "history 10k": lambda r: SOP_COMMAND + ["--db", db_small, "case", "history", middle, "--json"],
            "history big": lambda r: SOP_COMMAND + ["--db", db_big, "case", "history", middle, "--json"],
        },
        max(5, args.repeats // 3),
        env,
    )
    results["scale_seconds"] = {k: summary(v) for k, v in scale.items()}
    with sqlite3.connect(big) as conn:
        results["big_store"] = {
            "cases": conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0],
            "events": conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
            "overdue": conn.execute(
                "SELECT COUNT(*) FROM cases WHERE status = 'open' AND deadline < ?", (iso(now()),)
            ).fetchone()[0],
        }
    med = {k: v["median"] for k, v in results["scale_seconds"].items()}
    results["growth"] = {
        "list": med["list big"] / med["list 10k"],
        "list --all": med["list --all big"] / med["list --all 10k"],
        "history": med["history big"] / med["history 10k"],
    }

    print("web ...", flush=True)
    import web  # bench/web.py: the inbox of sop serve under 20 clients at once

    results["web"] = web.measure({"10,000 cases": small, f"{args.big:,} cases": big}, ROOT / "tests" / "data" / "sop")

    print("layout ...", flush=True)
    results["layout"] = measure_layout(args.rounds)
    print("postgresql ...", flush=True)
    import postgres  # bench/postgres.py: the engine on PostgreSQL and 16 clerks at once

    results["postgres"] = postgres.measure()

    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (ROOT / "docs" / "benchmarks.md").write_text(report(results, args), encoding="utf-8")
    print(report(results, args))


def report(r: dict, args: argparse.Namespace) -> str:
    m = r["machine"]

    def row(name: str, s: dict, unit: str, scale: float = 1.0) -> str:
        return f"| {name} | {s['median'] * scale:,.1f} {unit} | {s['min'] * scale:,.1f} – {s['max'] * scale:,.1f} | {s['n']} |"

    lines = [
        "# Benchmarks",
        "",
        f"Measured in one run of `make bench` on {r['when'][:10]}: {m['cpu']}, {m['cores']} cores, "
        f"Python {m['python']}, SQLite {m['sqlite']}, {m['platform']}.",
        "Medians with the spread (min – max) over the rounds; ratios are the median of per-round ratios.",
        "",
        "| what | median | spread | n |",
        "|---|---|---|---|",
        row(
            "engine: pelacuran steps per second (Cases API, SQLite, synchronous=FULL)",
            r["engine_steps_per_s"],
            "steps/s",
        ),
        row("floor: bare SQLite INSERT + COMMIT per second, same pragmas", r["floor_tx_per_s"], "tx/s"),
        row("peer: SpiffWorkflow 3.2.0 steps per second, JSON state in SQLite", r["peer_steps_per_s"], "steps/s"),
    ]
    for name, s in r["cli_seconds"].items():
        lines.append(row(f"`{name}` (10,000 cases)" if name.startswith("sop") else f"`{name}`", s, "ms", 1000))
    for name, s in r["scale_seconds"].items():
        lines.append(row(f"`case {name}`", s, "ms", 1000))
    big = r["big_store"]
    click_ratio = r["cli_over_bare_python"]["python -c 'import click'"]
    lines += [
        "",
        "| ratio | measured | target |",
        "|---|---|---|",
        f"| engine / floor | {r['engine_over_floor']:.2f} | ≥ 0.5 |",
        f"| engine / peer | {r['engine_over_peer']:.1f} | ≥ 10 |",
        f"| floor / peer: the ceiling of engine / peer with one durable commit a step | {r['floor_over_peer']:.1f} | — |",
        f"| `case show` / `python -c pass` | {r['cli_over_bare_python']['sop case show']:.1f} | ≤ 5 |",
        f"| `case show --lang en` / `python -c pass` | {r['cli_over_bare_python']['sop case show --lang en']:.1f} | ≤ 5 |",
        f"| `case advance` / `python -c pass` | {r['cli_over_bare_python']['sop case advance']:.1f} | — |",
        f"| `python -c 'import click'` / `python -c pass` | {click_ratio:.1f} | — |",
        f"| `case list`: {big['cases']:,} / 10,000 cases | {r['growth']['list']:.2f} | ≤ 2 |",
        f"| `case list --all`: {big['cases']:,} / 10,000 cases | {r['growth']['list --all']:.2f} | ≤ 2 |",
        f"| `history`: {big['cases']:,} / 10,000 cases | {r['growth']['history']:.2f} | — |",
        "",
        f"The big store holds {big['cases']:,} cases and {big['events']:,} events, {big['overdue']:,} of the cases "
        f"overdue. Rounds: {args.rounds} of {args.cases} cases for engine and peer; {args.repeats} runs per "
        "whole-process timing, interleaved, after two warm-up runs each.",
        "",
    ]
    lines += reports.report_lines(r["report"]) + [""]
    if "web" in r:
        import web

        lines += web.report_lines(r["web"]) + [""]
    lines += layout_lines(r["layout"])
    if "postgres" in r:
        import postgres

        lines += postgres.report_lines(r["postgres"])
    return "\n".join(lines)


if __name__ == "__main__":
    main()
