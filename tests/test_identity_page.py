"""The printed SOP as signed (issues 20.3, 20.4, 25.3, 23.1): the identity page's letterhead, logo, label,
signature block and who signed from the store; words broken only between syllables, with a hyphen."""

from __future__ import annotations

import json
import random
import re
import struct
import zlib
from html import unescape
from pathlib import Path

import pytest
import yaml
from conftest import SOPS
from test_flowchart import _real_width, _svg_lines, pdf_pages, words
from test_people import DAY, TODAY, me, ok, run, staffed  # noqa: F401 - fixtures

from runner import load_sop, render
from runner.definition.checks import check_file
from runner.documents.chart import labels
from runner.documents.layout import compute
from runner.documents.layout.hyphen import HYPHEN, breaks, wrap
from runner.i18n import set_language


def _png(width: int = 4, height: int = 4) -> bytes:
    """A real PNG: its signature, a header chunk, one data chunk, the end chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#1a5"/></svg>'
)


def _signed_sop(folder: Path, **identity) -> Path:
    """The seed SOP with an identity page as a provincial office signs it; ``identity`` overrides its keys."""
    raw = yaml.safe_load((SOPS / "pelacuran.yaml").read_text(encoding="utf-8"))
    raw["identity"].update(
        {
            "kop": [
                "PEMERINTAH PROVINSI BANTEN",
                "SEKRETARIAT",
                "SATUAN POLISI PAMONG PRAJA",
                "SUB BAGIAN UMUM DAN KEPEGAWAIAN",
            ],
            "label_nama": "judul",
            "nomor_urut": 29,
            "nomor": "800/29/Satpol-PP/2023",
            "tanggal_efektif": (TODAY - 10 * DAY).isoformat(),
            "disahkan_oleh": {"jabatan": "Camat", "nama": "Budi Santoso", "tempat": "Serang", "tanggal": "2023-08-28"},
            **identity,
        }
    )
    path = folder / "pelacuran.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _head(html: str) -> str:
    """The identity page's head cell: the logo and the letterhead."""
    return re.search(r'<td class="head"[^>]*>(.*?)</td>', html, re.S).group(1)


def _signer(html: str) -> str:
    return words(re.sub(r"<[^>]+>", " ", re.search(r'<td class="signer"[^>]*>(.*?)</td>', html, re.S).group(1)))


# --- the letterhead, the label, the number, the signature block -------------------------------------------


def test_the_identity_page_as_signed(tmp_path):
    sop = load_sop(_signed_sop(tmp_path))
    set_language("id")
    html = render(sop, "html")
    # each line of the kop its own line, in order, as written
    assert re.findall(r'<div class="kop[^"]*">([^<]*)</div>', _head(html)) == [
        "PEMERINTAH PROVINSI BANTEN",
        "SEKRETARIAT",
        "SATUAN POLISI PAMONG PRAJA",
        "SUB BAGIAN UMUM DAN KEPEGAWAIAN",
    ]
    assert '<td class="label">Judul SOP</td>' in html and "Nama SOP" not in html
    assert "<title>29. SOP Pelarangan Pelacuran</title>" in html
    assert _signer(html) == "Serang, 28 Agustus 2023 Camat Budi Santoso"
    # the chart's title carries the number too
    title = next(b for b in compute(sop).masthead if b.kind == "title")
    assert title.lines[0].startswith("29. SOP PELARANGAN PELACURAN")
    set_language("en")
    html = render(sop, "html")
    assert '<td class="label">SOP title</td>' in html and _signer(html) == "Serang, August 28, 2023 Camat Budi Santoso"


def test_without_the_new_keys_the_page_prints_as_before(tmp_path):
    """kop, logo, label, number and place are optional: today's page is their default."""
    sop = load_sop(SOPS / "pengaduan.yaml")
    set_language("id")
    html = render(sop, "html")
    assert re.findall(r'<div class="kop[^"]*">([^<]*)</div>', _head(html)) == [
        "KOTA TANGERANG",
        "KETENTRAMAN DAN KETERTIBAN UMUM",
    ]
    assert "<img" not in _head(html)
    assert '<td class="label">Nama SOP</td>' in html and "<title>SOP Penanganan Pengaduan Masyarakat</title>" in html
    assert _signer(html) == ""
    title = next(b for b in compute(sop).masthead if b.kind == "title")
    assert title.lines[0].startswith("SOP PENANGANAN")


