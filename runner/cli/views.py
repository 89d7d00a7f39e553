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
    title = term.bold(f"SOP {sop.nama.upper()}") + f"  ({sop.id}, versi {sop.version})"
    sub = " — ".join(x for x in (sop.unit, sop.instansi) if x)
    return "\n".join(x for x in (title, sub) if x) + "\n" + term.table(headers, rows, flex=1)


def case_card(view: CaseView) -> str:
    """What a clerk needs at a glance: the step, who acts, the deadline, what is missing, what to type."""
    row, sop = view.row, view.sop
    title = f' — "{row.title}"' if row.title else ""
    lines = [term.bold(row.id) + f"  {sop.nama} (versi {sop.version}){title}"]
    status = term.bold(row.status.word) if row.status == Status.DONE else row.status.word
    lines.append(_("status:    {status}").format(status=status))
    if view.newer:
        lines.append(term.dim(_("note:      {note}").format(note=view.newer)))
    if row.status == Status.OPEN and row.step:
        s = sop.step(row.step)
        lines.append(_("step:      {no}/{n}  {id}").format(no=s.no, n=len(sop.steps), id=s.id))
        lines.append("           " + s.uraian)
        who = ", ".join(sop.pelaksana_by_id(p).label for p in s.pelaksana)
        lines.append(_("who:       {who}  (--as {ids})").format(who=who, ids=" | ".join(s.pelaksana)))
        if view.enforced:
            held = "; ".join(f"{h.label} ({h.login})" for h in view.holders) or _("nobody holds these posts today")
            lines.append("           " + held)
        when = (
            _("{at} ({rel}; waktu {waktu})").format(
                at=_fmt(view.local(row.deadline)), rel=term.relative(row.deadline, view.now), waktu=s.waktu
            )
            if row.deadline
            else _("no time standard")
        )
        lines.append(_("deadline:  {when}").format(when=term.red(when) if view.overdue else when))
        for name in view.missing:
            lines.append(_('missing:   {name}  →  sop case attach {id} "{name}" FILE').format(name=name, id=row.id))
        command = f"sop case advance {row.id} --as {s.pelaksana[0]}"
        if s.decision:
            lines.append(_("decision:  {q}").format(q=s.decision.question))
            for name, target in s.decision.outcomes.items():
                lines.append(f"           --outcome {name}  →  {_describe(sop, target)}")
            command += " --outcome " + "|".join(s.decision.outcomes)
        lines.append(_("next:      {command}").format(command=command))
    if view.last:
        lines.append(_("last:      {what}").format(what=_last(view.last)))
    if not view.enforced:
        lines.append(
            term.dim(_("posts:     not enforced: nobody is registered in this store, so anyone may act as any pelaksana"))
        )
    if view.documents:
        lines.append(_("documents:"))
        for d in view.documents:
            where = sop.numbers.get(d.step, "-") if d.step else "-"
            detail = [_("step {no}").format(no=where)]
            if d.filename:
                detail += [d.filename, _size(d.size or 0), f"sha256 {d.sha256[:12]}…" if d.sha256 else ""]
            else:
                detail.append(_("at hand, no file kept"))
            lines.append(f"  {d.name}  ({', '.join(x for x in detail if x)})")
    return "\n".join(lines)


def _last(e: HistoryEntry) -> str:
    """The latest event in a line: what, when, who acted, who recorded it."""
    what = e.action + (f" ({e.outcome})" if e.outcome else "")
    return f"{what}, {_fmt(e.at)}, {_who(e)}"


def _who(e: HistoryEntry) -> str:
    """Who acted and who recorded it: "Plh. Camat: Sari Dewi, dicatat oleh ani"."""
    recorder = e.operator if e.authenticated else _("{name} (typed)").format(name=e.operator)
    if e.holder_label and e.holder != e.operator:
        return _("{holder}, recorded by {recorder}").format(holder=e.holder_label, recorder=recorder)
    return e.holder_label or recorder


def _describe(sop: SOP, target: str) -> str:
    if target == END:
        return _("the case ends")
    s = sop.step(target)
    return _("step {no} {id}").format(no=s.no, id=s.id)


def _fmt(stamp: str | None) -> str:
    return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "-"


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
        when = _fmt(e.at)
        if e.backdated and e.recorded_at:
            when += "\n" + _("(recorded {at})").format(at=_fmt(e.recorded_at))
        held = e.holder_label or e.role or ""
        if e.role and e.holder_label:
            held += f" ({e.holder})"
        recorder = e.operator if e.authenticated else _("{name} (typed)").format(name=e.operator)
        body.append([str(e.seq), when, what, e.step or "", held, recorder, extra])
    as_width = min(36, max((len(r[4]) for r in body), default=0))  # "Plh. Camat: Sari Dewi (sari)" on one line
    return term.table(
        [_("#"), _("When"), _("Action"), _("Step"), _("As"), _("Recorded by"), _("Documents / note")],
        body,
        flex=6,
        fixed={4: as_width} if as_width > 24 else None,
    )
