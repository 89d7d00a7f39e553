"""Terminal views of SOPs and cases, built from ``term``'s pieces."""

from __future__ import annotations

from collections.abc import Callable

from .. import END, SOP, CaseSummary, CaseView, HistoryEntry, MigrationPlan, Status
from ..i18n import N_, _, ngettext
from ..l10n import format_size, format_stamp
from . import term

# the words of the history's actions; the JSON says the action itself
ACTIONS = {
    "start": N_("started"), "advance": N_("step completed"), "attach": N_("attached"), "cancel": N_("cancelled"),
    "void": N_("voided"), "migrate": N_("moved to another version"),
}  # fmt: skip


def _target(sop: SOP, target: str) -> str:
    return _("end") if target == END else sop.step(target).label


def sop_table(sop: SOP) -> str:
    """The SOP as its printed table: No | Activity | one column per pelaksana | Mutu Baku | Notes."""
    headers = [
        sop.heading("no", _("No")),
        sop.heading("uraian", _("Activity")),
        *(p.label for p in sop.pelaksana),
        sop.heading("kelengkapan", _("Kelengkapan")),
        sop.heading("waktu", _("Waktu")),
        sop.heading("output", _("Output")),
        sop.heading("keterangan", _("Notes")),
    ]
    order = [s.id for s in sop.steps] + [END]
    rows = []
    for row in sop.rows:
        texts, marks = [], [""] * len(sop.pelaksana)
        if row.multi and row.uraian:
            texts.append(row.uraian)
        for s in row.steps:
            uraian = f"{s.letter}. {s.uraian}" if s.sub else s.uraian
            if s.decision:
                branches = ", ".join(f"{name} → {_target(sop, t)}" for name, t in s.decision.outcomes.items())
                uraian += f"\n◇ {s.decision.question or ''} {branches}".replace("◇  ", "◇ ")
            following = order[order.index(s.id) + 1]
            if s.next and s.next != following:
                uraian += "\n→ " + _target(sop, s.next)
            texts.append(uraian)
            for i, p in enumerate(sop.pelaksana):
                if p.id in s.pelaksana:  # several activities in one column: their letters side by side
                    mark = ("◇" if s.decision else "✓") + s.letter
                    marks[i] = f"{marks[i]} {mark}".strip()
        rows.append(
            [
                f"{row.no}.",
                "\n".join(texts),
                *marks,
                "\n".join(row.kelengkapan),
                row.waktu,
                "\n".join(row.output),
                row.keterangan or "",
            ]
        )
    version = _("version {version}").format(version=sop.version)
    title = term.bold(term.visible(f"SOP {sop.nama.upper()}")) + term.visible(f"  ({sop.id}, {version})")
    sub = term.visible(" — ".join(x for x in (sop.unit, sop.instansi) if x))
    shown = "\n".join(x for x in (title, sub) if x) + "\n" + term.table(headers, rows, flex=1)
    return shown + ("\n\n" + identity_view(sop) if sop.identity else "")


def identity_view(sop: SOP) -> str:
    """The identity page's fields as label and text, items numbered as the page prints them."""
    from .. import identity_fields  # the identity's dates and words: sop show only, not case show's start-up

    rows = []
    for label, value in identity_fields(sop):
        if isinstance(value, list):
            text = "\n".join(f"{i}. {item}" for i, item in enumerate(value, 1)) if len(value) > 1 else value[0]
        else:
            text = value
        rows.append([label, text])
    label_w = min(24, max(len(label) for label, _text in rows))  # labels on one line where they can be
    table = term.table([_("Field"), _("Content")], rows, flex=1, fixed={0: label_w})
    return term.bold(term.visible(_("Identity page"))) + "\n" + table


