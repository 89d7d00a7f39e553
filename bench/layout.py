"""How long the SOP AP chart's layout takes as SOPs grow: part of `make bench` (bench/run.py).

generated  SOPs of 50, 200 and 500 steps with every kind of arrow: loops back, jumps forward,
           steps of two pelaksana, early ends (tests/sops.py, the flowchart tests' own SOP)
fan-out    one decision with 10 and with 50 outcomes, each to a step of its own

Only ``runner.documents.layout.compute`` is timed (pages, symbols, every arrow routed), not
reading the YAML nor writing SVG or PDF. The cases run interleaved, round after round.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from runner.definition import SOP, load_sop
from runner.documents.layout import compute

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from sops import fan_out_sop, generated_sop  # noqa: E402  (the SOPs the tests draw)

STEPS = (50, 200, 500)
OUTCOMES = (10, 50)


def _sops(folder: Path) -> dict[str, SOP]:
    sops = {}
    for n in STEPS:
        (folder / str(n)).mkdir()
        sops[f"generated, {n} steps"] = load_sop(generated_sop(folder / str(n), n))
    for k in OUTCOMES:
        sops[f"fan-out, {k} outcomes"] = load_sop(fan_out_sop(folder, k))
    return sops


def measure(rounds: int = 5) -> dict:
    """Median layout time per case (seconds), with its size, and how the time per step grows."""
    with tempfile.TemporaryDirectory() as tmp:
        sops = _sops(Path(tmp))
    times: dict[str, list[float]] = {name: [] for name in sops}
    shape: dict[str, dict[str, int]] = {}
    for _ in range(rounds):
        for name, sop in sops.items():
            started = time.perf_counter()
            layout = compute(sop)
            times[name].append(time.perf_counter() - started)
            shape[name] = {
                "steps": len(sop.steps),
                "pages": len(layout.pages),
                "arrows": sum(len(page.arrows) for page in layout.pages),
                "steps_per_page": layout.steps_per_page,
            }
    cases = {
        name: {"median": statistics.median(t), "min": min(t), "max": max(t), "n": len(t), **shape[name]}
        for name, t in times.items()
    }

    def per_step(n: int) -> float:
        return cases[f"generated, {n} steps"]["median"] / n

    def per_outcome(k: int) -> float:
        return cases[f"fan-out, {k} outcomes"]["median"] / k

    growth = {f"time per step, {n} / {STEPS[0]} steps": per_step(n) / per_step(STEPS[0]) for n in STEPS[1:]}
    growth[f"time per outcome, {OUTCOMES[-1]} / {OUTCOMES[0]} outcomes"] = per_outcome(OUTCOMES[-1]) / per_outcome(
        OUTCOMES[0]
    )
    return {"cases": cases, "growth": growth}


def report_lines(results: dict) -> list[str]:
    """The markdown table of ``measure()``'s results."""
    lines = [
        "## Layout of the SOP AP chart",
        "",
        "`runner.documents.layout.compute` alone: pages, symbols and every arrow routed, as many steps per page "
        "as fit. Growth is the time per step (or per outcome) of the larger case over the smaller: 1.0 is linear.",
        "",
        "| layout of | steps | pages | arrows | median | spread | n |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, c in results["cases"].items():
        lines.append(
            f"| {name} | {c['steps']} | {c['pages']} | {c['arrows']} | {c['median'] * 1000:,.1f} ms "
            f"| {c['min'] * 1000:,.1f} – {c['max'] * 1000:,.1f} | {c['n']} |"
        )
    lines += ["", "| growth | measured |", "|---|---|"]
    lines += [f"| {name} | {ratio:.2f} |" for name, ratio in results["growth"].items()]
    return [*lines, ""]


if __name__ == "__main__":
    print("\n".join(report_lines(measure())))
