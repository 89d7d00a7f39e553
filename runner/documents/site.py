"""The SOP catalogue: each SOP with its pengesahan status, for ``sop serve`` and as a static site.

``catalogue(cases)`` gives one entry per SOP file on the search path: the version in force (the file's,
or the store's text of it when the file has moved on to a draft), or, when none is in force, the file's
version with why not. An SOP the store has no pengesahan for counts as in force, as everywhere else.
``write_site(folder, entries)`` writes the public catalogue of the SOPs in force: an index with a search
box, a page per SOP (identity, table, chart) and its PDF and BPMN, with relative links only, so that
it works from any folder of a web server and from ``file://``.
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..definition import SOP, discover_sops, load_sop
from ..definition.identity import HEAD, LISTS, date_text
from ..errors import UserError
from ..files import unwritable
from ..i18n import _
from ..l10n import format_date
from ..record import Record
from ..resources import resource_folder
from .templates import environment

if TYPE_CHECKING:
    from ..cases.service import Cases

MARKER = ".sop-site"  # in a folder `sop site` wrote: the one kind of folder it replaces
SCRIPT = "catalogue.js"  # the search box's few lines, shared with sop serve's static files
PUBLIC = ("in-force", "not-disahkan")  # the states the public catalogue shows


def _day(text: str | None) -> str | None:
    return date_text(text) if text else None


class CatalogueEntry(Record):
    """One SOP in the catalogue: the version shown, and its pengesahan."""

    sop: SOP
    state: str  # in-force, not-disahkan (no pengesahan at all), not-yet-in-force, dicabut, none-in-force
    since: str | None = None  # YYYY-MM-DD in force from (or, not yet in force: from when)
    until: str | None = None  # YYYY-MM-DD dicabut on
    signed_by: str | None = None  # "Camat: Drs. Budi Santoso"
    signed_on: str | None = None
    draft: str | None = None  # the file holds another version than the one shown

    @property
    def public(self) -> bool:
        """Whether the public catalogue shows it: in force, or run without pengesahan."""
        return self.state in PUBLIC

    @property
    def status_word(self) -> str:
        """The status as the catalogue says it."""
        since, until = _day(self.since), _day(self.until)
        if self.state == "in-force":
            return _("in force since {day}").format(day=since)
        if self.state == "not-disahkan":
            return _("not yet disahkan in the case store (counts as in force)")
        if self.state == "not-yet-in-force":
            return _("disahkan, in force from {day}").format(day=since)
        if self.state == "dicabut":
            return _("dicabut on {day}").format(day=until)
        return _("not disahkan, and no version of it is in force today")

    def facts(self) -> dict[str, Any]:
        """Everything a catalogue page shows of the SOP, as plain values in the current language."""
        sop = self.sop
        identity = sop.identity or {}
        rows: list[dict[str, Any]] = []
        for title, key in (*HEAD, *LISTS):  # the identity page's fields, in its order
            value = identity.get(key)
            if value in (None, "", []):
                continue
            items = [str(v) for v in value] if isinstance(value, list) else [_day(value) or ""]
            rows.append({"label": _(title), "lines": items})
        signer = identity.get("disahkan_oleh") or {}
        if signer:
            said = ", ".join(str(signer[k]) for k in ("jabatan", "nama") if signer.get(k))
            nip = f" (NIP {signer['nip']})" if signer.get("nip") else ""
            rows.insert(4, {"label": _("Approved by"), "lines": [said + nip]})
        return {
            "id": sop.id,
            "nama": sop.nama,
            "version": sop.version,
            "unit": sop.unit,
            "instansi": sop.instansi,
            "nomor": identity.get("nomor"),
            "state": self.state,
            "status": self.status_word,
            "public": self.public,
            "since": self.since,
            "until": self.until,
            "signed_by": self.signed_by,
            "signed_on": self.signed_on,
            "draft": self.draft,
            "identity": rows,
            "pelaksana": [{"id": p.id, "nama": p.nama} for p in sop.pelaksana],
            "steps": [
                {
                    "no": s.no,
                    "id": s.id,
                    "uraian": s.uraian,
                    "pelaksana": [sop.pelaksana_by_id(p).nama for p in s.pelaksana],
                    "kelengkapan": list(s.kelengkapan),
                    "waktu": s.waktu,
                    "output": list(s.output),
                }
                for s in sop.steps
            ],
            "search": " ".join(
                [sop.id, sop.unit or "", str(identity.get("nomor") or "")]
                + [p.nama for p in sop.pelaksana]
                + [s.uraian for s in sop.steps]
            ),
        }

    def to_json(self) -> dict[str, Any]:
        facts = self.facts()
        del facts["search"]
        return facts


def catalogue(cases: Cases) -> list[CatalogueEntry]:
    """Every valid SOP file on the search path of ``cases``, as the catalogue shows it (see the module)."""
    statuses = {s.id: s for s in cases.sop_status()}
    entries = []
    for path in discover_sops(cases.sop_dirs):
        try:
            sop = load_sop(path)
        except UserError:  # an invalid file is `sop validate`'s to report; the catalogue shows the rest
            continue
        status = statuses.get(sop.id)
        if status is None or not status.disahkan:
            entries.append(CatalogueEntry(sop, "not-disahkan"))
            continue
        mine = next((v for v in status.versions if v.digest == sop.digest), None)
        shown = next((v for v in status.versions if v.state == "in-force"), None)
        if shown is None and mine is not None and mine.pengesahan is not None:
            shown = mine  # disahkan, but not (or no longer) in force
        if shown is None:  # another version is disahkan, this one is not, and none is in force today
            entries.append(CatalogueEntry(sop, "none-in-force"))
            continue
        text = sop if shown.digest == sop.digest else cases.definition(shown.digest)
        draft = (
            _("the SOP file holds version {version}, {state}").format(
                version=sop.version, state=mine.state_word if mine else _("not disahkan")
            )
            if text is not sop
            else None
        )
        p = shown.pengesahan
        entries.append(
            CatalogueEntry(
                text,
                shown.state,
                shown.in_force_from,
                shown.in_force_until,
                shown.signed_by,
                p.signed_on if p else None,
                draft,
            )
        )
    return entries


# --- the static site ---------------------------------------------------------------------


def _check_folder(folder: Path) -> bool:
    """Refuse, before any work, a place no site can be written to; whether a site stands there now."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise unwritable(folder, e) from None
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            raise UserError(
                _("{path} is not a folder; give a folder for the site (a new one, or one sop site wrote)").format(
                    path=folder
                ),
                "output-not-a-folder",
                path=str(folder),
            )
        if any(folder.iterdir()) and not (folder / MARKER).is_file():
            raise UserError(
                _(
                    "{path} holds files sop site did not write; give a new or an empty folder, so that nothing of yours is replaced"
                ).format(path=folder),
                "output-not-a-site",
                path=str(folder),
            )
    if not folder.parent.is_dir():
        raise UserError(
            _("the folder {folder} does not exist; create it first or write elsewhere").format(folder=folder.parent),
            "no-such-folder",
            path=str(folder),
        )
    return info is not None