def test_the_pdf_prints_the_kop_lines_the_label_and_the_place(sop, tmp_path):
    path = _signed_sop(tmp_path, logo="logo.png")
    (tmp_path / "logo.png").write_bytes(_png())
    out = tmp_path / "x.pdf"
    ok(sop("--lang", "id", "flowchart", str(path), "-o", str(out)))
    identity = pdf_pages(out)[0][2]
    assert "PEMERINTAH PROVINSI BANTEN SEKRETARIAT SATUAN POLISI PAMONG PRAJA SUB BAGIAN UMUM" in identity
    assert "Judul SOP" in identity and "Serang, 28 Agustus 2023 Camat" in identity
    assert pdf_pages(out)[1][2].startswith("29. SOP PELARANGAN PELACURAN")


def test_sop_show_lists_the_identity_fields(sop, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    path = _signed_sop(tmp_path)
    shown = ok(sop("--lang", "id", "show", str(path))).out
    assert "Halaman identitas" in shown
    for text in ("SEKRETARIAT", "800/29/Satpol-PP/2023", "Judul SOP", "Serang, 28 Agustus 2023", "Budi Santoso"):
        assert text in shown, text
    assert "1. Peraturan Daerah Kota Tangerang Nomor 8 Tahun 2005" not in shown  # one item: plain
    assert "Peraturan Daerah Kota Tangerang Nomor 8 Tahun 2005" in shown
    english = ok(sop("--lang", "en", "show", str(path))).out
    assert "Identity page" in english and "Serang, August 28, 2023" in english and "SOP title" in english
    as_json = json.loads(ok(sop("show", str(path), "--json")).out)
    assert as_json["identity"]["kop"][1] == "SEKRETARIAT" and as_json["identity"]["nomor_urut"] == 29


# --- the logo ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_a_logo_next_to_the_sop_is_printed_in_the_document(sop, tmp_path, kind):
    folder = tmp_path / "sop"
    (folder / "gambar").mkdir(parents=True)
    (folder / "gambar" / f"logo.{kind}").write_bytes(_png() if kind == "png" else SVG.encode())
    path = _signed_sop(folder, logo=f"gambar/logo.{kind}")
    assert not check_file(path).errors
    html = render(load_sop(path), "html")
    media = "image/png" if kind == "png" else "image/svg+xml"
    assert f'<img class="logo" src="data:{media};base64,' in _head(html)  # in the file: it stands alone
    out = tmp_path / "x.pdf"
    ok(sop("flowchart", str(path), "-o", str(out)))  # WeasyPrint draws it
    # the logo's file changed after it was checked: printing says so rather than print a broken page
    (folder / "gambar" / f"logo.{kind}").write_bytes(b"GIF89a")
    result = sop("flowchart", str(path), "-o", str(tmp_path / "y.pdf"))
    assert result.code == 1 and result.err.startswith("error: the logo ") and result.err.count("\n") == 1


def test_a_logo_too_large_is_refused_with_its_line(tmp_path):
    (tmp_path / "logo.png").write_bytes(_png() + b"\0" * (1024 * 1024))
    path = _signed_sop(tmp_path, logo="logo.png")
    [problem] = check_file(path).errors
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.strip().startswith("logo:"))
    assert problem.line == line and "is larger than 1 MB, the most a logo may be" in problem.message


# --- who signed, from the store -----------------------------------------------------------------------------


