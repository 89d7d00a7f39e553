"""The SOP as a Mermaid flowchart (text), with its own escaping."""

from __future__ import annotations

from ..definition import END, SOP
from ..i18n import _
from .base import Options
from .overlay import Progress
from .text import short


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    lines = ["flowchart TD"]
    names = {p.id: p.label for p in sop.pelaksana}
    for s in sop.steps:
        who = ", ".join(names[p] for p in s.pelaksana)
        label = _mermaid_text(f"{s.no}. {short(s.uraian)}") + "<br/>" + _mermaid_text(f"({who}; {s.waktu})")
        if s.decision:
            lines.append(f'  s{s.no}{{"{label}<br/>{_mermaid_text(s.decision.question)}"}}')
        elif s.no == 1 or s.next == END:
            lines.append(f'  s{s.no}(["{label}"])')
        else:
            lines.append(f'  s{s.no}["{label}"]')
    lines.append(f'  end_(["{_mermaid_text(_("End"))}"])')
    number = sop.numbers
    for s in sop.steps:
        if s.decision:
            for name, t in s.decision.outcomes.items():
                dst = "end_" if t == END else f"s{number[t]}"
                lines.append(f"  s{s.no} -->|{_mermaid_text(name)}| {dst}")
        else:
            lines.append(f"  s{s.no} --> {'end_' if s.next == END else f's{number[s.next]}'}")  # type: ignore[index]
    if overlay:
        lines += [
            "  classDef done fill:#d9f2d9,stroke:#1a7f37",
            "  classDef current fill:#fff3b0,stroke:#b58900",
            "  classDef overdue fill:#f8c4c4,stroke:#c00",
        ]
        if overlay.done:
            lines.append("  class " + ",".join(f"s{n}" for n in sorted(overlay.done)) + " done")
        if overlay.current:
            lines.append(f"  class s{overlay.current} {'overdue' if overlay.overdue else 'current'}")
    return "\n".join(lines) + "\n"
