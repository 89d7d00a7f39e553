"""The SOP AP flowchart: geometry checked directly, every format, the case overlay, escaping, the PDF."""

from __future__ import annotations

import functools
import json
import math
import re
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape, unescape
from pathlib import Path

import pytest
from conftest import OFFICE_SOPS, ROOT, SOPS
from sops import decisions_sop, fan_out_sop, generated_sop, typical_sop

from runner import END, render
from runner import load_sop as load
from runner.documents.base import transitions
from runner.documents.chart import labels
from runner.documents.layout import (
    BAND_ROW_H,
    FONT,
    LEGEND_H,
    MARGIN,
    PAD,
    Rect,
    beside_label,
    compute,
    row_height,
    segment_hits_rect,
    segments_overlap,
    shared_span,
    text_width,
)
from runner.documents.layout.metrics import GLYPHS
from runner.documents.overlay import Progress

SHIPPED = sorted(OFFICE_SOPS.glob("*.yaml"))
VALID = sorted((ROOT / "tests" / "golden" / "valid").glob("*.yaml"))


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
        label_rects = [a.label_rect for a in page.arrows if a.label_rect]
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
                for i, s1 in enumerate(segs):
                    for j, s2 in enumerate(other.segments):
                        if segments_overlap(s1, s2):
                            assert _one_tree(arrow, i, other, j), ("arrows on top of each other", arrow, other)
            for rect in label_rects:  # its own label too
                assert not any(segment_hits_rect(p, q, rect) for p, q in segs), ("through a label", arrow)
            if arrow.label_rect is not None:
                rect = arrow.label_rect
                assert not any(rect.overlaps(s.rect) for s in page.symbols)
                assert not any(rect.overlaps(r) for r in label_rects if r is not rect), ("labels overlap", arrow)
                assert arrow.label_segment is not None
                (x1, y1), (x2, y2) = segs[arrow.label_segment]  # beside its own segment, or where it leaves
                beside = Rect(min(x1, x2), min(y1, y2), abs(x1 - x2), abs(y1 - y2))
                near = [beside] + ([src.rect] if arrow.label_segment == 0 else [])
                assert min(_gap(rect, r) for r in near) <= 3, ("label away from its arrow", arrow)
        _check_texts(layout, page)
    _check_no_text_overlaps(layout, Progress("Kasus uji"))
    for table_row in sop.rows:  # a step's symbols, or those of every activity of a row of several
        wanted = sum(len(step.pelaksana) for step in table_row.steps)
        assert seen_steps[table_row.no] == wanted, f"step {table_row.no} lacks symbols"
    assert all(count == 2 for count in letters.values()), letters
    # every transition is drawn, and every outcome's label (its name unless the SOP gives its own) on its arrow
    drawn: dict[tuple, set[str]] = {}
    for page in layout.pages:
        for arrow in page.arrows:
            drawn.setdefault((arrow.from_step, arrow.to_step), set()).update((arrow.label or "").split(", "))
    for step in sop.steps:
        for target in step.targets if step.decision else [t for t in step.targets if t != END]:
            names = drawn.get((step.no, END if target == END else sop.numbers[target]))
            assert names is not None, f"no arrow from step {step.no} to {target}"
            if step.decision:
                labels = {step.decision.label(n) for n, t in step.decision.outcomes.items() if t == target}
                assert labels - {None} <= names


def _gap(a: Rect, b: Rect) -> float:
    return max(a.x - b.right, b.x - a.right, a.y - b.bottom, b.y - a.bottom, 0)


def _one_tree(a, i: int, b, j: int) -> bool:
    """May segment i of arrow a run along segment j of arrow b? Only as branches of one source from a
    common point, or as arrows into one target up to a common point, and never where a label stands."""
    (p, q), (r, s) = a.segments[i], b.segments[j]
    span = shared_span((p, q), (r, s))
    for arrow, k, seg in ((a, i, (p, q)), (b, j, (r, s))):
        if k == arrow.label_segment and beside_label(seg, arrow.label_rect, span):
            return False
    return (a.source == b.source and p == r) or (a.target == b.target and q == s)


def _check_texts(layout, page) -> None:
    """Every text fits its box, on the page; the table's texts keep clear of the symbols."""
    placed = labels(layout, page, Progress("Kasus uji"))
    on_symbols = {s.label for s in page.symbols} | {a.label for a in page.arrows}
    for t in placed:
        assert t.lines and all(t.lines), t
        assert t.box.y - 0.01 <= t.top and t.top + len(t.lines) * t.line_h <= t.box.bottom + 0.01, ("overflows", t)
        assert 0 <= t.box.x and t.box.right <= layout.width and t.box.bottom <= layout.height, ("off the page", t)
        if t.lines[0] not in on_symbols:
            assert not any(t.box.overlaps(s.rect) for s in page.symbols), ("over a symbol", t)
    texts = [" ".join(t.lines) for t in placed]
    for row in page.rows:
        if row.step:
            table_row = layout.sop.row_of(row.step)  # a row of several activities: its lead, then a., b., ...
            uraian = (
                " ".join([table_row.uraian or ""] + [f"{s.letter}. {s.uraian}" for s in table_row.steps])
                if table_row.multi
                else row.step.uraian
            )
            assert " ".join(" ".join(row.cells["uraian"]).split()) == " ".join(uraian.split())
            assert " ".join(row.cells["uraian"]) in texts


