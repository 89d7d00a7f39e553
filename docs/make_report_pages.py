"""Pictures of the report and the monitoring form (`make docs`): forty pelacuran cases, then PDF -> PNG.

The cases are made up but run through the real case service with `at`
(deterministic: a fixed seed and fixed dates in the second semester of 2026),
with corrections at steps 4 and 9, some steps late, a cancelled case and a
few still open. The documents are made in Indonesian, as the README shows them.
"""

from __future__ import annotations

import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium

from runner import (
    Attachment,
    Cases,
    Period,
    build_report,
    find_sop,
    load_sop,
    monitoring_form,
    open_store,
    render_monitoring,
    render_report,
)
from runner.i18n import set_language

DOCS = Path(__file__).resolve().parent
WIB = ZoneInfo("Asia/Jakarta")
# how long each step takes, as a share of its waktu (the rest of the time it is late)
LATE = {"draft-surat-perintah": 0.4, "arsip-laporan": 0.7, "verifikasi-surat-perintah": 0.15}


def populate(cases: Cases, rng: random.Random) -> None:
    sop = load_sop(find_sop("pelacuran"))
    scan = Path(tempfile.mkdtemp()) / "laporan.pdf"
    scan.write_bytes(b"%PDF-1.4 laporan warga")
    for i in range(40):
        clock = datetime(2026, 7, 6, 8, 0, tzinfo=WIB) + timedelta(days=3 * i, hours=rng.randrange(0, 6))
        first = Attachment("Informasi Pelanggaran", scan if rng.random() < 0.6 else None)
        row = cases.start(sop, title=f"Laporan {i + 1}", attach=[first], at=clock)
        steps_left = 5 if i == 20 else 14 if i < 36 else rng.randrange(2, 8)  # one cancelled, the last four stay open
        for _ in range(steps_left):
            if row.status != "open":
                break
            step = sop.step(row.step)
            waktu = step.duration.calendar.total_seconds()
            late = rng.random() < LATE.get(step.id, 0.08)
            clock += timedelta(seconds=waktu * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.2, 0.95)))
            outcome = None
            if step.decision:
                outcome = "koreksi" if rng.random() < (0.35 if step.no == 4 else 0.2) else "disetujui"
            missing = [Attachment(k) for k in step.missing(row.available)]
            row = cases.advance(row.id, step.pelaksana[0], outcome=outcome, attach=missing, at=clock)
        if i == 20:
            cases.cancel(row.id, "laporan ternyata keliru", at=clock + timedelta(hours=1))


def pdf_to_png(pdf: bytes, stem: str, pages: int, scale: float = 1.6) -> list[Path]:
    for old in DOCS.glob(f"{stem}-*.png"):
        old.unlink()
    document = pdfium.PdfDocument(pdf)
    written = []
    for i in range(min(pages, len(document))):
        path = DOCS / f"{stem}-{i + 1}.png"
        document[i].render(scale=scale).to_pil().save(path, optimize=True)
        written.append(path)
    document.close()
    return written


def main() -> None:
    set_language("id")
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{Path(tmp) / 'cases.sqlite3'}") as store:
        populate(Cases(store), random.Random(35))
        report = build_report(store, Period.parse("2026-S2"), [load_sop(find_sop("pelacuran"))])
        report = report._replace(store="sqlite:///kasus.sqlite3")  # not the temporary folder's name
        pdf = render_report(report, "pdf")
        forms = [
            monitoring_form(
                report,
                report.sections[0],
                penilai="Drs. Ahmad Fauzi",
                nip="197001012000031001",
                jabatan="Sekretaris Kecamatan",
                tempat="Karawaci",
                signed="2026-12-02",
            )
        ]
        monitoring = render_monitoring(forms, "pdf")
    assert isinstance(pdf, bytes) and isinstance(monitoring, bytes)
    for path in pdf_to_png(pdf, "report", 4) + pdf_to_png(monitoring, "monitoring", 1):
        print(path.relative_to(DOCS.parent))


if __name__ == "__main__":
    main()
