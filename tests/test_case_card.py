"""The case card (``sop case show``): the last note and who wrote it, in both languages and in --json."""

from __future__ import annotations

import json

import pytest

SOP = """\
format: 1
id: izin
version: "1"
nama: Izin Keramaian
pelaksana:
  - {id: kasi, nama: Kepala Seksi Trantib, singkatan: Kasi Trantib}
  - {id: camat, nama: Camat}
steps:
  - id: draft
    uraian: Kasi membuat draft surat izin
    pelaksana: kasi
    waktu: 1 hari kerja
  - id: periksa
    uraian: Camat memeriksa draft
    pelaksana: camat
    waktu: 2 jam
    decision:
      question: Draft disetujui?
      outcomes: {disetujui: terbit, koreksi: draft}
  - id: terbit
    uraian: Kasi menerbitkan surat izin
    pelaksana: kasi
    waktu: 1 jam
"""


@pytest.fixture
def run(sop, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    folder = tmp_path / "sop"
    folder.mkdir()
    (folder / "izin.yaml").write_text(SOP, encoding="utf-8")

    def call(*args: str, lang: str = "en"):
        return sop("--lang", lang, "--db", db_url, "--sop-dir", str(folder), *args)

    return call


def ok(result):
    assert result.code == 0, result
    return result


def test_the_card_shows_the_last_note_and_who_wrote_it(run):
    cid = ok(run("case", "start", "izin", "--at", "2026-12-01T09:00")).out.strip()
    shown = json.loads(ok(run("case", "show", cid, "--json")).out)
    assert shown["last_note"] is None
    assert "last note:" not in ok(run("case", "show", cid)).out
    ok(run("case", "advance", cid, "--as", "kasi", "--at", "2026-12-01T10:00"))
    ok(run("case", "advance", cid, "--as", "camat", "--outcome", "koreksi", "--note", "dasar hukum kurang",
           "--at", "2026-12-01T11:00"))  # fmt: skip
    ok(run("case", "advance", cid, "--as", "kasi", "--at", "2026-12-01T12:00"))  # no note: the last one stays
    note = json.loads(ok(run("case", "show", cid, "--json")).out)["last_note"]
    assert note["text"] == "dasar hukum kurang"
    assert (note["by"], note["role"], note["action"], note["outcome"]) == ("Camat", "camat", "advance", "koreksi")
    assert note["at"].startswith("2026-12-01T11:00:00")  # JSON keeps ISO times
    card = ok(run("case", "show", cid)).out
    assert "last note:" in card and "“dasar hukum kurang”" in card
    assert "Camat, step completed (koreksi), Tuesday, December 1, 2026" in card
    kartu = ok(run("case", "show", cid, lang="id")).out
    assert (
        "catatan terakhir:" in kartu and "Camat, langkah diselesaikan (koreksi), Selasa, 1 Desember 2026 pukul" in kartu
    )


def test_a_cancellation_reason_is_the_last_note(run):
    cid = ok(run("case", "start", "izin")).out.strip()
    ok(run("case", "advance", cid, "--as", "kasi", "--note", "draft dikirim"))
    ok(run("case", "cancel", cid, "--reason", "pemohon menarik permohonan"))
    shown = json.loads(ok(run("case", "show", cid, "--json")).out)
    assert shown["last_note"]["text"] == "pemohon menarik permohonan"
    assert shown["last_note"]["action"] == "cancel"
    assert shown["last_note"]["by"] == shown["last_note"]["recorder"]  # nobody held a post: the recorder wrote it
    assert "“pemohon menarik permohonan”" in ok(run("case", "show", cid)).out
