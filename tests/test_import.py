"""`sop import`: Word, Excel and pasted-text SOP tables into a YAML draft, with every guess marked.

The .docx and .xlsx files are made here (the XML written into a zip by hand;
openpyxl for the workbook), in the shapes offices' files have: merged headings,
a table continued over a page with its headings repeated, the headings in the
office's own words, numbering "1." / "1" / "(1)", several lines in a cell,
symbols drawn inline, floating and in VML, and empty pelaksana columns.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import SOPS

import runner
from runner.i18n import set_language

SEED = Path("/work/shared/seed")
if not SEED.is_dir():
    SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
WIDTHS = [500, 3000, 1000, 1000, 1000, 1500, 1000, 1500, 800]  # twips: No, Uraian, 3 roles, mutu baku, Ket.


def _p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def tc(*lines: str, span: int = 1, vmerge: str | None = None, extra: str = "") -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        "" if vmerge is None else '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
    )
    body = "".join(_p(line) for line in lines) or "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}{extra}</w:tc>"


def tr(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def drawing(prst: str, offset_emu: int | None = None) -> str:
    """A DrawingML shape: inline, or floating at ``offset_emu`` from the left of its cell."""
    graphic = (
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:spPr><a:prstGeom prst="{prst}"/></wps:spPr></wps:wsp></a:graphicData></a:graphic>'
    )
    if offset_emu is None:
        return f'<w:drawing><wp:inline><wp:extent cx="300000" cy="200000"/>{graphic}</wp:inline></w:drawing>'
    return (
        '<w:drawing><wp:anchor><wp:positionH relativeFrom="column">'
        f"<wp:posOffset>{offset_emu}</wp:posOffset></wp:positionH>"
        f'<wp:extent cx="300000" cy="200000"/>{graphic}</wp:anchor></w:drawing>'
    )


def shape_cell(inner: str) -> str:
    return f"<w:tc><w:tcPr/><w:p><w:r>{inner}</w:r></w:p></w:tc>"


HEADER = [
    tr(
        tc("NO", vmerge="restart"),
        tc("AKTIVITAS", vmerge="restart"),
        tc("PEJABAT YANG BERTANGGUNG JAWAB", span=3),
        tc("MUTU BAKU", span=3),
        tc("KETERANGAN", vmerge="restart"),
    ),
    tr(
        tc(vmerge="continue"),
        tc(vmerge="continue"),
        tc("Kasi Trantib"),
        tc("Danru"),
        tc("Anggota"),
        tc("Perlengkapan"),
        tc("Waktu"),
        tc("Output"),
        tc(vmerge="continue"),
    ),
]


def table(rows: list[str]) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in WIDTHS)
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def write_docx(path: Path, body: str) -> Path:
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        z.writestr("word/document.xml", document)
    return path


def office_docx(path: Path) -> Path:
    """Four steps over two tables (a page break, the headings repeated): each way of saying who does a step."""
    # the floating shape sits in the Kasi cell, but its offset (two role columns on) puts it in Anggota's
    floating = drawing("flowChartDecision", offset_emu=(1000 + 1000 + 300) * 635)
    vml = '<w:pict><v:shape type="#_x0000_t110"/></w:pict>'
    alternate = (
        f"<mc:AlternateContent><mc:Choice>{floating}</mc:Choice><mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent>"
    )
    page1 = [
        *HEADER,
        tr(
            tc("(1)"),
            tc("Kasi Trantib menerima pengaduan masyarakat"),
            shape_cell(drawing("flowChartTerminator")),
            tc(),
            tc(),
            tc("Surat Pengaduan", "KTP Pelapor"),
            tc("1 x 24 Jam"),
            tc("Disposisi"),
            tc(),
        ),
        tr(
            tc("2."),
            tc("Danru menyiapkan regu", "dan memeriksa perlengkapan"),
            tc(),
            tc("√"),
            tc(),
            tc("Disposisi"),
            tc("2 Jam"),
            tc("Surat Tugas"),
            tc("-"),
        ),
    ]
    page2 = [
        *HEADER,
        tr(
            tc("3"),
            tc("Anggota melaksanakan penertiban, apabila tidak sesuai dikembalikan kepada Danru"),
            shape_cell(alternate),
            tc(),
            tc(),
            tc("Surat Tugas"),
            tc("3 hari kerja"),
            tc("Berita Acara"),
            tc(),
        ),
        tr(
            tc("4."),
            tc("Kasi Trantib mengarsipkan berita acara"),
            tc(),
            tc(),
            tc(),
            tc("Berita Acara"),
            tc("10 Menit"),
            tc("Arsip"),
            tc(),
        ),
    ]
    body = _p("SOP PENERTIBAN PEDAGANG KAKI LIMA") + table(page1) + _p("") + table(page2)
    return write_docx(path, body)


def office_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "SOP"
    ws["A1"] = "Standar Operasional Prosedur Pelayanan Surat Keterangan"
    header = {"A3": "No.", "B3": "Kegiatan", "C3": "Pelaksana", "F3": "Mutu Baku", "I3": "Ket."}
    for ref, value in header.items():
        ws[ref] = value
    for rng in ("A3:A4", "B3:B4", "C3:E3", "F3:H3", "I3:I4"):
        ws.merge_cells(rng)
    for col, value in zip(
        "CDEFGH", ["Camat", "Sekcam", "Kasi Pemerintahan", "Persyaratan", "Waktu", "Output"], strict=True
    ):
        ws[f"{col}4"] = value
    rows = [
        [
            1,
            "Kasi Pemerintahan menerima permohonan\nsurat keterangan",
            None,
            None,
            "v",
            "Formulir, KTP",
            "15 Menit",
            "Draft Surat",
        ],
        [2, "Sekcam memeriksa draft surat", None, "x", None, "Draft Surat", "1 Jam", "Draft Surat Diparaf"],
        [3, "Camat menandatangani surat", "●", None, None, "Draft Surat Diparaf", "1 hari", "Surat Keterangan"],
    ]
    for r, values in enumerate(rows, start=5):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    book.save(path)
    return path


def _draft(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


# --- Word --------------------------------------------------------------------------------------


def test_docx_merged_headings_repeated_pages_and_every_way_of_naming_the_pelaksana(tmp_path):
    out = tmp_path / "pkl-baru.yaml"
    report = runner.import_sop(office_docx(tmp_path / "pkl.docx"), out)
    data = _draft(out)
    assert [(p["id"], p["nama"]) for p in data["pelaksana"]] == [
        ("kasi-trantib", "Kepala Seksi Ketentraman dan Ketertiban Umum"),
        ("danru", "Komandan Regu (Danru)"),
        ("anggota", "Anggota"),
    ]
    assert data["nama"] == "Penertiban Pedagang Kaki Lima"
    steps = data["steps"]
    assert len(steps) == 4  # the repeated headings of page 2 are no step
    assert [s["pelaksana"] for s in steps] == ["kasi-trantib", "danru", "anggota", "kasi-trantib"]
    assert steps[0]["kelengkapan"] == ["Surat Pengaduan", "KTP Pelapor"]  # two lines, two items
    assert steps[0]["waktu"] == "1 x 24 jam"
    assert steps[1]["uraian"] == "Danru menyiapkan regu\ndan memeriksa perlengkapan"
    assert steps[1]["keterangan"] == "-"
    assert steps[2]["waktu"] == "3 hari kerja"
    # where each step came from, and why its pelaksana
    by_no = {d.no: d for d in report.steps}
    assert [str(d.row.where) for d in report.steps] == [
        "table 1, row 3, cell 1",
        "table 1, row 4, cell 1",
        "table 2, row 3, cell 1",
        "table 2, row 4, cell 1",
    ]
    assert "terminator" in by_no[1].reason and by_no[1].confidence > 0.9
    assert "'√'" in by_no[2].reason and "table 1, row 4, cell 4" in by_no[2].reason
    assert "decision" in by_no[3].reason  # the floating diamond, placed by its offset, counted once
    assert by_no[4].confidence < 0.9 and "pelaksana" in by_no[4].guesses
    # the branch: a draft decision without targets, the correction proposed from "kepada Danru"
    assert steps[2]["decision"]["outcomes"] == {"disetujui": "...", "koreksi": "..."}
    assert "step 2" in by_no[3].outcome_guesses["koreksi"]
    errors = [p for p in report.problems if p.severity == "error"]
    lines = {_line(out, "disetujui: ..."), _line(out, "koreksi: ...")}
    assert {p.line for p in errors} == lines and not report.valid


def test_a_guessed_line_carries_its_mark_and_the_report_names_it(tmp_path):
    out = tmp_path / "pkl-baru.yaml"
    report = runner.import_sop(office_docx(tmp_path / "pkl.docx"), out)
    lines = out.read_text(encoding="utf-8").splitlines()
    marked = [i for i, line in enumerate(lines, 1) if "# guess:" in line]
    assert marked == [line for line, _text in report.guesses]
    step4 = _line(out, "Kasi Trantib mengarsipkan")
    assert "# guess:" in lines[step4]  # the pelaksana line after the uraian of step 4
    assert "# guess:" not in lines[_line(out, "pelaksana: danru") - 1]  # read from a mark: no guess
    assert lines[0].startswith("# yaml-language-server: $schema=")


# --- Excel --------------------------------------------------------------------------------------


def test_xlsx_with_merged_ranges_and_marks_is_valid_as_imported(tmp_path, sop):
    out = tmp_path / "surat-keterangan.yaml"
    result = sop("import", str(office_xlsx(tmp_path / "sk.xlsx")), "-o", str(out), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["valid"] is True and report["kind"] == "xlsx"
    assert [s["pelaksana"] for s in report["steps"]] == [["kasi-pemerintahan"], ["sekcam"], ["camat"]]
    assert report["steps"][0]["cells"]["uraian"] == {"table": 1, "row": 5, "cell": 2, "ref": "SOP!B5"}
    assert "'v'" in report["steps"][0]["reason"]
    data = _draft(out)
    assert data["steps"][0]["uraian"] == "Kasi Pemerintahan menerima permohonan\nsurat keterangan"
    assert data["steps"][0]["kelengkapan"] == ["Formulir", "KTP"]
    assert sop("validate", str(out)).code == 0


XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


def _with_shapes(path: Path, shapes: list[tuple[str, int, int, int]]) -> Path:
    """The workbook with a drawing part holding ``(prst, from col, to col, row)`` shapes (0-based, as xdr counts)."""
    anchors = "".join(
        f"<xdr:twoCellAnchor><xdr:from><xdr:col>{a}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r}</xdr:row>"
        f"<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{b}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{r}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp><xdr:nvSpPr/><xdr:spPr>"
        f'<a:prstGeom prst="{prst}"/></xdr:spPr></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>'
        for prst, a, b, r in shapes
    )
    drawing = (
        f'<?xml version="1.0"?><xdr:wsDr xmlns:xdr="{XDR}" '
        f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">{anchors}</xdr:wsDr>'
    )
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" '
        'Target="../drawings/drawing1.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/drawings/drawing1.xml", drawing)
        z.writestr("xl/worksheets/_rels/sheet1.xml.rels", rels)
    return path


def test_xlsx_symbols_drawn_over_empty_pelaksana_columns(tmp_path):
    import openpyxl

    source = office_xlsx(tmp_path / "sk.xlsx")
    book = openpyxl.load_workbook(source)
    for r in (5, 6, 7):
        for c in "CDE":
            book["SOP"][f"{c}{r}"] = None  # the marks gone: only the shapes tell
    book.save(source)
    # row 5 (index 4): a terminator over Kasi's column E; row 6: a process spanning D..D; row 7: a decision in C
    _with_shapes(source, [("flowChartTerminator", 4, 4, 4), ("flowChartProcess", 3, 3, 5), ("diamond", 2, 2, 6)])
    report = runner.import_sop(source, tmp_path / "sk.yaml")
    assert [d.pelaksana for d in report.steps] == [["kasi-pemerintahan"], ["sekcam"], ["camat"]]
    assert [d.confidence for d in report.steps] == [0.95, 0.95, 0.95]
    assert report.steps[2].decision is not None  # the diamond makes a draft decision, targets left to a person
    assert report.steps[2].decision["outcomes"] == {"ya": "...", "tidak": "..."}


# --- the seed: pasted text whose symbols were lost --------------------------------------------------


def test_the_seed_text_imports_to_pelacuran_but_for_its_decisions(tmp_path, sop):
    seeds = sorted(SEED.glob("*.txt"))
    assert seeds, f"no seed in {SEED}"
    source = tmp_path / "seed.txt"
    shutil.copy(seeds[0], source)
    out = tmp_path / "pelacuran.yaml"
    result = sop("import", str(source), "-o", str(out))
    assert result.code == 0, result.err
    for no in range(1, 11):
        assert re.search(rf"│ {no} +│ table 1, row \d+, cell 1", result.out)
    assert "2 draft decisions" in result.err
    named = [int(m) for m in re.findall(rf"^{re.escape(str(out))}:(\d+): guess: ", result.out, re.M)]
    marked = [i for i, line in enumerate(out.read_text(encoding="utf-8").splitlines(), 1) if "# guess:" in line]
    assert named == marked and len(named) > 10  # the report names every guess the file marks
    ours, theirs = _draft(out), yaml.safe_load((SOPS / "pelacuran.yaml").read_text(encoding="utf-8"))
    assert len(ours["pelaksana"]) == len(theirs["pelaksana"])
    column = {p["id"]: i for i, p in enumerate(ours["pelaksana"])}
    their_column = {p["id"]: i for i, p in enumerate(theirs["pelaksana"])}
    assert [s["waktu"] for s in ours["steps"]] == [s["waktu"].lower() for s in theirs["steps"]]
    for key in ("kelengkapan", "output"):
        assert [s[key] for s in ours["steps"]] == [s[key] for s in theirs["steps"]]
    who = [
        [column[p]] if isinstance(p, str) else [column[x] for x in p] for p in (s["pelaksana"] for s in ours["steps"])
    ]
    their_who = [
        [their_column[p]] if isinstance(p, str) else [their_column[x] for x in p]
        for p in (s["pelaksana"] for s in theirs["steps"])
    ]
    # step 4: the seed's text names the Sekcam as its subject; the Camat signs too, which only a person sees
    assert [i for i in range(10) if who[i] != their_who[i]] == [3]
    assert who[3] == their_who[3][:1]
    decisions = [
        s["no"]
        for s in json.loads(sop("import", str(source), "-o", str(out), "--force", "--json").out)["steps"]
        if s["decision"]
    ]
    assert decisions == [4, 9]
    # what stands between the draft and valid: the four outcomes, exactly; choosing them as proposed is enough
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert sorted(int(e.split(":")[1]) for e in errors) == [
        i for i, line in enumerate(lines, 1) if line.strip().startswith(("disetujui: ...", "koreksi: ..."))
    ]
    chosen = [re.sub(r": \.\.\.( +# .*perhaps '([a-z0-9-]+)')", r": \2\1", line) for line in lines]
    out.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    assert sop("validate", str(out)).code == 0


def test_the_draft_speaks_indonesian(tmp_path, sop):
    source = tmp_path / "seed.txt"
    shutil.copy(sorted(SEED.glob("*.txt"))[0], source)
    out = tmp_path / "pelacuran.yaml"
    result = sop("--lang", "id", "import", str(source), "-o", str(out))
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert "# dugaan:" in text and "# guess:" not in text
    assert "tabel 1, baris 13, sel 1" in result.out
    assert "keputusan" in result.err


# --- bad input: one line, exit 1, nothing written -------------------------------------------------


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (30 * 1024 * 1024))
    return path


def _macros(path: Path) -> Path:
    write_docx(path, _p("x"))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("word/vbaProject.bin", b"\1\2")
    return path


@pytest.mark.parametrize(
    "make, said",
    [
        (lambda p: (p / "empty.txt").write_bytes(b"") and p / "empty.txt" or p / "empty.txt", "empty"),
        (lambda p: (p / "fake.docx").write_text("not a zip") and p / "fake.docx", "damaged"),
        (
            lambda p: (p / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512) and p / "old.doc",
            "encrypted",
        ),
        (lambda p: _bomb(p / "bomb.docx"), "zip bomb"),
        (lambda p: _macros(p / "macro.docm"), "macros"),
        (
            lambda p: (p / "letter.txt").write_text("Dear sir,\nthe meeting is\ttomorrow.\n") and p / "letter.txt",
            "no SOP table",
        ),
        (lambda p: write_docx(p / "memo.docx", _p("Memo")), "no SOP table"),
        (lambda p: Path("/dev/zero"), "device"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_nothing_written(tmp_path, sop, monkeypatch, make, said):
    monkeypatch.setenv("SOP_IMPORT_MAX_MB", "2")
    source = make(tmp_path)
    out = tmp_path / "x.yaml"
    result = sop("import", str(source), "-o", str(out))
    assert result.code == 1
    assert result.err.startswith("error: ") and result.err.count("\n") == 1, result.err
    assert said in result.err
    assert not out.exists()


def test_an_existing_draft_is_kept_unless_forced(tmp_path, sop):
    out = tmp_path / "surat-keterangan.yaml"
    out.write_text("mine\n", encoding="utf-8")
    source = office_xlsx(tmp_path / "sk.xlsx")
    result = sop("import", str(source), "-o", str(out))
    assert result.code == 1 and "--force" in result.err
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert sop("import", str(source), "-o", str(out), "--force").code == 0
    assert _draft(out)["id"] == "surat-keterangan"


def test_bad_input_in_indonesian(tmp_path, sop):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = sop("--lang", "id", "import", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "x.yaml"))
    assert result.code == 1 and "kosong" in result.err
    set_language(None)


# --- round trip: every SOP as the Word table an office would keep, and back -----------------------


def _as_docx(sop: dict, path: Path) -> Path:
    """The SOP as a Word table: symbols in its pelaksana's columns (a diamond for a decision); a row of
    activities lettered in its uraian cell, a symbol for each in its column; the SOP's own headings."""
    roles = sop["pelaksana"]
    kolom = {
        "no": "No", "uraian": "Uraian Kegiatan", "pelaksana": "Pelaksana", "mutu_baku": "Mutu Baku",
        "kelengkapan": "Kelengkapan", "waktu": "Waktu", "output": "Output", "keterangan": "Ket.",
    } | sop.get("kolom", {})  # fmt: skip
    header = [
        tr(
            tc(kolom["no"], vmerge="restart"),
            tc(kolom["uraian"], vmerge="restart"),
            tc(kolom["pelaksana"], span=len(roles)),
            tc(kolom["mutu_baku"], span=3),
            tc(kolom["keterangan"], vmerge="restart"),
        ),
        tr(
            tc(vmerge="continue"),
            tc(vmerge="continue"),
            *(tc(r.get("singkatan") or r["nama"]) for r in roles),
            tc(kolom["kelengkapan"]),
            tc(kolom["waktu"]),
            tc(kolom["output"]),
            tc(vmerge="continue"),
        ),
    ]
    rows = []
    for no, step in enumerate(sop["steps"], start=1):
        acts = step.get("kegiatan", [step])
        shapes: dict[str, str] = {}
        for act in acts:
            who = act["pelaksana"] if isinstance(act["pelaksana"], list) else [act["pelaksana"]]
            shape = "flowChartDecision" if "decision" in act else "flowChartProcess"
            for w in who:
                shapes[w] = shapes.get(w, "") + drawing(shape)
        cells = [shape_cell(shapes[r["id"]]) if r["id"] in shapes else tc() for r in roles]
        if "kegiatan" in step:
            lines = [step.get("uraian", "")] + [f"{chr(ord('a') + k)}. {a['uraian']};" for k, a in enumerate(acts)]
        else:
            lines = step["uraian"].split("\n")

        def items(key: str, step: dict = step) -> list[str]:
            value = step.get(key) or []
            return [value] if isinstance(value, str) else value

        rows.append(
            tr(
                tc(f"{no}."),
                tc(*lines),
                *cells,
                tc(*items("kelengkapan")),
                tc(step["waktu"]),
                tc(*items("output")),
                tc(),
            )
        )
    widths = [500, 3000, *[900] * len(roles), 1500, 1000, 1500, 800]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return write_docx(
        path, _p(f"SOP {sop['nama']}") + f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{''.join(header + rows)}</w:tbl>"
    )


