"""Reports from real cases: exact figures, computed here by hand, on both stores.

The test SOP `izin` has a step in working time ("1 hari kerja"), two
correction loops, a step without waktu and a step of two pelaksana. Its cases
are driven through the command line with `--at` at known moments, in the
third quarter of 2026 (Asia/Jakarta): across a weekend and Independence Day
(Monday 17 August 2026), through both loops, one cancelled, two open and
overdue, one started on the last evening of June (outside the quarter) and one
half an hour into July (inside it), and one on a second version of the SOP.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import holidays
import pytest

from runner import Period, build_report, load_sop, open_store
from runner.files import write_file
from runner.i18n import set_language

IZIN = """\
format: 1
id: izin
version: "{version}"
nama: Penerbitan Surat Izin Uji
unit: Pelayanan Umum
instansi: Kecamatan Uji, Kota Tangerang
pelaksana:
  - {{id: staf, nama: Staf Pelayanan}}
  - {{id: kasi, nama: Kepala Seksi Pelayanan, singkatan: Kasi}}
steps:
  - id: terima
    uraian: Staf menerima permohonan dan memeriksa kelengkapannya
    pelaksana: staf
    kelengkapan: [Permohonan]
    waktu: 1 hari kerja
    output: [Berkas]
  - id: periksa
    uraian: Kasi memeriksa berkas permohonan
    pelaksana: kasi
    waktu: 2 jam
    decision:
      question: Berkas lengkap?
      outcomes: {{lengkap: tandatangan, kurang: terima}}
  - id: tandatangan
    uraian: Kasi menandatangani surat izin
    pelaksana: kasi
    waktu: {waktu3}
    output: [Surat Izin]
    decision:
      question: Surat izin sudah benar?
      outcomes: {{sah: serahkan, salah: periksa}}
  - id: serahkan
    uraian: Surat izin diserahkan kepada pemohon
    pelaksana: [staf, kasi]
    kelengkapan: [Surat Izin, Tanda Terima]
    waktu: "-"
