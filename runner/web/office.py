"""The office's pages of ``sop serve``: people and posts, reports and the monitoring form, the audit.

Like ``pages.py``: each page takes a ``Visit`` and gives (template, data) or a response, through the
public API only. People, posts and the audit are an administrator's work: those pages refuse anyone
else (403) before they ask the API, which refuses every write of a non-administrator again. A
refusal of a form is shown on that form's page, worded for the page (what to do here, not a command).
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse

import runner

from ..errors import Refused, UserError
from ..i18n import N_, _
from ..l10n import format_date, format_month, format_stamp
from .pages import _labels, _sops
from .visit import Result, Visit, download

REPORT_DOWNLOADS = ("xlsx", "csv", "pdf")
MONITORING_DOWNLOADS = ("pdf", "xlsx")
PARTS = ("S1", "S2", "Q1", "Q2", "Q3", "Q4", *(f"{m:02d}" for m in range(1, 13)))
MAX_CHECKPOINT_FILE = 512 * 1024 * 1024  # as the API reads one: about a hundred bytes a case

# a refusal's kind -> what to do about it on these pages (the core's sentence names no page; the CLI's hints name commands)
HINTS: dict[str, str] = {
    "acting-overlap": N_("end post #{post} first (in the list of posts, on the day before), or choose other dates"),
    "already-holds": N_("the list of posts shows their posts"),
    "already-a-person": N_("the list of people shows them"),
    "unknown-person": N_("register them first on the page of people"),
    "last-admin": N_("make another person an administrator first"),
    "unknown-post": N_("the list of posts shows the posts"),
    "unknown-pelaksana": N_("the SOP catalogue lists each SOP's pelaksana"),
    "post-already-ended": N_("the list of posts shows it as ended"),
}


def _worded(error: UserError) -> dict[str, Any]:
    """A refusal as a form shows it: the API's sentence, and what to do on this page."""
    hint = HINTS.get(error.kind)
    message = str(error)
    if hint:
        try:
            message = f"{message}; {_(hint).format(**error.details)}"
        except (KeyError, IndexError):  # a refusal without the detail the hint names: its sentence alone
            pass
    return {"kind": error.kind, "message": message, "details": error.details}


def _status(error: UserError) -> int:
    return 403 if isinstance(error, Refused) else 400


def _admin(visit: Visit) -> runner.PersonRow:
    """The administrator signed in; anyone else is refused (403) before the page asks the API."""
    me = visit.store.person(visit.login)
    if me is None or not me.admin:
        raise Refused(
            _(
                "{login} is not an administrator of this store; only an administrator manages people and posts and audits the store"
            ).format(login=visit.login),
            kind="not-admin",
            login=visit.login,
        )
    return me


def _day_words(day: str | None) -> str | None:
    return format_date(date.fromisoformat(day)) if day else None


# --- people ------------------------------------------------------------------------------


def people_page(visit: Visit, error: UserError | None = None, status: int = 200) -> Result:
    """Everyone registered, with their rights; forms to add a person, set rights and a first password."""
    _admin(visit)
    found = visit.people.registered()
    similar = visit.people.look_alikes(found)
    data: dict[str, Any] = {
        "people": [
            {
                **p.to_json(),
                "login_shown": ascii(p.login)[1:-1],  # what is invisible or not ASCII, as an escape
                "looks_like": similar.get(p.login, []),
            }
            for p in found
        ],
        "keeps_passwords": visit.store.keeps_passwords,
        "error": _worded(error) if error else None,
        "form": {k: visit.field(k) if error else None for k in ("login", "nama", "nip")},  # typed, kept on a refusal
    }
    return "web/office/people.html.j2", data, status


def add_person(visit: Visit) -> Result:
    _admin(visit)
    try:
        visit.people.add(
            visit.field("login") or "",
            visit.field("nama") or "",
            visit.field("nip"),
            admin=visit.field("admin") == "1",
            records_for_others=visit.field("records_for_others") == "1",
        )
    except UserError as e:
        return people_page(visit, e, _status(e))
    return RedirectResponse("/people", 303)


def _login(visit: Visit) -> str:
    return str(visit.request.path_params["login"])


def set_rights(visit: Visit) -> Result:
    _admin(visit)
    try:
        visit.people.set_rights(_login(visit), visit.field("admin") == "1", visit.field("records_for_others") == "1")
    except UserError as e:
        return people_page(visit, e, _status(e))
    return RedirectResponse("/people", 303)