def test_the_identity_page_shows_who_signed_and_when_from_the_store(staffed, db_url, tmp_path, sop):  # noqa: F811
    run = staffed  # noqa: F811
    path = _signed_sop(tmp_path)
    out = tmp_path / "x.html"
    ok(run("--lang", "id", "flowchart", str(path), "-o", str(out)))
    assert _signer(out.read_text()) == "Serang, 28 Agustus 2023 Camat Budi Santoso"  # the file's, not yet signed
    # a Plh. Camat signs: the page names her post as acting, her nama and NIP, and the day she signed
    ok(run("people", "add", "rina", "--nama", "Rina Kartika", "--nip", "198001012005012001"))
    ok(run("post", "grant", "rina", "camat", "--acting", "plh", "--from", (TODAY - 12 * DAY).isoformat()))
    day = TODAY - 11 * DAY
    ok(run("sop", "sahkan", str(path), "--for", "rina", "--on", day.isoformat()))
    ok(run("--lang", "id", "flowchart", str(path), "-o", str(out)))
    from runner.l10n import format_date

    set_language("id")
    assert _signer(out.read_text()) == f"Serang, {format_date(day)} Plh. Camat Rina Kartika NIP. 198001012005012001"
    pdf = tmp_path / "x.pdf"
    ok(run("--lang", "id", "flowchart", str(path), "-o", str(pdf)))
    assert "Plh. Camat Rina Kartika NIP. 198001012005012001" in pdf_pages(pdf)[0][2]
    # another text of the SOP is not the version signed: its page shows its own file's signer
    other = tmp_path / "other"
    other.mkdir()
    changed = _signed_sop(other, nomor="800/30/Satpol-PP/2023")
    ok(run("--lang", "id", "flowchart", str(changed), "-o", str(out)))
    assert _signer(out.read_text()) == "Serang, 28 Agustus 2023 Camat Budi Santoso"


def test_without_a_store_the_page_shows_the_files_signer(sop, tmp_path):
    path = _signed_sop(tmp_path)
    out = tmp_path / "x.html"
    missing = tmp_path / "none.sqlite3"
    ok(sop("--lang", "id", "--db", str(missing), "flowchart", str(path), "-o", str(out)))
    assert _signer(out.read_text()) == "Serang, 28 Agustus 2023 Camat Budi Santoso"
    assert not missing.exists()  # printing only reads: no store is made


# --- words broken only between syllables ------------------------------------------------------------------

WORDS = (
    "Dihitung sejak berkas diterima lengkap oleh petugas pelayanan; dikoordinasikan dengan Bendahara "
    "Pengeluaran Pembantu sesuai Peraturan Perundang-undangan yang berlaku, pertanggungjawaban kegiatan "
    "penertiban ketenteraman dan ketertiban umum serta perlindungan masyarakat (Satpol-PP) diverifikasi "
    "Kasubag Umum dan Aparatur"
).split()


def _check_broken_only_between_syllables(lines: list[str], text: str) -> None:
    """The lines set ``text``'s words in order, and a word split over lines is split only where pyphen splits it,
    with a hyphen added, or just after its own hyphen or slash."""
    todo, partial = text.split(), ""
    for line in lines:
        tokens = line.strip("\u00a0").split(" ")
        for j, token in enumerate(tokens):
            assert todo, (lines, text)
            word = todo[0]
            rest = word[len(partial) :]
            if token == rest:
                todo.pop(0)
                partial = ""
                continue
            assert j == len(tokens) - 1, ("a word broken inside a line", token, lines)
            if token.endswith(("-", "/")) and rest.startswith(token):
                piece = token  # after the word's own hyphen or slash
            else:
                assert token.endswith(HYPHEN) and rest.startswith(token[:-1]), ("broken without a hyphen", token, lines)
                piece = token[:-1]
            partial += piece
            pieces = breaks(word)
            assert partial in {"".join(pieces[:k]) for k in range(1, len(pieces))}, ("not a syllable", word, lines)
    assert not todo and not partial, (todo, lines)


@pytest.mark.parametrize("seed", range(30))
def test_wrapped_words_break_only_between_syllables(seed):
    rnd = random.Random(seed)
    text = " ".join(rnd.choice(WORDS) for _i in range(rnd.randint(3, 12)))
    chars = rnd.randint(7, 16)  # every syllable of these words, with its hyphen, fits in 7
    lines = wrap(text, lambda line: len(line) <= chars)
    assert all(len(line) <= chars for line in lines), lines
    _check_broken_only_between_syllables(lines, text)


