"""Regenerate the PNG pictures of the seed SOP's printed pages (`make docs`).

PDF (WeasyPrint) -> PNG (pypdfium2), so the pictures show exactly what prints.
A second set shows the demo case's progress on the same chart.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from runner import Attachment, Cases, find_sop, load_sop, open_store, progress_of, render, render_sheet
from runner.cli.demo import run

DOCS = Path(__file__).resolve().parent


def pdf_to_png(pdf: bytes, stem: str, scale: float = 1.6) -> list[Path]:
    for old in DOCS.glob(f"{stem}-[0-9]*.png"):  # its pages only: pelacuran-bpmn.png stays
        old.unlink()
    document = pdfium.PdfDocument(pdf)
    written = []
    for i, page in enumerate(document, start=1):
        path = DOCS / f"{stem}-{i}.png"
        page.render(scale=scale).to_pil().save(path, optimize=True)
        written.append(path)
    document.close()
    return written


def sheet() -> list[Path]:
    """The lembar kendali of a case at the Sekcam's (or the Camat's) decision, its QR code a web address."""
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{Path(tmp) / 'cases.sqlite3'}") as store:
        cases = Cases(store)
        sop = load_sop(find_sop("pelacuran"))
        case = cases.start(sop, title="Laporan RW 03", attach=[Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib", attach=[Attachment("Surat Perintah")])
        cases.advance(case.id, "camat")
        cases.advance(case.id, "kasi-trantib", note="Draft surat perintah terlampir")
        pdf = render_sheet(cases.show(case.id), "pdf", "https://sop.kecamatan.example")
    return pdf_to_png(pdf, "sheet", 1.2)  # type: ignore[arg-type]


def main() -> None:
    sop = load_sop(find_sop("pelacuran"))
    for path in pdf_to_png(render(sop, "pdf"), "pelacuran"):  # type: ignore[arg-type]
        print(path.relative_to(DOCS.parent))
    with tempfile.TemporaryDirectory() as tmp:
        folder = run(Path(tmp))
        with open_store(f"sqlite:///{folder / 'cases.sqlite3'}") as store:
            cases = Cases(store)
            view = cases.show("pelacuran-1")
            overlay = progress_of(view.sop, view, cases.history("pelacuran-1"))
            for path in pdf_to_png(render(view.sop, "pdf", overlay), "pelacuran-case"):  # type: ignore[arg-type]
                print(path.relative_to(DOCS.parent))
    for path in sheet():
        print(path.relative_to(DOCS.parent))


if __name__ == "__main__":
    main()
