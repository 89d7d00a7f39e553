"""The routes of ``sop serve``, and what every request goes through.

A request: its language (cookie, else the session's, else the browser's, else Indonesian);
its own store connection; the session of its cookie; on a POST the CSRF token; then the
person signed in acts (``store.act_as``) and the page calls the API. A ``UserError`` becomes a
page that says what happened and what to do, with its HTTP status; anything else is our
bug: status 500, a crash log, never a traceback in the page.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import runner

from ..errors import ConcurrentChange, Refused, UserError, write_crash_log
from ..i18n import LANGUAGES, _, language, set_language
from . import office, pages
from .templates import environment, static_folder
from .visit import LANGUAGE_COOKIE, SESSION_COOKIE, Result, Visit

MAX_FORM_FILES = 20
MAX_FIELDS = 200

# a refusal's kind -> its HTTP status (default 400 for a user's error, 403 for a refusal)
STATUS = {
    "unknown-case": 404,
    "no-sop": 404,
    "not-found": 404,
    "sign-in-failed": 401,
    "signed-out": 401,
    "sign-in-limited": 429,
    "csrf": 403,
    "attachment-too-large": 413,
    "document-too-large": 413,
    "store-unavailable": 503,
    "store-timeout": 503,
    "store-busy": 503,
    "store-read-only": 503,
    "store-io-error": 503,
    "write-outcome-unknown": 503,
}


Page = Callable[[Visit], Result]


def build(db: str | None, sop_dirs: tuple[str, ...]) -> Starlette:
    def route(path: str, page: Page, methods: tuple[str, ...] = ("GET",), public: bool = False) -> Route:
        async def endpoint(request: Request) -> Response:
            return await _serve(request, page, db, sop_dirs, public)

        return Route(path, endpoint, methods=list(methods), name=page.__name__)

    routes = [
        route("/", pages.inbox),
        route("/ping", pages.ping, public=True),
        route("/signin", pages.sign_in, ("GET", "POST"), public=True),
        route("/signout", pages.sign_out, ("POST",), public=True),
        route("/password", pages.password, ("GET", "POST")),
        route("/language", pages.choose_language, ("POST",), public=True),
        route("/cases", pages.all_cases),
        route("/cases/new", pages.start_case, ("GET", "POST")),
        route("/cases/{case_id}", pages.case_page),
        route("/cases/{case_id}/act", pages.act, ("POST",)),
        route("/cases/{case_id}/attach", pages.attach, ("POST",)),
        route("/cases/{case_id}/cancel", pages.cancel, ("POST",)),
        route("/cases/{case_id}/void", pages.void, ("POST",)),
        route("/cases/{case_id}/chart.svg", pages.case_chart),
        route("/cases/{case_id}/sheet", pages.case_sheet),
        route("/cases/{case_id}/documents/{seq:int}/{name}", pages.document),
        route("/sops", pages.catalogue),
        route("/sops/{sop_id}", pages.sop_page),
        route("/sops/{sop_id}/download/{fmt}", pages.sop_download),
        # the office: people and posts, reports and the monitoring form, the audit (runner/web/office.py)
        route("/people", office.people_page),
        route("/people/add", office.add_person, ("POST",)),
        route("/people/{login}/rights", office.set_rights, ("POST",)),
        route("/people/{login}/email", office.set_email, ("POST",)),
        route("/people/{login}/password", office.first_password, ("POST",)),
        route("/posts", office.posts_page),
        route("/posts/grant", office.grant, ("POST",)),
        route("/posts/{post_id:int}/end", office.end_post, ("POST",)),
        route("/posts/acting", office.acting_page),
        route("/posts/acting/appoint", office.appoint, ("POST",)),
        route("/reports", office.reports_page),
        route("/reports/download/{fmt}", office.report_download),
        route("/reports/monitoring", office.monitoring_page),
        route("/reports/monitoring/download/{fmt}", office.monitoring_download),
        route("/audit", office.audit_page),
        route("/audit/verify", office.verify, ("GET", "POST")),
        route("/audit/checkpoint", office.take_checkpoint, ("POST",)),
        route("/audit/checkpoint.json", office.checkpoint_file),
        Mount("/static", StaticFiles(directory=static_folder()), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # reminders in the background when a mail server is set (each worker: the outbox's claims share them)
        reminders = runner.Reminders(db) if runner.Reminders.wanted() else None
        if reminders is not None:
            reminders.start()
        try:
            yield
        finally:
            if reminders is not None:
                await run_in_threadpool(reminders.stop)

    return Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_allowed}, lifespan=lifespan)


async def _not_found(request: Request, exc: Exception) -> Response:
    _speak(request, None)
    return _error_page(request, UserError(_("there is no such page; go back to the inbox"), "not-found"), None)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    _speak(request, None)
    return _error_page(
        request, UserError(_("this page is not sent that way; open it from a link"), "bad-method"), None, 405
    )


def check_store(db: str | None) -> None:
    """Before serving: the store opens (and is made, on SQLite), and on PostgreSQL its login is a
    gateway the owner registered, else every page would act as the gateway itself."""
    with runner.open_store(db, create=True) as store:
        if not store.keeps_passwords and not store.is_gateway():
            raise UserError(
                _(
                    "{login} is not a web gateway of this store; its owner registers one (README: the web front door): INSERT INTO gateways VALUES ('{login}')"
                ).format(login=store.login),
                "not-a-gateway",
                login=store.login,
            )


async def _serve(request: Request, page: Page, db: str | None, sop_dirs: tuple[str, ...], public: bool) -> Response:
    form = None
    if request.method == "POST":
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        if length > MAX_FORM_FILES * runner.max_attachment_bytes() + 1024 * 1024:  # refused before it fills a disk
            _speak(request, None)
            too_large = UserError(_("what was sent is larger than the store keeps; attach smaller scans"), "too-large")
            return _error_page(request, too_large, None, 413)
        try:
            form = await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FIELDS)
        except Exception:  # a body that is not a form (multipart's own errors): the request is bad
            _speak(request, None)
            return _error_page(
                request, UserError(_("the form could not be read; send it again"), "bad-form"), None, 400
            )
    try:
        return await run_in_threadpool(_handle, request, form, page, db, sop_dirs, public)
    finally:
        if form is not None:
            await form.close()


def _speak(request: Request, session: runner.Session | None) -> str:
    """Set and return the request's language: the switch's cookie, else the session's, else Indonesian.
    Not the browser's: an office PC's browser in English is no request for English pages."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen not in LANGUAGES:
        chosen = session.language if session and session.language in LANGUAGES else "id"
    set_language(chosen)
    return chosen


