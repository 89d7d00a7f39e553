"""``sop demo``: one whole pelacuran case on a throw-away store, with one correction loop."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click

from ..errors import EXIT_OK
from ..i18n import N_, _
from . import term
from .lazy import Command


@click.command(cls=Command, help=N_("A whole pelacuran case, start to end, on a throw-away store."))
def demo() -> int:
    run()
    return EXIT_OK


def run(folder: Path | None = None) -> Path:
    """Run the demo case; returns the folder that holds its store (and flowchart)."""
    from .. import Attachment, Cases, Refused, find_sop, load_sop, open_store, progress_of, render
    from .views import case_card, history_table

    folder = folder or Path(tempfile.mkdtemp(prefix="sop-demo-"))
    sop = load_sop(find_sop("pelacuran"))
    report = folder / "laporan-warga.txt"
    report.write_text("Laporan warga: dugaan kegiatan pelacuran di wilayah RW 03.\n", encoding="utf-8")
    clock = datetime.now(timezone.utc) - timedelta(days=5)

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
            from .wording import word

            term.say(_("refused, as it should be: {why}").format(why=word(e)))
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
        findings = cases.verify(case)
        term.say(str(findings[0]) if findings else _("verified: the events replay to the stored state"))

        view = cases.show(case)
        chart = folder / f"{case}.html"
        chart.write_text(
            str(render(view.sop, "html", progress_of(view.sop, view, cases.history(case)))), encoding="utf-8"
        )
        term.say(_("the flowchart with this case's progress: {path}").format(path=chart))
    return folder
