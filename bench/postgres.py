"""The engine on PostgreSQL: one function call per action, against a bare psycopg INSERT + COMMIT.

engine   complete pelacuran cases through the Cases API on PostgreSQL: per action one read
         (the case and the server's clock) and one call of sop_act, which checks and writes
floor    the same number of bare transactions from psycopg: one INSERT, then COMMIT
clerks   16 processes advancing cases of one shared pool at once: steps per second, refusals by
         kind, and a count that no event was lost or written twice

The database is SOP_BENCH_PG_URL, else SOP_TEST_PG_URL; each run works in a schema of its own
and drops it. Without a reachable server the section is skipped with a note.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import time
import uuid
from collections import Counter
from typing import Any
from urllib.parse import quote

CLERKS = 16
POOL = 48  # cases the clerks share
ACTIONS_PER_CLERK = 30


def _url() -> str | None:
    return os.environ.get("SOP_BENCH_PG_URL") or os.environ.get("SOP_TEST_PG_URL")


def _schema_url(base: str, schema: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"


def _summary(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def _next_action(sop: Any, row: Any, taken: dict[int, int]) -> tuple[str, str | None, list[str]]:
    """What the bench's clerks do on a case's current step: its first pelaksana, the plan's outcome."""
    from run import plan_step  # the engine bench's path: a correction at steps 4 and 9

    step = sop.step(row.step)
    return step.pelaksana[0], plan_step(step.no, taken), step.missing(row.available)


def run_engine(url: str, cases_per_round: int) -> tuple[float, int]:
    from runner import Attachment, Cases, find_sop, load_sop, open_store

    sop = load_sop(find_sop("pelacuran"))
    with open_store(url) as store:
        cases = Cases(store)
        steps = 0
        started = time.perf_counter()
        for _ in range(cases_per_round):
            row = cases.start(sop, attach=[Attachment("Informasi Pelanggaran")])
            taken: dict[int, int] = {}
            while row.status == "open":
                role, outcome, missing = _next_action(sop, row, taken)
                row = cases.advance(row.id, role, outcome=outcome, attach=[Attachment(m) for m in missing])
                steps += 1
        elapsed = time.perf_counter() - started
    return steps / elapsed, steps


def run_floor(url: str, transactions: int) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS floor (id BIGSERIAL PRIMARY KEY, v TEXT)")
        conn.commit()
        started = time.perf_counter()
        for i in range(transactions):
            conn.execute("INSERT INTO floor (v) VALUES (%s)", (f"event {i}",))
            conn.commit()
        elapsed = time.perf_counter() - started
    return transactions / elapsed


def _clerk(url: str, ids: list[str], start_at: float, seed: int, out: Any) -> None:
    """One clerk: advance random cases of the pool; count what was done and what was refused."""
    from runner import Attachment, Cases, UserError, find_sop, load_sop, open_store

    sop = load_sop(find_sop("pelacuran"))
    rng = random.Random(seed)
    done, refused = 0, Counter[str]()
    with open_store(url) as store:
        cases = Cases(store)
        time.sleep(max(0.0, start_at - time.time()))
        started = time.perf_counter()
        for _ in range(ACTIONS_PER_CLERK):
            row = store.case(rng.choice(ids))
            if row is None or row.status != "open":
                continue
            step = sop.step(row.step)  # every decision approved: the pool moves on
            role, missing = step.pelaksana[0], step.missing(row.available)
            outcome = "disetujui" if step.decision else None
            try:
                cases.advance(row.id, role, outcome=outcome, attach=[Attachment(m) for m in missing])
                done += 1
            except UserError as e:
                refused[e.kind] += 1
        out.put((done, dict(refused), time.perf_counter() - started))