def first_password(visit: Visit) -> Result:
    """A first password for a person (SQLite), which they change at their first sign-in."""
    _admin(visit)
    password = str(visit.form.get("password", "")) if visit.form is not None else ""
    again = str(visit.form.get("again", "")) if visit.form is not None else ""
    try:
        if password != again:
            raise UserError(_("the two passwords differ; type the same one twice"), "password-mismatch")
        runner.Sessions(visit.store).set_password(_login(visit), password, by=visit.login, first=True)
    except UserError as e:
        return people_page(visit, e, _status(e))
    return RedirectResponse("/people", 303)


# --- posts -------------------------------------------------------------------------------


def _post(post: runner.Post, labels: dict[str, str]) -> dict[str, Any]:
    row = post.row
    words = {"current": _("current"), "ended": _("ended"), "future": _("not yet")}
    return {
        **post.to_json(),
        "title": runner.post_title(labels.get(row.pelaksana, row.pelaksana), row.acting),
        "status_word": words.get(post.status, post.status),
        "from_words": _day_words(row.valid_from),
        "until_words": _day_words(row.valid_until),
    }


def _grant_choices(visit: Visit) -> dict[str, Any]:
    """What the grant forms offer: the people, the pelaksana and the SOPs found, the acting kinds."""
    labels = _labels(visit)
    return {
        "people": [{"login": p.login, "nama": p.nama} for p in visit.people.registered()],
        "pelaksana": [{"id": k, "nama": v} for k, v in sorted(labels.items(), key=lambda kv: kv[1])],
        "sops": sorted({s.id for s in _sops(visit)}),
        "acting": [{"value": k, "word": w} for k, w in runner.ACTING.items()],
    }


def posts_page(visit: Visit, error: UserError | None = None, status: int = 200) -> Result:
    """Every post, or "who holds what on" a chosen day; forms to grant and end posts."""
    _admin(visit)
    q = visit.request.query_params
    on, login = q.get("on") or None, q.get("login") or None
    labels = _labels(visit)
    found = visit.people.posts(on, login)
    data: dict[str, Any] = {
        "on": on,
        "on_words": _day_words(on.strip()) if on else None,
        "login": login,
        "posts": [_post(p, labels) for p in found],
        "error": _worded(error) if error else None,
        **_grant_choices(visit),
    }
    return "web/office/posts.html.j2", data, status


def _sops_chosen(visit: Visit) -> list[str] | None:
    chosen = [s for s in (visit.form.getlist("sops") if visit.form is not None else []) if isinstance(s, str) and s]
    return chosen or None


def _grant_from_form(visit: Visit) -> None:
    """The post the form names, granted (the posts page and the Plt./Plh. page send the same fields)."""
    visit.people.grant(
        visit.field("login") or "",
        visit.field("pelaksana") or "",
        _sops_chosen(visit),
        visit.field("acting"),
        visit.field("from"),
        visit.field("until"),
    )


def grant(visit: Visit) -> Result:
    _admin(visit)
    try:
        _grant_from_form(visit)
    except UserError as e:
        return posts_page(visit, e, _status(e))
    return RedirectResponse("/posts", 303)


def end_post(visit: Visit) -> Result:
    _admin(visit)
    try:
        visit.people.end(int(visit.request.path_params["post_id"]), visit.field("on"))
    except UserError as e:
        return posts_page(visit, e, _status(e))
    return RedirectResponse("/posts", 303)


def _overlaps(row: runner.PostRow, first: str, last: str | None) -> bool:
    """Whether a post holds on some day from ``first`` to ``last`` (None: open)."""
    return row.valid_from <= (last or "9999-12-31") and first <= (row.valid_until or "9999-12-31")


def acting_page(visit: Visit, error: UserError | None = None, status: int = 200) -> Result:
    """Appoint a Plt. or Plh.: choose the post and the dates, see who holds it then, choose who acts."""
    _admin(visit)
    source = visit.form if visit.request.method == "POST" and visit.form is not None else visit.request.query_params
    pelaksana = str(source.get("pelaksana") or "").strip() or None
    first = str(source.get("from") or "").strip() or None
    last = str(source.get("until") or "").strip() or None
    acting = str(source.get("acting") or "").strip() or "plh"
    labels = _labels(visit)
    holders: list[dict[str, Any]] = []
    dates_read = False
    if pelaksana and first:
        try:
            runner.Period.between(first, last or first)  # the dates read as dates, in order
        except UserError as e:
            if error is None:
                error, status = e, _status(e)
        else:
            dates_read = True
            # an ended post's last day is its valid_until: the dates alone say whether it holds then
            holders = [
                _post(p, labels)
                for p in visit.people.posts()
                if p.row.pelaksana == pelaksana and _overlaps(p.row, first, last)
            ]
    data: dict[str, Any] = {
        "pelaksana_chosen": pelaksana,
        "pelaksana_nama": labels.get(pelaksana, pelaksana) if pelaksana else None,
        "from": first,
        "until": last,
        "from_words": _day_words(first) if dates_read else None,
        "until_words": _day_words(last) if dates_read else None,
        "acting_chosen": acting,
        "holders": holders,
        "error": _worded(error) if error else None,
        **_grant_choices(visit),
    }
    return "web/office/acting.html.j2", data, status


def appoint(visit: Visit) -> Result:
    _admin(visit)
    try:
        if visit.field("acting") not in runner.ACTING:
            raise UserError(_("choose Plt. or Plh."), "acting-missing")
        if visit.field("from") is None:
            raise UserError(_("give the first day of the appointment"), "acting-from-missing")
        _grant_from_form(visit)
    except UserError as e:
        return acting_page(visit, e, _status(e))
    return RedirectResponse("/posts", 303)


# --- reports and the monitoring form -----------------------------------------------------


def _period(visit: Visit) -> runner.Period:
    """The period of the query, as ``sop report`` reads it: ``period`` (2026, 2026-S2, 2026-Q3, 2026-11),
    or a year and a part of it, or two dates; by default this semester."""
    q = visit.request.query_params
    first, last = (q.get("from") or "").strip(), (q.get("to") or "").strip()
    if first or last:
        if not (first and last):
            raise UserError(_("give both the first and the last day of the period, or neither"), "period-incomplete")
        return runner.Period.between(first, last)
    text = (q.get("period") or "").strip()
    year, part = (q.get("year") or "").strip(), (q.get("part") or "").strip()
    if not text and year:
        text = f"{year}-{part}" if part else year
    return runner.Period.parse(text) if text else runner.Period.semester_of(date.today())


def _paper(visit: Visit) -> str:
    paper = visit.request.query_params.get("paper") or "a4"
    if paper not in runner.PAPER_SIZES:
        raise UserError(
            _("unknown paper '{paper}'; choose one of: {papers}").format(
                paper=paper, papers=", ".join(runner.PAPER_SIZES)
            ),
            "bad-paper",
        )
    return paper


def _chosen_sop(visit: Visit, required: bool) -> runner.SOP | None:
    sop_id = (visit.request.query_params.get("sop") or "").strip()
    if not sop_id:
        if required:
            raise UserError(_("choose an SOP"), "sop-missing")
        return None
    return runner.load_sop(runner.find_sop(sop_id, visit.sop_dirs))


def _period_choices(period: runner.Period) -> dict[str, Any]:
    """The period form: a year and a part of it, or two dates; with what was chosen."""
    this_year = date.today().year
    parts = [{"value": "", "word": _("the whole year")}]
    parts += [{"value": p, "word": _("semester {n}").format(n=p[1])} for p in PARTS[:2]]
    parts += [{"value": p, "word": _("quarter {n}").format(n=p[1])} for p in PARTS[2:6]]
    parts += [{"value": p, "word": format_month(this_year, int(p)).rsplit(" ", 1)[0]} for p in PARTS[6:]]
    name = period.name
    dates = ".." in name
    year, _dash, part = name.partition("-")
    return {
        "name": name,
        "words": period.words,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "by_dates": dates,
        "year": int(year) if not dates and year.isdigit() else period.first.year,
        "part": "" if dates else part,
        "parts": parts,
    }


def _query(visit: Visit) -> str:
    """The page's query again, for the links to its downloads and to its other view."""
    return urlencode({k: v for k, v in visit.request.query_params.items() if v and k != "format"})


def _table(table: Any) -> dict[str, Any]:
    """A report table as the page shows it: each value in words, as the terminal and the document write it."""
    return {
        "heading": table.heading,
        "columns": [c.heading for c in table.columns],
        "numeric": [c.kind != "text" for c in table.columns],
        "rows": [[c.text(v) for v, c in zip(row, table.columns, strict=True)] for row in table.rows],
    }


