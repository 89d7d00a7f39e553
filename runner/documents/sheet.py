"""The lembar kendali: one printable A4 sheet per case, handed to the official with the paper file.

It says where the case stands (the SOP, the step, who acts, the deadline, the documents at hand) and
leaves boxes for the official's decision, disposition and paraf, which an operator then enters
(``sop case advance ... --for``, or on the case page the QR code opens). The QR code holds the address
of the case page (``runner.links``), or the case id alone when no address is known.
"""

from __future__ import annotations

from typing import Any

from ..cases.records import CaseView
from ..definition import END, SOP
from ..i18n import _
from ..l10n import format_stamp
from ..links import case_url
from ..store import Status
from .templates import environment

SHEET_FORMATS = ("html", "pdf")


def sheet_link(case_id: str, base: str | None = None) -> str:
    """What the sheet's QR code holds: the address of the case's page (on ``base``, else SOP_SERVE_URL),
    or the case id alone when neither is known."""
    return case_url(case_id, base) or case_id


def qr_svg(text: str) -> str:
    """``text`` as a QR code, an inline SVG scaled by its container."""
    import segno  # the QR encoder: only the sheet draws one

    # a box of the sheet fixes its size; error level M survives a crease or a stamp on the paper
    svg: str = segno.make(text, error="m").svg_inline(scale=1, border=2, omitsize=True)
    return svg


def _target(sop: SOP, target: str) -> str:
    if target == END:
        return _("end")
    s = sop.step(target)
    return _("step {no}: {uraian}").format(no=s.no, uraian=s.uraian)


def sheet_data(view: CaseView, base: str | None = None) -> dict[str, Any]:
    """What the sheet shows, as plain values (the template only places them)."""
    row, sop = view.row, view.sop
    tz = sop.calendar.timezone
    identity = sop.identity or {}
    link = sheet_link(row.id, base)
    steps = {s.id: s for s in sop.steps}
    step = None
    if row.status == Status.OPEN and row.step:
        s = sop.step(row.step)
        missing = set(view.missing)  # the case's own rule of what is at hand
        step = {
            "no": s.no,
            "of": len(sop.steps),
            "id": s.id,
            "uraian": s.uraian,
            "pelaksana": [sop.pelaksana_by_id(p).nama for p in s.pelaksana],
            "roles": list(s.pelaksana),
            "holders": [h.label for h in view.holders],
            "entered": format_stamp(row.entered_at, tz),
            "deadline": format_stamp(row.deadline, tz) if row.deadline else None,
            "waktu": s.waktu,
            "overdue": view.overdue,
            "kelengkapan": [{"name": k, "at_hand": k not in missing} for k in s.kelengkapan],
            "question": s.decision.question if s.decision else None,
            "outcomes": [{"name": o, "target": _target(sop, t)} for o, t in s.decision.outcomes.items()]
            if s.decision
            else [],
            "next": _target(sop, s.next or END) if not s.decision else None,
        }
    documents = [
        {
            "name": d.name,
            "step": steps[d.step].no if d.step in steps else None,
            "file": d.filename is not None,
        }
        for d in view.documents
    ]
    note = view.note
    return {
        "id": row.id,
        "title": row.title,
        "status": row.status.word,
        "open": step is not None,
        "sop": {
            "id": sop.id,
            "nama": sop.nama,
            "version": sop.version,
            "nomor": identity.get("nomor"),
            "instansi": sop.instansi,
            "unit": sop.unit,
        },
        "started": format_stamp(row.created_at, tz),
        "step": step,
        "documents": documents,
        "note": {"text": note.note, "by": view.note_by(note), "at": format_stamp(note.at, tz)} if note else None,
        "link": link,
        "linked": link != row.id,
        "printed": format_stamp(view.now.isoformat(), tz),
    }


def render_sheet(view: CaseView, fmt: str = "html", base: str | None = None) -> str | bytes:
    """The lembar kendali of the case ``view`` as ``html`` (printable) or ``pdf`` (bytes); the QR code links
    to the case page on ``base`` (else SOP_SERVE_URL; else it holds the case id)."""
    from markupsafe import Markup  # a third-party module: only HTML that is rendered

    data = sheet_data(view, base)
    html = (
        environment().get_template("sheet.html.j2").render(sheet=data, qr=Markup(qr_svg(data["link"])))  # noqa: S704 - segno's SVG of a text it encoded
    )
    if fmt == "pdf":
        from .pdf import print_html  # WeasyPrint: only a PDF

        return print_html(html)
    return html
