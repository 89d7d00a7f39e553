"""The SOP AP flowchart: geometry checked directly, every format, the case overlay, escaping, the PDF."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT

from runner import load_sop as load
from runner import render
from runner.documents.layout import compute, segment_hits_rect, segments_overlap

SHIPPED = sorted((ROOT / "sop").glob("*.yaml"))
VALID = sorted((ROOT / "tests" / "golden" / "valid").glob("*.yaml"))


def generated_sop(tmp_path: Path, n: int = 40) -> Path:
    """A long SOP with every kind of arrow: loops back, jumps forward, shared steps, early ends."""
    lanes = ["camat", "sekcam", "kasi", "danru", "anggota"]
    lines = ["format: 1", "id: panjang", 'version: "1"', "nama: SOP Panjang Buatan Uji", "pelaksana:"]
    lines += [f"  - {{id: {p}, nama: Jabatan {p.title()}}}" for p in lanes]
    lines.append("steps:")
    for i in range(1, n + 1):
        who = lanes[(i * 3) % 5]
        lines += [
            f"  - id: s{i}",
            f"    uraian: Langkah nomor {i} " + "dengan uraian yang cukup panjang " * (i % 4),
            f"    pelaksana: {'[' + who + ', ' + lanes[(i * 3 + 2) % 5] + ']' if i % 6 == 0 else who}",
            "    waktu: 1 jam kerja",
            f"    output: [Dokumen {i}]",
        ]
        if i % 7 == 0 and i > 3:  # a correction back three steps
            lines += [
                "    decision:",
                "      question: Disetujui?",
                "      outcomes:",
                f"        ya: s{i + 1 if i < n else 1}",
                f"        koreksi: s{i - 3}",
            ]
        elif i % 10 == 5 and i + 3 <= n:  # a jump forward, over two steps
            lines += [
                "    decision:",
                "      question: Perlu pemeriksaan?",
                "      outcomes:",
                f"        tidak: s{i + 3}",
                f"        ya: s{i + 1}",
                "        batal: end",
            ]
    path = tmp_path / "panjang.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _check_geometry(layout) -> None:
    sop = layout.sop
    seen_steps: Counter = Counter()
    letters: Counter = Counter()
    for page in layout.pages:
        assert page.clean, f"page {page.number}: an arrow found no clean route"
        kinds = {s.kind for s in page.symbols}
        assert kinds <= {"terminator", "process", "decision", "connector"}
        for i, a in enumerate(page.symbols):  # no two symbols overlap
            for b in page.symbols[i + 1 :]:
                assert not a.rect.overlaps(b.rect), (a, b)
        for s in page.symbols:
            row = page.rows[s.row]
            assert row.y <= s.rect.y and s.rect.bottom <= row.bottom  # inside its row
            if s.step is not None:
                lane = layout.lanes[s.lane]
                assert lane.x <= s.rect.x and s.rect.right <= lane.x + lane.w  # inside its lane
                assert row.step.no == s.step
                seen_steps[s.step] += 1
            if s.kind == "connector":
                letters[s.label] += 1
        labels = [a.label_rect for a in page.arrows if a.label_rect]
        for k, arrow in enumerate(page.arrows):
            src, dst = page.symbols[arrow.source], page.symbols[arrow.target]
            assert src.rect.on_edge(*arrow.points[0]), ("starts off its symbol", arrow)
            assert dst.rect.on_edge(*arrow.points[-1]), ("ends off its symbol", arrow)
            segs = arrow.segments
            for p, q in segs:
                assert p[0] == q[0] or p[1] == q[1], "not orthogonal"
            for j, sym in enumerate(page.symbols):
                for n, (p, q) in enumerate(segs):
                    if (j == arrow.source and n == 0) or (j == arrow.target and n == len(segs) - 1):
                        continue
                    assert not segment_hits_rect(p, q, sym.rect), ("through a symbol", arrow, sym)
            for other in page.arrows[k + 1 :]:
                for s1 in segs:
                    for s2 in other.segments:
                        assert not segments_overlap(s1, s2), ("arrows on top of each other", arrow, other)
            for rect in labels:
                if rect is not arrow.label_rect:
                    assert not any(segment_hits_rect(p, q, rect) for p, q in segs), ("through a label", arrow)
            if arrow.label_rect is not None:
                assert not any(arrow.label_rect.overlaps(s.rect) for s in page.symbols)
    for step in sop.steps:
        assert seen_steps[step.no] == len(step.pelaksana), f"step {step.no} lacks symbols"
    assert all(count == 2 for count in letters.values()), letters


@pytest.mark.parametrize("path", SHIPPED + VALID, ids=lambda p: p.stem)
@pytest.mark.parametrize("per_page", [None, 1, 2, 3, 5])
def test_geometry(path, per_page):
    _check_geometry(compute(load(path), per_page))


@pytest.mark.parametrize("per_page", [None, 4, 7])
def test_geometry_of_a_generated_40_step_sop(tmp_path, per_page):
    layout = compute(load(generated_sop(tmp_path)), per_page)
    assert len(layout.pages) == math.ceil(40 / layout.steps_per_page) > 1
    assert any(s.kind == "connector" for p in layout.pages for s in p.symbols)
    _check_geometry(layout)


def test_f4_paper_is_landscape_and_wider():
    sop = load(ROOT / "sop" / "pelacuran.yaml")
    a4, f4 = compute(sop, paper="a4"), compute(sop, paper="f4")
    assert f4.width > a4.width > a4.height and f4.width > f4.height


@pytest.mark.parametrize("fmt", ["html", "svg", "mermaid", "dot"])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_text_format_for_every_shipped_sop(sop, tmp_path, path, fmt):
    out = tmp_path / f"chart.{fmt}"
    result = sop("flowchart", path.stem, "--format", fmt, "-o", str(out))
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    definition = load(path)
    if fmt in ("html", "svg"):
        flat = " ".join(text.split())
        assert all(s.uraian.split()[0] in flat for s in definition.steps)
        assert text.count('class="decision"') == sum(1 for s in definition.steps if s.decision)
    else:
        assert all(f"s{s.no}" in text for s in definition.steps)


def test_all_formats_of_the_generated_sop(sop, tmp_path):
    path = generated_sop(tmp_path)
    for fmt in ["html", "svg", "mermaid", "dot", "pdf"]:
        out = tmp_path / f"panjang.{fmt}"
        assert sop("flowchart", str(path), "-o", str(out)).code == 0
        assert out.stat().st_size > 0
    svg = (tmp_path / "panjang.svg").read_text(encoding="utf-8")
    assert svg.count('class="connector"') % 2 == 0 and 'class="connector"' in svg


def test_sop_text_is_escaped_everywhere(tmp_path):
    text = (ROOT / "sop" / "pkl.yaml").read_text(encoding="utf-8")
    evil = text.replace(
        "uraian: >-\n      Kasi Ketentraman dan Ketertiban Umum menerima laporan",
        'uraian: >-\n      <script>alert(1)</script> "kutip" & Kasi menerima laporan',
        1,
    )
    path = tmp_path / "pkl.yaml"
    path.write_text(evil, encoding="utf-8")
    sop = load(path)
    html = render(sop, "html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in render(sop, "svg")
    assert "<script>" not in render(sop, "mermaid")
    dot = render(sop, "dot")
    assert '\\"kutip\\"' in dot


def test_the_seed_pdf_has_its_pages_and_its_texts(sop, tmp_path):
    import pypdfium2 as pdfium

    out = tmp_path / "pelacuran.pdf"
    assert sop("flowchart", "pelacuran", "--steps-per-page", "4", "-o", str(out)).code == 0
    pdf = pdfium.PdfDocument(str(out))
    definition = load(ROOT / "sop" / "pelacuran.yaml")
    assert len(pdf) == 1 + math.ceil(len(definition.steps) / 4)  # the identity page, then the chart
    text = ""
    for page in pdf:
        assert page.get_width() > page.get_height()
        text += page.get_textpage().get_text_range() + "\n"
    # WeasyPrint places SVG text glyph by glyph, so the extracted text has breaks everywhere: compare without spaces
    flat = "".join(text.split())
    for step in definition.steps:
        assert "".join(step.uraian.split()) in flat, step.no
    assert "PeraturanDaerahKotaTangerangNomor8Tahun2005" in flat
    pdf.close()


def test_case_overlay_marks_progress(sop, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    cid = sop("--db", db, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    for role, outcome in [
        ("kasi-trantib", None),
        ("camat", None),
        ("kasi-trantib", None),
        ("sekcam", "koreksi"),
        ("kasi-trantib", None),
    ]:
        assert (
            sop("--db", db, "case", "advance", cid, "--as", role, *(["--outcome", outcome] if outcome else [])).code
            == 0
        )
    out = tmp_path / "case.svg"
    assert sop("--lang", "id", "--db", db, "flowchart", "pelacuran", "--case", cid, "-o", str(out)).code == 0
    svg = out.read_text(encoding="utf-8")
    assert svg.count('fill="#d9f2d9"') >= 4  # steps 1-3 done, step 4's symbols too (the correction)
    assert 'fill="#fff3b0"' in svg  # step 4 again, now
    assert 'class="arrow taken"' in svg and "Alur yang sudah dilalui" in svg  # the legend
    assert f"Kasus {cid} (sedang berjalan)" in svg and "Halaman 1 / 2" in svg
    english = sop("--lang", "en", "--db", db, "flowchart", "pelacuran", "--case", cid, "--format", "svg").out
    assert f"Case {cid} (open)" in english and "Path taken" in english and "Page 1 / 2" in english
    assert "Alur" not in english and "Halaman" not in english
    shown = json.loads(sop("--db", db, "case", "show", cid, "--json").out)
    assert shown["step"]["no"] == 4
    dot = sop("--db", db, "flowchart", "pelacuran", "--case", cid, "--format", "dot").out
    assert 'fillcolor="#fff3b0"' in dot and "penwidth=2.2" in dot
    mermaid = sop("--db", db, "flowchart", "pelacuran", "--case", cid, "--format", "mermaid").out
    assert "class s4 current" in mermaid


def test_pdf_needs_a_file(sop):
    result = sop("flowchart", "pelacuran", "--format", "pdf")
    assert result.code == 1 and "-o pelacuran.pdf" in result.err