def case_card(view: CaseView) -> str:
    """What a clerk needs at a glance: the step, who acts, the deadline, what is missing, what to type.

    Every line is composed as plain text and shown through ``term.visible``; only the
    styling added around a whole line (bold, dim, red) is ours."""
    v = term.visible
    row, sop = view.row, view.sop
    labels = {
        "status": _("status:"),
        "note": _("note:"),
        "step": _("step:"),
        "who": _("who:"),
        "deadline": _("deadline:"),
        "missing": _("missing:"),
        "decision": _("decision:"),
        "next": _("next:"),
        "last": _("last:"),
        "lastnote": _("last note:"),
        "posts": _("posts:"),
    }
    width = max(len(label) for label in labels.values()) + 2  # the values stand in one column

    def field(key: str, value: str, style: Callable[[str], str] | None = None) -> str:
        """A labelled line; the value is made visible first, then styled (the styling is ours)."""
        shown = v(value)
        return labels[key].ljust(width) + (style(shown) if style else shown)

    indent = " " * width
    title = f' — "{row.title}"' if row.title else ""
    version = _("version {version}").format(version=sop.version)
    lines = [term.bold(v(row.id)) + v(f"  {sop.nama} ({version}){title}")]
    status_style = term.bold if row.status == Status.DONE else None
    lines.append(field("status", row.status.word, status_style))
    if view.newer:
        lines.append(term.dim(field("note", view.newer)))
    if row.status == Status.OPEN and row.step:
        s = sop.step(row.step)
        lines.append(field("step", f"{s.label}/{len(sop.rows)}  {s.id}"))
        lines.append(indent + v(s.uraian))
        who = ", ".join(sop.pelaksana_by_id(p).label for p in s.pelaksana)
        lines.append(field("who", f"{who}  (--as {' | '.join(s.pelaksana)})"))
        if view.enforced:
            held = "; ".join(f"{h.label} ({h.login})" for h in view.holders) or _("nobody holds these posts today")
            lines.append(indent + v(held))
        when = (
            _("{at} ({rel}; waktu {waktu})").format(
                at=format_stamp(row.deadline, sop.calendar.timezone),
                rel=term.relative(row.deadline, view.now),
                waktu=s.waktu,
            )
            if row.deadline
            else _("no time standard")
        )
        lines.append(field("deadline", when, term.red if view.overdue else None))
        for name in view.missing:
            lines.append(field("missing", f'{name}  →  sop case attach {row.id} "{name}" FILE'))
        command = f"sop case advance {row.id} --as {s.pelaksana[0]}"
        if s.decision:
            lines.append(field("decision", s.decision.question or " | ".join(s.decision.outcomes)))
            for name, target in s.decision.outcomes.items():
                lines.append(v(f"{indent}--outcome {name}  →  {_describe(sop, target)}"))
            command += " --outcome " + "|".join(s.decision.outcomes)
        lines.append(field("next", command))
    if view.last:
        lines.append(field("last", _last(view.last)))
    if view.note:
        lines.append(field("lastnote", f"“{view.note.note}”"))
        lines.append(
            indent
            + v(f"{view.note_by(view.note)}, {_action(view.note)}, {format_stamp(view.note.at, view.note.timezone)}")
        )
    if not view.enforced:
        unenforced = _("not enforced: nobody is registered in this store, so anyone may act as any pelaksana")
        lines.append(term.dim(field("posts", unenforced)))
    if view.documents:
        lines.append(_("documents:"))
        for d in view.documents:
            where = sop.numbers.get(d.step, "-") if d.step else "-"
            detail = [_("step {no}").format(no=where)]
            if d.filename:
                detail += [d.filename, format_size(d.size or 0), f"sha256 {d.sha256[:12]}…" if d.sha256 else ""]
            else:
                detail.append(_("at hand, no file kept"))
            lines.append(v(f"  {d.name}  ({', '.join(x for x in detail if x)})"))
    return "\n".join(lines)


def _action(e: HistoryEntry) -> str:
    said = (_(ACTIONS[e.action]) if e.action in ACTIONS else e.action) + (f" ({e.outcome})" if e.outcome else "")
    if e.voids is not None:
        said += " " + _("#{seq}").format(seq=e.voids)
    if e.action == "migrate" and e.to_version:
        said = _("moved to version {version}").format(version=e.to_version)
    return said


