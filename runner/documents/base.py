"""What every document format shares: the options, the formats by name, the file suffixes.

Each format is a module of this package with one function
``render(sop, overlay, options) -> str | bytes``, imported only when asked
for, so that drawing a PDF never slows down ``sop case show``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..definition import END, SOP, Step
from ..files import output_format

# format name -> module in this package; the CLI builds its --format choice from this table
FORMATS: dict[str, str] = {
    "html": "html",
    "svg": "svg",
    "pdf": "pdf",
    "mermaid": "mermaid",
    "dot": "dot",
    "bpmn": "bpmn",
}
PAPER_SIZES = ("a4", "f4")


@dataclass(frozen=True)
class Options:
    steps_per_page: int | None = None  # None: as many as fit on each page
    paper: str = "a4"


def format_for(path: Path | None, default: str = "html", chosen: str | None = None, stem: str = "FILE") -> str:
    """The format a file name asks for by its suffix (``x.pdf`` -> pdf), else ``default``; a suffix of no format,
    or a PDF without a file, is refused (runner.files.output_format, the one place that decides it)."""
    return output_format(path, FORMATS, chosen, default, stem=stem)


def transitions(sop: SOP) -> list[tuple[Step, str, str | None]]:
    """Every arrow of the chart: (step, target step id or "end", its label), one per target of a step.

    Outcomes that lead to the same target share one arrow, labelled with all their names.
    """
    arrows: list[tuple[Step, str, str | None]] = []
    for s in sop.steps:
        if s.decision:
            arrows.extend((s, t, outcomes_to(s, t)) for t in s.targets)
        else:
            arrows.append((s, s.next or END, None))
    return arrows


def outcomes_to(step: Step, target: str) -> str:
    """The names of a decision's outcomes that lead to ``target``, as one label."""
    assert step.decision is not None
    return ", ".join(name for name, t in step.decision.outcomes.items() if t == target)