def test_a_word_breaks_where_pyphen_breaks_it():
    fits = lambda n: lambda line: len(line) <= n  # noqa: E731
    assert wrap("Dihitung", fits(6)) == ["Dihi-", "tung"]  # not "Dihitun" / "g"
    assert wrap("Perundang-undangan", fits(10)) == ["Perundang-", "undangan"]  # its own hyphen: no other
    assert wrap("pertanggungjawaban", fits(9)) == ["pertang-", "gungja-", "waban"]
    assert wrap("800/29/Satpol-PP/2023", fits(8)) == ["800/29/", "Satpol-", "PP/2023"]
    assert wrap("Surat Tugas", fits(20)) == ["Surat Tugas"]  # what fits is not hyphenated
    assert wrap("Pengadministrasian", fits(4)) == ["Pen-", "gad-", "mi-", "nis-", "tra-", "sian"]  # as pyphen has it
    assert wrap("HTTPS", fits(3)) == ["HT-", "TPS"]  # no syllable fits: cut where it must, still marked


def _narrow_sop(folder: Path) -> Path:
    pelaksana = [
        ("kasat", "Kepala Satuan Polisi Pamong Praja"),
        ("sekretaris", "Sekretaris"),
        ("kasubag", "Kasubag Umum dan Aparatur"),
        ("staf", "Staf Pelaksana Administrasi"),
        ("bendahara", "Bendahara Pengeluaran Pembantu"),
        ("kasi", "Kepala Seksi Penegakan Perundang-undangan"),
        ("pengadministrasi", "Pengadministrasi Perkantoran"),
    ]
    keterangan = [
        "Dipertanggungjawabkan sejak berkas diterima lengkap",
        "Dikoordinasikan dengan Bendahara Pengeluaran Pembantu",
        "Pertanggungjawaban sesuai Perundang-undangan",
    ]
    lines = ["format: 1", "id: sempit", 'version: "1"', "nama: Pengelolaan Administrasi Umum", "pelaksana:"]
    lines += [f"  - {{id: {pid}, nama: {nama}}}" for pid, nama in pelaksana]
    lines.append("steps:")
    for i, ket in enumerate(keterangan):
        lines += [
            f"  - id: s{i}",
            "    uraian: Staf menerima surat masuk dan mengagendakannya",
            f"    pelaksana: {pelaksana[i * 2][0]}",
            "    waktu: 1 x 24 jam",
            "    kelengkapan: [Surat Masuk, Buku Agenda Pertanggungjawaban]",
            f"    keterangan: {ket}",
        ]
    path = folder / "sempit.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_narrow_columns_of_the_chart_break_words_between_syllables(tmp_path):
    sop = load_sop(_narrow_sop(tmp_path))
    layout = compute(sop)
    rows = [r for p in layout.pages for r in p.rows if r.step]
    for row in rows:
        _check_broken_only_between_syllables(row.cells["keterangan"], row.step.keterangan)
    first, second = rows[0].cells["keterangan"][:2]  # the long word, broken between two of its syllables
    assert first.endswith("-") and "Dipertanggungjawabkan".startswith(first[:-1] + second.split()[0][:1])
    # a long pelaksana heading wraps inside its lane, in the real font, and breaks only between syllables
    for lane in layout.lanes:
        _check_broken_only_between_syllables(lane.title, sop.pelaksana_by_id(lane.pelaksana).label)
    kasubag = next(lane for lane in layout.lanes if lane.pelaksana == "kasubag")
    assert " ".join(kasubag.title) == "Kasubag Umum dan Aparatur" and len(kasubag.title) >= 2  # wrapped, whole
    for page in layout.pages:
        for label in labels(layout, page, None):
            for line in label.lines:
                real = _real_width(line, label.size, label.bold)
                assert real is None or real <= label.box.w + 0.5, ("wider than its box", line, real, label.box.w)
    # the SVG and the HTML set the same lines
    svg = _svg_lines(render(sop, "svg"))
    html = [
        unescape(line)
        for cell in re.findall(r'<div class="t[^"]*"[^>]*>(.*?)</div>', render(sop, "html"), re.S)
        for line in cell.split("<br>")
    ]
    for document in (svg, html):
        assert first in document and second in document, document
        assert not any(line.startswith("Dihitun") for line in document)