@pytest.mark.parametrize("name", sorted(p.name for p in SOPS.glob("*.yaml")))
def test_every_sop_exported_to_word_imports_back_to_its_steps_and_pelaksana(tmp_path, name):
    sop = yaml.safe_load((SOPS / name).read_text(encoding="utf-8"))
    out = tmp_path / "back.yaml"
    runner.import_sop(_as_docx(sop, tmp_path / "sop.docx"), out)
    back = _draft(out)
    column = {r["id"]: i for i, r in enumerate(sop["pelaksana"])}
    their_column = {r["id"]: i for i, r in enumerate(back["pelaksana"])}

    def who(step: dict, columns: dict) -> list[int]:
        p = step["pelaksana"]
        return sorted(columns[x] for x in ([p] if isinstance(p, str) else p))

    def as_list(value: object) -> list:
        return [] if value is None else [value] if isinstance(value, str) else list(value)

    assert len(back["steps"]) == len(sop["steps"])
    assert len(back["pelaksana"]) == len(sop["pelaksana"])
    for mine, theirs in zip(sop["steps"], back["steps"], strict=True):
        assert " ".join(theirs["uraian"].split()) == " ".join(mine["uraian"].split())
        assert who(theirs, their_column) == who(mine, column)
        assert theirs["waktu"] == mine["waktu"].lower() or theirs["waktu"] == mine["waktu"]
        assert as_list(theirs.get("kelengkapan")) == as_list(mine.get("kelengkapan"))
        assert as_list(theirs.get("output")) == as_list(mine.get("output"))
        assert ("decision" in theirs) == ("decision" in mine)


