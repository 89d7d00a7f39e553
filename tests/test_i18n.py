"""Bahasa Indonesia and English: the catalogues, the choice of language, and the command line in both.

The catalogues are checked against the code (extracted exactly as `make
translations` extracts), against their compiled form, against the glossary,
and for placeholders a translation must keep.
"""

from __future__ import annotations

import gettext
import json
import re
import string
import sys

import click
import pytest
from conftest import ROOT, SOPS, run_sop

from runner import i18n
from runner.i18n import LANGUAGES, language_from, set_language

sys.path.insert(0, str(ROOT / "tools"))
import translations  # noqa: E402

DOMAINS = ("sop-runner", "click")


def _messages(lang: str, domain: str) -> list:
    return [m for m in translations.read(translations.po_path(lang, domain), lang) if m.id]


def _forms(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


# --- the catalogues ------------------------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_has_an_indonesian_translation(domain):
    missing = [m.id for m in _messages("id", domain) if not translations.is_translated(m)]
    assert missing == [], f"translate these in runner/locale/id/LC_MESSAGES/{domain}.po"


def test_the_catalogues_hold_exactly_the_messages_of_the_code():
    code = {m.id for m in translations.extract_ours() if m.id}
    pot = {m.id for m in translations.read(translations.LOCALE / "sop-runner.pot") if m.id}
    assert code == pot, "run `make translations`"
    for lang in LANGUAGES:
        assert {m.id for m in _messages(lang, "sop-runner")} == code, f"{lang}: run `make translations`"


def test_the_click_catalogues_hold_the_messages_of_the_installed_click():
    pot = translations.read(translations.LOCALE / "click.pot")
    if pot.version != translations.click_version():  # a newer click on a fresh clone must not fail the build
        pytest.skip(f"the click catalogue was made from click {pot.version}; run `make translations`")
    installed = {m.id for m in translations.extract_click() if m.id}
    assert {m.id for m in pot if m.id} == installed
    for lang in LANGUAGES:
        assert {m.id for m in _messages(lang, "click")} == installed


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogues_are_a_fresh_compile(lang, domain):
    po = translations.po_path(lang, domain)
    assert po.with_suffix(".mo").read_bytes() == translations.mo_bytes(translations.read(po, lang))


def _placeholders(text: str) -> set[str]:
    fields = {f"{{{name}:{spec}}}" for _t, name, spec, _c in string.Formatter().parse(text) if name is not None}
    return fields | set(re.findall(r"%\(\w+\)s", text))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_the_placeholders(lang, domain):
    for m in _messages(lang, domain):
        ids, strings = _forms(m.id), [s for s in _forms(m.string) if s]
        for s in strings:
            # one form for several numbers (Indonesian) must say what the plural form says
            assert _placeholders(ids[-1]) <= _placeholders(s) <= set().union(*map(_placeholders, ids)), (m.id, s)


def _glossary() -> list[tuple[str, str]]:
    """(Indonesian terms, terms not to use) of each row of docs/glossary.md."""
    rows = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("Indonesian", "---"):
            rows.append((cells[0], cells[3]))
    return rows


def _prose(text: str) -> str:
    """The words a reader reads as language: without placeholders, options, quoted names and ALL-CAPS syntax."""
    text = re.sub(r"\{[^}]*\}|%\(\w+\)s|--[\w-]+|'[^']*'|\"[^\"]*\"|\b[A-Z_]{2,}\b", " ", text)
    return text.lower()


def test_the_indonesian_catalogue_follows_the_glossary():
    rows = _glossary()
    assert len(rows) >= 20
    indonesian = [_prose(s) for d in DOMAINS for m in _messages("id", d) for s in _forms(m.string) if s]
    for terms, avoid in rows:
        for word in [w.strip().lower() for w in avoid.split(",") if w.strip()]:
            used = [s for s in indonesian if re.search(rf"\b{re.escape(word)}\b", s)]
            assert used == [], f"the glossary says not to use '{word}' (use {terms})"
    # every term is used: by a message, or in the shipped SOPs (an outcome named koreksi)
    everything = " ".join(s.lower() for d in DOMAINS for m in _messages("id", d) for s in _forms(m.string) if s)
    everything += " ".join(p.read_text(encoding="utf-8").lower() for p in SOPS.glob("*.yaml"))
    unused = [t for terms, _a in rows for t in terms.split(", ") if t.split(" (")[0].lower() not in everything]
    assert unused == [], "the glossary names terms nothing uses"


def test_a_missing_or_damaged_catalogue_gives_the_source_text(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "LOCALE_DIR", str(tmp_path))
    monkeypatch.setattr(i18n, "_catalogues", {})
    set_language("id")
    assert i18n._("no cases") == "no cases"
    broken = tmp_path / "id" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "sop-runner.mo").write_bytes(b"\x95\x04\x12\xde" + b"\x00" * 7)  # the magic, then too short
    monkeypatch.setattr(i18n, "_catalogues", {})
    assert i18n._("no cases") == "no cases"
    (broken / "sop-runner.mo").write_bytes(b"not a catalogue")
    monkeypatch.setattr(i18n, "_catalogues", {})
    assert i18n._("no cases") == "no cases"