@pytest.mark.sop_folder
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


LONG_TITLE = (
    "Penertiban Reklame, Spanduk, Baliho dan Papan Nama Usaha Tanpa Izin Penyelenggaraan Reklame di Seluruh "
    "Wilayah Kecamatan Karawaci Kota Tangerang serta Penyitaan dan Pemusnahan Reklame yang Melanggar Peraturan"
)
LONG_UNIT = "Seksi Ketentraman, Ketertiban Umum dan Perlindungan Masyarakat pada Kecamatan Karawaci Kota Tangerang"
FONTS = Path("/usr/share/fonts/truetype/dejavu")


def _real_width(text: str, size: float, bold: bool) -> float | None:
    """The width of ``text`` set in DejaVu Sans, the charts' first font, where it is installed."""
    path = FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if not path.exists():
        return None

    font = _font(path)
    cmap, metrics, upm = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    return sum(metrics[cmap.get(ord(c), cmap[ord("M")])][0] for c in text) / upm * size


@functools.cache
def _font(path: Path):
    from fontTools.ttLib import TTFont

    return TTFont(str(path))


def _check_no_text_overlaps(layout, overlay=None) -> list:
    """No two texts of a page stand in overlapping boxes, and the masthead's lines fit their boxes in the
    real font: nothing printed over anything else. Returns every page's labels."""
    pages = []
    for page in layout.pages:
        placed = labels(layout, page, overlay)
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                assert not a.box.overlaps(b.box), ("texts overlap", page.number, a, b)
        masthead = {block.lines for block in layout.masthead}
        for t in placed:
            if t.lines in masthead or t.box == layout.number_box:
                for line in t.lines:
                    real = _real_width(line, t.size, t.bold)
                    assert real is None or real <= t.box.w, ("wider than its box", line, real, t.box.w)
        pages.append(placed)
    return pages


@pytest.mark.parametrize("per_page", [None, 3])
def test_a_long_title_wraps_or_is_shortened_and_overlaps_nothing(tmp_path, per_page):
    layout = compute(load(generated_sop(tmp_path, 12, nama=LONG_TITLE, unit=LONG_UNIT)), per_page)
    _check_geometry(layout)
    pages = _check_no_text_overlaps(layout)
    title = next(block for block in layout.masthead if block.kind == "title")
    assert 1 < len(title.lines) <= 2 and title.lines[-1].endswith("…")  # too long for two lines: shortened
    assert title.lines[0].startswith("SOP PENERTIBAN REKLAME")
    assert title.box.bottom < next(b for b in layout.masthead if b.kind == "subtitle").box.y
    assert max(b.box.bottom for b in layout.masthead) < layout.header_y  # the table starts below it all
    assert all(" ".join(t.lines).startswith("Page ") for p in pages for t in p if t.box == layout.number_box)


def test_a_short_title_keeps_the_page_as_it_was(tmp_path):
    layout = compute(load(SOPS / "pelacuran.yaml"))
    assert layout.header_y == 70  # one line of title, one of subtitle: the table where it always started
    assert [b.kind for b in layout.masthead] == ["title", "subtitle"]
    assert all(len(b.lines) == 1 and not b.lines[0].endswith("…") for b in layout.masthead)
    _check_no_text_overlaps(layout)


def test_the_chart_of_a_case_names_everyone_who_acted_and_overlaps_nothing(tmp_path):
    """The case's heading was printed over a long title; and only the last holder was on the chart."""
    from datetime import date, timedelta

    from runner import Cases, People, open_store, progress_of
    from runner.store.clock import today

    definition = load(generated_sop(tmp_path, 12, nama=LONG_TITLE, unit=LONG_UNIT))
    since = (date.fromisoformat(today()) - timedelta(days=30)).isoformat()
    with open_store(f"sqlite:///{tmp_path / 'c.sqlite3'}") as store:
        office = People(store, [tmp_path])  # the folder of the SOP, whose pelaksana the posts are
        office.add(office.login, "Operator", records_for_others=True)
        staff = [
            ("budi", "Drs. Budi Santoso, M.Si", "camat", None),
            ("sari", "Sari Dewi, S.STP", "camat", "plh"),
            ("sekcam", "Rahmat Hidayat, S.Sos", "sekcam", None),
            ("dewi", "Dewi Lestari, S.H.", "kasi", "plt"),
            ("joko", "Joko Prasetyo", "danru", None),
            ("rina", "Rina Marlina", "anggota", None),
        ]
        for login, nama, post, acting in staff:
            office.add(login, nama)
            office.grant(login, post, acting=acting, valid_from=since)
        cases = Cases(store)
        title = "Pemasangan baliho tanpa izin di sepanjang Jalan Raya Karawaci dan di depan Pasar Lama"
        case = cases.start(definition, title=title, for_person="joko").id
        for who, role, outcome in [
            ("joko", "danru", None),
            ("sekcam", "sekcam", None),
            ("rina", "anggota", None),
            ("dewi", "kasi", None),
            ("sari", "camat", "ya"),
            ("budi", "camat", None),  # step 6 is the Danru's and the Camat's together
            ("sekcam", "sekcam", "ya"),
        ]:
            cases.advance(case, role, outcome, for_person=who)
        view = cases.show(case)
        overlay = progress_of(view.sop, view, cases.history(case))
    assert len(overlay.masthead()) == 2
    layout = compute(view.sop, None, "a4", overlay.masthead())
    _check_geometry(layout)
    pages = _check_no_text_overlaps(layout, overlay)
    heading = next(b for b in layout.masthead if b.kind == "heading")
    assert heading.lines[0].startswith(f"Case {case} — Pemasangan baliho")
    assert heading.box.bottom <= next(b for b in layout.masthead if b.kind == "title").box.y
    for placed in pages:  # on every page, everyone who acted, as they held the post then
        text = " ".join(" ".join(t.lines) for t in placed)
        for person, at in [
            ("Jabatan Danru: Joko Prasetyo", "step 1"),
            ("Jabatan Sekcam: Rahmat Hidayat, S.Sos", "steps 2, 7"),
            ("Jabatan Anggota: Rina Marlina", "step 3"),
            ("Plt. Jabatan Kasi: Dewi Lestari, S.H.", "step 4"),
            ("Plh. Jabatan Camat: Sari Dewi, S.STP", "step 5"),
            ("Jabatan Camat: Drs. Budi Santoso, M.Si", "step 6"),
        ]:
            assert f"{person} ({at})" in text, person
        assert "last: Jabatan Sekcam: Rahmat Hidayat, S.Sos, recorded by" in text
    svg = words(re.sub(r"<[^>]+>", " ", render(view.sop, "svg", overlay)))  # and in what is printed
    assert "Plh. Jabatan Camat: Sari Dewi, S.STP (step 5)" in svg
    assert "Plt. Jabatan Kasi: Dewi Lestari, S.H. (step 4)" in svg