"""

H = 3600  # seconds in an hour


@pytest.fixture
def izin_store(sop, db_url, tmp_path):
    """The store with the cases described above; returns (db_url, path of the SOP file, version 2)."""
    path = tmp_path / "izin.yaml"
    path.write_text(IZIN.format(version="1", waktu3="30 menit"), encoding="utf-8")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")

    def run(*args: str) -> str:
        result = sop("--db", db_url, "case", *args)
        assert result.code == 0, (args, result.err)
        return result.out.strip()

    def start(at: str, permohonan: str) -> str:
        return run("start", str(path), "--attach", permohonan, "--at", at)

    def advance(case: str, role: str, at: str, *extra: str) -> None:
        run("advance", case, "--as", role, "--at", at, *extra)

    with_file, paper = f"Permohonan={scan}", "Permohonan"
    # A: step 1 across a weekend and a national holiday
    a = start("2026-08-14T14:00", with_file)  # Friday
    advance(a, "staf", "2026-08-18T10:00")  # Tuesday: Fri 14-16 + Tue 08-10 = 4 working hours
    advance(a, "kasi", "2026-08-18T11:00", "--outcome", "lengkap")
    advance(a, "kasi", "2026-08-18T11:45", "--outcome", "sah")
    run("attach", a, "Tanda Terima", "--at", "2026-08-18T12:00")
    advance(a, "staf", "2026-08-18T13:00")
    # B: both loops, "kurang" twice and "salah" once
    b = start("2026-07-06T08:00", paper)  # Monday
    advance(b, "staf", "2026-07-06T09:00")
    advance(b, "kasi", "2026-07-06T10:00", "--outcome", "kurang")
    advance(b, "staf", "2026-07-06T15:00")
    advance(b, "kasi", "2026-07-07T09:00", "--outcome", "kurang")
    advance(b, "staf", "2026-07-07T10:00")
    advance(b, "kasi", "2026-07-07T10:30", "--outcome", "lengkap")
    advance(b, "kasi", "2026-07-07T11:30", "--outcome", "salah")
    advance(b, "kasi", "2026-07-07T11:40", "--outcome", "lengkap")
    advance(b, "kasi", "2026-07-07T12:00", "--outcome", "sah")
    advance(b, "staf", "2026-07-07T12:30", "--attach", f"Tanda Terima={scan}")
    # C: cancelled at step 2
    c = start("2026-09-01T09:00", paper)
    advance(c, "staf", "2026-09-01T10:00")
    run("cancel", c, "--reason", "permohonan ditarik", "--at", "2026-09-01T11:00")
    # D: open at step 2 since 2 September: overdue
    d = start("2026-09-02T08:00", with_file)
    advance(d, "staf", "2026-09-02T08:30")
    # outside the quarter by half an hour, and inside it by half an hour (Jakarta time)
    start("2026-06-30T23:30", paper)
    start("2026-07-01T00:30", paper)  # G: open at step 1, overdue since 1 July 16:00
    # E: the SOP is edited mid-period (step 3 now "1 jam"); a new case runs on version 2
    path.write_text(IZIN.format(version="2", waktu3="1 jam"), encoding="utf-8")
    e = start("2026-09-10T08:00", paper)
    advance(e, "staf", "2026-09-10T09:00")
    advance(e, "kasi", "2026-09-10T10:00", "--outcome", "lengkap")
    advance(e, "kasi", "2026-09-10T10:50", "--outcome", "sah")
    advance(e, "staf", "2026-09-10T11:00", "--attach", "Tanda Terima")
    return db_url, path


def _report(sop, db_url, path, *args, lang="en"):
    result = sop("--lang", lang, "--db", db_url, "report", str(path), "--period", "2026-Q3", *args)
    assert result.code == 0, result.err
    return result


def test_exact_figures(sop, izin_store):
    db_url, path = izin_store
    assert date(2026, 8, 17) in holidays.country_holidays("ID", years=2026)
    data = json.loads(_report(sop, db_url, path, "--json").out)
    assert data["period"] == {"name": "2026-Q3", "from": "2026-07-01", "to": "2026-09-30", "basis": "started"}
    assert data["cases_read"] == 6  # A B C D G on version 1, E on version 2; F started in June
    one, two = data["sops"]
    assert (one["version"], two["version"]) == ("1", "2")
    assert one["versions_in_period"] == two["versions_in_period"] == 2
    assert any("2 versions" in note for note in data["notes"])

    assert one["cases"] == {"started": 5, "done": 2, "cancelled": 1, "open": 2, "open_overdue": 2}
    # A: Fri 14:00 -> Tue 13:00 = 95 h; B: Mon 08:00 -> Tue 12:30 = 28.5 h
    # waktu along the path, each step's allowance from the moment it was entered:
    # A: 1 hari kerja from Fri 14:00 ends Tue 14:00 (4 days) + 2 jam + 30 menit
    # B: 1 hari kerja from Mon 08:00 ends Mon 16:00 (8 h), from Mon 10:00 and Tue 09:00 a day later (24 h each);
    #    four times 2 jam, twice 30 menit
    assert one["lead_time"] == {
        "cases": 2,
        "actual_seconds": {"median": 28.5 * H, "p90": 95 * H, "max": 95 * H},
        "waktu_seconds": {"median": 8 * H + 48 * H + 8 * H + H, "p90": 96 * H + 2.5 * H, "max": 96 * H + 2.5 * H},
    }

    s1, s2, s3, s4 = one["steps"]
    # step 1 in working time: A 4 h (weekend and holiday count nothing); B 1 h, 5 h, 1 h; C 1 h; D 30 min
    assert s1["working_time"] is True and s1["waktu_seconds"] == 8 * H
    assert s1["completions"] == 6
    assert s1["duration_seconds"] == {"median": H, "p90": 5 * H, "max": 5 * H}  # 0.5 1 1 1 4 5: ranks 3 and 6
    assert (s1["within_waktu"], s1["share_within_waktu"]) == (6, 1.0)
    assert (s1["open"], s1["open_overdue"]) == (1, 1)  # G
    # step 2, wall time: A 1 h; B 1 h, 18 h (overnight), 30 min, 10 min
    assert s2["duration_seconds"] == {"median": H, "p90": 18 * H, "max": 18 * H}
    assert (s2["completions"], s2["within_waktu"], s2["share_within_waktu"]) == (5, 4, 0.8)
    assert (s2["open"], s2["open_overdue"]) == (1, 1)  # D
    # step 3, 30 menit: A 45 min; B 1 h, 20 min
    assert s3["duration_seconds"] == {"median": 45 * 60, "p90": H, "max": H}
    assert (s3["completions"], s3["within_waktu"]) == (3, 1)
    assert s3["share_within_waktu"] == pytest.approx(1 / 3)
    # step 4 has no waktu: durations, no share
    assert s4["duration_seconds"] == {"median": 30 * 60, "p90": 75 * 60, "max": 75 * 60}
    assert (s4["waktu_seconds"], s4["within_waktu"], s4["share_within_waktu"]) == (None, None, None)

    periksa, tandatangan = one["decisions"]
    assert periksa["outcomes"] == {"lengkap": 3, "kurang": 2}
    assert periksa["corrections"] == {
        "kurang": {"to": "terima", "total": 2, "cases_corrected": 1, "max_per_case": 2, "per_case": {"0": 1, "2": 1}}
    }
    assert tandatangan["outcomes"] == {"sah": 2, "salah": 1}
    assert tandatangan["corrections"]["salah"]["per_case"] == {"0": 1, "1": 1}

    staf, kasi = one["pelaksana"]
    assert (staf["completed"], staf["within_waktu"], staf["share_within_waktu"], staf["waiting"]) == (8, 6, 1.0, 1)
    assert (kasi["completed"], kasi["within_waktu"], kasi["share_within_waktu"], kasi["waiting"]) == (8, 5, 5 / 8, 1)

    kelengkapan = {(k["no"], k["document"]): k for k in one["kelengkapan"]}
    permohonan = kelengkapan[(1, "Permohonan")]  # A and D with a file; B three times and C on paper
    assert (permohonan["with_file"], permohonan["without_file"], permohonan["from_output"]) == (2, 4, 0)
    assert permohonan["share_without_file"] == pytest.approx(4 / 6)
    assert kelengkapan[(4, "Surat Izin")]["from_output"] == 2
    tanda = kelengkapan[(4, "Tanda Terima")]
    assert (tanda["with_file"], tanda["without_file"]) == (1, 1)

    # version 2: one case, step 3 now within its 1 jam
    assert two["cases"] == {"started": 1, "done": 1, "cancelled": 0, "open": 0, "open_overdue": 0}
    assert [s["duration_seconds"]["max"] for s in two["steps"]] == [H, H, 50 * 60, 10 * 60]
    assert two["steps"][2]["share_within_waktu"] == 1.0
    assert two["lead_time"]["actual_seconds"]["max"] == 3 * H


def test_the_same_figures_through_the_api_and_every_format(sop, izin_store, tmp_path):
    db_url, path = izin_store
    with open_store(db_url) as store:
        report = build_report(store, Period.between("2026-07-01", "2026-09-30"), [load_sop(path)])
    assert [s.counts.started for s in report.sections] == [5, 1]
    assert report.events == 6 + 11 + 3 + 2 + 1 + 5  # A (with an attach), B, C, D, G, E
    assert report.to_json()["sops"][0]["steps"][0]["completions"] == 6

    table = _report(sop, db_url, path).out
    assert "Cases are counted in the period by the day they started" in table
    assert "2 versions" in table and "izin 1" in table and "izin 2" in table
    assert "18 hours" in table and "80%" in table

    blocks = _report(sop, db_url, path, "--csv", lang="id").out.split("\n\n")
    steps = list(csv.reader(io.StringIO(next(b for b in blocks if b.startswith("Langkah")))))
    header, first = steps[1], steps[2]
    assert header[:5] == ["SOP", "No", "Langkah", "Waktu", "Diselesaikan"]
    assert dict(zip(header, first, strict=True))["Median (detik)"] == "3600"
    assert dict(zip(header, first, strict=True))["Dalam batas waktu"] == "1.0"

    from openpyxl import load_workbook

    out = tmp_path / "laporan.xlsx"
    assert _report(sop, db_url, path, "-o", str(out), lang="id").code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Laporan", "Kasus", "Langkah", "Keputusan", "Pelaksana", "Kelengkapan"]
    sheet = book["Langkah"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[3], strict=True)}  # step 2 of version 1
    assert row["Diselesaikan"].value == 5 and isinstance(row["Diselesaikan"].value, int)
    # a duration cell: a number of days, formatted as hours (openpyxl reads it back as a timedelta)
    assert row["p90 (jam)"].value == timedelta(hours=18) and row["p90 (jam)"].number_format == "[h]:mm:ss"
    assert row["Dalam batas waktu"].value == 0.8 and row["Dalam batas waktu"].number_format == "0%"
    assert book["Laporan"]["B3"].value.date() == date(2026, 7, 1)  # a real date cell
    assert sheet.column_dimensions["C"].width >= len("tandatangan")


def test_empty_period_is_a_valid_report(sop, izin_store):
    db_url, path = izin_store
    result = sop("--db", db_url, "report", str(path), "--period", "2025-S1")
    assert result.code == 0 and "No case started in this period." in result.out
    data = json.loads(sop("--db", db_url, "report", str(path), "--period", "2025", "--json").out)
    assert data["sops"] == [] and data["without_cases"] == ["izin"] and data["cases_read"] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "no-such-sop", "--period", "2026"], "unknown SOP 'no-such-sop'"),
        (["report", "pelacuran", "--period", "2026-S3"], "cannot read the period '2026-S3'"),
        (["report", "pelacuran", "--period", "2026-13"], "no month 13"),
        (["report", "pelacuran", "--from", "2026-09-01", "--to", "2026-07-01"], "after its end"),
        (["report", "pelacuran", "--from", "2026-07-01", "--to", "kemarin"], "cannot read the date 'kemarin'"),
        (["report", "pelacuran", "--xlsx"], "add -o"),
        (["monitoring", "pelacuran", "--format", "pdf"], "add -o"),
    ],
)
def test_bad_input_is_one_line(sop, args, message, tmp_path):
    result = sop("--db", f"sqlite:///{tmp_path / 'c.sqlite3'}", *args)
    assert result.code == 1, result
    assert result.err.startswith("error: ") and message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_usage_errors_exit_2(sop, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    assert sop("--db", db, "report", "--period", "2026", "--from", "2026-01-01", "--to", "2026-02-01").code == 2
    assert sop("--db", db, "report", "--from", "2026-01-01").code == 2
    assert sop("--db", db, "report", "--json", "--csv").code == 2


def test_an_unwritable_output_leaves_nothing_behind(sop, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    missing = tmp_path / "no" / "such" / "folder" / "r.csv"
    result = sop("--db", db, "report", "pelacuran", "--period", "2026", "-o", str(missing))
    assert result.code == 1 and "does not exist; create it first" in result.err
    folder = tmp_path / "out"
    (folder / "r.json").mkdir(parents=True)  # a folder where the file should go: fails even for root
    result = sop("--db", db, "report", "pelacuran", "--period", "2026", "-o", str(folder / "r.json"))
    assert result.code == 1 and "give the name of a file to write" in result.err
    assert [p.name for p in folder.iterdir()] == ["r.json"]  # no temporary file left behind


def test_a_report_file_is_replaced_whole(tmp_path):
    target = tmp_path / "r.csv"
    target.write_text("old", encoding="utf-8")
    write_file(target, b"new")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]
    assert target.stat().st_mode & 0o777 != 0o600  # an ordinary file, not mkstemp's private one


def test_report_of_every_sop_and_of_the_demo(sop, tmp_path):
    from runner.cli.demo import run

    folder = run(tmp_path)
    db = f"sqlite:///{folder / 'cases.sqlite3'}"
    today = date.today()
    semester = f"{today.year}-S{1 if today.month <= 6 else 2}"
    shown = sop("--db", db, "report", "pelacuran", "--period", semester)
    assert shown.code == 0, shown.err
    for title in ("Cases", "Steps", "Decisions", "Pelaksana", "Kelengkapan"):
        assert title in shown.out
    assert "1 case and 13 events read" in shown.out
    every = json.loads(sop("--db", db, "report", "--json").out)  # all SOPs, this semester by default
    assert [s["sop"] for s in every["sops"]] == ["pelacuran"]
    [loop] = [d for d in every["sops"][0]["decisions"] if d["no"] == 4]
    assert loop["corrections"]["koreksi"]["per_case"] == {"1": 1}


def test_monitoring_marks_follow_the_stated_rule(sop, izin_store, tmp_path):
    from runner import monitoring_form, render_monitoring

    set_language("id")
    db_url, path = izin_store
    with open_store(db_url) as store:
        report = build_report(store, Period.parse("2026-Q3"), [load_sop(path)])
    one, two = report.sections
    form = monitoring_form(report, one)
    marks = [(r.no, r.mark) for r in form.rows]
    # step 1: all 6 within, but G waits there overdue; step 2: 80% within, but D waits overdue;
    # step 3: 1 of 3 within; step 4 has no waktu
    assert marks == [
        (1, "Tidak berjalan dengan baik"),
        (2, "Tidak berjalan dengan baik"),
        (3, "Tidak berjalan dengan baik"),
        (4, "Tidak dinilai"),
    ]
    assert form.rows[1].catatan == (
        "4 dari 5 penyelesaian (80%) dalam batas waktu 2 jam; median 1 jam, p90 18 jam, terlama 18 jam. "
        "1 kasus menunggu pada langkah ini melewati tenggat waktunya."
    )
    assert form.rows[3].catatan == (
        "Tanpa standar waktu; diselesaikan 2 kali: median 30 menit, p90 1 jam 15 menit, terlama 1 jam 15 menit; "
        "tidak dinilai."
    )
    assert [r.mark for r in monitoring_form(report, two).rows][:3] == ["Berjalan dengan baik"] * 3
    lenient = monitoring_form(report, one, threshold=0.3)
    assert lenient.rows[2].mark == "Berjalan dengan baik" and "30%" in lenient.rule
    with pytest.raises(Exception, match="antara 0 dan 100 persen, bukan 150%"):
        monitoring_form(report, one, threshold=1.5)

    page = render_monitoring([form], "html")
    assert isinstance(page, str)
    for title in (
        "Prosedur",
        "Penilaian terhadap penerapan (Berjalan dengan baik / Tidak berjalan dengan baik)",
        "Catatan hasil penilaian",
        "Tindakan yang harus diambil",
        "Paraf penilai",
    ):
        assert f"<th>{title}</th>" in page
    assert "Ambang yang dipakai: 80%" in page and "Titik periksa audit" in page

    out = tmp_path / "monitoring.pdf"
    args = ["--lang", "id", "--db", db_url, "monitoring", str(path), "--period", "2026-Q3", "-o", str(out)]
    result = sop(*args, "--penilai", "Drs. Ahmad Fauzi", "--nip", "197001012000031001", "--threshold", "75")
    assert result.code == 0, result.err
    text = _pdf_text(out.read_bytes())
    assert "MONITORING PELAKSANAAN SOP AP" in text and "Drs. Ahmad Fauzi" in text and "197001012000031001" in text
    assert "Ambang yang dipakai: 75%" in text and "versi 2" in text  # one form per version


def _pdf_text(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    return " ".join(" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))


def test_monitoring_of_an_empty_period_judges_nothing(sop, izin_store):
    db_url, path = izin_store
    page = sop("--lang", "id", "--db", db_url, "monitoring", str(path), "--period", "2025-S1").out
    assert page.count("Tidak ada penyelesaian langkah ini dalam periode ini; tidak dinilai.") == 4
    assert "Berjalan dengan baik</td>" not in page


def test_the_monitoring_form_carries_the_latest_checkpoint_digest(sop, izin_store, tmp_path):
    db_url, path = izin_store
    blank = sop("--db", db_url, "monitoring", str(path), "--period", "2026-Q3").out
    taken = sop("--db", db_url, "audit", "checkpoint", "-o", str(tmp_path / "checkpoint.json"))
    assert taken.code == 0, taken.err
    digest = taken.out.strip()
    assert len(digest) == 64 and digest not in blank
    assert digest in sop("--db", db_url, "monitoring", str(path), "--period", "2026-Q3").out


def test_report_document_with_the_heat_overlay(izin_store, tmp_path):
    from runner import render_report

    set_language("id")
    db_url, path = izin_store
    with open_store(db_url) as store:
        report = build_report(store, Period.parse("2026-Q3"), [load_sop(path)])
    page = render_report(report, "html")
    assert isinstance(page, str)
    assert "LAPORAN PELAKSANAAN SOP" in page and "Kepatuhan waktu — izin 1" in page
    assert "≥ 80% dalam batas waktu" in page  # the heat legend
    assert ">2×</div>" in page and ">1×</div>" in page  # corrections on the loops: kurang twice, salah once
    assert 'fill="#b9e2ad"' in page and 'fill="#f4aaaa"' in page  # step 1 at 100%, step 3 at 33%
    assert ">33%</div>" in page
    assert "6 kasus dan 28 kejadian dibaca" in page and db_url.split("?")[0].split("@")[-1] in page
    assert "Kasus SOP izin berjalan pada 2 versi definisinya" in page
    pdf = render_report(report, "pdf", "f4")
    assert isinstance(pdf, bytes)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    assert round(document[1].get_size()[0] / 72 * 25.4) == 330  # F4 landscape, as the flowchart document
    text = _pdf_text(pdf)
    assert "Lama penyelesaian tiap langkah" in text and "dalam batas waktu" in text


# --- both languages -----------------------------------------------------------------------------

WORDS = {
    "id": {
        "title": "Laporan 2026-Q3: 1 Juli 2026 – 30 September 2026",
        "basis": "Kasus dihitung dalam periode menurut hari dimulainya",
        "table": ["Kasus", "Langkah", "Keputusan", "Diselesaikan", "Sedang berjalan", "18 jam", "1 jam", "80%"],
        "read": "6 kasus dan 28 kejadian dibaca",
        "csv": ["Laporan", "Periode,2026-Q3", "Median (detik)", "Kasus dibaca,6"],
        "sheets": ["Laporan", "Kasus", "Langkah", "Keputusan", "Pelaksana", "Kelengkapan"],
        "columns": [
            "SOP",
            "No",
            "Langkah",
            "Waktu",
            "Diselesaikan",
            "Median (jam)",
            "p90 (jam)",
            "Maks. (jam)",
            "Dalam batas waktu",
        ],
        "zone": "Zona waktu",
        "html": ["LAPORAN PELAKSANAAN SOP", "Ringkasan kasus", "Lama median", '"Halaman " counter(page)'],
        "note": "Kasus SOP izin berjalan pada 2 versi definisinya",
        "monitoring": [
            "MONITORING PELAKSANAAN SOP AP",
            "Nama SOP",
            "Periode : 2026-Q3 (1 Juli 2026 – 30 September 2026)",
            "5 kasus dimulai dalam periode ini (2 selesai, 1 dibatalkan, 2 sedang berjalan, 2 di antaranya terlambat)",
            "Catatan hasil penilaian",
            "Tidak berjalan dengan baik",
            "median 1 jam, p90 18 jam, terlama 18 jam",
            "Ambang yang dipakai: 80%",
            "Halaman 1 / ",
        ],
    },
    "en": {
        "title": "Report 2026-Q3: July 1, 2026 – September 30, 2026",
        "basis": "Cases are counted in the period by the day they started",
        "table": ["Cases", "Steps", "Decisions", "Completions", "Open", "18 hours", "1 hour", "80%"],
        "read": "6 cases and 28 events read",
        "csv": ["Report", "Period,2026-Q3", "Median (seconds)", "Cases read,6"],
        "sheets": ["Report", "Cases", "Steps", "Decisions", "Pelaksana", "Kelengkapan"],
        "columns": [
            "SOP",
            "No",
            "Step",
            "Waktu",
            "Completions",
            "Median (hours)",
            "p90 (hours)",
            "Max. (hours)",
            "Within waktu",
        ],
        "zone": "Time zone",
        "html": ["SOP IMPLEMENTATION REPORT", "Summary of the cases", "Lead time, median", '"Page " counter(page)'],
        "note": "The cases of SOP izin ran on 2 versions of its definition",
        "monitoring": [
            "MONITORING OF SOP AP IMPLEMENTATION",
            "SOP name",
            "Period : 2026-Q3 (July 1, 2026 – September 30, 2026)",
            "5 cases started in this period (2 done, 1 cancelled, 2 open, of which 2 overdue)",
            "Notes on the assessment",
            "Not working well",
            "median 1 hour, p90 18 hours, longest 18 hours",
            "Threshold used: 80%",
            "Page 1 / ",
        ],
    },
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_report_speaks_the_language_asked_for(sop, izin_store, tmp_path, lang):
    from openpyxl import load_workbook

    db_url, path = izin_store
    words = WORDS[lang]
    table = _report(sop, db_url, path, lang=lang).out
    assert table.startswith(words["title"]) and words["basis"] in table and words["read"] in table
    for word in words["table"]:
        assert word in table, word

    text = _report(sop, db_url, path, "--csv", lang=lang).out
    for word in words["csv"]:
        assert word in text, word

    out = tmp_path / f"report-{lang}.xlsx"
    _report(sop, db_url, path, "-o", str(out), lang=lang)
    book = load_workbook(out)
    assert book.sheetnames == words["sheets"]
    assert [c.value for c in book[words["sheets"][2]][1]][:9] == words["columns"]
    assert [words["zone"], "Asia/Jakarta"] in [[c.value for c in row] for row in book[words["sheets"][0]].iter_rows()]

    page = _report(sop, db_url, path, "--format", "html", lang=lang).out
    assert f'<html lang="{lang}">' in page and words["note"] in page
    for word in words["html"]:
        assert word in page, word

    # JSON: the same keys and figures in both languages; the notes are sentences in the language
    data = json.loads(_report(sop, db_url, path, "--json", lang=lang).out)
    other = json.loads(_report(sop, db_url, path, "--json", lang="en" if lang == "id" else "id").out)
    assert data["sops"] == other["sops"] and data["notes"] != other["notes"]
    assert any(note.startswith(words["note"]) for note in data["notes"])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_monitoring_form_speaks_the_language_asked_for(sop, izin_store, tmp_path, lang):
    db_url, path = izin_store
    out = tmp_path / f"monitoring-{lang}.pdf"
    result = sop("--lang", lang, "--db", db_url, "monitoring", str(path), "--period", "2026-Q3", "-o", str(out))
    assert result.code == 0, result.err
    text = _pdf_text(out.read_bytes())
    for word in WORDS[lang]["monitoring"]:
        assert word in text, word
    page = sop("--lang", lang, "--db", db_url, "monitoring", str(path), "--period", "2026-Q3", "--format", "html").out
    assert f'<html lang="{lang}">' in page and WORDS[lang]["monitoring"][-3] in page
