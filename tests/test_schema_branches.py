"""A value that fits no branch of an ``anyOf``/``oneOf`` is reported by the branch it came closest to.

Every such place in the schema has a near miss here, one per branch; a new ``anyOf`` in the
schema without one fails the first test.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from runner.definition.checks import check_source
from runner.i18n import set_language

SCHEMA = json.loads((ROOT / "schema" / "sop.schema.json").read_text(encoding="utf-8"))

BASE = """\
format: 1
id: contoh
version: "1"
nama: Contoh
calendar:
  holidays: {holidays}
pelaksana:
  - {{id: camat, nama: Camat}}
  - {{id: sekcam, nama: Sekretaris Camat, singkatan: Sekcam}}
steps:
  - id: satu
    uraian: Langkah satu
    pelaksana: {pelaksana}
    kelengkapan: {kelengkapan}
    waktu: 1 jam
    output: {output}
"""
GOOD = {"holidays": "ID", "pelaksana": "camat", "kelengkapan": "[Surat]", "output": "[Draft]"}

# schema location -> near misses: (the value written, the message it must give, its column)
NEAR_MISSES = {
    "$defs/step/properties/pelaksana": [
        ("Camat", "unknown pelaksana 'Camat' (did you mean 'camat'?)"),
        ("[Sekcam]", "unknown pelaksana 'Sekcam' (did you mean 'sekcam'?)"),
        ("[]", "'pelaksana' must not be empty"),
    ],
    "$defs/step/properties/kelengkapan": [
        ('""', "'kelengkapan' must not be empty"),
        ('[Surat, ""]', "item 2 of 'kelengkapan' must not be empty"),
    ],
    "$defs/step/properties/output": [
        ('""', "'output' must not be empty"),
        ('[""]', "item 1 of 'output' must not be empty"),
    ],
    "$defs/calendar/properties/holidays": [
        ("id", "'holidays' 'id' has the wrong form; give a two-letter country code such as ID"),
    ],
}


def _branching(node: object, path: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if "anyOf" in node or "oneOf" in node:
            found.add(path.strip("/"))
        for key, value in node.items():
            found |= _branching(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found |= _branching(value, f"{path}/{i}")
    return found


def test_every_branching_place_of_the_schema_has_its_near_misses():
    assert _branching(SCHEMA) == set(NEAR_MISSES)


@pytest.mark.parametrize(
    "where, written, expected",
    [(where, written, expected) for where, misses in NEAR_MISSES.items() for written, expected in misses],
)
def test_a_near_miss_is_reported_by_its_nearest_branch(where, written, expected):
    key = where.rsplit("/", 1)[1]
    text = BASE.format(**{**GOOD, key: written})
    set_language("en")
    problems = check_source(text.encode(), "contoh.yaml").problems
    messages = [p.message for p in problems if p.severity == "error"]
    assert any(expected in m for m in messages), messages
    line = max(i for i, row in enumerate(text.splitlines(), 1) if row.strip().startswith(f"{key}:"))
    assert {p.line for p in problems if p.severity == "error"} == {line}


def test_the_unknown_pelaksana_in_indonesian_with_its_line():
    text = BASE.format(**{**GOOD, "pelaksana": "Camat"})
    set_language("id")
    [problem] = check_source(text.encode(), "contoh.yaml").problems
    assert (problem.line, problem.col) == (13, 16)
    assert problem.message.startswith("pelaksana 'Camat' tidak dikenal (maksud Anda 'camat'?)")
