"""Terminal views of SOPs and cases, built from ``term``'s pieces."""

from __future__ import annotations

from datetime import datetime

from .. import END, SOP, CaseSummary, CaseView, HistoryEntry, Status
from ..i18n import _
from . import term


def _target(sop: SOP, target: str) -> str:
    return _("selesai") if target == END else str(sop.step(target).no)


def sop_table(sop: SOP) -> str:
    """The SOP as its printed table: No | Uraian | one column per pelaksana | Mutu Baku | Ket."""
    headers = [
        _("No"),
        _("Uraian Kegiatan"),
        *(p.label for p in sop.pelaksana),
        _("Kelengkapan"),
        _("Waktu"),
        _("Output"),
        _("Ket."),
    ]
    rows = []
    for s in sop.steps:
        uraian = s.uraian
        if s.decision:
            branches = ", ".join(f"{name} → {_target(sop, t)}" for name, t in s.decision.outcomes.items())
            uraian += f"\n◇ {s.decision.question} {branches}"
        following = sop.steps[s.no].id if s.no < len(sop.steps) else END
        if s.next and s.next != following:
            uraian += "\n→ " + _target(sop, s.next)
        marks = [("◇" if s.decision else "✓") if p.id in s.pelaksana else "" for p in sop.pelaksana]
        rows.append(
            [f"{s.no}.", uraian, *marks, "\n".join(s.kelengkapan), s.waktu, "\n".join(s.output), s.keterangan or ""]
        )
    title = term.bold(term.visible(f"SOP {sop.nama.upper()}")) + term.visible(f"  ({sop.id}, versi {sop.version})")
    sub = term.visible(" — ".join(x for x in (sop.unit, sop.instansi) if x))
    return "\n".join(x for x in (title, sub) if x) + "\n" + term.table(headers, rows, flex=1)


def case_card(view: CaseView) -> str:
    """What a clerk needs at a glance: the step, who acts, the deadline, what is missing, what to type.

    Every line is composed as plain text and shown through ``term.visible``; only the
    styling added around a whole line (bold, dim, red) is ours."""
    v = term.visible
    row, sop = view.row, view.sop
    title = f' — "{row.title}"' if row.title else ""
    lines = [term.bold(v(row.id)) + v(f"  {sop.nama} (versi {sop.version}){title}")]
    status = term.bold(row.status.word) if row.status == Status.DONE else row.status.word
    lines.append(_("status:    {status}").format(status=status))
    if view.newer:
        lines.append(term.dim(v(_("note:      {note}").format(note=view.newer))))
    if row.status == Status.OPEN and row.step:
        s = sop.step(row.step)
        lines.append(v(_("step:      {no}/{n}  {id}").format(no=s.no, n=len(sop.steps), id=s.id)))
        lines.append("           " + v(s.uraian))
        who = ", ".join(sop.pelaksana_by_id(p).label for p in s.pelaksana)
        lines.append(v(_("who:       {who}  (--as {ids})").format(who=who, ids=" | ".join(s.pelaksana))))
        when = (
            v(
                _("{at} ({rel}; waktu {waktu})").format(
                    at=_fmt(view.local(row.deadline)), rel=term.relative(row.deadline, view.now), waktu=s.waktu
                )
            )
            if row.deadline
            else _("no time standard")
        )
        lines.append(_("deadline:  {when}").format(when=term.red(when) if view.overdue else when))
        for name in view.missing:
            lines.append(v(_('missing:   {name}  →  sop case attach {id} "{name}" FILE').format(name=name, id=row.id)))
        command = f"sop case advance {row.id} --as {s.pelaksana[0]}"
        if s.decision:
            lines.append(v(_("decision:  {q}").format(q=s.decision.question)))
            for name, target in s.decision.outcomes.items():
                lines.append(v(f"           --outcome {name}  →  {_describe(sop, target)}"))
            command += " --outcome " + "|".join(s.decision.outcomes)
        lines.append(v(_("next:      {command}").format(command=command)))
    if view.documents:
        lines.append(_("documents:"))
        for d in view.documents:
            where = sop.numbers.get(d.step, "-") if d.step else "-"
            detail = [_("step {no}").format(no=where)]
            if d.filename:
                detail += [d.filename, _size(d.size or 0), f"sha256 {d.sha256[:12]}…" if d.sha256 else ""]
            else:
                detail.append(_("at hand, no file kept"))
            lines.append(v(f"  {d.name}  ({', '.join(x for x in detail if x)})"))
    return "\n".join(lines)


def _describe(sop: SOP, target: str) -> str:
    if target == END:
        return _("the case ends")
    s = sop.step(target)
    return _("step {no} {id}").format(no=s.no, id=s.id)


def _fmt(stamp: str | None) -> str:
    if not stamp:
        return "-"
    try:
        return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M")
    except ValueError:  # not a time: a damaged row, shown as it is
        return stamp


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def case_list_table(rows: list[CaseSummary]) -> str:
    if not rows:
        return _("no cases")
    body = []
    for r in rows:
        deadline = _fmt(r.deadline) if r.deadline else ""
        if r.overdue:  # no colour inside a table cell: escape codes would break the widths
            deadline += " " + _("OVERDUE")
        body.append([r.id, r.title or "", r.status.word, r.step or "", deadline])
    return term.table([_("Case"), _("Title"), _("Status"), _("Step"), _("Deadline")], body, flex=1, compact=True)


def history_table(events: list[HistoryEntry]) -> str:
    body = []
    for e in events:
        what = e.action + (f" ({e.outcome})" if e.outcome else "")
        extra = "; ".join(x for x in [", ".join(e.documents), e.note or ""] if x)
        body.append([str(e.seq), _fmt(e.at), what, e.step or "", e.role or "", e.operator, extra])
    return term.table(
        [_("#"), _("When"), _("Action"), _("Step"), _("As"), _("By"), _("Documents / note")], body, flex=6
    )