def test_the_identity_page_is_hyphenated_as_indonesian_in_the_pdf(sop, tmp_path):
    """WeasyPrint hyphenates the SOP's text (lang id, hyphens: auto) with pyphen's id_ID where a line would
    otherwise stay a quarter empty: every word a line of the PDF ends with a hyphen is cut where pyphen cuts it,
    and a law that fits the lines as words is not hyphenated at all."""
    law = "Pengaduan yang tidak ditanggapi dapat menurunkan kepercayaan masyarakat"  # was "masyara-" / "kat"
    long = [" ".join(["di"] * i + ["mempertanggungjawabkannya"] * 4) for i in range(0, 24, 2)]
    path = _signed_sop(tmp_path, dasar_hukum=[law], peringatan=long)
    out = tmp_path / "x.pdf"
    ok(sop("--lang", "en", "flowchart", str(path), "-o", str(out)))
    html = render(load_sop(path), "html")
    assert '<ol lang="id">' in html and "hyphens: auto" in html
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(out))
    pages = [page.get_textpage().get_text_range() for page in pdf]
    pdf.close()
    text = "\n".join(p for p in pages if not p.startswith("29. SOP"))  # the identity page, over its sheets
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    cut = 0
    for line, following in zip(lines, lines[1:], strict=False):
        if re.search(r"[a-z][-\u2010]$", line) and following[:1].islower():  # WeasyPrint sets U+2010
            head = line.split()[-1][:-1]
            word = head + re.match(r"[a-z]+", following).group(0)
            assert head in {"".join(breaks(word)[:k]) for k in range(1, len(breaks(word)))}, (line, following)
            cut += 1
    assert cut >= 1  # the long words did break, at their syllables
    laws = text[: text.index("Qualifications")]
    assert not re.search(r"[a-z][\u2010]\r?\n", laws), laws  # words that fit whole are not hyphenated


# --- times and posts in messages, as people read them (issue 20.8) ------------------------------------------


@pytest.mark.parametrize(
    ("lang", "said", "listed"),
    [
        ("id", "jabatan #{id}: rina menjadi Plh. Camat mulai {start} sampai {until}", "Plh. Camat"),
        ("en", "post #{id}: rina is Plh. Camat from {start} until {until}", "Plh. Camat"),
    ],
)
def test_a_post_is_named_by_its_nama_and_its_days_in_words(staffed, lang, said, listed, monkeypatch):  # noqa: F811
    from runner.l10n import format_date

    monkeypatch.setenv("COLUMNS", "250")
    run = staffed  # noqa: F811
    ok(run("people", "add", "rina", "--nama", "Rina Kartika"))
    start, until = TODAY - 3 * DAY, TODAY + 4 * DAY
    result = ok(
        run("--lang", lang, "post", "grant", "rina", "camat", "--acting", "plh", "--from", start.isoformat(),
            "--until", until.isoformat())
    )  # fmt: skip
    set_language(lang)
    post = result.out.strip()
    assert result.err.strip() == said.format(id=post, start=format_date(start), until=format_date(until))
    assert start.isoformat() not in result.err and "Plh. camat" not in result.err
    ended = ok(run("--lang", lang, "post", "end", post, "--on", TODAY.isoformat())).err
    assert format_date(TODAY) in ended and TODAY.isoformat() not in ended
    table = ok(run("--lang", lang, "post", "list", "--login", "rina")).out
    assert listed in table and "Plh. camat" not in table and format_date(start) in table


