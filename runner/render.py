"""Draw the SOP AP document: html, svg, pdf, mermaid and dot, with an optional case overlay.

The geometry comes from ``layout``; the drawing from the Jinja2 templates in
``templates/`` (autoescaped, so SOP text is always text). Mermaid and dot are
text formats built here, with their own escaping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .definition import END, SOP
from .layout import Arrow, Layout, Symbol, compute

FORMATS = ("html", "svg", "pdf", "mermaid", "dot")
PAGE_SIZES = {"a4": "A4 landscape", "f4": "330mm 215mm"}  # F4/Folio, landscape

DONE, CURRENT, OVERDUE = "#d9f2d9", "#fff3b0", "#f8c4c4"


@dataclass
class Progress:
    """What a case did, for drawing it on the chart."""

    heading: str
    done: set[int] = field(default_factory=set)  # step numbers completed at least once
    current: int | None = None
    overdue: bool = False
    transitions: set[tuple[int, int | str]] = field(default_factory=set)  # (from step no, to step no | "end")

    def fill(self, symbol: Symbol) -> str:
        if symbol.step is not None and symbol.step == self.current:
            return OVERDUE if self.overdue else CURRENT
        if symbol.step in self.done:
            return DONE
        if symbol.kind == "terminator" and symbol.step is None and any(t == END for _f, t in self.transitions):
            return DONE
        return "#fff"

    def taken(self, arrow: Arrow) -> bool:
        if arrow.from_step == arrow.to_step:  # joins between a step's own symbols
            return arrow.from_step in self.done
        return (arrow.from_step, arrow.to_step) in self.transitions


def progress_of(sop: SOP, view: Any, history: Iterable[dict[str, Any]]) -> Progress:
    """The overlay for a case, from its ``CaseView`` and its history."""
    number = {s.id: s.no for s in sop.steps}
    done: set[int] = set()
    transitions: set[tuple[int, int | str]] = set()
    events = [e for e in history if e["action"] == "advance"]
    for i, e in enumerate(events):
        src = number[e["step"]]
        done.add(src)
        nxt = events[i + 1]["step"] if i + 1 < len(events) else view.row.step
        transitions.add((src, number[nxt] if nxt else END))
    status = {"open": "sedang berjalan", "done": "selesai", "cancelled": "dibatalkan"}[view.row.status]
    title = f" — {view.row.title}" if view.row.title else ""
    current = number[view.row.step] if view.row.status == "open" and view.row.step else None
    return Progress(f"Kasus {view.row.id}{title} ({status})", done, current, view.overdue, transitions)


def _environment() -> Any:
    import jinja2

    from .resources import resource_dir

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_dir("templates")),
        autoescape=True,  # SOP text is data: a <script> in an uraian stays text
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def svg_pages(layout: Layout, overlay: Progress | None = None) -> list[str]:
    template = _environment().get_template("page.svg.j2")
    mutu = [c for c in layout.columns if c.key in ("kelengkapan", "waktu", "output")]
    subtitle = " — ".join(x for x in (layout.sop.unit, layout.sop.instansi) if x)
    return [
        template.render(
            layout=layout,
            page=page,
            overlay=overlay,
            subtitle=subtitle,
            mutu=(mutu[0].x, mutu[-1].x + mutu[-1].w),
            centered=("no", "waktu"),
        )
        for page in layout.pages
    ]


def svg_document(layout: Layout, overlay: Progress | None = None) -> str:
    """Every page in one SVG, one under the other."""
    gap = 20
    pages = svg_pages(layout, overlay)
    total = len(pages) * layout.height + (len(pages) - 1) * gap
    body = "".join(
        f'<g transform="translate(0 {i * (layout.height + gap):.1f})">{svg}</g>' for i, svg in enumerate(pages)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width:.1f}" height="{total:.1f}" '
        f'viewBox="0 0 {layout.width:.1f} {total:.1f}">{body}</svg>\n'
    )


_IDENTITY_PAIRS = [
    (("Dasar Hukum", "dasar_hukum"), ("Kualifikasi Pelaksana", "kualifikasi_pelaksana")),
    (("Keterkaitan", "keterkaitan"), ("Peralatan/Perlengkapan", "peralatan_perlengkapan")),
    (("Peringatan", "peringatan"), ("Pencatatan dan Pendataan", "pencatatan_pendataan")),
]


def html_document(layout: Layout, overlay: Progress | None = None) -> str:
    from markupsafe import Markup

    sop = layout.sop
    identity = sop.identity or {}
    pairs = [tuple((title, identity.get(key, [])) for title, key in pair) for pair in _IDENTITY_PAIRS]
    pages = [Markup(svg) for svg in svg_pages(layout, overlay)]  # noqa: S704 - rendered by our autoescaped template
    return (
        _environment()
        .get_template("flowchart.html.j2")
        .render(
            sop=sop,
            pages=pages,
            pairs=pairs,
            overlay=overlay,
            page_size=PAGE_SIZES[layout.paper],
            width=round(layout.width, 1),
            height=round(layout.height, 1),
        )
    )


def pdf_document(layout: Layout, overlay: Progress | None = None) -> bytes:
    try:
        import weasyprint
    except ImportError:  # an install without the pdf extra
        from .errors import UserError
        from .i18n import _

        raise UserError(
            _("PDF needs WeasyPrint: pip install 'sop-runner[pdf]'; or use --format html and print it")
        ) from None
    return weasyprint.HTML(string=html_document(layout, overlay)).write_pdf()


# --- text formats --------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def mermaid(sop: SOP, overlay: Progress | None = None) -> str:
    lines = ["flowchart TD"]
    names = {p.id: p.label for p in sop.pelaksana}
    for s in sop.steps:
        who = ", ".join(names[p] for p in s.pelaksana)
        label = _mermaid_text(f"{s.no}. {_short(s.uraian)}") + "<br/>" + _mermaid_text(f"({who}; {s.waktu})")
        if s.decision:
            lines.append(f'  s{s.no}{{"{label}<br/>{_mermaid_text(s.decision.question)}"}}')
        elif s.no == 1 or s.next == END:
            lines.append(f'  s{s.no}(["{label}"])')
        else:
            lines.append(f'  s{s.no}["{label}"]')
    lines.append('  end_(["Selesai"])')
    number = {x.id: x.no for x in sop.steps}
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


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def dot(sop: SOP, overlay: Progress | None = None) -> str:
    names = {p.id: p.label for p in sop.pelaksana}
    number = {x.id: x.no for x in sop.steps}
    lines = [
        f'digraph "{_dot_text(sop.id)}" {{',
        "  rankdir=TB;",
        '  node [fontname="DejaVu Sans", fontsize=10];',
        f'  label="{_dot_text("SOP " + sop.nama)}"; labelloc=t;',
    ]
    for s in sop.steps:
        who = ", ".join(names[p] for p in s.pelaksana)
        label = _dot_text(f"{s.no}. {_short(s.uraian)}\n({who}; {s.waktu})")
        shape = "diamond" if s.decision else "box"
        style = "rounded" if not s.decision and (s.no == 1 or s.next == END) else ""
        fill = ""
        if overlay and s.no == overlay.current:
            fill = OVERDUE if overlay.overdue else CURRENT
        elif overlay and s.no in overlay.done:
            fill = DONE
        if fill:
            style = ",".join(x for x in (style, "filled") if x)
        attrs = [f'label="{label}"', f"shape={shape}"] + ([f'style="{style}"'] if style else [])
        attrs += [f'fillcolor="{fill}"'] if fill else []
        lines.append(f"  s{s.no} [{', '.join(attrs)}];")
    lines.append('  end_ [label="Selesai", shape=box, style=rounded];')
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


def render(
    sop: SOP, fmt: str, overlay: Progress | None = None, steps_per_page: int | None = None, paper: str = "a4"
) -> str | bytes:
    if fmt == "mermaid":
        return mermaid(sop, overlay)
    if fmt == "dot":
        return dot(sop, overlay)
    layout = compute(sop, steps_per_page, paper)
    if fmt == "svg":
        return svg_document(layout, overlay)
    if fmt == "pdf":
        return pdf_document(layout, overlay)
    return html_document(layout, overlay)