# --- rows of several activities (issue 24, item 8) ------------------------------------------------------


def test_a_row_of_lettered_activities_with_a_symbol_each_imports_as_a_row_of_kegiatan(tmp_path):
    from conftest import ROOT

    source = yaml.safe_load((ROOT / "tests" / "data" / "kegiatan" / "penugasan.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "penugasan.yaml"
    report = runner.import_sop(_as_docx(source, tmp_path / "penugasan.docx"), out)
    back = _draft(out)
    assert back["kolom"] == source["kolom"]  # the file's own headings; the standard ones need no kolom
    assert len(back["steps"]) == len(source["steps"]) == 5
    for mine, theirs in zip(source["steps"], back["steps"], strict=True):
        assert ("kegiatan" in theirs) == ("kegiatan" in mine)
        if "kegiatan" not in mine:
            continue
        assert theirs["uraian"] == mine["uraian"]
        assert theirs["waktu"] == mine["waktu"] and theirs["output"] == mine["output"]
        assert [k["uraian"] for k in theirs["kegiatan"]] == [k["uraian"] for k in mine["kegiatan"]]
        assert [k["pelaksana"] for k in theirs["kegiatan"]] == [k["pelaksana"] for k in mine["kegiatan"]]
        assert ["decision" in k for k in theirs["kegiatan"]] == ["decision" in k for k in mine["kegiatan"]]
    # the decisions' targets are for a person to choose, with the activity before it proposed
    [row] = [d for d in report.to_json()["steps"] if d["no"] == 2]
    kasi = row["kegiatan"][1]
    assert kasi["pelaksana"] == ["kasi"] and kasi["decision"]
    assert kasi["id"] == "memeriksa-surat-perintah"  # as a step's id: the words after its subject
    assert "'membuat-surat-perintah'" in kasi["guesses"]["outcome tidak"]  # back to 2a, inside the row
    problems = [p.message for p in report.problems if p.severity == "error"]
    assert problems and all("'...'" in m or "..." in m for m in problems), problems
    text = out.read_text(encoding="utf-8")
    assert "    kegiatan:\n      - id: membuat-surat-perintah\n" in text


def test_more_symbols_than_lettered_parts_become_activities_to_describe(tmp_path):
    """As the signed SOP of the issue: three lettered parts, five symbols in the row."""
    roles = ["Tim", "Kasi", "Kabid", "Sekretaris", "Kasat"]
    header = [
        tr(tc("NO"), tc("AKTIVITAS"), tc("PEJABAT YANG BERTANGGUNG JAWAB", span=5), tc("MUTU BAKU", span=3), tc("KET")),
        tr(tc(""), tc(""), *(tc(r) for r in roles), tc("Perlengkapan"), tc("Waktu"), tc("Output"), tc("")),
    ]
    shapes = ["flowChartProcess", "flowChartDecision", "flowChartProcess", "flowChartDecision", "flowChartDecision"]
    row = tr(
        tc("2."),
        tc(
            "Menyusun kegiatan pengawasan: a. membuat Surat Perintah Tugas dan disampaikan kepada Kasi untuk"
            " diperiksa; b. setelah diparaf oleh Kasi selanjutnya disampaikan kepada Kabid; c. Nota Dinas"
            " disampaikan oleh Kabid kepada Kasat melalui Sekretaris, apabila Kasat menyetujui"
        ),
        *(shape_cell(drawing(k)) for k in shapes),
        tc("Disposisi"),
        tc("1 Hari"),
        tc("Surat Perintah Tugas"),
        tc(),
    )
    first = tr(tc("1."), tc("Kasat memberikan disposisi"), tc(), tc(), tc(), tc(), shape_cell(drawing("flowChartTerminator")),
               tc("Surat Masuk"), tc("1 jam"), tc("Disposisi"), tc())  # fmt: skip
    widths = [500, 3000, *[900] * 5, 1500, 1000, 1500, 800]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body = _p("SOP Penugasan") + f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{''.join([*header, first, row])}</w:tbl>"
    out = tmp_path / "penugasan.yaml"
    report = runner.import_sop(write_docx(tmp_path / "p.docx", body), out)
    step = _draft(out)["steps"][1]
    assert step["uraian"] == "Menyusun kegiatan pengawasan:" and step["waktu"] == "1 hari"
    assert [k["pelaksana"] for k in step["kegiatan"]] == ["tim", "kasi", "kabid", "sekretaris", "kasat"]
    assert [k["uraian"] for k in step["kegiatan"]][3:] == ["...", "..."]
    assert ["decision" in k for k in step["kegiatan"]] == [False, True, False, True, True]
    texts = [text for _line, text in report.guesses]
    assert any("more symbols than lettered parts" in t for t in texts), texts


# --- grouped shapes and canvases (issue 24, item 3) ---------------------------------------------------

WPG = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
WPC = "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas"


def _wsp(prst: str, x_emu: int, w_emu: int = 300 * 635) -> str:
    return (
        f'<wps:wsp><wps:spPr><a:xfrm><a:off x="{x_emu}" y="0"/><a:ext cx="{w_emu}" cy="200000"/></a:xfrm>'
        f'<a:prstGeom prst="{prst}"/></wps:spPr></wps:wsp>'
    )


def grouped(shapes: list[tuple[str, int]], offset_emu: int | None, canvas: bool = False, scale: int = 1) -> str:
    """A group (wpg:wgp) or a canvas (wpc:wpc) of shapes at their x offsets (twips) within it; a group's
    children in a coordinate space ``scale`` times its own (chExt), as Word writes a resized group."""
    width = 3000 * 635
    if canvas:
        inner = "".join(_wsp(p, x * 635) for p, x in shapes)
        body = f'<wpc:wpc xmlns:wpc="{WPC}"><wpc:bg/><wpc:whole/>{inner}</wpc:wpc>'
        uri = WPC
    else:
        inner = "".join(_wsp(p, x * 635 * scale, 300 * 635 * scale) for p, x in shapes)
        frame = (
            f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="400000"/>'
            f'<a:chOff x="0" y="0"/><a:chExt cx="{width * scale}" cy="{400000 * scale}"/></a:xfrm>'
        )
        # one shape nested in a group of its own inside the group, as Word keeps a regrouped drawing
        nested = (
            f'<wpg:grpSp><wpg:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width * scale}" cy="1"/>'
            f'<a:chOff x="0" y="0"/><a:chExt cx="{width * scale}" cy="1"/></a:xfrm></wpg:grpSpPr>{inner}</wpg:grpSp>'
        )
        body = f'<wpg:wgp xmlns:wpg="{WPG}"><wpg:cNvGrpSpPr/><wpg:grpSpPr>{frame}</wpg:grpSpPr>{nested}</wpg:wgp>'
        uri = WPG
    graphic = f'<a:graphic><a:graphicData uri="{uri}">{body}</a:graphicData></a:graphic>'
    extent = f'<wp:extent cx="{width}" cy="400000"/>'
    if offset_emu is None:
        return f"<w:drawing><wp:inline>{extent}{graphic}</wp:inline></w:drawing>"
    return (
        '<w:drawing><wp:anchor><wp:positionH relativeFrom="column">'
        f"<wp:posOffset>{offset_emu}</wp:posOffset></wp:positionH>{extent}{graphic}</wp:anchor></w:drawing>"
    )


@pytest.mark.parametrize(
    "drawn",
    [
        pytest.param(lambda shapes: grouped(shapes, 0), id="group"),
        pytest.param(lambda shapes: grouped(shapes, 0, scale=4), id="resized-group"),
        pytest.param(lambda shapes: grouped(shapes, None, canvas=True), id="inline-canvas"),
    ],
)
def test_shapes_grouped_or_on_a_canvas_are_each_placed_by_their_own_offset(tmp_path, drawn):
    """One drawing in the Kasi cell holds a row's three symbols, 1000 twips apart: each lands in its own
    role column (as a row of activities, its uraian lettered), none is counted in the Kasi cell."""
    shapes = [("flowChartProcess", 350), ("flowChartDecision", 1350), ("flowChartProcess", 2350)]
    rows = [
        *HEADER,
        tr(
            tc("1."),
            tc("Menertibkan: a. menerima laporan; b. Danru memeriksa laporan; c. Anggota menindaklanjuti"),
            shape_cell(drawn(shapes)),
            tc(),
            tc(),
            tc("Laporan"),
            tc("1 jam"),
            tc("Berita Acara"),
            tc(),
        ),
    ]
    out = tmp_path / "grup.yaml"
    runner.import_sop(write_docx(tmp_path / "grup.docx", _p("SOP Grup") + table(rows)), out)
    [step] = _draft(out)["steps"]
    assert [k["pelaksana"] for k in step["kegiatan"]] == ["kasi-trantib", "danru", "anggota"]
    assert ["decision" in k for k in step["kegiatan"]] == [False, True, False]