def run_clerks(url: str) -> dict[str, Any]:
    from runner import Attachment, Cases, find_sop, load_sop, open_store

    sop = load_sop(find_sop("pelacuran"))
    with open_store(url) as store:
        cases = Cases(store)
        ids = [cases.start(sop, attach=[Attachment("Informasi Pelanggaran")]).id for _ in range(POOL)]
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 3.0  # every clerk imported and connected, then all at once
    procs = [ctx.Process(target=_clerk, args=(url, ids, start_at, i, out)) for i in range(CLERKS)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    steps = sum(r[0] for r in results)
    refused: Counter[str] = Counter()
    for r in results:
        refused.update(r[1])
    wall = max(r[2] for r in results)
    with open_store(url) as store:
        pool = "case_id = ANY(?)"
        (events,) = store.execute(f"SELECT count(*) FROM events WHERE {pool}", (ids,)).fetchone()
        (requests,) = store.execute(f"SELECT count(DISTINCT request) FROM events WHERE {pool}", (ids,)).fetchone()
        (seqs,) = store.execute("SELECT sum(seq) FROM cases WHERE id = ANY(?)", (ids,)).fetchone()
        findings = [f for cid in ids for f in Cases(store).verify(cid)]
    return {
        "clerks": CLERKS,
        "cases": POOL,
        "steps": steps,
        "steps_per_s": steps / wall,
        "refused": dict(refused),
        # every action that succeeded is one event, and no event is there twice
        "events": events,
        "expected_events": POOL + steps,
        "distinct_requests": requests,
        "sum_of_case_seq": seqs,
        "verify_findings": len(findings),
    }


def measure(rounds: int = 9, cases_per_round: int = 8) -> dict[str, Any]:
    base = _url()
    if not base:
        return {"skipped": "no PostgreSQL: set SOP_BENCH_PG_URL (or SOP_TEST_PG_URL)"}
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
            version = conn.execute("SHOW server_version").fetchone()[0]
            sync = conn.execute("SHOW synchronous_commit").fetchone()[0]
    except psycopg.Error as e:
        return {"skipped": f"PostgreSQL at {base} is not reachable: {str(e).strip().splitlines()[0]}"}
    url = _schema_url(base, schema)
    try:
        eng, flo = [], []
        for _ in range(rounds):  # interleaved: the server's mood hits both alike
            rate, steps = run_engine(url, cases_per_round)
            eng.append(rate)
            flo.append(run_floor(url, steps))
        clerks = run_clerks(url)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return {
        "server": f"PostgreSQL {version}, synchronous_commit={sync}",
        "engine_steps_per_s": _summary(eng),
        "floor_tx_per_s": _summary(flo),
        "engine_over_floor": statistics.median(e / f for e, f in zip(eng, flo, strict=True)),
        "rounds": rounds,
        "cases_per_round": cases_per_round,
        "clerks": clerks,
    }


def report_lines(r: dict[str, Any]) -> list[str]:
    lines = ["", "## PostgreSQL", ""]
    if "skipped" in r:
        return lines + [f"Skipped: {r['skipped']}.", ""]

    def row(name: str, s: dict[str, float], unit: str) -> str:
        return f"| {name} | {s['median']:,.1f} {unit} | {s['min']:,.1f} – {s['max']:,.1f} | {s['n']} |"

    c = r["clerks"]
    intact = c["events"] == c["expected_events"] == c["distinct_requests"] == c["sum_of_case_seq"]
    refused = ", ".join(f"{k} {v}" for k, v in sorted(c["refused"].items())) or "none"
    return lines + [
        f"{r['server']}, on the same machine. Each action is one read (the case and the server's clock) "
        "and one call of `sop_act`, which checks the post and the step and writes the event and the case row.",
        "",
        "| what | median | spread | n |",
        "|---|---|---|---|",
        row("engine: pelacuran steps per second (Cases API, PostgreSQL)", r["engine_steps_per_s"], "steps/s"),
        row("floor: bare psycopg INSERT + COMMIT per second", r["floor_tx_per_s"], "tx/s"),
        "",
        "| ratio | measured | target |",
        "|---|---|---|",
        f"| engine / floor on PostgreSQL | {r['engine_over_floor']:.2f} | ≥ 0.6 |",
        "",
        f"{c['clerks']} clerks at once on {c['cases']} shared cases: {c['steps']} steps at "
        f"{c['steps_per_s']:,.1f} steps/s in total; refused: {refused}. Events {c['events']} = "
        f"{c['cases']} starts + {c['steps']} steps = distinct request ids {c['distinct_requests']} = "
        f"the cases' sequence numbers summed {c['sum_of_case_seq']}: "
        f"{'nothing lost or doubled' if intact else 'MISMATCH'}; `case verify` findings: {c['verify_findings']}.",
        "",
    ]


if __name__ == "__main__":
    import json
    import sys

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    results = measure()
    print(json.dumps(results, indent=2))
    print("\n".join(report_lines(results)))