ITEMS_SOP = """\
format: 1
id: lapangan
version: "1"
nama: Pengecekan Lapangan
pelaksana:
  - {id: kasi, nama: Kepala Seksi}
  - {id: staf, nama: Staf}
steps:
  - id: cek
    uraian: Staf mengecek lokasi reklame di lapangan
    pelaksana: staf
    waktu: 1 hari
    kelengkapan: [Surat Tugas]
    output: [Berita Acara Pengecekan Lapangan, Dokumentasi Foto]
  - id: lapor
    uraian: Kasi menerima hasil pengecekan
    pelaksana: kasi
    waktu: 1 jam
    kelengkapan: [Berita Acara Pengecekan Lapangan, Dokumentasi Foto]
    output: [Laporan Hasil Pengecekan]
"""


def _svg_lines(svg: str) -> list[str]:
    """Every line of text an SVG chart sets, as read."""
    return [words(unescape(line)) for line in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)]


def test_several_documents_in_a_cell_are_each_an_item(sop, tmp_path):
    """They ran together and read as one name: "Berita Acara Pengecekan Lapangan Dokumentasi Foto"."""
    path = tmp_path / "lapangan.yaml"
    path.write_text(ITEMS_SOP, encoding="utf-8")
    definition = load(path)
    layout = compute(definition)
    _check_geometry(layout)
    first, second = (r for r in layout.pages[0].rows if r.step)
    assert first.cells["kelengkapan"] == ["Surat Tugas"]  # one document: plain
    assert not any(line.startswith("- ") for line in second.cells["output"])
    for cell in (first.cells["output"], second.cells["kelengkapan"]):
        items: list[str] = []
        for line in cell:  # an item starts with its mark, its further lines hang under its text
            if line.startswith("- "):
                items.append(line[2:])
            else:
                assert line.startswith("\u00a0\u00a0") and items, cell
                items[-1] += " " + line.strip()
        assert items == ["Berita Acara Pengecekan Lapangan", "Dokumentasi Foto"]
        assert words(" ".join(cell)) == "- Berita Acara Pengecekan Lapangan - Dokumentasi Foto"
    lines = _svg_lines(render(definition, "svg"))
    assert sum(line.startswith("- Berita Acara") for line in lines) == 2
    assert sum(line.startswith("- Dokumentasi") for line in lines) == 2
    assert lines.count("Surat Tugas") == 1
    assert not any("Lapangan Dokumentasi" in line for line in lines)
    html = words(re.sub(r"<[^>]+>", " ", unescape(render(definition, "html"))))
    assert html.count("- Berita Acara Pengecekan Lapangan - Dokumentasi Foto") == 2
    out = tmp_path / "lapangan.pdf"
    assert sop("flowchart", str(path), "-o", str(out)).code == 0
    chart = pdf_pages(out)[-1][2]
    assert chart.count("- Berita Acara Pengecekan Lapangan - Dokumentasi Foto") == 2, chart
    assert "- Surat Tugas" not in chart and "- Laporan Hasil" not in chart


def _identity_sop(folder: Path, laws: int, warnings: int = 0) -> Path:
    """The ITEMS_SOP with an identity page of ``laws`` long regulations, ``warnings`` more warnings than two,
    and a field of one item."""
    law = "Peraturan Daerah Kota Tangerang Nomor {i} Tahun 2005 tentang Ketentraman dan Ketertiban Umum dan Reklame"
    identity = ["identity:", "  dasar_hukum:", *(f"    - {law.format(i=i + 1)}" for i in range(laws))]
    identity += ["  kualifikasi_pelaksana: [Memahami peraturan reklame]"]  # one item: plain
    identity += ["  peringatan:", "    - Reklame liar tidak tertib", "    - Pendapatan daerah berkurang"]
    identity += [
        f"    - Peringatan tambahan nomor {i + 3} yang cukup panjang untuk dua baris teks" for i in range(warnings)
    ]
    identity += ["  pencatatan_pendataan: [Buku agenda]"]
    path = folder / "lapangan.yaml"
    path.write_text(ITEMS_SOP.replace("pelaksana:\n", "\n".join(identity) + "\npelaksana:\n", 1), encoding="utf-8")
    return path


