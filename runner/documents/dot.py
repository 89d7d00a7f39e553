"""The SOP as a Graphviz DOT graph (text): one swimlane (cluster) per pelaksana, with its own escaping."""

from __future__ import annotations

import textwrap

from ..definition import END, SOP, Step
from ..i18n import _
from .base import Options, transitions
from .overlay import TAKEN, TAKEN_WIDTH, Progress
from .text import short

END_NODE = "selesai"


def dot_text(text: str) -> str:
    """``text`` safe inside a quoted DOT string: quotes and backslashes escaped, newlines as \\n."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, 32, break_long_words=False, break_on_hyphens=False) or [""]


def _node(sop: SOP, s: Step, overlay: Progress | None) -> str:
    names = {p.id: p.label for p in sop.pelaksana}
    who = ", ".join(names[p] for p in s.pelaksana)  # a step stands in its first pelaksana's lane: name them all
    lines = [*_wrap(f"{s.label}. {short(s.uraian)}"), f"({who}; {s.waktu})"]
    lines += _wrap(short(s.decision.question)) if s.decision and s.decision.question else []
    text = "\n".join(lines)
    shape = "diamond" if s.decision else "box"
    terminator = (s.no == 1 and s.sub <= 1) or s.next == END
    style = "rounded" if not s.decision and terminator else ""  # the terminators
    fill = overlay.step_fill(s.no) if overlay else None
    if fill:
        style = ",".join(x for x in (style, "filled") if x)
    attrs = [f'label="{dot_text(text)}"', f"shape={shape}"] + ([f'style="{style}"'] if style else [])
    attrs += [f'fillcolor="{fill}"'] if fill else []
    return f"s{s.label} [{', '.join(attrs)}];"  # a node is a state: s2, or s2b for activity b of row 2


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    number = sop.numbers
    order = {s.id: i for i, s in enumerate(sop.steps)}
    lines = [
        f'digraph "{dot_text(sop.id)}" {{',
        "  rankdir=TB; newrank=true;",  # ranks across the lanes, in the order of the steps
        '  graph [fontname="DejaVu Sans"];',
        '  node [fontname="DejaVu Sans", fontsize=10];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
        f'  label="{dot_text("SOP " + sop.nama)}"; labelloc=t;',
    ]
    for i, p in enumerate(sop.pelaksana, start=1):
        nodes = [_node(sop, s, overlay) for s in sop.steps if s.pelaksana[0] == p.id]
        lines.append(f"  subgraph cluster_lane{i} {{")
        lines.append(f'    label="{dot_text(p.label)}"; style="rounded"; color="#888888";')
        # a lane of a pelaksana who only ever acts with others holds no step: keep it visible
        lines += [f"    {n}" for n in nodes] or [f"    lane{i}_empty [shape=point, style=invis];"]
        lines.append("  }")
    lines.append(f'  {END_NODE} [label="{dot_text(_("End"))}", shape=box, style=rounded];')
    for s, t, label in transitions(sop):
        dst = END_NODE if t == END else f"s{sop.step(t).label}"
        attrs = [f'label="{dot_text(label)}"'] if label else []
        if t != END and order[t] <= order[s.id]:
            attrs.append("constraint=false")  # a loop back does not push its step down
        if overlay and (s.no, END if t == END else number[t]) in overlay.transitions:
            attrs += [f'color="{TAKEN}"', f"penwidth={TAKEN_WIDTH}"]
        lines.append(f"  s{s.label} -> {dst}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    lines.append("}")
    return "\n".join(lines) + "\n"
