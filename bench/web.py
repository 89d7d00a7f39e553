"""The inbox of ``sop serve`` under load: 20 clients at once on loopback, for a bounded time.

On the bench's stores of 10,000 and of the big number of cases (SQLite), a person holding two
posts (Kasi Trantib and Plh. Camat) asks for their inbox; the same server's trivial page
(``/ping``) is measured in the same run as the baseline. Figures: p50 and p99 latency and
pages per second; the ratios inbox / trivial at p50 and big store / 10,000 at p50.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import runner
from runner.store.sqlite import os_login

CLIENTS = 20
SECONDS = 5.0
LOGIN = "bench-camat"


def _staff(path: Path) -> str:
    """Register the person with two posts; a session token for them."""
    with runner.open_store(f"sqlite:///{path}") as store:
        people = runner.People(store)
        if store.person(os_login()) is None:
            people.add(os_login(), "Bench Admin")
        if store.person(LOGIN) is None:
            people.add(LOGIN, "Bench Camat")
            people.grant(LOGIN, "kasi-trantib", valid_from="2020-01-01")
            people.grant(LOGIN, "camat", acting="plh", valid_from="2020-01-01")
        sessions = runner.Sessions(store)
        sessions.set_password(LOGIN, "bench-password", os_login(), first=False)
        return sessions.sign_in(LOGIN, "bench-password", "127.0.0.1").token


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load(port: int, path: str, token: str) -> tuple[list[float], float]:
    """CLIENTS threads asking for ``path`` for SECONDS; the latencies and the pages per second."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + SECONDS

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": f"sop_session={token}"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, len(latencies) / (time.perf_counter() - began)


def _figures(latencies: list[float], rate: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "pages_per_s": rate,
        "n": len(ordered),
    }


def measure(stores: dict[str, Path], sop_dir: Path, workers: int = 2) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, path in stores.items():
        token = _staff(path)
        port = _port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "runner", "--db", f"sqlite:///{path}", "--sop-dir", str(sop_dir), "serve",
             "--port", str(port), "--workers", str(workers)],
            env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            _load(port, "/", token)  # warm-up: every worker has loaded the SOPs and the templates
            results[name] = {
                "trivial": _figures(*_load(port, "/ping", token)),
                "inbox": _figures(*_load(port, "/", token)),
            }
        finally:
            proc.terminate()
            proc.wait(10)
    return results


def report_lines(r: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    lines = [
        "",
        f"## The web inbox (`sop serve --workers 2`, {CLIENTS} clients at once on loopback, {SECONDS:.0f} s each)",
        "",
        "| store | page | p50 | p99 | pages/s | n |",
        "|---|---|---|---|---|---|",
    ]
    for store, pages in r.items():
        for page, f in pages.items():
            lines.append(
                f"| {store} | {page} | {f['p50_ms']:.1f} ms | {f['p99_ms']:.1f} ms | {f['pages_per_s']:.0f} | {f['n']} |"
            )
    names = list(r)
    lines += ["", "| ratio | measured | target |", "|---|---|---|"]
    for store in names:
        ratio = r[store]["inbox"]["p50_ms"] / r[store]["trivial"]["p50_ms"]
        lines.append(f"| inbox / trivial page at p50, {store} | {ratio:.2f} | ≤ 3 |")
    if len(names) == 2:
        growth = r[names[1]]["inbox"]["p50_ms"] / r[names[0]]["inbox"]["p50_ms"]
        lines.append(f"| inbox at p50: {names[1]} / {names[0]} | {growth:.2f} | ≤ 1.3 |")
    return lines


if __name__ == "__main__":  # python bench/web.py STORE.sqlite3 ...: the figures of existing stores
    here = Path(__file__).resolve().parent
    found = measure({Path(p).name: Path(p) for p in sys.argv[1:]}, here.parent / "tests" / "data" / "sop")
    print("\n".join(report_lines(found)))
