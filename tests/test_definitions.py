"""SOP definitions: the schema, waktu, the model, and the commands an admin uses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from conftest import OFFICE_SOPS, ROOT, SOPS

from runner.definition import SCHEMA_ID
from runner.definition import find_sop as find
from runner.definition import load_sop as load
from runner.definition.checks import check_file
from runner.definition.waktu import WaktuError, parse

SCHEMA = json.loads((ROOT / "schema" / "sop.schema.json").read_text(encoding="utf-8"))


def _properties(node, path=()):
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield path + (name,), sub
        for key, sub in node.items():
            yield from _properties(sub, path + (key,))
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, path + (i,))


def test_schema_is_versioned_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == SCHEMA_ID


def test_every_schema_property_has_a_title_and_description():
    missing = [path for path, sub in _properties(SCHEMA) if not (sub.get("title") and sub.get("description"))]
    assert missing == []


def _objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for sub in node.values():
            yield from _objects(sub)
    elif isinstance(node, list):
        for sub in node:
            yield from _objects(sub)


def test_schema_rejects_unknown_keys_everywhere():
    objects = list(_objects(SCHEMA))
    assert len(objects) >= 7
    for node in objects:
        # outcomes is the one open mapping: any outcome name, each value a step id
        assert node.get("additionalProperties") is False or "propertyNames" in node, node.get("title")


@pytest.mark.sop_folder
@pytest.mark.parametrize("path", sorted(OFFICE_SOPS.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_sops_pass_plain_jsonschema_as_editors_use_it(path):
    import jsonschema

    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), SCHEMA)
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")  # the modeline editors read
    target = path.parent / first.split("$schema=", 1)[1]
    assert target.is_file() and target.read_bytes() == (ROOT / "schema" / "sop.schema.json").read_bytes()


@pytest.mark.parametrize(
    "text, minutes, working",
    [
        ("2 Jam", 120, ()),
        ("10 Menit", 10, ()),
        ("1,5 hari", 36 * 60, ()),
        ("1.5 jam", 90, ()),
        ("1 jam 30 menit", 90, ()),
        ("2 hours", 120, ()),
        ("1 week", 7 * 24 * 60, ()),
        ("3 hari kerja", 0, ((3.0, "hari"),)),
        ("1 jam kerja 30 menit", 30, ((1.0, "jam"),)),
        ("-", 0, ()),
    ],
)
def test_waktu_parses_the_contract_forms(text, minutes, working):
    w = parse(text)
    assert (w.calendar_minutes, w.working, w.text) == (minutes, working, text)


@pytest.mark.parametrize("text", ["dua jam", "2 jem", "", "jam 2", "2", "2 jam lebih", "1,5 bulan", "2 bulan kerja"])
def test_waktu_explains_what_it_cannot_read(text):
    with pytest.raises(WaktuError, match="waktu"):
        parse(text)


def test_the_seed_sop_is_transcribed_in_order():
    sop = load(SOPS / "pelacuran.yaml")
    assert [p.label for p in sop.pelaksana] == ["Camat", "Sekcam", "Kasi Trantib", "Komandan", "Anggota Trantib"]
    assert len(sop.steps) == 10
    assert sop.step("verifikasi-surat-perintah").pelaksana == ("sekcam", "camat")
    assert sop.steps[3].decision.outcomes["koreksi"] == sop.steps[2].id
    assert sop.steps[8].decision.outcomes["koreksi"] == sop.steps[7].id
    seed = next((ROOT.parent / "shared" / "seed").glob("*.txt"), None)
    if seed:  # every waktu and the first words of every uraian as the seed prints them
        text = seed.read_text(encoding="utf-8")
        for s in sop.steps:
            assert f"{s.no}.\t{' '.join(s.uraian.split()[:4])}" in text
            assert f"\t{s.waktu}\t" in text


# --- the commands ------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, headers",
    [
        ("id", ["No", "Kegiatan", "Kelengkapan", "Waktu", "Output", "Ket.", "versi 1.0"]),
        ("en", ["No", "Activity", "Kelengkapan", "Waktu", "Output", "Notes", "version 1.0"]),
    ],
)
def test_show_prints_the_table_of_the_seed(sop, lang, headers):
    result = sop("--lang", lang, "show", "pelacuran")
    assert result.code == 0
    definition = load(SOPS / "pelacuran.yaml")
    flat = " ".join(result.out.replace("│", " ").split())
    for header in headers:
        assert header in result.out
    for step in definition.steps:
        assert step.uraian.split()[-1] in flat
        assert f"{step.no}." in flat


def test_show_json_has_the_contract_keys(sop):
    data = json.loads(sop("show", "pelacuran", "--json").out)
    assert {"id", "nama", "version", "pelaksana", "steps"} <= set(data)
    assert {"id", "nama"} <= set(data["pelaksana"][0])
    step4 = data["steps"][3]
    assert {"no", "id", "uraian", "pelaksana", "kelengkapan", "waktu", "output", "next", "decision"} <= set(step4)
    assert step4["next"] is None and step4["decision"]["outcomes"]["koreksi"] == data["steps"][2]["id"]
    assert data["steps"][0]["next"] == data["steps"][1]["id"]
    assert data["steps"][-1]["next"] == "end"


def test_unknown_sop_suggests_a_name(sop):
    result = sop("show", "pelacurann")
    assert result.code == 1
    assert result.err.startswith("error: unknown SOP 'pelacurann' (did you mean 'pelacuran'?)")


def test_list_finds_the_shipped_sops(sop):
    ids = {s["id"] for s in json.loads(sop("list", "--json").out)}
    assert {"pelacuran", "pkl", "pengaduan"} <= ids


def test_new_writes_a_skeleton_that_validates(sop, tmp_path):
    result = sop("--sop-dir", str(tmp_path), "new", "razia-malam")
    assert result.code == 0, result.err
    path = tmp_path / "razia-malam.yaml"
    assert check_file(path).errors == []
    modeline = path.read_text(encoding="utf-8").splitlines()[0]
    assert modeline.startswith("# yaml-language-server: $schema=")
    assert (tmp_path / modeline.split("=", 1)[1]).resolve() == (ROOT / "schema" / "sop.schema.json").resolve()
    assert load(find("razia-malam", [tmp_path])).id == "razia-malam"
    again = sop("--sop-dir", str(tmp_path), "new", "razia-malam")
    assert again.code == 1 and "exists already" in again.err
    assert sop("--sop-dir", str(tmp_path), "new", "Bad Id").code == 1


def test_validated_files_are_cached_by_content(tmp_path):
    path = tmp_path / "pkl.yaml"
    path.write_bytes((SOPS / "pkl.yaml").read_bytes())
    first = load(path)
    path.write_text(path.read_text(encoding="utf-8").replace('version: "0.1"', 'version: "0.2"'), encoding="utf-8")
    assert load(path).version == "0.2" != first.version


def test_cli_start_up_imports_no_heavy_modules():
    """`sop --help` and the case commands must not pay for jsonschema, jinja2, psycopg or transitions."""
    code = "import sys, runner.cli; print(' '.join(sorted(sys.modules)))"
    modules = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    for heavy in ["jsonschema", "jinja2", "psycopg", "transitions", "weasyprint", "holidays"]:
        assert heavy not in modules


def test_help_and_usage_errors(sop):
    assert sop("--help").code == 0
    result = sop("case", "advance")
    assert result.code == 2
    assert "Missing argument" in result.err


def test_missing_path_is_refused(sop, tmp_path):
    result = sop("validate", str(tmp_path / "nope.yaml"))
    assert result.code == 1 and result.err.startswith("error: no file or folder")


def test_the_format_reference_describes_every_schema_property():
    reference = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    missing = sorted({path[-1] for path, _sub in _properties(SCHEMA) if f"`{path[-1]}`" not in reference})
    assert missing == []
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 |"):
        assert code in reference