def test_identity_fields_of_several_items_are_numbered(tmp_path):
    html = render(load(_identity_sop(tmp_path, 2)), "html")
    fields = dict(re.findall(r"<h3>([^<]*):</h3>(.*?)</td>", html))
    number = '<li><span class="n">{n}.</span> '
    assert fields["Legal basis"].startswith(
        '<ol lang="id">' + number.format(n=1) + "Peraturan Daerah Kota Tangerang Nomor 1 "
    )
    assert fields["Legal basis"].count("<li") == 2 and number.format(n=2) + "Peraturan" in fields["Legal basis"]
    assert fields["Warning"] == (
        f'<ol lang="id">{number.format(n=1)}Reklame liar tidak tertib</li>{number.format(n=2)}Pendapatan daerah berkurang</li></ol>'
    )
    assert (
        fields["Qualifications of the pelaksana"] == '<div lang="id">Memahami peraturan reklame</div>'
    )  # one: no number
    assert fields["Related SOPs"] == ""  # none: nothing
    assert ".identity tr { break-inside: avoid;" in html


def test_a_long_identity_page_goes_on_without_splitting_a_row(sop, tmp_path):
    """It was one fixed page: what did not fit was cut off; a row may not be split across the break either."""
    path = _identity_sop(tmp_path, 10, 12)
    out = tmp_path / "identitas.pdf"
    assert sop("--lang", "id", "flowchart", str(path), "-o", str(out)).code == 0
    texts = [text for _w, _h, text in pdf_pages(out)]
    charts = [i for i, text in enumerate(texts) if text.startswith("SOP PENGECEKAN LAPANGAN")]
    identity = texts[: charts[0]]
    assert len(identity) >= 2 and len(charts) == 1  # the identity goes on over a second page, then the chart
    everything = " ".join(identity)
    for i in range(10):  # every regulation, numbered, none cut off
        assert f"{i + 1}. Peraturan Daerah Kota Tangerang Nomor {i + 1} " in everything, i
    assert "14. Peringatan tambahan nomor 14 " in everything
    # each row of the fields is whole on one page: the warnings' row, which does not fit under the others,
    # goes on the next page, all of it
    rows = [
        ("Dasar Hukum:", "Nomor 10 Tahun 2005"),
        ("Keterkaitan:", "Peralatan/Perlengkapan:"),
        ("Peringatan:", "Peringatan tambahan nomor 14 "),
    ]
    for first, last in rows:
        [page] = [i for i, text in enumerate(identity) if first in text]
        assert last in identity[page], (first, last, page)
    assert identity.index(next(t for t in identity if "Peringatan:" in t)) > 0


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, when the drawing takes longer than a generous ``seconds``."""

    def expired(signum, frame):
        raise TimeoutError(f"not drawn within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_decision_with_50_outcomes_is_drawn(tmp_path):
    """It took a minute before each candidate route was checked against only what is near it and branches
    beyond a decision's three free vertices shared a trunk."""
    sop = load(fan_out_sop(tmp_path, 50))
    with deadline(60):
        layout = compute(sop)
    _check_geometry(layout)
    assert layout.steps_per_page > 1
    # the branches to one later page share a pair of connectors; their names stand on that page
    assert sum(s.kind == "connector" for s in layout.pages[0].symbols) == len(layout.pages) - 1


@pytest.mark.slow
def test_120_decision_steps_of_4_to_7_outcomes_are_drawn(tmp_path):
    """It never finished. Pages that cannot hold their connectors or arrows get fewer steps."""
    sop = load(decisions_sop(tmp_path, 120))
    assert all(4 <= len(s.decision.outcomes) <= 7 for s in sop.steps)
    with deadline(120):
        layout = compute(sop)
    _check_geometry(layout)


def test_connector_letters_never_run_out(tmp_path):
    """After ZZ (702 pairs) it crashed; now AAA follows, on a connector wide enough for it."""
    sop = load(generated_sop(tmp_path, 600))
    with deadline(120):
        layout = compute(sop, 1)
    connectors = [s for page in layout.pages for s in page.symbols if s.kind == "connector"]
    letters = {s.label for s in connectors}
    assert len(letters) > 702 and {"Z", "AA", "ZZ", "AAA"} <= letters
    assert all(s.rect.w >= 6.5 * len(s.label) + 8 for s in connectors)
    _check_geometry(layout)


def test_too_many_pelaksana_for_the_paper_is_refused_before_drawing(sop, tmp_path):
    text = (SOPS / "pkl.yaml").read_text(encoding="utf-8")
    extra = "".join(f"  - {{id: tambahan-{i}, nama: Jabatan Tambahan {i}}}\n" for i in range(4))
    path = tmp_path / "pkl.yaml"
    path.write_text(text.replace("steps:\n", extra + "steps:\n", 1), encoding="utf-8")
    assert len(load(path).pelaksana) == 8
    result = sop("flowchart", str(path), "--format", "svg")
    assert result.code == 1 and result.out == ""
    assert "at most 7 pelaksana columns on A4 paper (F4: 9), but the SOP has 8" in result.err
    assert "--paper" in result.err
    assert sop("flowchart", str(path), "--format", "svg", "--paper", "f4").code == 0