def _linked(facts: dict[str, Any]) -> dict[str, Any]:
    """An SOP's facts with the site's relative links: its page, its PDF and its BPMN beside the index."""
    sop_id = quote(facts["id"], safe="")
    facts["href"] = f"{sop_id}.html"
    facts["downloads"] = [{"label": "PDF", "href": f"{sop_id}.pdf"}, {"label": "BPMN", "href": f"{sop_id}.bpmn"}]
    return facts


def site_files(entries: list[CatalogueEntry], paper: str = "a4") -> dict[str, bytes]:
    """The files of the public catalogue of ``entries`` (those in force), by name."""
    from markupsafe import Markup  # a third-party module: only HTML that is rendered

    from . import render  # the formats, each imported when asked for

    env = environment()
    shown = sorted((e for e in entries if e.public), key=lambda e: e.sop.nama.casefold())
    files: dict[str, bytes] = {}
    index = [_linked(e.facts()) for e in shown]
    generated = format_date(date.today())
    files["index.html"] = env.get_template("site/index.html.j2").render(sops=index, generated=generated).encode("utf-8")
    for entry, facts in zip(shown, index, strict=True):
        sop = entry.sop
        chart = render(sop, "svg", paper=paper)
        assert isinstance(chart, str)
        page = env.get_template("site/sop.html.j2").render(sop=facts, chart=Markup(chart))  # noqa: S704 - our own SVG, its texts escaped
        files[f"{sop.id}.html"] = page.encode("utf-8")
        pdf = render(sop, "pdf", paper=paper)
        files[f"{sop.id}.pdf"] = pdf if isinstance(pdf, bytes) else pdf.encode("utf-8")
        bpmn = render(sop, "bpmn")
        files[f"{sop.id}.bpmn"] = bpmn if isinstance(bpmn, bytes) else bpmn.encode("utf-8")
    with open(os.path.join(resource_folder("templates"), "web", "static", SCRIPT), "rb") as f:
        files[SCRIPT] = f.read()
    files[MARKER] = b"written by sop site: the folder sop site may replace\n"
    return files


def write_site(folder: Path, entries: list[CatalogueEntry], paper: str = "a4") -> list[str]:
    """Write the public catalogue into ``folder`` whole: into a new folder beside it, then renamed into
    its place (an old site there is replaced; a folder of other files is refused). The names written."""
    folder = Path(os.path.abspath(folder))  # "." and "public/" too: a folder with a name in its parent
    exists = _check_folder(folder)
    files = site_files(entries, paper)
    parent = folder.parent
    tmp = parent / f".{folder.name}.{os.getpid()}.tmp"
    old = parent / f".{folder.name}.{os.getpid()}.old"
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name, content in files.items():
            (tmp / name).write_bytes(content)
            os.chmod(tmp / name, 0o644)  # a public site: the web server's user reads it
        os.chmod(tmp, 0o755)
        if exists:
            os.replace(folder, old)
        os.replace(tmp, folder)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if exists and old.exists() and not folder.exists():
            os.replace(old, folder)  # the old site back, as it was
        raise unwritable(folder, e) from None
    shutil.rmtree(old, ignore_errors=True)
    return sorted(n for n in files if n != MARKER)
