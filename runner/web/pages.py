"""The pages of ``sop serve``: each takes a ``Visit`` and gives (template, data) or a response.

The data is JSON-ready and is the page's JSON too (``?format=json``). A page only asks the
API; who may do what is decided by the store (on PostgreSQL, the database as that person).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

import runner

from ..errors import UserError
from ..i18n import LANGUAGES, _
from ..l10n import format_date
from .visit import LANGUAGE_COOKIE, SESSION_COOKIE, Result, Visit, download, safe_next

PAGE_SIZE = 25
YEAR = 365 * 24 * 3600


def ping(visit: Visit) -> Result:
    """The trivial page: what the server costs without the store's work (the bench's baseline)."""
    return Response("ok", media_type="text/plain")


# --- signing in and out ------------------------------------------------------------------


def _address(visit: Visit) -> str:
    client = visit.request.client
    return client.host if client else "?"


def sign_in(visit: Visit) -> Result:
    target = safe_next(visit.field("next") or visit.request.query_params.get("next"))
    data: dict[str, Any] = {
        "next": target,
        "login": "",
        "error": None,
        "keeps_passwords": visit.store.keeps_passwords,
        "registered": visit.store.enforced(),  # nobody yet: the page says how the first admin begins
    }
    if visit.request.method == "GET":
        if visit.session is not None:
            return RedirectResponse(target, 303)
        return "web/signin.html.j2", data
    login, password = visit.field("login") or "", str(visit.form.get("password", "") if visit.form else "")
    data["login"] = login
    try:
        session = runner.Sessions(visit.store).sign_in(login, password, _address(visit), _lang_cookie(visit))
    except UserError as e:
        data["error"] = e.to_json()
        return "web/signin.html.j2", data, 429 if e.kind == "sign-in-limited" else 401
    visit.set_cookies.append((SESSION_COOKIE, session.token, None))
    return RedirectResponse("/password" if session.must_change else target, 303)


def _lang_cookie(visit: Visit) -> str | None:
    chosen = visit.request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else None


def sign_out(visit: Visit) -> Result:
    if visit.session is not None:
        runner.Sessions(visit.store).sign_out(visit.session.token)
    visit.set_cookies.append((SESSION_COOKIE, "", None))
    return RedirectResponse("/signin", 303)


def password(visit: Visit) -> Result:
    assert visit.session is not None
    data: dict[str, Any] = {
        "must_change": visit.session.must_change,
        "keeps_passwords": visit.store.keeps_passwords,
        "done": False,
    }
    if visit.request.method == "POST":
        new, again = str(visit.form.get("new", "")) if visit.form else "", visit.field("again") or ""
        if new != again:
            raise UserError(_("the two new passwords differ; type the same one twice"), "password-mismatch")
        old = str(visit.form.get("old", "")) if visit.form else ""
        session = runner.Sessions(visit.store).change_password(visit.session, old, new)
        visit.set_cookies.append((SESSION_COOKIE, session.token, None))
        return RedirectResponse("/", 303)
    return "web/password.html.j2", data


def choose_language(visit: Visit) -> Result:
    lang = visit.field("lang")
    if lang not in LANGUAGES:
        raise UserError(_("choose id or en"), "bad-language")
    visit.set_cookies.append((LANGUAGE_COOKIE, lang, YEAR))
    if visit.session is not None:
        runner.Sessions(visit.store).resume(visit.session.token, lang)
    return RedirectResponse(safe_next(visit.field("next")), 303)


# --- the inbox ---------------------------------------------------------------------------


def _labels(visit: Visit) -> dict[str, str]:
    """pelaksana id -> its name, from the SOPs on the search path (the first that names it)."""
    found: dict[str, str] = {}
    for sop in _sops(visit):
        for p in sop.pelaksana:
            found.setdefault(p.id, p.nama)
    return found


def _sops(visit: Visit) -> list[runner.SOP]:
    """The valid SOPs on the search path, read once per request and per file version."""
    if visit.sops is None:
        visit.sops = []
        for path in runner.discover_sops(visit.sop_dirs):
            try:
                stat = path.stat()
                key = (str(path), stat.st_mtime_ns, stat.st_size)
                sop = _LOADED.get(key)
                if sop is None:
                    sop = _LOADED[key] = runner.load_sop(path)
                visit.sops.append(sop)
            except (UserError, OSError):  # an invalid file is `sop validate`'s to report; the catalogue shows the rest
                continue
    return visit.sops


# SOP files read by this process, by (path, mtime, size): a cache, not state (another process reads its own)
_LOADED: dict[tuple[str, int, int], runner.SOP] = {}


def _my_posts(visit: Visit, day: date | None = None) -> list[dict[str, Any]]:
    """The posts the person holds today (or on ``day``), each with why cases wait on them ("Anda Plh. Camat
    s.d. 4 Desember")."""
    labels = _labels(visit)
    shown = []
    held = visit.people.posts(on=day.isoformat(), login=visit.login) if day else visit.people.posts(login=visit.login)
    for post in held:
        if post.status != "current":
            continue
        row = post.row
        title = runner.post_title(labels.get(row.pelaksana, row.pelaksana), row.acting)
        until = format_date(date.fromisoformat(row.valid_until)) if row.valid_until else None
        why = (
            _("you are {post} until {until}").format(post=title, until=until)
            if until
            else _("you are {post}").format(post=title)
        )
        shown.append(
            {
                "pelaksana": row.pelaksana,
                "title": title,
                "acting": row.acting,
                "until": row.valid_until,
                "why": why,
                "sops": row.sops,
            }
        )
    return shown


def _coming_posts(visit: Visit, after: date | None) -> list[dict[str, Any]]:
    """The posts the person will hold from a later day (a Plh. appointed for next week) than today or
    ``after``, soonest first."""
    labels = _labels(visit)
    later = after.isoformat() if after else ""
    coming = sorted(
        (p.row for p in visit.people.posts(login=visit.login) if p.status == "future" and p.row.valid_from > later),
        key=lambda r: r.valid_from,
    )
    return [
        {
            "from": row.valid_from,
            "words": _("you will be {post} from {day}").format(
                post=runner.post_title(labels.get(row.pelaksana, row.pelaksana), row.acting),
                day=format_date(date.fromisoformat(row.valid_from)),
            ),
        }
        for row in coming
    ]


def _preview_day(visit: Visit) -> date | None:
    """The day of ``?on=`` (the inbox as it will stand that day), or None for today."""
    text = (visit.request.query_params.get("on") or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            _("'{day}' is not a day; write it as YYYY-MM-DD, e.g. {example}").format(day=text, example="2026-12-07"),
            "bad-day",
        ) from None


def _page_number(visit: Visit) -> int:
    try:
        return max(1, int(visit.request.query_params.get("page", "1")))
    except ValueError:
        return 1


def _summary(visit: Visit, c: runner.CaseSummary, why: dict[str, str] | None = None) -> dict[str, Any]:
    data = c.to_json()
    data["time_left"] = (
        visit.cases.time_left(c.definition, c.step, c.deadline)
        if c.definition and c.status == runner.Status.OPEN
        else None
    )
    data["status_word"] = c.status.word
    data["timezone"] = c.timezone  # the deadline is shown in its SOP's zone, not the office's default
    if c.definition and c.step:
        sop = visit.cases.definition(c.definition)
        step = sop.step(c.step)
        data["step_no"], data["uraian"], data["nama"] = step.label, step.uraian, sop.nama
        data["pelaksana"] = [sop.pelaksana_by_id(p).nama for p in step.pelaksana]
        if why:
            data["why"] = next((why[p] for p in step.pelaksana if p in why), None)
    return data


def inbox(visit: Visit) -> Result:
    """Kotak kerja: the cases waiting on a post the person holds today, overdue first. With ``?on=DAY``, the
    cases that wait on the posts held that day: a Plh. appointed for next week sees what will be hers; she
    acts on them from that day, when the store's clock says she holds the post."""
    day = _preview_day(visit)
    posts = _my_posts(visit, day)
    waiting = [(p["pelaksana"], p["sops"]) for p in posts]
    sop = visit.request.query_params.get("sop") or None
    overdue_only = visit.request.query_params.get("filter") == "overdue"
    page = _page_number(visit)
    month = datetime.now(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    counts = {
        "waiting": visit.cases.count(waiting_for=waiting) if waiting else 0,
        "overdue": visit.cases.count(waiting_for=waiting, overdue=True) if waiting else 0,
        "done_this_month": visit.cases.count(status=runner.Status.DONE, changed_since=month),
    }
    if sop is None:  # the count of the bucket shown is one of the counts above
        total = counts["overdue"] if overdue_only else counts["waiting"]
    else:
        total = visit.cases.count(sop=sop, waiting_for=waiting, overdue=overdue_only) if waiting else 0
    why = {p["pelaksana"]: p["why"] for p in posts}
    found = (
        visit.cases.search(
            sop=sop,
            waiting_for=waiting,
            overdue=overdue_only,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            overdue_first=True,
        )
        if waiting
        else iter(())
    )
    cases = [_summary(visit, c, why) for c in found]
    return "web/inbox.html.j2", {
        "posts": posts,
        "counts": counts,
        "cases": cases,
        "page": page,
        "pages": max(1, math.ceil(total / PAGE_SIZE)),
        "total": total,
        "filter": {"sop": sop, "overdue": overdue_only},
        "sops": sorted({s.id for s in _sops(visit)}),
        "on": day.isoformat() if day else None,
        "on_words": format_date(day) if day else None,
        "coming": _coming_posts(visit, day),
    }


def all_cases(visit: Visit) -> Result:
    """Every case, with the filters of ``sop case list``."""
    q = visit.request.query_params
    sop = q.get("sop") or None
    status_text = q.get("status") or None
    status = None
    if status_text:
        try:
            status = runner.Status(status_text)
        except ValueError:
            raise UserError(
                _("unknown status '{status}'; choose open, done or cancelled").format(status=status_text), "bad-status"
            ) from None
    overdue = q.get("overdue") == "1"
    page = _page_number(visit)
    total = visit.cases.count(sop=sop, status=status, overdue=overdue)
    found = visit.cases.search(sop=sop, status=status, overdue=overdue, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return "web/cases.html.j2", {
        "cases": [_summary(visit, c) for c in found],
        "page": page,
        "pages": max(1, math.ceil(total / PAGE_SIZE)),
        "total": total,
        "filter": {"sop": sop, "status": status_text, "overdue": overdue},
        "sops": sorted({s.id for s in _sops(visit)}),
        "statuses": [{"value": str(s), "word": s.word} for s in runner.Status],
    }


# --- a case ------------------------------------------------------------------------------


def _case_id(visit: Visit) -> str:
    return str(visit.request.path_params["case_id"])


def case_page(visit: Visit) -> Result:
    case_id = _case_id(visit)
    view = visit.cases.show(case_id)
    history = visit.cases.history(case_id)
    data = view.to_json()
    sop = view.sop
    data["status_word"] = view.row.status.word
    data["history"] = [
        {
            **h.to_json(), "who": h.who(), "action_word": _action_word(h.action),
            "step_label": _step_label(visit.cases.definition(h.definition) if h.definition else sop, h.step),
            "moved": _moved(h),
        }
        for h in reversed(history)
    ]  # fmt: skip
    cancel, void = visit.cases.may_correct(case_id)  # offered only to those the store would let
    data["may"] = {"cancel": cancel, "void": void}
    data["timezone"] = sop.calendar.timezone
    me = visit.store.person(visit.login)
    data["records_for_others"] = bool(me and me.records_for_others)
    data["people"] = (
        [{"login": p.login, "nama": p.nama} for p in visit.people.registered()] if data["records_for_others"] else []
    )
    step = data["step"]
    if step:
        held = {p["pelaksana"] for p in _my_posts(visit) if p["sops"] is None or sop.id in p["sops"]}
        mine = [p for p in step["pelaksana"] if p in held]
        step["pelaksana_names"] = {p: sop.pelaksana_by_id(p).nama for p in step["pelaksana"]}
        step["mine"] = mine
        step["may_act"] = bool(mine) or data["records_for_others"] or not view.enforced
        step["time_left"] = visit.cases.time_left(view.row.definition, view.row.step, view.row.deadline)
        decision = sop.step(step["id"]).decision
        step["outcome_targets"] = {o: _target(sop, t) for o, t in decision.outcomes.items()} if decision else {}
    return "web/case.html.j2", data


def _step_label(sop: runner.SOP, step: str | None) -> str | None:
    """A step as people name it in a history: its number and the start of its uraian."""
    if step is None or step not in sop.numbers:
        return step
    uraian = sop.step(step).uraian
    return f"{sop.numbers[step]}. {uraian if len(uraian) <= 60 else uraian[:59].rstrip() + '…'}"


def _target(sop: runner.SOP, target: str) -> str:
    if target == runner.END:
        return _("end")
    s = sop.step(target)
    return f"{s.label}. {s.uraian}"  # an activity of a row of several: "2b."


def _action_word(action: str) -> str:
    return {
        "start": _("started"),
        "advance": _("done"),
        "attach": _("attached"),
        "cancel": _("cancelled"),
        "void": _("voided"),
        "migrate": _("moved to another version"),
    }.get(action, action)


def _moved(h: runner.HistoryEntry) -> str | None:
    """A move to another version, as the history says it: "dipindahkan ke versi 1.1, langkah 3"."""
    if h.action != "migrate" or not h.to_version:
        return None
    return _("moved from version {old} to version {new}, step {no}").format(
        old=h.version, new=h.to_version, no=h.to_step_no
    )


def _attachments(visit: Visit) -> list[runner.Attachment]:
    found = []
    for name, upload in visit.files("doc:"):
        content = upload.file.read(runner.max_attachment_bytes() + 1)  # one byte more: too large is refused
        found.append(runner.Attachment(name, None, content, upload.filename))
    for key in ("paper",):  # a document at hand on paper only: its name, no file
        for paper in visit.form.getlist(key) if visit.form is not None else []:
            if isinstance(paper, str) and paper.strip() and paper not in {a.name for a in found}:
                found.append(runner.Attachment(paper.strip()))
    return found


def _on_behalf(visit: Visit) -> tuple[str | None, str | None]:
    """(for_person, at) of an operator who records what an official did on paper; nobody else sends them."""
    return visit.field("for"), visit.field("at")


def act(visit: Visit) -> Result:
    case_id = _case_id(visit)
    role = visit.field("role")
    if role is None:
        raise UserError(_("choose as which pelaksana you act"), "role-missing")
    for_person, at = _on_behalf(visit)
    seq = visit.field("seq")
    current = visit.store.case(case_id)
    outcome, note = visit.field("outcome"), visit.field("note")
    if current is not None and current.step and outcome and not note:
        # a decision that sends the case back (a correction) says why: whoever redoes the step reads it
        sop = visit.cases.definition(current.definition)
        decision = sop.step(current.step).decision
        target = decision.outcomes.get(outcome) if decision else None
        if target in sop.numbers and sop.numbers[target] <= sop.numbers[current.step]:
            raise UserError(
                _("'{outcome}' sends the case back to step {no}; write in the note what must be corrected").format(
                    outcome=outcome, no=sop.numbers[target]
                ),
                "note-needed",
            )
    if current is not None and seq is not None and str(current.seq) != seq:
        raise runner.ConcurrentChange(
            _(
                "case {id} was changed by someone else while you had it open; nothing was saved — look at it as it is now"
            ).format(id=case_id),
            case_id,
        )
    visit.cases.advance(
        case_id, role, outcome=outcome, note=note, attach=_attachments(visit),
        at=at, for_person=for_person,
    )  # fmt: skip
    return RedirectResponse(f"/cases/{case_id}", 303)


def _same_case(visit: Visit, case_id: str) -> None:
    """The case is as the page showed it: a cancel or a void decided on an older page is not sent."""
    current, seq = visit.store.case(case_id), visit.field("seq")
    if current is not None and seq is not None and str(current.seq) != seq:
        raise runner.ConcurrentChange(
            _(
                "case {id} was changed by someone else while you had it open; nothing was saved — look at it as it is now"
            ).format(id=case_id),
            case_id,
        )


def cancel(visit: Visit) -> Result:
    case_id = _case_id(visit)
    _same_case(visit, case_id)
    for_person, at = _on_behalf(visit)
    visit.cases.cancel(case_id, visit.field("reason") or "", at=at, for_person=for_person)
    return RedirectResponse(f"/cases/{case_id}", 303)


def void(visit: Visit) -> Result:
    case_id = _case_id(visit)
    _same_case(visit, case_id)
    for_person, at = _on_behalf(visit)
    visit.cases.void(case_id, visit.field("reason") or "", at=at, for_person=for_person)
    return RedirectResponse(f"/cases/{case_id}", 303)


def attach(visit: Visit) -> Result:
    case_id = _case_id(visit)
    files = _attachments(visit)
    name = visit.field("attach-name")
    upload = visit.form.get("attach-file") if visit.form is not None else None
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(runner.max_attachment_bytes() + 1)
        files.append(runner.Attachment(name or upload.filename, None, content, upload.filename))
    elif name:
        files.append(runner.Attachment(name))
    if not files:
        raise UserError(_("choose a file, or name the document you have on paper"), "nothing-attached")
    for_person, at = _on_behalf(visit)
    visit.cases.attach(case_id, files, at=at, note=visit.field("note"), for_person=for_person)
    return RedirectResponse(f"/cases/{case_id}", 303)


def document(visit: Visit) -> Result:
    case_id = _case_id(visit)
    seq, name = int(visit.request.path_params["seq"]), str(visit.request.path_params["name"])
    for doc in visit.store.documents(case_id):
        if doc.seq == seq and doc.name == name and doc.filename is not None:
            content = visit.store.read_document(case_id, seq, name)  # the store decides who may, and keeps the read
            if content is not None:
                return download(content, doc.filename)
    raise UserError(_("case {id} keeps no file for '{name}'").format(id=case_id, name=name), "not-found")


def case_chart(visit: Visit) -> Result:
    case_id = _case_id(visit)
    view = visit.cases.show(case_id)
    overlay = runner.progress_of(view.sop, view, visit.cases.history(case_id))
    svg = runner.render(view.sop, "svg", overlay)
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )


def start_case(visit: Visit) -> Result:
    sops = _sops(visit)
    if visit.request.method == "POST":
        sop_id = visit.field("sop") or ""
        sop = visit.sop(sop_id)
        for_person, at = _on_behalf(visit)
        row = visit.cases.start(
            sop, title=visit.field("title"), attach=_attachments(visit), at=at, for_person=for_person
        )
        return RedirectResponse(f"/cases/{row.id}", 303)
    chosen = visit.request.query_params.get("sop")
    me = visit.store.person(visit.login)
    records = bool(me and me.records_for_others)
    return "web/start.html.j2", {
        "sops": [
            {"id": s.id, "nama": s.nama, "first": s.first.uraian, "kelengkapan": list(s.first.kelengkapan)}
            for s in sops
        ],
        "chosen": chosen,
        "records_for_others": records,
        "people": [{"login": p.login, "nama": p.nama} for p in visit.people.registered()] if records else [],
    }


# --- the SOP catalogue -------------------------------------------------------------------

DOWNLOADS = ("pdf", "html", "bpmn", "svg")


def _entry(facts: dict[str, Any]) -> dict[str, Any]:
    """An SOP's catalogue facts with this server's links: its page and its downloads."""
    sop_id = quote(facts["id"], safe="")
    facts["href"] = f"/sops/{sop_id}"
    facts["downloads"] = [{"label": f.upper(), "href": f"/sops/{sop_id}/download/{f}"} for f in DOWNLOADS]
    return facts


def _catalogue(visit: Visit) -> list[runner.CatalogueEntry]:
    return runner.catalogue(visit.cases)


def catalogue(visit: Visit) -> Result:
    """Every SOP on the search path with its status (in force since, dicabut, not yet disahkan)."""
    entries = [_entry(e.facts()) for e in _catalogue(visit)]
    return "web/sops.html.j2", {"sops": entries}


def _shown(visit: Visit) -> runner.CatalogueEntry:
    """The catalogue's entry of the SOP the path names: the version in force, which its page and its
    downloads show alike."""
    sop_id = str(visit.request.path_params["sop_id"])
    found = next((e for e in _catalogue(visit) if e.sop.id == sop_id), None)
    if found is None:
        _sop(visit)  # no such SOP (404), or an invalid one: the API's refusal, with a suggestion
        raise UserError(_("SOP {id} is not valid; sop validate says why").format(id=sop_id), "no-sop")
    return found


def sop_page(visit: Visit) -> Result:
    """One SOP as the public catalogue shows it (the version in force), and a case to start."""
    found = _shown(visit)
    data = _entry(found.facts())
    data["chart"] = str(runner.render(found.sop, "svg"))
    return "web/sop.html.j2", data


def _sop(visit: Visit) -> runner.SOP:
    """The SOP the path names; one the search path does not hold is a page that is not there (404)."""
    try:
        return visit.sop(str(visit.request.path_params["sop_id"]))
    except UserError as e:
        if e.kind == "invalid-sop":
            raise
        raise UserError(str(e), "no-sop", **e.details) from None


def sop_download(visit: Visit) -> Result:
    sop = _shown(visit).sop
    fmt = str(visit.request.path_params["fmt"])
    if fmt not in DOWNLOADS:
        raise UserError(
            _("unknown document format '{fmt}'; use one of: {formats}").format(fmt=fmt, formats=", ".join(DOWNLOADS)),
            "not-found",
        )
    signed = visit.cases.signature(sop) if sop.identity else None  # who signed this version, from the store
    content = runner.render(sop, fmt, signed=signed)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    return download(data, f"{sop.id}.{fmt}", "application/pdf" if fmt == "pdf" else None)


def case_sheet(visit: Visit) -> Result:
    """The lembar kendali of a case: the PDF to print (``?format=pdf``, the default) or the printable page
    (``?format=html``); its QR code links to the case page on this server's own address."""
    case_id = _case_id(visit)
    fmt = visit.request.query_params.get("as") or "pdf"
    if fmt not in runner.SHEET_FORMATS:
        raise UserError(
            _("the sheet is made as {formats}, not '{fmt}'").format(fmt=fmt, formats=", ".join(runner.SHEET_FORMATS)),
            "not-found",
        )
    view = visit.cases.show(case_id)  # whoever may see the case may print its sheet
    base = str(visit.request.base_url).rstrip("/")
    content = runner.render_sheet(view, fmt, base)
    if isinstance(content, bytes):
        return download(content, f"lembar-kendali-{case_id}.pdf", "application/pdf")
    return Response(content, media_type="text/html; charset=utf-8", headers=_SHEET_HEADERS)


# the printable sheet: a page of ours with its own inline style and inline SVG, no script
_SHEET_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
}
