"""The lembar kendali (``sop case sheet``, ``/cases/{id}/sheet``): what it says, where its QR code leads,
and that nothing on the printed A4 sheet overlaps or leaves the page (WeasyPrint's own layout boxes)."""

from __future__ import annotations

import re

import pytest
from conftest import SOPS
from test_web import client, office_db, signed_in  # noqa: F401 - the web office fixture

import runner
from runner.documents.sheet import qr_svg
from runner.i18n import set_language

BASE = "https://sop.kecamatan.example"


def _case(db_url: str) -> str:
    """A pelacuran case at step 4 (the Sekcam's or the Camat's decision), with two documents at hand."""
    with runner.open_store(db_url) as store:
        cases = runner.Cases(store, [str(SOPS)])
        sop = runner.load_sop(runner.find_sop("pelacuran"))
        case = cases.start(sop, title="Laporan RW 03", attach=[runner.Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib", attach=[runner.Attachment("Surat Perintah")])
        cases.advance(case.id, "camat")
        cases.advance(case.id, "kasi-trantib", note="draft terlampir")
        return case.id


def _qr(html: str) -> str:
    found = re.search(r'<svg[^>]*class="segno".*?</svg>', html, re.S)
    assert found, "no QR code on the sheet"
    return found.group(0)


def test_the_sheet_says_where_the_case_stands_and_its_qr_links_the_case_page(db_url, sop, tmp_path, monkeypatch):
    case_id = _case(db_url)
    monkeypatch.setenv("SOP_SERVE_URL", BASE + "/")
    expected = f"{BASE}/cases/{case_id}"
    assert runner.sheet_link(case_id) == expected
    out = tmp_path / "lembar.html"
    r = sop("--db", db_url, "case", "sheet", case_id, "-o", str(out))
    assert r.code == 0, r.err
    assert "SOP_SERVE_URL" not in r.err
    html = out.read_text(encoding="utf-8")
    # the QR code encodes the link: the same text gives the same matrix, another text another one
    assert _qr(html) == qr_svg(expected) and _qr(html) != qr_svg(case_id)
    for said in (
        case_id, "Laporan RW 03", "Pelarangan Pelacuran", "4/10", "Sekcam menerima draft surat perintah",
        "Sekretaris Camat, Camat", "Informasi Pelanggaran", "Surat Perintah", "draft terlampir",
        "disetujui", "koreksi", "Paraf", expected, "CONTROL SHEET", "Deadline",
    ):  # fmt: skip
        assert said in html, said
    pdf = tmp_path / "lembar.pdf"
    r = sop("--db", db_url, "case", "sheet", case_id, "-o", str(pdf))
    assert r.code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_without_an_address_the_qr_holds_the_case_id_and_the_terminal_says_so_once(db_url, sop, monkeypatch):
    case_id = _case(db_url)
    monkeypatch.delenv("SOP_SERVE_URL", raising=False)
    r = sop("--db", db_url, "--lang", "id", "case", "sheet", case_id)
    assert r.code == 0
    assert r.err.count("SOP_SERVE_URL") == 1 and r.err.count("\n") == 1
    assert _qr(r.out) == qr_svg(case_id)
    assert "SOP_SERVE_URL" not in r.out  # the official is not told about settings
    assert "LEMBAR KENDALI" in r.out and "Paraf" in r.out and "Tenggat" in r.out


def test_a_suffix_the_sheet_is_not_made_in_and_an_unknown_case_are_refused_in_one_line(db_url, sop, tmp_path):
    case_id = _case(db_url)
    for name in ("lembar.docx", "lembar.xlsx"):
        r = sop("--db", db_url, "case", "sheet", case_id, "-o", str(tmp_path / name))
        assert r.code == 1 and r.err.startswith("error: ") and r.err.count("\n") == 1, r
        assert ".pdf" in r.err and ".html" in r.err
        assert not (tmp_path / name).exists()
    r = sop("--db", db_url, "case", "sheet", "pelacuran-99", "-o", str(tmp_path / "x.pdf"))
    assert r.code == 1 and r.err.startswith("error: ") and "pelacuran-99" in r.err
    assert not (tmp_path / "x.pdf").exists()
    r = sop("--db", db_url, "case", "sheet", case_id, "-o", str(tmp_path))  # a folder
    assert r.code == 1 and r.err.startswith("error: ")
    assert sop("case", "sheet", "--help").code == 0


def _boxes(html: str):
    """WeasyPrint's layout of the sheet: the pages, and the border boxes (x, y, w, h) of each region."""
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    regions, inner, seen = [], [], set()
    for page in document.pages:
        stack = [(page._page_box, None)]
        while stack:
            box, region = stack.pop()
            element = getattr(box, "element", None)
            classes = (element.get("class") or "").split() if element is not None else []
            rect = (box.position_x, box.position_y, box.border_width(), box.border_height())
            if "box" in classes and id(element) not in seen:  # its own block box; its line boxes are inside it
                seen.add(id(element))
                region = (classes, rect)
                regions.append(region)
            elif region is not None and rect[2] > 0 and rect[3] > 0:
                inner.append((region, getattr(box, "element_tag", "?"), rect))
            stack += [(child, region) for child in getattr(box, "children", [])]
    return document, regions, inner


def _overlap(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    eps = 0.5
    return ax + aw > bx + eps and bx + bw > ax + eps and ay + ah > by + eps and by + bh > ay + eps


@pytest.mark.parametrize("lang", ["id", "en"])
def test_nothing_on_the_printed_sheet_overlaps_or_leaves_the_page(db_url, lang):
    case_id = _case(db_url)
    set_language(lang)
    with runner.open_store(db_url) as store:
        view = runner.Cases(store, [str(SOPS)]).show(case_id)
    html = runner.render_sheet(view, "html", BASE)
    assert isinstance(html, str)
    document, regions, inner = _boxes(html)
    assert len(document.pages) == 1  # one sheet of paper
    page = document.pages[0]._page_box
    left, top = page.margin_left, page.margin_top
    right, bottom = page.margin_width() - page.margin_right, page.margin_height() - page.margin_bottom
    names = [c for c, _r in regions]
    assert any("head" in c for c in names) and any("dispose" in c for c in names) and any("foot" in c for c in names)
    rects = [r for _c, r in regions]
    for x, y, w, h in rects:  # every region on the paper, inside the margins
        assert left - 0.5 <= x and x + w <= right + 0.5 and top - 0.5 <= y and y + h <= bottom + 0.5, (x, y, w, h)
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not _overlap(a, b), (names, a, b)
    for (classes, (rx, ry, rw, rh)), tag, (x, y, w, h) in inner:  # nothing sticks out of its region
        assert rx - 0.5 <= x and x + w <= rx + rw + 0.5 and ry - 0.5 <= y and y + h <= ry + rh + 0.5, (classes, tag)
    # the QR code is a square beside the case id, not over it
    (qr,) = [r for c, t, r in inner if t.endswith("svg") and "head" in c[0]]
    assert abs(qr[2] - qr[3]) < 0.5 and qr[2] > 100  # about 34 mm
    text = [r for c, t, r in inner if "head" in c[0] and t in ("h1", "div") and r[0] < qr[0] - 1]
    assert text and all(not _overlap(qr, r) for r in text)


def test_the_web_gives_the_sheet_with_the_servers_own_address(office_db):  # noqa: F811
    office = office_db
    c = signed_in(office, "sari")
    page = c.get("/cases/pelacuran-1")
    assert 'href="/cases/pelacuran-1/sheet"' in page.text
    r = c.get("/cases/pelacuran-1/sheet")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment;") and r.content.startswith(b"%PDF")
    r = c.get("/cases/pelacuran-1/sheet?as=html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert _qr(r.text) == qr_svg("http://testserver/cases/pelacuran-1")
    assert "LEMBAR KENDALI" in r.text and "Paraf" in r.text
    english = signed_in(office, "budi", "en").get("/cases/pelacuran-1/sheet?as=html")
    assert "CONTROL SHEET" in english.text and "To be filled in by" in english.text
    assert c.get("/cases/pelacuran-9/sheet").status_code == 404
    assert c.get("/cases/pelacuran-1/sheet?as=docx").status_code == 404
    assert client(office).get("/cases/pelacuran-1/sheet").status_code == 303  # signed out: to sign in


def test_a_closed_case_has_a_sheet_that_says_so_without_boxes_to_fill(db_url, sop):
    case_id = _case(db_url)
    with runner.open_store(db_url) as store:
        runner.Cases(store, [str(SOPS)]).cancel(case_id, "ganda")
    r = sop("--db", db_url, "case", "sheet", case_id)
    assert r.code == 0
    assert "This case is closed (cancelled)" in r.out
    assert "Paraf" not in r.out and "To be filled in by" not in r.out
