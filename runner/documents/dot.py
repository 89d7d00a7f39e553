"""The SOP as a Graphviz DOT graph (text), with its own escaping."""

from __future__ import annotations

from ..definition import END, SOP
from ..i18n import _
from .base import Options
from .overlay import Progress
from .text import short


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    names = {p.id: p.label for p in sop.pelaksana}
    number = sop.numbers
    lines = [
        f'digraph "{_dot_text(sop.id)}" {{',
        "  rankdir=TB;",
        '  node [fontname="DejaVu Sans", fontsize=10];',
        f'  label="{_dot_text("SOP " + sop.nama)}"; labelloc=t;',
    ]
    for s in sop.steps:
        who = ", ".join(names[p] for p in s.pelaksana)
        label = _dot_text(f"{s.no}. {short(s.uraian)}\n({who}; {s.waktu})")
        shape = "diamond" if s.decision else "box"
        style = "rounded" if not s.decision and (s.no == 1 or s.next == END) else ""
        fill = overlay.step_fill(s.no) if overlay else None
        if fill:
            style = ",".join(x for x in (style, "filled") if x)
        attrs = [f'label="{label}"', f"shape={shape}"] + ([f'style="{style}"'] if style else [])
        attrs += [f'fillcolor="{fill}"'] if fill else []
        lines.append(f"  s{s.no} [{', '.join(attrs)}];")
    lines.append(f'  end_ [label="{_dot_text(_("End"))}", shape=box, style=rounded];')
    for s in sop.steps:
        targets = s.decision.outcomes.items() if s.decision else [(None, s.next)]
        for name, t in targets:
            dst = "end_" if t == END else f"s{number[t]}"  # type: ignore[index]
            to = END if t == END else number[t]  # type: ignore[index]
            attrs = [f'label="{_dot_text(name)}"'] if name else []
            if overlay and (s.no, to) in overlay.transitions:
                attrs += ['color="#1a7f37"', "penwidth=2.2"]
            lines.append(f"  s{s.no} -> {dst}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    lines.append("}")
    return "\n".join(lines) + "\n"
