"""The kelengkapan warning names an output a case has really made by then, once per name."""

from __future__ import annotations

from runner.definition.checks import check_source
from runner.i18n import set_language

SOP = """\
format: 1
id: contoh
version: "1"
nama: Contoh
pelaksana:
  - {id: staf, nama: Staf}
steps:
  - id: satu
    uraian: Staf menerima surat
    pelaksana: staf
    kelengkapan: [Surat Tugas Pengamanan]
    waktu: 1 hari
    output: [Surat Tugas Pengamanan Lokasi, Surat]
  - id: dua
    uraian: Staf memeriksa
    pelaksana: staf
    kelengkapan: [Surat Permohonan Izin, Surat Edaran]
    waktu: 1 hari
  - id: tiga
    uraian: Staf menyusun draft
    pelaksana: staf
    kelengkapan: [Surat Permohonan Izin]
    waktu: 1 hari
    output: [Surat Permohonan Ijin]
"""


def _warnings() -> list[tuple[int, str]]:
    set_language("en")
    return [(p.line, p.message) for p in check_source(SOP.encode(), "contoh.yaml").problems if p.severity == "warning"]


def test_a_steps_own_output_is_not_an_earlier_one():
    # step 1 needs 'Surat Tugas Pengamanan' and makes 'Surat Tugas Pengamanan Lokasi' itself
    assert not [m for _line, m in _warnings() if "Surat Tugas Pengamanan'" in m]


def test_one_warning_for_one_name_and_none_for_a_one_word_prefix():
    warned = _warnings()
    # 'Surat Permohonan Izin' (steps 2 and 3) is near no earlier output: step 3's own 'Ijin' does not count
    assert not [m for _line, m in warned if "Surat Permohonan Izin" in m]
    # 'Surat Edaran' shares only the word 'Surat' with step 1's output 'Surat'
    assert not [m for _line, m in warned if "Surat Edaran" in m]


def test_a_true_near_miss_is_still_named_once():
    text = SOP.replace("kelengkapan: [Surat Permohonan Izin]\n", "kelengkapan: [Surat Tugas Pengamanan Lokas]\n")
    text = text.replace(
        "kelengkapan: [Surat Permohonan Izin, Surat Edaran]", "kelengkapan: [Surat Tugas Pengamanan Lokas]"
    )
    set_language("en")
    warned = [p for p in check_source(text.encode(), "contoh.yaml").problems if p.severity == "warning"]
    assert len(warned) == 1 and "did you mean the output 'Surat Tugas Pengamanan Lokasi'" in warned[0].message
    assert warned[0].line == 17  # at step 2, the first that needs it
