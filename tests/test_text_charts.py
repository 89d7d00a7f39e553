"""Mermaid and DOT, read back by the real parsers: the official mermaid parser (Node, headless) and
Graphviz's ``dot``. Swimlanes, shapes, labels and edges are compared with the SOP, for the shipped
SOPs and for SOP text written to break a chart (quotes, comment marks, brackets, HTML, newlines).

The tests skip where ``node`` or ``dot`` is missing; ``make test`` and ``.ci/run`` set both up.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import OFFICE_SOPS, ROOT, need
from sops import generated_sop

from runner import END, SOP, load_sop, render
from runner.documents.text import short
from runner.i18n import _

SHIPPED = sorted(OFFICE_SOPS.glob("*.yaml"))
MERMAID_JS = ROOT / "tests" / "js" / "mermaid"

HOSTILE = """\
format: 1
id: jahat
version: "1"
nama: "SOP \\"Jahat\\" %% <b>tebal</b> & #quot; `kode`"
pelaksana:
  - {id: camat, nama: "Camat \\"Utama\\" [1] {2} (3) |4| ;5 #6 %%7 <i>8</i>"}
  - {id: end, nama: "end"}
  - {id: subgraph, nama: "subgraph x end"}
steps:
  - id: end-awal
    uraian: |
      Baris pertama "dikutip" %% bukan komentar
      %%{init: {'theme': 'dark'}}%%
      <script>alert(1)</script> &amp; #35; `markdown` [kurung] {kurawal} (bulat) |pipa| a;b \\n \\\\
    pelaksana: [camat, end]
    waktu: 1 jam
  - id: graph
    uraian: >-
      flowchart LR; click s1 call alert(1) --> style s1 fill:#f00
    pelaksana: end
    waktu: 2 jam
    decision:
      question: "Lanjut? \\"ya\\" atau 'tidak' | [x] %% #; <br/> classDef c fill:#f00;"
      outcomes: {ya: classdef, tidak: end-awal, berhenti: end, selesai-juga: end}
  - id: classdef
    uraian: "end"
    pelaksana: subgraph
    waktu: "-"
"""


def _hostile(tmp_path: Path) -> Path:
    path = tmp_path / "jahat.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


def _charts(tmp_path: Path) -> list[SOP]:
    return [load_sop(p) for p in [*SHIPPED, _hostile(tmp_path), generated_sop(tmp_path, 40)]]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _expected_edges(sop: SOP, end: str) -> set[tuple[str, str, str]]:
    """(source node, target node, label) of every transition, outcomes to one target in one label."""
    edges = set()
    for s in sop.steps:
        targets = s.targets if s.decision else [s.next or END]
        for t in targets:
            names = [n for n, x in s.decision.outcomes.items() if x == t] if s.decision else []
            edges.add((f"s{s.label}", end if t == END else f"s{sop.step(t).label}", ", ".join(names)))
    return edges


def _lane(sop: SOP, label: str) -> list[str]:
    """The step nodes in the lane of the pelaksana shown as ``label``: those whose first pelaksana it is."""
    [p] = [p for p in sop.pelaksana if p.label == label]
    return [f"s{s.label}" for s in sop.steps if s.pelaksana[0] == p.id]  # s2, or s2b for an activity of row 2


# --- Mermaid --------------------------------------------------------------------------------


def _parse_mermaid(charts: dict[str, str]) -> dict[str, dict]:
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    if not (MERMAID_JS / "node_modules" / "mermaid").is_dir():
        if os.environ.get("CI"):
            pytest.fail("tests/js/mermaid is not installed: .ci/run runs npm ci there")
        pytest.skip("run 'make test' (npm ci in tests/js/mermaid) to check Mermaid with its own parser")
    done = subprocess.run(
        ["node", "parse.mjs"], input=json.dumps(charts), capture_output=True, text=True, cwd=MERMAID_JS, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.sop_folder
def test_mermaid_parses_with_swimlanes_for_every_sop(tmp_path):
    sops = _charts(tmp_path)
    parsed = _parse_mermaid({sop.id: str(render(sop, "mermaid")) for sop in sops})
    for sop in sops:
        chart = parsed[sop.id]
        assert chart["ok"], (sop.id, chart.get("error"))
        assert chart["type"] == "flowchart-v2"
        # one swimlane per pelaksana, titled with its name as written, holding the steps it leads
        assert [g["title"] for g in chart["subgraphs"]] == [_one_line(p.label) for p in sop.pelaksana]
        for g in chart["subgraphs"]:
            assert sorted(g["nodes"]) == sorted(
                _lane(sop, next(p.label for p in sop.pelaksana if _one_line(p.label) == g["title"]))
            )
        vertices = {v["id"]: v for v in chart["vertices"]}
        assert vertices["selesai"]["shape"] == "stadium" and vertices["selesai"]["text"] == _("End")
        for s in sop.steps:
            v = vertices[f"s{s.no}"]
            lines = v["text"].split("<br>")  # the SOP's own text comes back exactly as written
            assert lines[0] == f"{s.no}. {short(s.uraian)}"
            names = {p.id: p.label for p in sop.pelaksana}
            assert lines[1] == _one_line(f"({', '.join(names[p] for p in s.pelaksana)}; {s.waktu})")
            if s.decision:
                assert v["shape"] == "diamond" and lines[2] == short(s.decision.question)
            else:
                assert v["shape"] == ("stadium" if s.no == 1 or s.next == END else "square")
        assert {(e["start"], e["end"], e["text"]) for e in chart["edges"]} == _expected_edges(sop, "selesai")


def test_mermaid_keeps_sop_text_inside_its_quotes(tmp_path):
    text = str(render(load_sop(_hostile(tmp_path)), "mermaid"))
    for line in text.splitlines()[1:]:
        parts = line.split('"')
        assert len(parts) % 2 == 1, line  # nothing in the SOP's text closes a quote
        outside = " ".join(parts[0::2])  # what stands outside the quotes is ours: ids, arrows, brackets
        assert re.fullmatch(r"[ A-Za-z0-9_\[\](){}|>,:#.-]*", outside), line
        assert not {"alert", "click", "style", "flowchart"} & set(re.split(r"\W+", outside)), line
    for raw in ["%%", "<script>", "<b>", "`", "#quot;", "&amp;"]:  # as text, never as markup
        assert raw not in text


def test_mermaid_with_a_case_parses(sop, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    cid = sop("--db", db, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    for role, outcome in [("kasi-trantib", None), ("camat", None), ("kasi-trantib", None), ("sekcam", "koreksi")]:
        assert (
            sop("--db", db, "case", "advance", cid, "--as", role, *(["--outcome", outcome] if outcome else [])).code
            == 0
        )
    text = sop("--db", db, "flowchart", "pelacuran", "--case", cid, "--format", "mermaid").out
    chart = _parse_mermaid({"case": text})["case"]
    assert chart["ok"], chart.get("error")
    classes = {v["id"]: v["classes"] for v in chart["vertices"]}
    assert classes["s1"] == ["done"] and classes["s3"] == ["current"] and classes["s5"] == []
    taken = {(e["start"], e["end"]) for e in chart["edges"] if any("2.2px" in s for s in e.get("style") or [])}
    assert taken == {("s1", "s2"), ("s2", "s3"), ("s3", "s4"), ("s4", "s3")}


# --- DOT --------------------------------------------------------------------------------------


def _dot(text: str, fmt: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [need("dot", "graphviz"), f"-T{fmt}"], input=text, capture_output=True, text=True, timeout=120
    )


def _dot_unescaped(label: str) -> str:
    """A DOT label as it is drawn: \\n a line break, \\\\ a backslash."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "\\": "\\"}.get(m[1], m[0]), label)


