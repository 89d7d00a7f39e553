"""The SOP as a Mermaid flowchart (text): one swimlane (subgraph) per pelaksana, with its own escaping.

Every id is ours (``lane1``, ``s1``, ``selesai``), never a word from the SOP, so no id can be a
Mermaid keyword; every text stands in double quotes with each character Mermaid or HTML reads
specially written as an entity code, so any SOP text parses as the words it is.
"""

from __future__ import annotations

from ..definition import END, SOP, Step
from ..i18n import _
from .base import Options, transitions
from .overlay import CURRENT, DONE, OVERDUE, TAKEN, TAKEN_WIDTH, Progress
from .text import short

# Inside a quoted label Mermaid still reads the quote (it ends the label), entity codes (#...;),
# directives and comments (%%), markdown (`) and HTML (<, >, &).
_ENTITIES = {c: f"#{ord(c)};" for c in '"#%&<>`'}
# Before parsing, Mermaid cuts the last ";" off any line where these words stand before a colon and a
# "#" (meant for its own style statements), which would break an entity code: spell their first letter.
_STYLE_WORDS = {"style": "#115;tyle", "classDef": "#99;lassDef"}
END_NODE = "selesai"


def mermaid_text(text: str) -> str:
    """``text`` on one line, safe inside a quoted Mermaid label."""
    text = "".join(_ENTITIES.get(c, c) for c in " ".join(text.split()))
    for word, spelled in _STYLE_WORDS.items():
        text = text.replace(word, spelled)
    return text


def _who(sop: SOP, step: Step) -> str:
    names = {p.id: p.label for p in sop.pelaksana}
    return ", ".join(names[p] for p in step.pelaksana)


def _node(sop: SOP, s: Step) -> str:
    """A step in its lane: its number and activity, who does it and how long, and a decision's question."""
    label = mermaid_text(f"{s.label}. {short(s.uraian)}") + "<br/>" + mermaid_text(f"({_who(sop, s)}; {s.waktu})")
    if s.decision:
        question = f"<br/>{mermaid_text(short(s.decision.question))}" if s.decision.question else ""
        return f's{s.label}{{"{label}{question}"}}'
    if (s.no == 1 and s.sub <= 1) or s.next == END:  # the terminators of the SOP AP chart
        return f's{s.label}(["{label}"])'
    return f's{s.label}["{label}"]'


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    lines = ["flowchart TD"]
    # a step stands in the lane of its first pelaksana; its label names every one
    for i, p in enumerate(sop.pelaksana, start=1):
        lines.append(f'  subgraph lane{i}["{mermaid_text(p.label)}"]')
        lines += [f"    {_node(sop, s)}" for s in sop.steps if s.pelaksana[0] == p.id]
        lines.append("  end")
    lines.append(f'  {END_NODE}(["{mermaid_text(_("End"))}"])')
    number = sop.numbers
    taken = []
    for k, (s, t, label) in enumerate(transitions(sop)):
        # a node is a state: s2 for a step, s2b for activity b of row 2
        dst = END_NODE if t == END else f"s{sop.step(t).label}"
        src = f"s{s.label}"
        lines.append(f'  {src} -->|"{mermaid_text(label)}"| {dst}' if label else f"  {src} --> {dst}")
        if overlay and (s.no, END if t == END else number[t]) in overlay.transitions:
            taken.append(str(k))
    if overlay:
        lines += [
            f"  classDef done fill:{DONE},stroke:{TAKEN}",
            f"  classDef current fill:{CURRENT},stroke:#b58900",
            f"  classDef overdue fill:{OVERDUE},stroke:#c00",
        ]
        done = sorted(overlay.done - {overlay.current})  # the step it is on again shows as current
        if done:
            lines.append("  class " + ",".join(f"s{x.label}" for n in done for x in sop.rows[n - 1].steps) + " done")
        if overlay.current:
            current = ",".join(f"s{x.label}" for x in sop.rows[overlay.current - 1].steps)
            lines.append(f"  class {current} {'overdue' if overlay.overdue else 'current'}")
        if taken:
            lines.append(f"  linkStyle {','.join(taken)} stroke:{TAKEN},stroke-width:{TAKEN_WIDTH}px")
    return "\n".join(lines) + "\n"