def _handle(
    request: Request, form: FormData | None, page: Page, db: str | None, sop_dirs: tuple[str, ...], public: bool
) -> Response:
    _speak(request, None)
    visit: Visit | None = None
    try:
        store = runner.open_store(db, create=False)
    except UserError as e:
        return _error_page(request, e, None)
    try:
        visit = Visit(request, store, sop_dirs)
        visit.form = form
        texts = [*request.path_params.values(), *request.query_params.values()]
        texts += [v for v in (form.values() if form else []) if isinstance(v, str)]
        if any("\x00" in str(t) for t in texts):  # no store keeps a NUL in text (PostgreSQL refuses it)
            raise UserError(
                _("the request holds a NUL character, which no text may; send it again without it"), "bad-text"
            )
        visit.session = runner.Sessions(store).resume(request.cookies.get(SESSION_COOKIE))
        _speak(request, visit.session)
        if visit.session is None and not public:
            return _to_sign_in(request)
        if request.method == "POST" and page is not pages.sign_in:
            if visit.session is None:
                if page is not pages.choose_language:
                    return _to_sign_in(request)
            elif not secrets.compare_digest(  # as bytes: a hostile token need not be ASCII
                str(form.get("csrf", "") if form else "").encode("utf-8", "replace"), visit.session.csrf.encode()
            ):
                raise UserError(
                    _(
                        "the form is out of date (its security token does not match); open the page again and send it once more"
                    ),
                    "csrf",
                )
        if visit.session is not None:
            if visit.session.must_change and page not in (pages.password, pages.sign_out, pages.choose_language):
                return RedirectResponse("/password", 303)
            store.act_as(visit.session.login)
        result = page(visit)
        response = _respond(request, visit, result)
    except UserError as e:
        response = _error_page(request, e, visit)
    except Exception:
        path = write_crash_log(f"web: {request.method} {request.url.path}")
        where = _("a crash log was written to {path}").format(path=path) if path else _("no crash log could be written")
        response = _error_page(
            request,
            UserError(
                _(
                    "an internal error in sop-runner, not in what you did; {where}. Look at the case before you repeat an action"
                ).format(where=where),
                "internal",
            ),
            visit,
            500,
        )
    finally:
        store.close()
    if visit is not None:
        for name, value, age in visit.set_cookies:
            _cookie(request, response, name, value, age)
    return response


def _cookie(request: Request, response: Response, name: str, value: str, age: int | None) -> None:
    secure = request.url.scheme == "https"
    if value:
        response.set_cookie(name, value, max_age=age, httponly=True, samesite="lax", secure=secure, path="/")
    else:
        response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=secure)


def _to_sign_in(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if _wants_json(request):
        return JSONResponse({"error": {"kind": "signed-out", "message": _("sign in first")}}, 401)
    return RedirectResponse("/signin?" + urlencode({"next": target}), 303)


def _wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json" or request.headers.get("accept", "").startswith(
        "application/json"
    )


def _respond(request: Request, visit: Visit, result: Result) -> Response:
    if isinstance(result, Response):
        return result
    template, data, status = result if len(result) == 3 else (*result, 200)
    if _wants_json(request):
        return JSONResponse(data, status)
    return HTMLResponse(render(template, visit, data), status, headers=_SECURITY_HEADERS)


# no framing by other sites, no guessing of types, no scripts but ours
_SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
}


def render(template: str, visit: Visit | None, data: dict[str, Any]) -> str:
    session = visit.session if visit else None
    nama, admin = None, False
    if visit is not None and session is not None:
        me = visit.store.person(session.login)
        nama, admin = (me.nama, me.admin) if me else (None, False)
    return str(
        environment()
        .get_template(template)
        .render(
            data=data,
            me={"login": session.login, "nama": nama, "admin": admin} if session else None,
            csrf=session.csrf if session else "",
            lang=language(),
            languages=LANGUAGES,
            path=visit.request.url.path if visit else "/",
        )
    )


def _error_page(request: Request, error: UserError, visit: Visit | None, status: int | None = None) -> Response:
    code = (
        status
        or STATUS.get(error.kind)
        or (409 if isinstance(error, ConcurrentChange) else 403 if isinstance(error, Refused) else 400)
    )
    data: dict[str, Any] = {"error": error.to_json()}
    if isinstance(error, ConcurrentChange):
        data["case"] = error.details.get("case")
    if _wants_json(request):
        return JSONResponse(data, code)
    try:
        page = render("web/error.html.j2", visit, data)
    except Exception:  # the page of an error must not fail in turn: its sentence alone, still the right status
        write_crash_log(f"web: the error page of {request.method} {request.url.path}")
        return Response(str(error), code, media_type="text/plain; charset=utf-8")
    return HTMLResponse(page, code, headers=_SECURITY_HEADERS)


__all__ = ["build", "check_store"]