def test_a_page_too_small_for_its_connectors_is_refused(sop, tmp_path):
    path = fan_out_sop(tmp_path, 60)
    result = sop("flowchart", str(path), "--format", "svg", "--steps-per-page", "1")
    assert result.code == 1 and result.out == ""
    assert "with 1 step per page: on page 1, its off-page connectors do not fit across the lanes" in result.err
    assert "--steps-per-page" in result.err
    assert sop("flowchart", str(path), "--format", "svg").code == 0  # as many steps as fit: drawn


def test_f4_paper_is_landscape_and_wider():
    sop = load(SOPS / "pelacuran.yaml")
    a4, f4 = compute(sop, paper="a4"), compute(sop, paper="f4")
    assert f4.width > a4.width > a4.height and f4.width > f4.height


@pytest.mark.sop_folder
@pytest.mark.parametrize("fmt", ["html", "svg", "mermaid", "dot"])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_text_format_for_every_shipped_sop(sop, tmp_path, path, fmt):
    out = tmp_path / f"chart.{fmt}"
    result = sop("flowchart", str(path), "--format", fmt, "-o", str(out))
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
    text = (SOPS / "pkl.yaml").read_text(encoding="utf-8")
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


def pdf_pages(path: Path) -> list[tuple[float, float, str]]:
    """Each page of a PDF: width, height (points) and its text with whitespace made single spaces, so that a
    line broken by wrapping reads as a space while glued or split words still show."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [(p.get_width(), p.get_height(), " ".join(p.get_textpage().get_text_range().split())) for p in pdf]
    finally:
        pdf.close()


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_seed_pdf_has_its_pages_and_real_text(sop, tmp_path):
    out = tmp_path / "pelacuran.pdf"
    assert sop("--lang", "id", "flowchart", "pelacuran", "--steps-per-page", "4", "-o", str(out)).code == 0
    pages = pdf_pages(out)
    definition = load(SOPS / "pelacuran.yaml")
    assert len(pages) == 1 + math.ceil(len(definition.steps) / 4)  # the identity page, then the chart
    assert all(w > h for w, h, _t in pages)
    identity, chart = pages[0][2], [text for _w, _h, text in pages[1:]]
    assert f"Nama SOP {definition.nama}" in identity
    assert "Peraturan Daerah Kota Tangerang Nomor 8 Tahun 2005 tentang Pelarangan Pelacuran" in identity
    for i, text in enumerate(chart):
        assert text.startswith(f"SOP {definition.nama.upper()} ")
        assert f"Halaman {i + 1} / {len(chart)}" in text
        assert "No Kegiatan Pelaksana" in text and "Mutu Baku Kelengkapan Waktu Output Ket." in text
        assert all(words(p.label) in text for p in definition.pelaksana)
    for step in definition.steps:
        text = chart[(step.no - 1) // 4]
        assert f"{step.no}. {words(step.uraian)}" in text, step.no
        assert words(step.waktu) in text and all(words(o) in text for o in step.output), step.no
    assert "koreksi" in chart[0] and "disetujui" in chart[0]  # the decision's branches


def test_f4_paper_and_steps_per_page_paginate(sop, tmp_path):
    out = tmp_path / "f4.pdf"
    assert sop("flowchart", "pkl", "--paper", "f4", "--steps-per-page", "3", "-o", str(out)).code == 0
    definition = load(SOPS / "pkl.yaml")
    pages = pdf_pages(out)
    assert len(pages) == bool(definition.identity) + math.ceil(len(definition.steps) / 3)
    for w, h, _text in pages:  # F4/Folio landscape, 330 x 215 mm, in points
        assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (330, 215)
    chart = " ".join(text for _w, _h, text in pages)
    assert all(f"{s.no}. {words(s.uraian)}" in chart for s in definition.steps)


def test_the_html_is_one_self_contained_printable_file():
    html = render(load(SOPS / "pelacuran.yaml"), "html", paper="f4")
    assert not re.search(r"<(link|script|img|iframe|object)\b|\burl\(|\bsrc=|\bhref=", html)
    assert "@page { size: 330mm 215mm" in html and "<text" not in html  # no SVG text left: it is all HTML
    assert html.count('<section class="page"') == len(compute(load(SOPS / "pelacuran.yaml"), paper="f4").pages)


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
    assert 'class="arrow taken"' in svg and "Alur yang sudah dilalui" in svg
    assert f"Kasus {cid}" in svg
    pdf = tmp_path / "case.pdf"
    assert sop("--lang", "id", "--db", db, "flowchart", "pelacuran", "--case", cid, "-o", str(pdf)).code == 0
    for _w, _h, text in pdf_pages(pdf)[1:]:
        assert f"Kasus {cid} (sedang berjalan)" in text
        assert (
            "Selesai dikerjakan Langkah sekarang Langkah sekarang, melewati tenggat waktu Alur yang sudah dilalui"
            in text
        )
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


# --- pages as the office prints them, loops beside their symbols (issue 25) ---------------------------------


def _room(layout) -> float:
    return layout.bottom - layout.header_y - layout.header_h


def _check_pages_filled(layout) -> None:
    """Every page's rows fit on it, and no page is broken while the next row would have fitted there: the
    rows at the height their texts and symbols need, with the bands of connectors the page would then need."""
    sop = layout.sop
    near: dict[int, set[int]] = {s.no: set() for s in sop.steps}
    for s, t, _o in transitions(sop):
        if t != END:
            near[s.no].add(sop.numbers[t])
            near[sop.numbers[t]].add(s.no)
    lanes = len(layout.lanes)
    rows = {r.step.no: r for page in layout.pages for r in page.rows if r.step}
    for page in layout.pages:
        assert page.rows[-1].bottom <= layout.bottom + 0.01, ("off the page", page.number)
        assert layout.bottom == layout.height - MARGIN - (LEGEND_H if layout.masthead[0].kind == "heading" else 0)
        for r in page.rows:
            if r.step:
                assert r.h >= row_height(r.step, r.cells, lanes) - 0.01
    for page in layout.pages[:-1]:
        steps = [*page.steps, page.steps[-1] + 1]  # the page with the next row too
        need = sum(row_height(rows[no].step, rows[no].cells, lanes) for no in steps)
        others = set().union(*(near[no] for no in steps))
        need += BAND_ROW_H * (any(o < steps[0] for o in others) + any(o > steps[-1] for o in others))
        assert need > _room(layout), (page.number, steps, need, _room(layout))


def _span(layout, arrow, page) -> tuple[float, float]:
    """From the left border of the leftmost lane of an arrow's two ends to the right border of the rightmost
    (the outer lanes take in the corridors)."""
    lanes = layout.lanes
    ends = [page.symbols[arrow.source].lane, page.symbols[arrow.target].lane]
    lo, hi = min(ends), max(ends)
    left = lanes[lo].x if lo > 0 else layout.lanes_x[0]
    right = lanes[hi].x + lanes[hi].w if hi < len(lanes) - 1 else layout.lanes_x[1]
    return left, right


def _loops_back(page) -> Iterator:
    """The arrows of a page that go back from a step to an earlier step on it."""
    for arrow in page.arrows:
        source, target = page.symbols[arrow.source], page.symbols[arrow.target]
        if source.step is not None and target.step is not None and target.step < source.step:
            yield arrow


def _check_no_arrow_over_a_text(layout, page) -> None:
    for arrow in page.arrows:
        for text in labels(layout, page):
            if text.box != arrow.label_rect:
                assert not any(segment_hits_rect(p, q, text.box) for p, q in arrow.segments), (arrow, text)


TYPICAL = [
    (n, seed, long, lanes)
    for n in (4, 7, 9, 11, 12, 13, 17, 25)
    for seed, long, lanes in ((1, False, 4), (2, False, 3), (3, True, 5), (4, True, 4), (5, False, 5))
]


@pytest.mark.parametrize("paper", ["a4", "f4"])
@pytest.mark.parametrize(("n", "seed", "long", "lanes"), TYPICAL)
def test_pages_are_filled_and_loops_stay_beside_their_symbols(tmp_path, paper, n, seed, long, lanes):
    """A 7-row SOP printed on 2 pages with a connector, rows as tall as the tallest cell and pages half empty;
    a "tidak" back to the previous row ran through the other pelaksana's lanes to the table's edge."""
    sop = load(typical_sop(tmp_path, n, seed, loops=1 + seed % 3, lanes=lanes, long=long))
    layout = compute(sop, paper=paper)
    _check_geometry(layout)
    _check_pages_filled(layout)
    loops = 0
    for page in layout.pages:
        _check_no_arrow_over_a_text(layout, page)
        for arrow in _loops_back(page):
            left, right = _span(layout, arrow, page)
            assert all(left - 0.5 <= x <= right + 0.5 for x, _y in arrow.points), ("outside its lanes", arrow)
            loops += 1
    assert loops or n < 7 or len(layout.pages) > 1


@pytest.mark.parametrize("paper", ["a4", "f4"])
def test_a_typical_7_and_11_row_sop_print_on_one_f4_page(tmp_path, paper):
    for n in (7, 11):
        for seed in range(1, 6):
            sop = load(typical_sop(tmp_path, n, seed, loops=1 + seed % 2))
            layout = compute(sop, paper=paper)
            if paper == "f4" or n == 7:  # and on A4 what fits there
                assert len(layout.pages) == 1, (n, seed, paper)
                assert not any(s.kind == "connector" for s in layout.pages[0].symbols)


@pytest.mark.parametrize("per_page", [None, 3])
def test_a_long_generated_sop_fills_its_pages(tmp_path, per_page):
    layout = compute(load(generated_sop(tmp_path, 40)), per_page)
    _check_geometry(layout)
    if per_page is None:
        _check_pages_filled(layout)


# --- every original flowchart of 4 to 12 rows on one F4 page (issue 25.1) ------------------------------------

FONT_FILES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
]


@pytest.mark.parametrize("path", FONT_FILES, ids=lambda p: p.stem)
def test_the_measure_of_a_character_is_never_short_of_its_font(path):
    """The widths text_width reckons with, character by character, against the installed fonts the SVG and
    HTML name (DejaVu Sans first, then Liberation Sans, which has Arial's metrics)."""
    if not path.exists():
        pytest.skip(f"{path} is not installed")
    font = _font(path)
    cmap, metrics, upm = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    bold = "Bold" in path.stem
    measured = 0
    for c in GLYPHS + "\u0101\u2022":  # and two characters out of the table: counted as wider than an em
        if ord(c) in cmap:
            real = metrics[cmap[ord(c)]][0] / upm * 100
            assert text_width(c, 100, bold) >= real - 1e-9, (c, text_width(c, 100, bold), real)
            measured += 1
    assert measured > 90


def _printed_widths(lines: list[str], size: float, bold: bool = False) -> list[float]:
    """How wide WeasyPrint (what prints the PDF) sets each line, in the charts' font and size."""
    import weasyprint

    weight = "bold" if bold else "normal"
    spans = "".join(
        f'<div><span style="white-space: pre; font: {weight} {size}px DejaVu Sans, Liberation Sans, Arial">'
        f"{escape(line)}</span></div>"
        for line in lines
    )
    pages = weasyprint.HTML(string=f"<html><body style='margin: 0'>{spans}</body></html>").render().pages

    def texts(box) -> Iterator:
        if type(box).__name__ == "TextBox":
            yield box
        for child in getattr(box, "children", ()):
            yield from texts(child)

    return [box.width for page in pages for box in texts(page._page_box)]


def test_every_line_of_a_cell_fits_its_column_when_printed(tmp_path):
    """Wrapped by text_width, no line of a cell is wider than its column (less its padding) as WeasyPrint sets
    it, kerning and all: the texts of the seed and of generated SOPs, the lane headings, the items."""
    layouts = [compute(load(SOPS / "pelacuran.yaml"), paper="f4"), compute(load(generated_sop(tmp_path, 12)))]
    layouts += [
        compute(load(typical_sop(tmp_path, 9, seed, lanes=5, long=True)), paper=p) for seed in (1, 2) for p in PAPERS
    ]
    lines: list[tuple[str, float]] = []
    for layout in layouts:
        widths = {c.key: c.w for c in layout.columns}
        for row in (r for page in layout.pages for r in page.rows if r.step):
            lines += [(line, widths[key] - 2 * PAD) for key, cell in row.cells.items() for line in cell if line]
        lines += [(line, lane.w - 2 * PAD) for lane in layout.lanes for line in lane.title]
    printed = _printed_widths([line for line, _w in lines], FONT)
    assert len(printed) == len(lines)
    for (line, room), real in zip(lines, printed, strict=True):
        assert real <= text_width(line, FONT) + 0.01 and text_width(line, FONT) <= room + 0.01, (line, real, room)


PAPERS = ("a4", "f4")


def test_the_seed_prints_its_chart_on_one_f4_page(sop, tmp_path):
    """Its texts needed 790 px against the 648 an F4 page has: measured as printed, with the activity given
    what the lanes do not need, they take less than the page."""
    layout = compute(load(SOPS / "pelacuran.yaml"), paper="f4")
    assert len(layout.pages) == 1 and not any(s.kind == "connector" for s in layout.pages[0].symbols)
    _check_geometry(layout)
    out = tmp_path / "pelacuran.pdf"
    assert sop("flowchart", "pelacuran", "--paper", "f4", "-o", str(out)).code == 0
    pages = pdf_pages(out)
    assert len(pages) == 2  # the identity page and the chart
    assert all(f"{s.no}. {words(s.uraian)}" in pages[1][2] for s in layout.sop.steps)


@pytest.mark.parametrize("lanes", [3, 4, 5])
def test_every_sop_of_4_to_12_rows_prints_on_one_f4_page(tmp_path, lanes):
    """As the office prints them: rows of one to three lines for up to 12 rows; of four to six (two or three
    activities in one text, as long as the seed's) for up to 12 in 3 or 4 lanes, up to 10 in 5; with corrections;
    no connector."""
    for n in range(4, 13):
        long_too = n <= (10 if lanes == 5 else 12)
        for seed, long in [(s, False) for s in range(1, 4)] + ([(s, True) for s in range(4, 7)] if long_too else []):
            sop = load(typical_sop(tmp_path, n, seed, loops=1 + seed % 3, lanes=lanes, long=long))
            layout = compute(sop, paper="f4")
            assert len(layout.pages) == 1, (n, seed, long)
            assert not any(s.kind == "connector" for s in layout.pages[0].symbols), (n, seed, long)
            _check_geometry(layout)


@pytest.mark.parametrize("paper", PAPERS)
def test_a_7_row_sop_with_one_correction_loop_prints_on_one_page(tmp_path, paper):
    for seed in range(1, 11):
        sop = load(typical_sop(tmp_path, 7, seed, loops=1, long=seed > 5))
        assert sum(1 for s, t, _o in transitions(sop) if t != END and sop.numbers[t] < s.no) == 1
        layout = compute(sop, paper=paper)
        assert len(layout.pages) == 1, (seed, paper)
        assert not any(s.kind == "connector" for s in layout.pages[0].symbols)
        assert len(list(_loops_back(layout.pages[0]))) == 1


# --- a correction loop back to a step on an earlier page (issue 25.2) ----------------------------------------


def _lane_span(layout, *xs: float) -> tuple[float, float]:
    """From the left border of the leftmost lane the points ``xs`` stand in to the right border of the
    rightmost (the outer lanes take in the corridors)."""
    lanes = layout.lanes
    at = [next((k for k, lane in enumerate(lanes) if x < lane.x + lane.w), len(lanes) - 1) for x in xs]
    lo, hi = min(at), max(at)
    return (
        lanes[lo].x if lo > 0 else layout.lanes_x[0],
        lanes[hi].x + lanes[hi].w if hi < len(lanes) - 1 else layout.lanes_x[1],
    )


@pytest.mark.parametrize("paper", PAPERS)
def test_a_loop_back_to_an_earlier_page_keeps_its_connectors_near_its_symbols(tmp_path, paper):
    """A "tidak" back to the previous page went from its connector under the target round by the table's edge,
    through every lane, into the target's top: now each half stays in the lanes between its connector and its
    symbol, the connector under the target and over the decision, the arrow into the target from below or beside."""
    halves = 0
    sops = [
        typical_sop(tmp_path, n, seed, loops=3, lanes=lanes, long=True)
        for n in (13, 17, 25)
        for seed in range(1, 9)
        for lanes in (4, 5)
    ]
    for path in [*sops, generated_sop(tmp_path, 40)]:
        layout = compute(load(path), paper=paper)
        _check_geometry(layout)
        for page in layout.pages:
            for arrow in page.arrows:
                source, target = page.symbols[arrow.source], page.symbols[arrow.target]
                back = arrow.to_step != END and arrow.to_step <= arrow.from_step
                if not back or "connector" not in (source.kind, target.kind):
                    continue
                connector, symbol = (source, target) if source.kind == "connector" else (target, source)
                left, right = _lane_span(layout, connector.rect.cx, symbol.rect.cx)
                assert all(left - 0.5 <= x <= right + 0.5 for x, _y in arrow.points), ("across lanes", arrow)
                if connector is source:  # on the target's page: under it, into its bottom or side, not round to its top
                    assert connector.rect.y > symbol.rect.bottom and arrow.points[-1][1] > symbol.rect.y
                else:  # on the decision's page: over it
                    assert connector.rect.bottom < symbol.rect.y
                halves += 1
    assert halves >= 20


# --- rows of several activities (kegiatan) ------------------------------------------------------------

PENUGASAN = ROOT / "tests" / "data" / "kegiatan" / "penugasan.yaml"


def _stacked(tmp_path: Path) -> Path:
    """Penugasan with two activities of row 3 in one lane (Kabid twice), and a decision that may end."""
    text = PENUGASAN.read_text(encoding="utf-8").replace(
        "{id: spt-tim, uraian: Tim menerima Surat Perintah Tugas, pelaksana: tim}",
        "{id: spt-tim, uraian: Kabid meneruskan kepada Tim, pelaksana: kabid,"
        " decision: {outcomes: {lanjut: pengawasan, batal: end}}}",
    )
    path = tmp_path / "penugasan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("per_page", [None, 1, 2, 3])
@pytest.mark.parametrize("stacked", [False, True])
def test_a_row_of_activities_draws_each_symbol_in_its_lane_inside_its_one_row(tmp_path, per_page, stacked):
    sop = load(_stacked(tmp_path) if stacked else PENUGASAN)
    layout = compute(sop, per_page)
    _check_geometry(layout)  # every symbol inside its row and lane, none overlapping, every transition drawn
    rows = [r for page in layout.pages for r in page.rows if r.step]
    assert [r.step.no for r in rows] == [1, 2, 3, 4, 5]  # the table's five rows, not one per activity
    assert [r.cells["no"] for r in rows] == [["1."], ["2."], ["3."], ["4."], ["5."]]
    page = next(p for p in layout.pages if 2 in p.steps)
    mine = [s for s in page.symbols if s.step == 2]
    assert [s.state for s in mine] == ["spt", "periksa-kasi", "paraf-kabid", "periksa-sekretaris", "setuju-kasat"]
    assert [s.kind for s in mine] == ["process", "decision", "process", "decision", "decision"]
    assert [layout.lanes[s.lane].pelaksana for s in mine] == ["tim", "kasi", "kabid", "sekretaris", "kasat"]
    xs = [s.rect.cx for s in mine]
    assert xs == sorted(xs)  # side by side across the row, in their lanes
    arrows = {(page.symbols[a.source].state, page.symbols[a.target].state): a for a in page.arrows}
    row = page.rows[mine[0].row]
    # the loops inside the row are drawn, and stay inside the row's lanes
    for loop in [("periksa-kasi", "spt"), ("periksa-sekretaris", "paraf-kabid"), ("setuju-kasat", "paraf-kabid")]:
        assert loop in arrows, loop
    under = arrows[("periksa-kasi", "spt")]
    assert all(row.y <= y <= row.bottom + 12 for _x, y in under.points), under.points  # under the row, not round it
    assert ("spt", "periksa-kasi") in arrows and ("paraf-kabid", "periksa-sekretaris") in arrows
    if stacked:
        three = next(p for p in layout.pages if 3 in p.steps)
        kabid = [s for s in three.symbols if s.step == 3 and layout.lanes[s.lane].pelaksana == "kabid"]
        assert len(kabid) == 2 and kabid[0].rect.bottom < kabid[1].rect.y  # one above the other
        ends = [s for s in three.symbols if s.step is None and s.kind == "terminator"]
        assert [s.state for s in ends] == ["spt-tim"]


def test_the_chart_heads_its_columns_in_the_sops_own_words():
    layout = compute(load(PENUGASAN))
    words = [" ".join(t.lines) for t in labels(layout, layout.pages[0], None)]
    assert {"AKTIVITAS", "PEJABAT YANG BERTANGGUNG JAWAB", "Perlengkapan"} <= set(words)
    assert "Waktu" in words  # a heading the SOP does not give keeps the default