def _moved(e: HistoryEntry) -> str:
    """Where a move to another version left the case, for the history's last column."""
    if e.action != "migrate" or not e.to_version:
        return ""
    return _("from version {old}; now at step {no} {step}").format(old=e.version, no=e.to_step_no, step=e.to_step)


def _last(e: HistoryEntry) -> str:
    """The latest event in a line: what, when, who acted, who recorded it."""
    return f"{_action(e)}, {format_stamp(e.at, e.timezone)}, {e.who()}"


def _describe(sop: SOP, target: str) -> str:
    if target == END:
        return _("the case ends")
    s = sop.step(target)
    return _("step {no} {id}").format(no=s.label, id=s.id)


def _moments(cells: list[str]) -> int:
    """A column of moments is as wide as its widest one: they stay on one line."""
    return max((len(c) for c in cells), default=0)


def case_list_table(rows: list[CaseSummary]) -> str:
    if not rows:
        return _("no cases")
    body = []
    for r in rows:
        deadline = format_stamp(r.deadline, r.timezone) if r.deadline else ""
        if r.overdue:  # no colour inside a table cell: escape codes would break the widths
            deadline += " " + _("OVERDUE")
        body.append([r.id, r.title or "", r.status.word, r.step or "", deadline])
    headers = [_("Case"), _("Title"), _("Status"), _("Step"), _("Deadline")]
    return term.table(headers, body, flex=1, fixed={4: _moments([b[4] for b in body])}, compact=True)


def migration_table(plans: list[MigrationPlan], dry_run: bool) -> str:
    """Every case a migration moves: where it stands, where it stands after, what its new step lacks."""
    body = []
    for p in plans:
        due = format_stamp(p.deadline, p.timezone) if p.deadline else ""
        if p.overdue:
            due += " " + _("OVERDUE")
        body.append(
            [p.case, p.title or "", f"{p.from_version}: {p.from_no}. {p.from_step}", f"{p.to_version}: {p.to_no}. {p.to_step}",
             ", ".join(p.missing), due]
        )  # fmt: skip
    headers = [_("Case"), _("Title"), _("Stands at"), _("Will stand at") if dry_run else _("Now stands at")]
    headers += [_("Missing"), _("Deadline")]
    said = (
        ngettext("{n} case would move; nothing was changed", "{n} cases would move; nothing was changed", len(plans))
        if dry_run
        else ngettext("{n} case moved", "{n} cases moved", len(plans))
    ).format(n=len(plans))
    return term.table(headers, body, flex=1, fixed={5: _moments([b[5] for b in body])}) + "\n" + said


def history_table(events: list[HistoryEntry]) -> str:
    body = []
    for e in events:
        what = _action(e)
        extra = "; ".join(x for x in [_moved(e), ", ".join(e.documents), e.note or ""] if x)
        if e.voided_by is not None:  # the entry stays, struck through: a terminal says it in words
            extra = "; ".join(x for x in [_("VOIDED by #{seq}").format(seq=e.voided_by), extra] if x)
        when = format_stamp(e.at, e.timezone)
        if e.backdated and e.recorded_at:
            when += "\n" + _("(recorded {at})").format(at=format_stamp(e.recorded_at, e.timezone))
        held = e.holder_label or e.role or ""
        if e.role and e.holder_label:
            held += f" ({e.holder})"
        body.append([str(e.seq), when, what, e.step or "", held, e.recorded_by(), extra])
    as_width = min(36, max((len(r[4]) for r in body), default=0))  # "Plh. Camat: Sari Dewi (sari)" on one line
    fixed = {1: _moments([line for b in body for line in b[1].split("\n")])}
    if as_width > 24:
        fixed[4] = as_width
    headers = [_("#"), _("When"), _("Action"), _("Step"), _("As"), _("Recorded by"), _("Documents / note")]
    return term.table(headers, body, flex=6, fixed=fixed)