@pytest.mark.sop_folder
def test_dot_parses_with_swimlanes_for_every_sop(tmp_path):
    for sop in _charts(tmp_path):
        text = str(render(sop, "dot"))
        done = _dot(text, "json")
        assert done.returncode == 0 and done.stderr == "", (sop.id, done.stderr)
        graph = json.loads(done.stdout)
        objects = graph["objects"]
        clusters = [o for o in objects if o["name"].startswith("cluster_")]
        nodes = {i: o for i, o in enumerate(objects) if not o["name"].startswith("cluster_")}
        # DOT keeps its backslash escapes in a label until it draws it; the quotes are plain
        escaped = lambda t: t.replace("\\", "\\\\").replace("\n", "\\n")  # noqa: E731
        assert [c["label"] for c in clusters] == [escaped(p.label) for p in sop.pelaksana]
        for c in clusters:
            inside = sorted(nodes[i]["name"] for i in c.get("nodes", []) if not nodes[i]["name"].endswith("_empty"))
            assert inside == sorted(_lane(sop, next(p.label for p in sop.pelaksana if escaped(p.label) == c["label"])))
        by_name = {o["name"]: o for o in nodes.values()}
        names = {p.id: p.label for p in sop.pelaksana}
        for s in sop.steps:
            node = by_name[f"s{s.label}"]
            parts = [f"{s.label}. {short(s.uraian)}", f"({', '.join(names[p] for p in s.pelaksana)}; {s.waktu})"]
            parts += [short(s.decision.question)] if s.decision and s.decision.question else []
            # wrapped onto lines at spaces: the words come back as written
            assert " ".join(_dot_unescaped(node["label"]).split("\n")) == " ".join(parts)
            assert node["shape"] == ("diamond" if s.decision else "box")
        edges = {(nodes[e["tail"]]["name"], nodes[e["head"]]["name"], e.get("label", "")) for e in graph["edges"]}
        assert edges == _expected_edges(sop, "selesai")
        assert _dot(text, "svg").stderr == ""  # and it draws without a warning


def test_dot_with_a_case_marks_its_path(sop, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    cid = sop("--db", db, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    assert sop("--db", db, "case", "advance", cid, "--as", "kasi-trantib").code == 0
    graph = json.loads(
        _dot(sop("--db", db, "flowchart", "pelacuran", "--case", cid, "--format", "dot").out, "json").stdout
    )
    nodes = {i: o for i, o in enumerate(graph["objects"])}
    fills = {o["name"]: o.get("fillcolor") for o in nodes.values()}
    assert fills["s1"] == "#d9f2d9" and fills["s2"] == "#fff3b0" and fills["s3"] is None
    taken = [(nodes[e["tail"]]["name"], nodes[e["head"]]["name"]) for e in graph["edges"] if e.get("penwidth") == "2.2"]
    assert taken == [("s1", "s2")]