def test_the_web_download_shows_who_signed_from_the_store(tmp_path):
    """sop serve's SOP page downloads the document as sop flowchart prints it: the signer from the store."""
    from starlette.testclient import TestClient
    from test_web import PASSWORD, csrf

    import runner
    from runner.store.sqlite import os_login

    folder = tmp_path / "sop"
    folder.mkdir()
    sop = load_sop(_signed_sop(folder))
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    with runner.open_store(url) as store:
        people = runner.People(store)
        people.add(os_login(), "Operator", records_for_others=True)
        people.add("sari", "Sari Dewi", nip="197903022005012003")
        people.grant("sari", "camat", acting="plh", valid_from=(TODAY - 20 * DAY).isoformat())
        runner.Sessions(store).set_password("sari", PASSWORD, os_login(), first=True)
        runner.Cases(store).sahkan(sop, on=(TODAY - 11 * DAY).isoformat(), for_person="sari")
    c = TestClient(runner.create_app(url, [str(folder)]), follow_redirects=False)
    c.cookies.set("sop_lang", "id")
    assert c.post("/signin", data={"login": "sari", "password": PASSWORD, "next": "/"}).status_code == 303
    new = "punya-sendiri-1"
    token = csrf(c.get("/password").text)
    assert c.post("/password", data={"csrf": token, "old": PASSWORD, "new": new, "again": new}).status_code == 303
    r = c.get("/sops/pelacuran/download/html")
    assert r.status_code == 200, r.text
    assert _signer(r.text).endswith("Plh. Camat Sari Dewi NIP. 197903022005012003")


def test_a_case_printed_on_its_stored_definition_keeps_the_logo(sop, tmp_path):
    """The store keeps the definition, which names the logo's path; the logo's file is next to the SOP file."""
    (tmp_path / "logo.png").write_bytes(_png())
    path = _signed_sop(tmp_path, logo="logo.png")
    db = str(tmp_path / "cases.sqlite3")
    case = ok(sop("--db", db, "case", "start", str(path), "--attach", "Informasi Pelanggaran")).out.strip()
    out = tmp_path / "kasus.html"
    ok(sop("--db", db, "--sop-dir", str(tmp_path), "flowchart", "pelacuran", "--case", case, "-o", str(out)))
    assert '<img class="logo" src="data:image/png;base64,' in _head(out.read_text())


@pytest.mark.parametrize("seed", range(8))
def test_generated_narrow_cells_break_words_only_between_syllables(tmp_path, seed):
    """Generated SOPs of 5 to 7 lanes (the narrowest columns the paper allows), long words in every text cell
    and in the lanes' headings: every line of every cell and heading breaks a word only between its syllables."""
    rnd = random.Random(seed)
    lanes = rnd.randint(5, 7)
    names = [" ".join(rnd.choice(WORDS) for _w in range(rnd.randint(1, 4))) for _i in range(lanes)]
    lines = ["format: 1", f"id: acak-{seed}", 'version: "1"', "nama: Pengelolaan Acak", "pelaksana:"]
    lines += [f"  - {{id: p{i}, nama: '{nama}'}}" for i, nama in enumerate(names)]
    lines.append("steps:")
    for i in range(rnd.randint(2, 6)):
        text = lambda n: " ".join(rnd.choice(WORDS) for _w in range(n))  # noqa: E731
        lines += [
            f"  - id: s{i}",
            f"    uraian: '{text(rnd.randint(3, 15))}'",
            f"    pelaksana: p{rnd.randrange(lanes)}",
            "    waktu: 1 jam",
            f"    keterangan: '{text(rnd.randint(1, 6))}'",
        ]
    path = tmp_path / f"acak-{seed}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sop = load_sop(path)
    layout = compute(sop)
    for row in (r for p in layout.pages for r in p.rows if r.step):
        for key, text in (("uraian", row.step.uraian), ("keterangan", row.step.keterangan)):
            _check_broken_only_between_syllables(row.cells[key], text)
    for lane in layout.lanes:
        _check_broken_only_between_syllables(lane.title, sop.pelaksana_by_id(lane.pelaksana).label)
    svg = _svg_lines(render(sop, "svg"))
    every = [line for p in layout.pages for r in p.rows if r.step for c in r.cells.values() for line in c]
    every += [line for lane in layout.lanes for line in lane.title]
    assert any(line.endswith(HYPHEN) for line in every)  # the narrow Ket. column does break its long words
    for line in filter(None, every):  # what the layout broke is what the SVG sets (empty cells set nothing)
        assert words(line) in svg, line
