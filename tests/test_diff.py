"""``sop diff``: what changed between two versions of an SOP, in words and as JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from conftest import SOPS

from runner import diff_sops, load_sop

SEED = SOPS / "pelacuran.yaml"


def _variant(tmp_path: Path, change, name: str = "new.yaml") -> Path:
    raw = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    changed = copy.deepcopy(raw)
    change(changed)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _kinds(tmp_path: Path, change) -> list[tuple[str, str | None]]:
    diff = diff_sops(load_sop(SEED), load_sop(_variant(tmp_path, change)))
    return [(c.kind, c.step) for c in diff.changes]


STEP = {
    "id": "cek-lapangan",
    "uraian": "Kasi Trantib memeriksa lokasi sebelum membuat draft",
    "pelaksana": "kasi-trantib",
    "kelengkapan": ["Surat Perintah"],
    "waktu": "1 Jam",
    "output": ["Surat Perintah"],
}


def test_one_step_inserted_names_exactly_that_step(tmp_path, sop):
    new = _variant(tmp_path, lambda raw: raw["steps"].insert(2, dict(STEP)))
    assert _kinds(tmp_path, lambda raw: raw["steps"].insert(2, dict(STEP))) == [("step-added", "cek-lapangan")]
    words = sop("diff", str(SEED), str(new))
    assert words.code == 0, words.err
    assert words.out.splitlines()[1:] == [
        "step 3 (cek-lapangan) added: Kasi Trantib memeriksa lokasi sebelum membuat draft"
    ]
    shown = json.loads(sop("diff", str(SEED), str(new), "--json").out)
    assert shown["same"] is False
    assert [(c["kind"], c["step"], c["new_no"]) for c in shown["changes"]] == [("step-added", "cek-lapangan", 3)]
    indonesian = sop("--lang", "id", "diff", str(SEED), str(new))
    assert "langkah 3 (cek-lapangan) ditambahkan" in indonesian.out


def test_the_same_file_has_no_changes(sop):
    said = sop("diff", str(SEED), "pelacuran")
    assert said.code == 0 and said.out.splitlines()[-1] == "no changes"
    assert json.loads(sop("diff", str(SEED), str(SEED), "--json").out)["changes"] == []


def test_removed_moved_and_renamed(tmp_path):
    def remove(raw):
        del raw["steps"][5]  # siapkan-anggota

    assert _kinds(tmp_path, remove) == [("step-removed", "siapkan-anggota")]

    def move(raw):  # draft-surat-perintah first: the others keep their order
        raw["steps"].insert(0, raw["steps"].pop(2))

    assert _kinds(tmp_path, move) == [("step-moved", "draft-surat-perintah")]

    def rename(raw):
        raw["steps"][0]["id"] = "laporan-masuk"

    assert _kinds(tmp_path, rename) == [("step-renamed", "laporan-masuk")]

    def rename_a_target(raw):  # a decision's target renamed is the same target
        raw["steps"][2]["id"] = "draft-sp"
        raw["steps"][3]["decision"]["outcomes"]["koreksi"] = "draft-sp"

    assert _kinds(tmp_path, rename_a_target) == [("step-renamed", "draft-sp")]


def test_pelaksana_mutu_baku_decisions_and_targets(tmp_path):
    def change(raw):
        steps = raw["steps"]
        steps[0]["pelaksana"] = ["kasi-trantib", "sekcam"]
        steps[0]["waktu"] = "3 Jam"
        steps[1]["kelengkapan"] = ["Surat Perintah", "Peta Lokasi"]
        steps[1]["output"] = ["Disposisi"]
        steps[3]["decision"]["outcomes"]["koreksi"] = "perintah-penertiban"
        steps[6]["next"] = "draft-laporan-pelaksanaan"  # written now, the same step as before: no change
        raw["identity"]["nomor"] = "800/12-Trantib/2026"

    diff = diff_sops(load_sop(SEED), load_sop(_variant(tmp_path, change)))
    found = {(c.kind, c.step): c for c in diff.changes}
    assert set(found) == {
        ("identity", None),
        ("pelaksana", "terima-laporan"),
        ("waktu", "terima-laporan"),
        ("kelengkapan", "perintah-penertiban"),
        ("output", "perintah-penertiban"),
        ("decision", "verifikasi-surat-perintah"),
    }
    assert found[("waktu", "terima-laporan")].words() == "step 1 (terima-laporan): waktu 2 Jam -> 3 Jam"
    assert found[("decision", "verifikasi-surat-perintah")].new["koreksi"] == "perintah-penertiban"
    assert found[("identity", None)].field == "nomor"

    def detour(raw):  # a step now goes on, as written, to a step inserted after it
        raw["steps"].insert(7, dict(STEP))
        raw["steps"][6]["next"] = "cek-lapangan"

    assert _kinds(tmp_path, detour) == [("step-added", "cek-lapangan"), ("target", "pelaksanaan-lapangan")]


def test_a_version_kept_in_the_store(tmp_path, sop, db_url):
    assert sop("--db", db_url, "case", "start", "pelacuran").code == 0
    new = _variant(tmp_path, lambda raw: raw["steps"].insert(2, dict(STEP)))
    said = sop("--db", db_url, "diff", "pelacuran@1.0", str(new), "--json")
    assert said.code == 0, said.err
    assert [c["kind"] for c in json.loads(said.out)["changes"]] == ["step-added"]
    missing = sop("--db", db_url, "diff", "pelacuran@9.9", str(new))
    assert missing.code == 1 and "keeps no version 9.9" in missing.err


@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_kind_is_worded(lang):
    from runner.definition.diff import KINDS, Change
    from runner.i18n import set_language

    set_language(lang)
    for kind in KINDS:
        assert Change(kind, "x", 1, 2, "a", "b", "nomor").words()