# --- choosing the language -------------------------------------------------------------------


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, "id"),
        ({"LANG": "C.UTF-8"}, "id"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LANG": "fr_FR.UTF-8"}, "id"),
        ({"LANGUAGE": "fr:en:id", "LANG": "id_ID.UTF-8"}, "en"),  # the first supported of the list
        ({"LANGUAGE": "", "LC_MESSAGES": "en_GB", "LANG": "id_ID"}, "en"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "id"),  # LC_ALL overrides LANG, as in POSIX
        ({"LC_ALL": "en_US.UTF-8@euro", "LANG": "id_ID"}, "en"),
        ({"SOP_LANG": "en", "LANGUAGE": "id", "LANG": "id_ID"}, "en"),
        ({"SOP_LANG": "xx", "LANG": "en_US.UTF-8"}, "en"),  # not a supported language: the next one decides
    ],
)
def test_the_language_the_environment_asks_for(environ, expected):
    assert language_from(environ) == expected


def _without_language(**env: str) -> dict[str, str]:
    """The environment of a process that names its language only in ``env``."""
    import os

    base = {k: v for k, v in os.environ.items() if k not in ("SOP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return {**base, "SOP_LANG": "", **env}


def _run(*args: str, **env: str):
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "runner", *args], capture_output=True, text=True, cwd=ROOT, env=_without_language(**env)
    )


def test_the_locale_chooses_the_language_of_help():
    english = _run("--help", LANG="en_US.UTF-8")
    assert english.returncode == 0 and english.stdout.startswith("Usage: sop")
    assert "Show this message and exit." in english.stdout and "Options:" in english.stdout
    indonesian = _run("--help", LANG="C.UTF-8")
    assert indonesian.returncode == 0 and indonesian.stdout.startswith("Penggunaan: sop")
    assert "Menampilkan pesan ini lalu keluar." in indonesian.stdout and "Opsi:" in indonesian.stdout
    assert "Memeriksa berkas SOP" in indonesian.stdout
    assert _run("--help").stdout.startswith("Penggunaan:")  # nothing said: Indonesian


def test_lang_beats_sop_lang_which_beats_the_locale():
    assert _run("--help", SOP_LANG="en", LANG="id_ID.UTF-8").stdout.startswith("Usage:")
    assert _run("--lang", "id", "--help", SOP_LANG="en", LANG="en_US.UTF-8").stdout.startswith("Penggunaan:")
    assert _run("--help", LANGUAGE="en", LANG="C.UTF-8").stdout.startswith("Usage:")


# --- click's own words ---------------------------------------------------------------------


def test_every_loaded_click_module_speaks_through_our_catalogue():
    import runner.cli  # noqa: F401  (points click at the catalogue)

    left = [
        name
        for name, module in sys.modules.items()
        if name.partition(".")[0] == "click"
        and (getattr(module, "_", None) is gettext.gettext or getattr(module, "ngettext", None) is gettext.ngettext)
    ]
    assert left == []
    assert click.__name__ == "click"


@pytest.mark.parametrize(
    "args, indonesian, english",
    [
        (["case", "advance"], "Kesalahan: Argumen belum diberikan 'CASE'.", "Error: Missing argument 'CASE'."),
        (["list", "--nope"], "Kesalahan: Tidak ada opsi '--nope'.", "Error: No such option '--nope'."),
        (
            ["case", "list", "--status", "later"],
            "Kesalahan: Nilai tidak sah untuk '--status': 'later' bukan salah satu dari 'open', 'done', 'cancelled'.",
            "Error: Invalid value for '--status': 'later' is not one of 'open', 'done', 'cancelled'.",
        ),
        (["cases"], "Kesalahan: Tidak ada perintah 'cases'.", "Error: No such command 'cases'."),
    ],
)
def test_usage_errors_in_both_languages(sop, args, indonesian, english):
    result = sop("--lang", "id", *args)
    assert result.code == 2
    assert result.err.startswith("Penggunaan: sop") and "Coba 'sop" in result.err and "untuk bantuan." in result.err
    assert indonesian in result.err
    result = sop("--lang", "en", *args)
    assert result.code == 2 and result.err.startswith("Usage: sop") and english in result.err


def test_the_version_in_both_languages(sop):
    assert sop("--lang", "id", "--version").out.startswith("sop, versi ")
    assert sop("--lang", "en", "--version").out.startswith("sop, version ")


# --- the commands in both languages ---------------------------------------------------------


def test_case_commands_in_indonesian_and_english(sop, tmp_path):
    db = ["--db", f"sqlite:///{tmp_path / 'c.sqlite3'}"]
    started = sop("--lang", "id", *db, "case", "start", "pelacuran", "--title", "Laporan RW 03")
    cid = started.out.strip()
    assert started.err == f"{cid} dimulai: langkah 1 'terima-laporan' dikerjakan oleh kasi-trantib\n"

    card = sop("--lang", "id", *db, "case", "show", cid).out
    assert f'{cid}  Pelarangan Pelacuran (versi 1.0) — "Laporan RW 03"' in card
    assert re.search(r"^status: +sedang berjalan$", card, re.M)
    assert re.search(
        r"^tenggat waktu: +(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} \w+ \d{4} pukul \d\d\.\d\d WIB",
        card,
        re.M,
    )
    assert re.search(r"\((\d+ jam )?\d+ menit lagi; waktu ", card)
    assert re.search(r"^belum ada: +Informasi Pelanggaran  →  sop case attach", card, re.M)
    assert re.search(r"^selanjutnya: +sop case advance", card, re.M)
    english = sop("--lang", "en", *db, "case", "show", cid).out
    assert re.search(r"^status: +open$", english, re.M) and re.search(r"^missing: +Informasi", english, re.M)
    assert re.search(r"^deadline: +\w+day, \w+ \d+, \d{4}, \d+:\d\d\u202f[AP]M WIB \(in ", english, re.M)

    refused = sop("--lang", "id", *db, "case", "advance", cid, "--as", "kasi-trantib")
    assert refused.code == 1
    assert refused.err == (
        f"error: langkah 1 memerlukan 'Informasi Pelanggaran' terlebih dahulu; "
        f'lampirkan dengan: sop case attach {cid} "Informasi Pelanggaran" FILE\n'
    )
    wrong = sop("--lang", "en", *db, "case", "advance", cid, "--as", "camat", "--attach", "Informasi Pelanggaran")
    assert wrong.err == "error: step 1 'terima-laporan' is done by kasi-trantib, not camat; use --as kasi-trantib\n"
    assert sop(*db, "case", "advance", cid, "--as", "kasi-trantib", "--attach", "Informasi Pelanggaran").code == 0

    listed = sop("--lang", "id", *db, "case", "list").out
    assert "Tenggat Waktu" in listed and "sedang berjalan" in listed
    history = sop("--lang", "id", *db, "case", "history", cid).out
    assert "langkah diselesaikan" in history and "Tindakan" in history
    assert "step completed" in sop("--lang", "en", *db, "case", "history", cid).out

    # JSON keys stay English and stable; values that are data do not change with the language
    as_id = json.loads(sop("--lang", "id", *db, "case", "show", cid, "--json").out)
    as_en = json.loads(sop("--lang", "en", *db, "case", "show", cid, "--json").out)
    assert as_id == as_en and as_id["status"] == "open"
    assert json.loads(sop("--lang", "id", *db, "case", "history", cid, "--json").out)[1]["action"] == "advance"
    assert sop("--lang", "id", *db, "case", "cancel", cid, "--reason", "ganda").err == f"{cid} dibatalkan\n"
    closed = sop("--lang", "id", *db, "case", "advance", cid, "--as", "camat")
    assert closed.err == (
        f"error: kasus {cid} sudah dibatalkan; kasus ini tidak dapat diproses lagi; "
        f"'sop case history {cid}' menampilkan bagaimana kasus ini berakhir\n"
    )


BROKEN = ROOT / "tests" / "golden" / "invalid" / "bad-waktu.yaml"


def test_validate_in_indonesian_and_english(sop):
    indonesian = sop("--lang", "id", "validate", str(BROKEN))
    assert indonesian.code == 1
    assert f"{BROKEN}:16:12: error: waktu 'dua jam' tidak dapat dibaca; tulis seperti '2 jam'" in indonesian.out
    assert indonesian.err == "1 kesalahan pada 1 dari 1 berkas\n"
    english = sop("--lang", "en", "validate", str(BROKEN))
    assert f"{BROKEN}:16:12: error: cannot read the waktu 'dua jam'" in english.out
    assert english.err == "1 error(s) in 1 of 1 file(s)\n"
    assert sop("--lang", "id", "validate", str(SOPS)).err == "3 berkas valid\n"  # the tests' own three
    # JSON: the keys are the same, the messages follow the language
    as_id = json.loads(sop("--lang", "id", "validate", "--json", str(BROKEN)).out)
    as_en = json.loads(sop("--lang", "en", "validate", "--json", str(BROKEN)).out)
    assert set(as_id) == set(as_en) and set(as_id["problems"][0]) == set(as_en["problems"][0])
    assert as_id["problems"][0]["message"].startswith("waktu 'dua jam' tidak dapat dibaca")
    assert as_en["problems"][0]["message"].startswith("cannot read the waktu 'dua jam'")


def test_a_clerk_sees_indonesian_by_default_and_english_on_request(tmp_path):
    """No language asked for anywhere: Indonesian, as the product speaks; --lang en: English."""
    done = _run("validate", str(BROKEN), LANG="C.UTF-8")
    assert done.returncode == 1 and "tidak dapat dibaca" in done.stdout and "kesalahan pada" in done.stderr
    done = _run("--lang", "en", "validate", str(BROKEN), LANG="C.UTF-8")
    assert done.returncode == 1 and "cannot read the waktu" in done.stdout and "error(s) in" in done.stderr
    env = {"LANG": "C.UTF-8", "XDG_DATA_HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    cid = _run("--db", db, "case", "start", "pkl", **env).stdout.strip()
    card = _run("--db", db, "case", "show", cid, **env).stdout
    assert "status:" in card and "sedang berjalan" in card and "tenggat waktu:" in card and "langkah:" in card
    card = _run("--lang", "en", "--db", db, "case", "show", cid, **env).stdout
    assert "open" in card and "deadline:" in card and "step:" in card


@pytest.mark.parametrize(
    "lang, words",
    [
        ("id", ["# SOP baru. Isi setiap", "# revisi SOP ini sendiri", "# kolom pelaksana pada diagram alir"]),
        ("en", ["# A new SOP. Fill in every", "# the SOP's own revision", "# the swimlane columns, in order"]),
    ],
)
def test_the_skeleton_speaks_the_language_and_validates(sop, tmp_path, lang, words):
    assert sop("--lang", lang, "--sop-dir", str(tmp_path), "new", "razia-malam").code == 0
    text = (tmp_path / "razia-malam.yaml").read_text(encoding="utf-8")
    for w in words:
        assert w in text
    assert sop("validate", str(tmp_path / "razia-malam.yaml")).code == 0


def test_the_document_words_follow_the_language(sop):
    indonesian = sop("--lang", "id", "flowchart", "tests/golden/valid/full-identity.yaml", "--format", "html").out
    for word in ["Nomor SOP", "Tgl. Pembuatan", "Disahkan oleh", "Dasar Hukum", "Kegiatan", "Mutu Baku", "Ket."]:
        assert word in indonesian, word
    assert '<html lang="id">' in indonesian and "Halaman 1 / " in indonesian
    assert "15 Januari 2024" in indonesian  # tanggal_pembuatan: 2024-01-15, as its readers write a date
    english = sop("--lang", "en", "flowchart", "tests/golden/valid/full-identity.yaml", "--format", "html").out
    for word in ["SOP number", "Date made", "Approved by", "Legal basis", "Activity", "Quality standard", "Notes"]:
        assert word in english, word
    assert '<html lang="en">' in english and "Page 1 / " in english and "January 15, 2024" in english
    assert "Selesai" in sop("--lang", "id", "flowchart", "pelacuran", "--format", "mermaid").out
    assert '"End"' in sop("--lang", "en", "flowchart", "pelacuran", "--format", "dot").out


def test_demo_in_indonesian():
    result = run_sop("demo", env={"SOP_LANG": "id"})
    assert result.code == 0, result.err
    assert re.search(r"^status: +selesai$", result.out, re.M)
    assert "ditolak, sebagaimana mestinya" in result.err and "terverifikasi" in result.err
