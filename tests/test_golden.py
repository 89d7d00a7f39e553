"""The golden corpus: broken files with their exact messages, valid edge cases, hostile input.

Each broken file has its messages in English (``.expected``) and in Indonesian (``.id.expected``).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import OFFICE_SOPS, SOPS, run_sop

from runner.definition.checks import check_file
from runner.i18n import set_language

GOLDEN = Path(__file__).parent / "golden"
INVALID = sorted((GOLDEN / "invalid").glob("*.yaml"))
VALID = sorted((GOLDEN / "valid").glob("*.yaml"))
EXPECTED = {"en": ".expected", "id": ".id.expected"}


def test_the_broken_corpus_is_large_enough():
    assert len(INVALID) >= 30
    assert {p.name for p in (GOLDEN / "invalid").glob("*.expected")} == {
        p.stem + suffix for p in INVALID for suffix in EXPECTED.values()
    }


@pytest.mark.parametrize("lang", list(EXPECTED))
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_broken_file_gives_its_expected_messages(path, lang):
    expected = path.with_suffix(EXPECTED[lang]).read_text(encoding="utf-8").splitlines()
    set_language(lang)
    got = [f"{p.line}:{p.col}: {p.severity}: {p.message}" for p in check_file(path).problems]
    assert got == expected


@pytest.mark.parametrize("lang", list(EXPECTED))
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_broken_file_exits_1_with_its_line(sop, path, lang):
    first = path.with_suffix(EXPECTED[lang]).read_text(encoding="utf-8").splitlines()[0]
    result = sop("--lang", lang, "validate", str(path))
    assert result.code == 1
    assert f"{path}:{first}" in result.out
    assert "Traceback" not in result.out + result.err


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_edge_case_has_no_errors_and_only_its_expected_hints(path):
    """No errors; the warnings and notes a valid file should give stand in its ``.expected`` (if any)."""
    set_language("en")
    expected = path.with_suffix(".expected")
    want = expected.read_text(encoding="utf-8").splitlines() if expected.exists() else []
    assert [f"{p.line}:{p.col}: {p.severity}: {p.message}" for p in check_file(path).problems] == want


def test_a_waktu_in_words_is_a_note_not_a_refusal(sop):
    path = GOLDEN / "valid" / "waktu-months-and-words.yaml"
    result = sop("validate", str(path))
    assert result.code == 0, result.out
    notes = [line for line in result.out.splitlines() if ": note: " in line]
    assert [n.split(": note: ")[0] for n in notes] == [f"{path}:18:12", f"{path}:26:12"]
    assert "'Relatif' is words, not a duration" in notes[1] and "sets no deadline" in notes[1]


@pytest.mark.sop_folder
def test_every_shipped_sop_validates(sop):
    result = sop("validate", str(OFFICE_SOPS))
    assert result.code == 0, result.out
    assert result.err == f"{len(list(OFFICE_SOPS.glob('*.yaml')))} file(s) valid\n"


def test_the_seed_warns_about_its_near_identical_kelengkapan():
    report = check_file(SOPS / "pelacuran.yaml")
    assert report.errors == []
    hours, warning = report.warnings  # the office-hours hint comes first (line 43), once for the SOP
    assert "'Draft Laporan'" in warning.message and "'Draft Laporan Kegiatan'" in warning.message
    assert "steps 1, 2, 3, 4, 5, 6, 7, 10" in hours.message and "'2 Jam kerja'" in hours.message


def test_duplicate_ids_across_files_are_an_error(sop, tmp_path):
    text = (SOPS / "pkl.yaml").read_text(encoding="utf-8")
    (tmp_path / "pkl.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "pkl2.yaml").write_text(text, encoding="utf-8")
    result = sop("validate", str(tmp_path))
    assert result.code == 1
    id_line = text.splitlines().index("id: pkl") + 1
    assert f"{tmp_path / 'pkl2.yaml'}:{id_line}:5: error: the SOP id 'pkl' is also used by" in result.out


# --- hostile input, as whole processes: no traceback, no hang, no memory blow-up ---------


def _hostile(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("nested-20000", b"steps: " + b"[" * 20000 + b"]" * 20000 + b"\n", "nested more than"),
        ("nested-maps", b"".join(b"  " * i + b"k:\n" for i in range(200)), "nested more than"),
        (
            "alias-bomb-deep",
            b"a: &a [x, x]\n"
            + b"".join(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}' if i else '*a'] * 10)}]\n".encode() for i in range(30)),
            "alias",
        ),
        ("fifty-mb", b"# " + b"x" * (50 * 1024 * 1024) + b"\n", "at most 1 MB"),
        ("nul-bytes", b"format: 1\nid: x\x00y\n", "control character"),
    ],
)
def test_hostile_input_is_refused_quickly(tmp_path, name, content, expected):
    path = _hostile(tmp_path, name, content)
    started = time.monotonic()
    result = run_sop("validate", str(path), timeout=60)
    assert result.code == 1, result
    assert "Traceback" not in result.err + result.out
    assert expected in result.out
    assert f"{path}:" in result.out
    assert time.monotonic() - started < 30


# --- errors never depend on warnings ------------------------------------------------------

UNREACHABLE = """format: 1
id: {id}
version: "1"
nama: Contoh
pelaksana:
  - {{id: a, nama: A}}
  - {{id: b, nama: B}}
  - {{id: c, nama: C}}
steps:
  - {{id: satu, uraian: Satu, pelaksana: a, waktu: 1 jam, next: end}}
  - {{id: dua, uraian: Dua, pelaksana: a, waktu: 1 jam, next: tiga}}
  - {{id: tiga, uraian: Tiga, pelaksana: b, waktu: 1 jam, next: dua}}
"""


@pytest.mark.parametrize("stem", ["contoh", "lain"], ids=["named-as-its-id", "named-differently"])
def test_graph_errors_and_warnings_stand_whatever_else_warns(sop, tmp_path, stem):
    """A file named differently from its id (a warning) once silenced every graph check after it."""
    path = tmp_path / f"{stem}.yaml"
    path.write_text(UNREACHABLE.format(id="contoh"), encoding="utf-8")
    messages = [p.message for p in check_file(path).problems]
    assert any("step 2 'dua' cannot be reached" in m for m in messages), messages
    assert any("step 3 'tiga' cannot be reached" in m for m in messages), messages
    assert any("'c' has no step" in m for m in messages), messages  # a warning after the graph checks
    assert any("the file is named" in m for m in messages) == (stem != "contoh")
    result = sop("validate", str(path))
    assert result.code == 1 and "cannot be reached" in result.out


def test_a_step_that_can_never_finish_is_an_error_beside_a_warning(tmp_path):
    text = UNREACHABLE.format(id="contoh").replace("next: end}", "next: dua}")
    path = tmp_path / "beda.yaml"
    path.write_text(text, encoding="utf-8")
    report = check_file(path)
    assert [p.severity for p in report.problems].count("warning") >= 1
    assert any("can never finish" in p.message for p in report.errors)