def reports_page(visit: Visit) -> Result:
    """Figures from the cases of an SOP (or of every SOP) started in a period, as tables; downloads."""
    period = _period(visit)
    sop = _chosen_sop(visit, required=False)
    found = runner.build_report(visit.store, period, [sop] if sop else None)
    return "web/office/reports.html.j2", {
        "sop": sop.id if sop else None,
        "sops": [{"id": s.id, "nama": s.nama} for s in _sops(visit)],
        "period": _period_choices(period),
        "papers": list(runner.PAPER_SIZES),
        "paper": _paper(visit),
        "basis": found.basis,
        "as_of": found.as_of,
        "notes": found.notes()[1:],
        "read": found.read,
        "tables": [_table(t) for t in runner.report_tables(found)] if found.sections else [],
        "charts": runner.report_charts(found),  # the printed report's drawing, as inline SVG
        "downloads": [{"format": f, "href": f"/reports/download/{f}?{_query(visit)}"} for f in REPORT_DOWNLOADS],
        "monitoring": f"/reports/monitoring?{_query(visit)}" if sop else None,
        "figures": found.to_json(),
    }


def _file_name(prefix: str, sop: runner.SOP | None, period: runner.Period, fmt: str) -> str:
    return f"{prefix}-{sop.id if sop else 'semua'}-{period.name.replace('..', '_')}.{fmt}"


def report_download(visit: Visit) -> Result:
    fmt = str(visit.request.path_params["fmt"])
    if fmt not in REPORT_DOWNLOADS:
        raise UserError(
            _("unknown report format '{fmt}'; use one of: {formats}").format(
                fmt=fmt, formats=", ".join(REPORT_DOWNLOADS)
            ),
            "not-found",
        )
    period = _period(visit)
    sop = _chosen_sop(visit, required=False)
    found = runner.build_report(visit.store, period, [sop] if sop else None)
    content = runner.render_report(found, fmt, _paper(visit))
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    kinds = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
        "pdf": "application/pdf",
    }
    return download(data, _file_name("laporan", sop, period, fmt), kinds[fmt])


def _threshold(visit: Visit) -> float:
    text = (visit.request.query_params.get("threshold") or "80").strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise UserError(
            _("the threshold is a percentage, e.g. 80, not '{text}'").format(text=text), "bad-threshold"
        ) from None
    return value / 100


def _jabatan_of(visit: Visit, sop: runner.SOP, login: str, day: str | None) -> str | None:
    """The penilai's jabatan on the day of the signature: the title of a post they hold then ("Plh. Camat")."""
    names = {p.id: p.nama for p in sop.pelaksana}
    names = {**_labels(visit), **names}
    for post in visit.people.posts(day or date.today().isoformat(), login):
        return runner.post_title(names.get(post.row.pelaksana, post.row.pelaksana), post.row.acting)
    return None


def _forms(visit: Visit) -> tuple[runner.SOP, runner.Period, list[runner.MonitoringForm], dict[str, Any]]:
    """The Tabel 7 form(s) the query asks for, and what the page's form shows of the choice."""
    sop = _chosen_sop(visit, required=True)
    assert sop is not None
    period = _period(visit)
    q = visit.request.query_params
    login = (q.get("penilai") or "").strip() or None
    tanggal = (q.get("tanggal") or "").strip() or None
    tempat = (q.get("tempat") or "").strip() or None
    jabatan = (q.get("jabatan") or "").strip() or None
    nama = nip = None
    if login:
        person = visit.store.person(login)
        if person is None:
            raise UserError(
                _("no person '{login}' in this store; choose the penilai from the list").format(login=login),
                "unknown-person",
            )
        nama, nip = person.nama, person.nip
        jabatan = jabatan or _jabatan_of(visit, sop, login, tanggal)
    found = runner.build_report(visit.store, period, [sop])
    sections = found.sections or [runner.empty_figures(sop)]
    latest = visit.cases.latest_checkpoint()
    threshold = _threshold(visit)
    forms = [
        runner.monitoring_form(
            found, f, threshold, nama, nip, latest.digest if latest else None,
            jabatan=jabatan, tempat=tempat, signed=tanggal,
        )
        for f in sections
    ]  # fmt: skip
    chosen = {"penilai": login, "nama": nama, "nip": nip, "jabatan": jabatan, "tempat": tempat, "tanggal": tanggal,
              "threshold": round(threshold * 100, 2)}  # fmt: skip
    return sop, period, forms, chosen


