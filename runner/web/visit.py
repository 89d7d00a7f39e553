"""What a page is given (``Visit``) and may give back, and the few replies every page shares."""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

import runner

from ..i18n import _

SESSION_COOKIE = "sop_session"
LANGUAGE_COOKIE = "sop_lang"

# a page returns a response of its own, or (template, data[, status]): the data is also the page's JSON
Result = Response | tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], int]


class Visit:
    """One request as a page sees it: the person signed in, the store, the API, the form."""

    def __init__(self, request: Request, store: runner.SQLStore, sop_dirs: tuple[str, ...]) -> None:
        self.request = request
        self.store = store
        self.sop_dirs = sop_dirs
        self.session: runner.Session | None = None
        self.form: FormData | None = None
        self.cases = runner.Cases(store, sop_dirs)
        self.people = runner.People(store, sop_dirs)
        self.sops: list[runner.SOP] | None = None  # the SOP catalogue, read once per request (pages._sops)
        self.set_cookies: list[tuple[str, str, int | None]] = []  # (name, value, max-age; None: a session cookie)

    def sop(self, sop_id: str) -> runner.SOP:
        """The SOP of this id on the search path. Only an id: a form or a URL never names a file the
        server reads (``find_sop`` also takes paths, for the command line)."""
        if not sop_id or "/" in sop_id or "\\" in sop_id or sop_id.endswith((".yaml", ".yml")):
            raise runner.UserError(_("no SOP '{id}'").format(id=sop_id), "unknown-sop", ref=sop_id)
        return runner.load_sop(runner.find_sop(sop_id, self.sop_dirs))

    @property
    def login(self) -> str:
        assert self.session is not None
        return self.session.login

    def field(self, name: str) -> str | None:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) and value.strip() else None

    def files(self, prefix: str) -> list[tuple[str, UploadFile]]:
        """The uploaded files of fields named ``prefix<kelengkapan>``, with a file chosen."""
        if self.form is None:
            return []
        found = []
        for key, value in self.form.multi_items():
            if key.startswith(prefix) and isinstance(value, UploadFile) and value.filename:
                found.append((key[len(prefix) :], value))
        return found


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or "\n" in target:
        return "/"
    return target


def download(content: bytes, filename: str, kind: str | None = None) -> Response:
    """A file to save, never to show: served as an attachment, and no HTML, SVG or script in the page's origin."""
    guessed = kind or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if (
        guessed.startswith("text/html")
        or "xml" in guessed
        or "javascript" in guessed
        or guessed.startswith("image/svg")
    ):
        guessed = "application/octet-stream"
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in filename) or "berkas"
    return Response(
        content,
        media_type=guessed,
        headers={
            "Content-Disposition": f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )
