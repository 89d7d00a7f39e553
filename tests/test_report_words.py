"""What people read on the report and the monitoring form: working time in working units, the signature's
place and date, the form at the terminal, round chart axes, and -o suffixes a command cannot write."""

from __future__ import annotations

import os
from datetime import date

import pytest
from openpyxl import load_workbook

from runner import Period, build_report, load_sop, open_store
from runner.i18n import set_language
from runner.l10n import format_span
from runner.reports.charts import step_chart

KERJA = """\
format: 1
id: kerja
version: "1"
nama: Pemeriksaan Berkas
unit: Pelayanan Umum
instansi: Kecamatan Karawaci, Kota Tangerang
pelaksana:
  - {id: kasi, nama: Kepala Seksi Pelayanan, singkatan: Kasi}
steps:
  - id: periksa
    uraian: Kasi memeriksa berkas
    pelaksana: kasi
    waktu: 3 hari kerja
  - id: tanda
    uraian: Kasi menandatangani surat
    pelaksana: kasi
    waktu: 1 hari kerja
  - id: arsip
    uraian: Kasi mengarsipkan surat
    pelaksana: kasi
    waktu: 1 jam
"""


@pytest.fixture
def kerja(sop, db_url, tmp_path, monkeypatch):
    """One case: step 1 (3 hari kerja) Fri 10:00 -> Wed 10:00 = 24 working hours; step 2 (1 hari kerja) in 8
    working hours (Wed 10:00 -> Thu 10:00); step 3 in 30 minutes of calendar time."""
    monkeypatch.setenv("COLUMNS", "200")
    path = tmp_path / "kerja.yaml"
    path.write_text(KERJA, encoding="utf-8")

    def run(*args: str, lang: str = "id"):
        return sop("--lang", lang, "--db", db_url, *args)

    for args in [
        ("case", "start", str(path), "--at", "2026-11-20T10:00"),  # a Friday
        ("case", "advance", "kerja-1", "--as", "kasi", "--at", "2026-11-25T10:00"),  # Wednesday
        ("case", "advance", "kerja-1", "--as", "kasi", "--at", "2026-11-26T10:00"),
        ("case", "advance", "kerja-1", "--as", "kasi", "--at", "2026-11-26T10:30"),
    ]:
        assert run(*args).code == 0, args
    return run, path, db_url


def test_working_time_is_written_in_working_units():
    day = 8 * 3600
    set_language("id")
    assert format_span(24 * 3600, day) == "3 hari kerja"  # not "1 hari"
    assert format_span(8 * 3600, day) == "1 hari kerja"  # not "8 jam"
    assert format_span(12 * 3600, day) == "1 hari kerja 4 jam kerja"
    assert format_span(90 * 60, day) == "1 jam kerja 30 menit kerja"
    assert format_span(24 * 3600) == "1 hari"  # calendar time stays as it was
    set_language("en")
    assert format_span(24 * 3600, day) == "3 working days"
    assert format_span(3600, day) == "1 working hour"


@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "id",
            [
                "median 3 hari kerja, 9 dari 10 dalam 3 hari kerja, terlama 3 hari kerja",
                "median 1 hari kerja",
                "30 menit",
            ],
        ),
        ("en", ["median 3 working days, p90 3 working days, longest 3 working days", "median 1 working day"]),
    ],
)
def test_the_monitoring_form_says_working_days(kerja, tmp_path, lang, words):
    run, path, _db = kerja
    out = tmp_path / f"m-{lang}.html"
    result = run("monitoring", str(path), "--period", "2026-Q4", "-o", str(out), lang=lang)
    assert result.code == 0, result.err
    page = " ".join(out.read_text(encoding="utf-8").split())
    for w in words:
        assert w in page, w
    assert "1 hari\u00a0" not in page and "12 jam" not in page
    text = " ".join(run("monitoring", str(path), "--period", "2026-Q4", lang=lang).out.split())
    assert "<html" not in text  # the terminal gets the form as a table
    assert words[0].split(",")[0] in text


def test_the_report_tables_and_workbook_state_the_unit(kerja, tmp_path):
    run, path, _db = kerja
    table = run("report", str(path), "--period", "2026-Q4").out
    assert "3 hari kerja" in table and "waktu kerja (1 hari kerja = 8 jam)" in table and "waktu kalender" in table
    out = tmp_path / "r.xlsx"
    assert run("report", str(path), "--period", "2026-Q4", "-o", str(out)).code == 0
    sheet = load_workbook(out)["Langkah"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert "Median (jam)" in header and row["Lama dihitung dalam"].startswith("waktu kerja")
    assert row["Median (jam)"].total_seconds() == 24 * 3600  # a number: 24 (working) hours


def test_the_monitoring_form_carries_the_jabatan_place_and_date(kerja, tmp_path):
    run, path, _db = kerja
    args = ["monitoring", str(path), "--period", "2026-Q4", "--penilai", "Dra. Sri Wahyuni", "--nip", "1970"]
    args += ["--jabatan", "Sekretaris Kecamatan", "--tempat", "Karawaci", "--tanggal", "2026-12-02"]
    text = run(*args).out
    assert "Karawaci, 2 Desember 2026\nSekretaris Kecamatan\nDra. Sri Wahyuni\nNIP. 1970" in text
    assert "Karawaci, December 2, 2026" in run(*args, lang="en").out
    page = run(*args, "--format", "html").out
    assert "Karawaci, 2 Desember 2026" in page and "Sekretaris Kecamatan" in page
    out = tmp_path / "m.xlsx"
    assert run(*args, "-o", str(out)).code == 0
    cells = [c.value for row in load_workbook(out).active.iter_rows() for c in row if c.value]
    assert "Karawaci, 2 Desember 2026" in cells and "Sekretaris Kecamatan" in cells
    assert "3 hari kerja" in " ".join(map(str, cells))
    # without --tanggal: today where the SOP's office is (WIB), in words
    from runner.l10n import format_date
    from runner.store.clock import today

    set_language("id")
    assert f"Karawaci, {format_date(date.fromisoformat(today('Asia/Jakarta')))}" in run(*args[:-2]).out
    bad = run(*args[:-1], "2026-13-01")
    assert bad.code == 1 and bad.err.startswith("error: ") and bad.err.count("\n") == 1


@pytest.mark.parametrize(
    "args, name",
    [
        (["monitoring", "{sop}", "--period", "2026-Q4"], "m.docx"),
        (["monitoring", "{sop}", "--period", "2026-Q4", "--format", "html"], "m.pdf"),
        (["report", "{sop}", "--period", "2026-Q4"], "r.docx"),
        (["report", "{sop}", "--period", "2026-Q4", "--csv"], "r.xlsx"),
        (["flowchart", "{sop}"], "f.xlsx"),
        (["flowchart", "{sop}", "--format", "pdf"], "f.svg"),
        (["audit", "checkpoint"], "c.pdf"),
    ],
)
def test_an_output_suffix_a_command_cannot_write_is_refused(kerja, tmp_path, args, name):
    run, path, db_url = kerja
    with open_store(db_url) as store:
        before = store.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0]
    out = tmp_path / "out" / name
    out.parent.mkdir()
    result = run(*[a.format(sop=path) for a in args], "-o", str(out))
    assert result.code == 1 and result.err.startswith("error: ") and result.err.count("\n") == 1, result
    assert "." + name.split(".")[1] in result.err
    assert os.listdir(out.parent) == []  # nothing written
    with open_store(db_url) as store:
        assert store.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0] == before


def test_the_step_charts_have_round_axes(kerja):
    _run, path, db_url = kerja
    set_language("id")
    with open_store(db_url) as store:
        report = build_report(store, Period.parse("2026-Q4"), [load_sop(path)])
    charts = {s.id: step_chart(s) for s in report.sections[0].steps}
    first = charts["periksa"]
    assert [t.label for t in first.ticks] == ["0", "1 hari kerja", "2 hari kerja", "3 hari kerja"]
    assert first.span == 24 * 3600  # three working days of eight hours, no 1.08 overhang
    assert [t.label for t in charts["arsip"].ticks] == ["0", "15 menit", "30 menit", "45 menit", "1 jam"]  # its waktu
    for chart in charts.values():
        xs = [t.x for t in chart.ticks]
        assert xs[0] == chart.left and abs(xs[-1] - chart.right) < 1e-9 and xs == sorted(xs)