def monitoring_page(visit: Visit) -> Result:
    """The Tabel 7 monitoring form of an SOP for a period, pre-marked from its cases; the penilai chosen
    from the people registered, with the place and the date of the signature."""
    sop, period, forms, chosen = _forms(visit)
    return "web/office/monitoring.html.j2", {
        "sop": sop.id,
        "sops": [{"id": s.id, "nama": s.nama} for s in _sops(visit)],
        "period": _period_choices(period),
        "people": [{"login": p.login, "nama": p.nama, "nip": p.nip} for p in visit.people.registered()],
        "chosen": chosen,
        "papers": list(runner.PAPER_SIZES),
        "paper": _paper(visit),
        "forms": [
            {
                "title": _("Monitoring of SOP AP Implementation").upper(),
                "heading": [
                    {"label": label, "value": value}
                    for label, value in f.heading(_("version {version}").format(version=f.sop.version))
                ],
                "columns": f.columns,
                "rows": [{"no": r.no, "prosedur": r.prosedur, "mark": r.mark, "catatan": r.catatan} for r in f.rows],
                "rule": f.rule,
                "place_and_date": f.place_and_date,
                "jabatan": f.jabatan,
                "penilai": f.penilai,
                "nip": f.nip,
                "checkpoint": f.checkpoint,
                "read": f.read,
            }
            for f in forms
        ],
        "downloads": [
            {"format": f, "href": f"/reports/monitoring/download/{f}?{_query(visit)}"} for f in MONITORING_DOWNLOADS
        ],
        "report": f"/reports?{_query(visit)}",
    }


def monitoring_download(visit: Visit) -> Result:
    fmt = str(visit.request.path_params["fmt"])
    if fmt not in MONITORING_DOWNLOADS:
        raise UserError(
            _("the monitoring form is made as {formats}, not '{fmt}'").format(
                fmt=fmt, formats=", ".join(MONITORING_DOWNLOADS)
            ),
            "not-found",
        )
    sop, period, forms, _chosen = _forms(visit)
    content = runner.render_monitoring(forms, fmt, _paper(visit))
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    kinds = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
    return download(data, _file_name("monitoring", sop, period, fmt), kinds[fmt])


# --- the audit ---------------------------------------------------------------------------


def _checkpoint(taken: runner.Checkpoint | None) -> dict[str, Any] | None:
    if taken is None:
        return None
    return {"digest": taken.digest, "taken_at": taken.taken_at, "taken_words": format_stamp(taken.taken_at, "UTC"),
            "cases": len(taken.heads)}  # fmt: skip


def audit_page(visit: Visit) -> Result:
    """Verify the store, or one case, against its events (and a checkpoint file); take a checkpoint."""
    _admin(visit)
    return "web/office/audit.html.j2", {
        "latest": _checkpoint(visit.cases.latest_checkpoint()),
        "taken": visit.request.query_params.get("taken") == "1",
    }


def verify(visit: Visit) -> Result:
    """``case verify`` over the store, or one case (GET ``?case=``); a POST also compares with an uploaded checkpoint file."""
    _admin(visit)
    if visit.request.method == "POST":
        case_id = visit.field("case")
    else:
        case_id = (visit.request.query_params.get("case") or "").strip() or None
    if case_id is not None and visit.store.case(case_id) is None:
        raise UserError(_("no case {id} in this store").format(id=case_id), "unknown-case", case=case_id)
    upload = visit.form.get("against") if visit.form is not None else None
    against: dict[str, Any] | None = None
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(MAX_CHECKPOINT_FILE + 1)
        with tempfile.TemporaryDirectory(prefix="sop-verify-") as folder:
            path = Path(folder) / "checkpoint.json"  # the API reads a checkpoint from a file
            path.write_bytes(content)
            findings = visit.cases.verify(case_id, path)
            against = {"name": upload.filename, "digest": visit.cases.read_checkpoint(path).digest}
    else:
        findings = visit.cases.verify(case_id)
    return "web/office/verify.html.j2", {
        "case": case_id,
        "against": against,
        "findings": [f.to_json() for f in findings],
        "ok": not findings,
    }


def take_checkpoint(visit: Visit) -> Result:
    """Take a checkpoint: the store keeps it, the page shows its digest to copy onto paper, and its file downloads."""
    _admin(visit)
    with tempfile.TemporaryDirectory(prefix="sop-checkpoint-") as folder:
        visit.cases.checkpoint(
            Path(folder) / "checkpoint.json"
        )  # the store keeps it; the file is downloaded from there
    return RedirectResponse("/audit?taken=1", 303)


def checkpoint_file(visit: Visit) -> Result:
    """The latest checkpoint as the file ``sop audit checkpoint`` writes (its digest covers every head)."""
    _admin(visit)
    latest = visit.cases.latest_checkpoint()
    if latest is None:
        raise UserError(_("no checkpoint has been taken in this store yet; take one first"), "not-found")
    body = json.dumps(latest.to_json(), ensure_ascii=False, indent=1) + "\n"
    stamp = latest.taken_at.replace("-", "").replace(":", "").split(".")[0]
    return download(body.encode("utf-8"), f"sop-checkpoint-{stamp}.json", "application/json")
