"""``sop demo``: one whole pelacuran case on a throw-away store, with one correction loop.

The store registers its people first: you (the OS login) are the admin and the
office clerk who records what the officials signed on paper (``for_person``);
the Camat is away for part of the case, and the Sekcam acts as Plh. Camat.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click

from ..errors import EXIT_OK
from ..i18n import N_, _
from ..l10n import format_moment_text
from . import term
from .lazy import Command


@click.command(cls=Command, help=N_("A whole pelacuran case, start to end, on a throw-away store."))
def demo() -> int:
    run()
    return EXIT_OK


def run(folder: Path | None = None) -> Path:
    """Run the demo case; returns the folder that holds its store (and flowchart)."""
    from .. import (  # the whole API, and the views below: only the demo, not --help
        Attachment,
        Cases,
        People,
        Refused,
        find_sop,
        load_sop,
        open_store,
        progress_of,
        render,
    )
    from .views import case_card, history_table
    from .wording import word

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
        office = People(store)
        office.add(office.login, "Petugas Operator Kecamatan", records_for_others=True)  # the first: the admin
        since = (clock - timedelta(days=365)).date().isoformat()
        away = clock.date().isoformat()
        staff: list[tuple[str, str, str | None, list[tuple[str, str | None, str]]]] = [
            ("budi", "Drs. Budi Santoso, M.Si", "196805121990031004", [("camat", None, since)]),
            ("sari", "Sari Dewi, S.STP", "197903022005012003", [("sekcam", None, since), ("camat", "plh", away)]),
            ("andi", "Andi Wijaya, S.H.", "198107142006041002", [("kasi-trantib", None, since)]),
            ("joko", "Joko Prasetyo", None, [("danru", None, since)]),
            ("rina", "Rina Marlina", None, [("anggota", None, since)]),
        ]
        for login, nama, nip, posts in staff:
            office.add(login, nama, nip)
            for pelaksana, acting, start in posts:
                office.grant(login, pelaksana, acting=acting, valid_from=start)
        term.say(_("registered 6 people; sari is Plh. Camat from {day}").format(day=format_moment_text(away)))

        cases = Cases(store)
        case = cases.start(
            sop, title="Laporan warga RW 03", at=at(), attach=[Attachment("Informasi Pelanggaran", report)]
        ).id
        term.say(_("started {id} on a throw-away store in {folder}").format(id=case, folder=folder))

        def step(
            who: str, role: str, outcome: str | None = None, attach: tuple[str, ...] = (), note: str | None = None
        ) -> None:
            """The clerk records what ``who`` signed on paper."""
            cases.advance(case, role, outcome, note, [Attachment(a) for a in attach], at=at(), for_person=who)

        step("andi", "kasi-trantib")
        step("budi", "camat")
        step("andi", "kasi-trantib")
        for who, role in [("rina", "anggota"), ("joko", "sekcam")]:
            try:  # what a clerk sees when the wrong person acts, or a person without the post
                step(who, role, outcome="disetujui")
            except Refused as e:
                term.say(_("refused, as it should be: {why}").format(why=word(e)))
        step("sari", "sekcam", outcome="koreksi", note="Dasar hukum belum dicantumkan")
        step("andi", "kasi-trantib", note="Draft diperbaiki")
        step("sari", "camat", outcome="disetujui")  # the Camat is away: the Sekcam signs as Plh. Camat
        step("andi", "kasi-trantib")
        step("joko", "danru", attach=("Draft Laporan",))
        step("rina", "anggota", attach=("Seragam", "alat peneritiban", "kendaraan", "perlengkapan"))
        step("joko", "danru")
        step("andi", "kasi-trantib", outcome="disetujui")
        step("andi", "kasi-trantib")

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
