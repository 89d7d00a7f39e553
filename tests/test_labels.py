"""Labels as printed (issue 25.4): an arrow says what the signed SOP prints on it, or nothing; outcomes stay ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ROOT, SOPS

from runner import Attachment, load_sop, render
from runner.definition.diff import diff_sops
from runner.documents.base import transitions
from runner.documents.chart import labels
from runner.documents.layout import compute

LABELS = ROOT / "tests" / "golden" / "valid" / "labels.yaml"


def _arrow_labels(sop) -> dict[tuple[int, int | str], str | None]:
    """Every arrow leaving a decision on the chart, by (step, target): the label it prints."""
    layout = compute(sop)
    out = {}
    for page in layout.pages:
        for a in page.arrows:
            if page.symbols[a.source].kind == "decision":
                out[(a.from_step, a.to_step)] = a.label
    return out


def test_each_arrow_prints_its_label_as_written_or_none():
    sop = load_sop(LABELS)
    got = _arrow_labels(sop)
    assert got[(2, 1)] == "Tidak" and got[(2, 3)] == "Ya"  # capitalised as given
    assert got[(3, 2)] is None and got[(3, 4)] is None  # labels: false
    assert got[(4, 4)] == "Arsip ulang" and got[(4, "end")] is None  # an outcome not named prints nothing
    placed = [" ".join(t.lines) for page in compute(sop).pages for t in labels(compute(sop), page)]
    assert "Tidak" in placed and "Ya" in placed and not {"tidak", "ya", "koreksi", "setuju", "selesai"} & set(placed)


def test_every_format_prints_the_labels_and_no_outcome_names(tmp_path):
    sop = load_sop(LABELS)
    svg = render(sop, "svg")
    texts = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert "Tidak" in texts and "Arsip ulang" in texts and "koreksi" not in texts and "ya" not in texts
    html = re.sub(r"<[^>]+>", "\n", render(sop, "html"))
    lines = {line.strip() for line in html.splitlines()}
    assert {"Tidak", "Ya", "Arsip ulang"} <= lines and not {"tidak", "koreksi", "setuju"} & lines
    mermaid = render(sop, "mermaid")
    assert 's2 -->|"Tidak"| s1' in mermaid and "s3 --> s2" in mermaid and "s4 --> selesai" in mermaid
    assert "koreksi" not in mermaid
    dot = render(sop, "dot")
    assert 'label="Tidak"' in dot and 'label="Ya"' in dot and "koreksi" not in dot and "setuju" not in dot
    bpmn = render(sop, "bpmn")
    flows = dict(re.findall(r'<bpmn:sequenceFlow id="(flow\.[^"]+)"[^>]*?(?: name="([^"]*)")?\s*/?>', bpmn))
    assert flows["flow.periksa.tidak"] == "Tidak" and flows["flow.periksa.ya"] == "Ya"
    assert flows["flow.setujui.koreksi"] == "" and flows["flow.arsip.tunda"] == ""  # no name: none printed
    assert flows["flow.arsip.ulang"] == "Arsip ulang"
    assert 'outcome == "tidak"' in bpmn and 'outcome == "koreksi"' in bpmn  # the conditions name the ids


def test_an_sop_without_labels_prints_its_outcome_names_as_before():
    sop = load_sop(SOPS / "pelacuran.yaml")
    got = {label for _s, _t, label in transitions(sop) if label}
    assert got == {"disetujui", "koreksi"}
    assert set(_arrow_labels(sop).values()) == {"disetujui", "koreksi"}
    bpmn = render(sop, "bpmn")
    assert 'name="koreksi"' in bpmn and 'name="disetujui"' in bpmn


def test_show_json_gives_each_outcome_its_printed_label(sop):
    result = sop("show", str(LABELS), "--json")
    assert result.code == 0, result.err
    steps = json.loads(result.out)["steps"]
    assert steps[1]["decision"]["outcomes"] == {"ya": "setujui", "tidak": "susun"}
    assert steps[1]["decision"]["labels"] == {"tidak": "Tidak", "ya": "Ya"}
    assert steps[2]["decision"]["labels"] == {"koreksi": None, "setuju": None}
    assert steps[3]["decision"]["labels"] == {"selesai": None, "tunda": None, "ulang": "Arsip ulang"}
    plain = json.loads(sop("show", "pelacuran", "--json").out)["steps"][3]["decision"]
    assert plain["labels"] == {"disetujui": "disetujui", "koreksi": "koreksi"}


def test_a_case_takes_the_outcome_ids_whatever_the_labels_on_both_stores(cases):
    """The stored definition keeps `outcomes` as name -> step id: PostgreSQL's sop_act reads it as before,
    the labels beside it."""
    sop = load_sop(LABELS)
    row = cases.start(sop)
    row = cases.advance(row.id, "staf")
    row = cases.advance(row.id, "kasubag", outcome="tidak", attach=[Attachment("Konsep Surat")])
    assert row.step == "susun"
    row = cases.advance(row.id, "staf")
    row = cases.advance(row.id, "kasubag", outcome="ya")
    row = cases.advance(row.id, "kepala", outcome="koreksi")
    assert row.step == "periksa"
    row = cases.advance(row.id, "kasubag", outcome="ya")
    row = cases.advance(row.id, "kepala", outcome="setuju", attach=[Attachment("Surat")])
    row = cases.advance(row.id, "staf", outcome="ulang")
    assert row.step == "arsip"
    row = cases.advance(row.id, "staf", outcome="tunda")
    assert row.status == "done"
    assert cases.verify(row.id) == []


def test_diff_notices_labels_that_change(tmp_path: Path):
    changed = tmp_path / "labels.yaml"
    changed.write_text(LABELS.read_text(encoding="utf-8").replace("ya: Ya\n", "ya: Setuju\n"), encoding="utf-8")
    changes = diff_sops(load_sop(LABELS), load_sop(changed)).changes
    assert [(c.kind, c.step) for c in changes] == [("decision", "periksa")]
