"""``sop demo``: one whole pelacuran case on a throw-away store, with one correction loop."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from . import term
from .cases import Attachment, Cases, now
from .definition import find, load
from .errors import Refused
from .i18n import _
from .store import open_store
from .views import case_card, history_table


def run(folder: Path | None = None) -> Path:
    """Run the demo case; returns the folder that holds its store (and flowchart)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="sop-demo-"))
    sop = load(find("pelacuran"))
    report = folder / "laporan-warga.txt"
    report.write_text("Laporan warga: dugaan kegiatan pelacuran di wilayah RW 03.\n", encoding="utf-8")
    clock = now() - timedelta(days=5)

    def at() -> str:
        nonlocal clock
        clock += timedelta(minutes=50)
        return clock.isoformat()

    with open_store(f"sqlite:///{folder / 'cases.sqlite3'}") as store:
        cases = Cases(store)
        case = cases.start(
            sop, title="Laporan warga RW 03", at=at(), by="demo", attach=[Attachment("Informasi Pelanggaran", report)]
        ).id
        term.say(_("started {id} on a throw-away store in {folder}").format(id=case, folder=folder))

        def step(role: str, outcome: str | None = None, attach: tuple[str, ...] = (), note: str | None = None) -> None:
            cases.advance(
                case, role, outcome=outcome, note=note, at=at(), by="demo", attach=[Attachment(a) for a in attach]
            )

        step("kasi-trantib")
        step("camat")
        step("kasi-trantib")
        try:  # what a clerk sees when the wrong person acts
            step("anggota")
        except Refused as e:
            term.say(_("refused, as it should be: {why}").format(why=e))
        step("sekcam", outcome="koreksi", note="Dasar hukum belum dicantumkan")
        step("kasi-trantib", note="Draft diperbaiki")
        step("camat", outcome="disetujui")
        step("kasi-trantib")
        step("danru", attach=("Draft Laporan",))
        step("anggota", attach=("Seragam", "alat peneritiban", "kendaraan", "perlengkapan"))
        step("danru")
        step("kasi-trantib", outcome="disetujui")
        step("kasi-trantib")

        term.out(case_card(cases.show(case)))
        term.out()
        term.out(history_table(cases.history(case)))
        problems = cases.verify(case)
        term.say(problems[0] if problems else _("verified: the events replay to the stored state"))

        from .render import progress_of, render

        view = cases.show(case)
        chart = folder / f"{case}.html"
        chart.write_text(
            str(render(view.sop, "html", progress_of(view.sop, view, cases.history(case)))), encoding="utf-8"
        )
        term.say(_("the flowchart with this case's progress: {path}").format(path=chart))
    return folder
