"""The BPMN export, proved by tools we did not write.

- the OMG BPMN 2.0 XSD (the copy SpiffWorkflow ships), through lxml;
- bpmn-moddle, the model library inside bpmn.io and Camunda Modeler: zero import warnings
  (a Node script; skipped without `node`, `.ci/run` installs it and fails if it cannot);
- SpiffWorkflow runs every shipped SOP along every decision path and walks exactly the
  steps our engine walks for the same outcomes.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import OFFICE_SOPS, ROOT, SOPS
from sops import generated_sop

from runner import END, SOP, UserError, load_sop, render
from runner.cases import engine
from runner.definition.waktu import parse
from runner.documents.bpmn import iso_duration, task_id

SHIPPED = sorted(OFFICE_SOPS.glob("*.yaml"))
VALID = sorted((ROOT / "tests" / "golden" / "valid").glob("*.yaml"))  # edge cases: BOM, Unicode, branches
MODDLE = ROOT / "tests" / "js" / "bpmn"
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def bpmn(sop: SOP) -> str:
    xml = render(sop, "bpmn")
    assert isinstance(xml, str)
    return xml


@pytest.fixture(scope="module")
def schema():
    import SpiffWorkflow
    from lxml import etree

    xsd = Path(SpiffWorkflow.__file__).parent / "bpmn" / "parser" / "schema" / "BPMN20.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


def sop_with(tmp_path: Path, old: str, new: str, name: str = "pkl") -> SOP:
    text = (SOPS / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_sop(path)


# --- (a) the XSD, and what the model says ---------------------------------------------


@pytest.mark.sop_folder
@pytest.mark.parametrize("path", SHIPPED + VALID, ids=lambda p: p.stem)
def test_every_shipped_sop_validates_against_the_bpmn_xsd(schema, path):
    from lxml import etree

    sop = load_sop(path)
    doc = etree.fromstring(bpmn(sop).encode())
    assert schema.validate(doc), schema.error_log
    process = doc.find(f"{BPMN}process")
    lanes = process.findall(f"{BPMN}laneSet/{BPMN}lane")
    assert [lane.get("name") for lane in lanes] == [p.label for p in sop.pelaksana]
    tasks = process.findall(f"{BPMN}userTask")
    assert [t.get("id") for t in tasks] == [task_id(s.id) for s in sop.steps]
    for s, t in zip(sop.steps, tasks, strict=True):
        assert t.get("name").startswith(f"{s.label}. ")  # "2b. " for an activity of row 2
        assert s.uraian in t.find(f"{BPMN}documentation").text
        owners = [o.find(f"{BPMN}resourceRef").text for o in t.findall(f"{BPMN}potentialOwner")]
        assert owners == [f"pelaksana.{p}" for p in s.pelaksana]
        lane = next(lane for lane in lanes if t.get("id") in [r.text for r in lane])
        assert lane.get("id") == f"lane.{s.pelaksana[0]}"  # in the lane of its first pelaksana
        assert len(t.findall(f"{BPMN}dataInputAssociation")) == len({k.casefold() for k in s.kelengkapan})
        assert len(t.findall(f"{BPMN}dataOutputAssociation")) == len({o.casefold() for o in s.output})
    gateways = process.findall(f"{BPMN}exclusiveGateway")
    assert len(gateways) == sum(1 for s in sop.steps if s.decision)
    conditions = [
        (f.get("name"), f.find(f"{BPMN}conditionExpression").text)
        for f in process.findall(f"{BPMN}sequenceFlow")
        if f.find(f"{BPMN}conditionExpression") is not None
    ]
    assert conditions == [  # named as the chart labels them (the outcome names unless the SOP says otherwise)
        (s.decision.label(o), f'outcome == "{o}"') for s in sop.steps if s.decision for o in s.decision.outcomes
    ]
    timers = process.findall(f"{BPMN}boundaryEvent")
    assert len(timers) == sum(1 for s in sop.steps if not s.duration.none)
    assert all(t.get("cancelActivity") == "false" for t in timers)
    shapes = {e.get("bpmnElement") for e in doc.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape")}
    edges = {e.get("bpmnElement") for e in doc.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNEdge")}
    drawable = {e.get("id") for e in process if e.tag != f"{BPMN}sequenceFlow" and e.get("id")} - {
        e.get("id") for e in process.findall(f"{BPMN}dataObject")
    }
    assert drawable - {process.find(f"{BPMN}laneSet").get("id")} <= shapes  # every node, timer, data object
    assert {lane.get("id") for lane in lanes} <= shapes
    flows = {f.get("id") for f in process.findall(f"{BPMN}sequenceFlow")}
    assert flows | {a.get("id") for a in process.iter() if a.tag.endswith("Association")} <= edges


def test_the_xml_is_the_same_every_time_and_escapes_the_sop_text(tmp_path, schema):
    from lxml import etree

    sop = sop_with(
        tmp_path,
        "uraian: >-\n      Kasi Ketentraman dan Ketertiban Umum menerima laporan",
        "uraian: >-\n      <b>\"kutip\" & 'apostrof'</b> Kasi menerima laporan",
    )
    xml = bpmn(sop)
    assert xml == bpmn(load_sop(tmp_path / "pkl.yaml"))  # byte for byte, from a fresh read
    doc = etree.fromstring(xml.encode())
    assert schema.validate(doc), schema.error_log
    first = doc.find(f"{BPMN}process/{BPMN}userTask")
    assert first.find(f"{BPMN}documentation").text.startswith("<b>\"kutip\" & 'apostrof'</b> Kasi")
    assert "<b>" not in xml


@pytest.mark.parametrize(
    ("waktu", "iso"),
    [("2 Jam", "PT2H"), ("1,5 hari", "P1DT12H"), ("10 Menit", "PT10M"), ("1 jam 30 menit", "PT1H30M"),
     ("3 hari kerja", "P3D"), ("2 minggu", "P14D"), ("0,5 menit", "PT30S")],
)  # fmt: skip
def test_waktu_becomes_an_iso_8601_duration(waktu, iso):
    assert iso_duration(parse(waktu)) == iso


def test_working_time_says_so_and_no_waktu_has_no_timer(tmp_path):
    from lxml import etree

    sop = sop_with(tmp_path, "waktu: 1 hari kerja", "waktu: '-'", "pengaduan")
    doc = etree.fromstring(bpmn(sop).encode())
    process = doc.find(f"{BPMN}process")
    none = next(s for s in sop.steps if s.duration.none)
    assert process.find(f"{BPMN}boundaryEvent[@attachedToRef='{task_id(none.id)}']") is None
    working = next(s for s in sop.steps if s.duration.working)
    task = process.find(f"{BPMN}userTask[@id='{task_id(working.id)}']")
    assert "counted on the working days and hours of the SOP" in task.find(f"{BPMN}documentation").text
    timer = process.find(f"{BPMN}boundaryEvent[@attachedToRef='{task_id(working.id)}']")
    duration = timer.find(f"{BPMN}timerEventDefinition/{BPMN}timeDuration").text
    assert duration == f'"{iso_duration(working.duration)}"'  # a Python string: SpiffWorkflow evaluates it


@pytest.mark.parametrize(
    "lang, start, end, words",
    [
        ("id", "Mulai", "Selesai", ["Pelaksana: ", "Kelengkapan: ", "Waktu: 2 Jam (PT2H)", "Keputusan: ", "versi 1.0"]),
        ("en", "Start", "End", ["Pelaksana: ", "Kelengkapan: ", "Waktu: 2 Jam (PT2H)", "Decision: ", "version 1.0"]),
    ],
)
def test_the_bpmn_words_follow_the_language(lang, start, end, words):
    from lxml import etree

    from runner.i18n import set_language

    set_language(lang)
    xml = bpmn(load_sop(SOPS / "pelacuran.yaml"))
    process = etree.fromstring(xml.encode()).find(f"{BPMN}process")
    assert process.find(f"{BPMN}startEvent").get("name") == start
    assert {e.get("name") for e in process.findall(f"{BPMN}endEvent")} == {end}
    for word in words:
        assert word in xml, word


def test_the_cli_writes_bpmn_by_suffix_and_by_name(sop, tmp_path):
    out = tmp_path / "pelacuran.bpmn"
    result = sop("flowchart", "pelacuran", "-o", str(out))
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8") == bpmn(load_sop(SOPS / "pelacuran.yaml"))
    shown = sop("flowchart", "pelacuran", "--format", "bpmn")
    assert shown.code == 0 and shown.out.startswith('<?xml version="1.0" encoding="UTF-8"?>')


# --- bad input: a clear error, never broken XML ---------------------------------------------


def test_documents_that_differ_only_in_punctuation_get_ids_of_their_own(tmp_path, schema):
    """A valid SOP exports to every format: signed text never has to change for BPMN."""
    from lxml import etree

    sop = sop_with(tmp_path, "output: [Register Pengaduan]", "output: [Register-Pengaduan]", "pengaduan")
    assert {"Register Pengaduan", "Register-Pengaduan"} <= {n for s in sop.steps for n in (*s.kelengkapan, *s.output)}
    xml = render(sop, "bpmn")
    tree = etree.fromstring(xml.encode())
    assert schema.validate(tree)  # xsd:ID: every id unique
    names = {o.get("id"): o.get("name") for o in tree.iter("{*}dataObject")}
    assert names["dokumen.register-pengaduan"] != names["dokumen.register-pengaduan-2"]
    assert {names["dokumen.register-pengaduan"], names["dokumen.register-pengaduan-2"]} == {
        "Register Pengaduan",
        "Register-Pengaduan",
    }


def test_step_ids_that_differ_only_by_dash_and_underscore_stay_apart(tmp_path, schema):
    from lxml import etree

    sop = sop_with(tmp_path, "id: telaah", "id: tela-ah", "pengaduan")
    text = sop.source.replace("id: klarifikasi", "id: tela_ah").replace("ya: klarifikasi", "ya: tela_ah")
    path = tmp_path / "pengaduan.yaml"
    path.write_text(text, encoding="utf-8")
    sop = load_sop(path)
    assert {"tela-ah", "tela_ah"} <= {s.id for s in sop.steps}
    assert schema.validate(etree.fromstring(bpmn(sop).encode()))  # xsd:ID: every id unique


def test_text_xml_cannot_hold_is_refused():
    """The validator refuses control characters in files; an SOP built in Python may still hold one."""
    raw = copy.deepcopy(load_sop(SOPS / "pkl.yaml").raw)
    raw["steps"][2]["decision"]["question"] = "Terbukti\x0bada pelanggaran?"
    sop = SOP(raw)
    with pytest.raises(UserError) as caught:
        render(sop, "bpmn")
    assert caught.value.kind == "bpmn-text" and "U+000B" in str(caught.value)


# --- (b) bpmn-moddle -------------------------------------------------------------------------


def moddle_import(files: list[Path]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (.ci/run installs it)")
    if not (MODDLE / "node_modules" / "bpmn-moddle").exists():
        pytest.skip("bpmn-moddle is not installed: npm ci --prefix tests/js/bpmn (make test does)")
    run = subprocess.run(
        [node, str(MODDLE / "import.mjs"), *map(str, files)], capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in run.stdout.splitlines()]


@pytest.mark.sop_folder
def test_bpmn_moddle_imports_every_shipped_sop_and_a_long_one_without_warnings(tmp_path):
    sops = [load_sop(p) for p in SHIPPED + VALID] + [load_sop(generated_sop(tmp_path))]
    files = []
    for sop in sops:
        files.append(tmp_path / f"{len(files)}-{sop.id}.bpmn")
        files[-1].write_text(bpmn(sop), encoding="utf-8")
    reports = moddle_import(files)
    assert len(reports) == len(files)
    for report, path in zip(reports, files, strict=True):
        assert "error" not in report, report
        assert report["warnings"] == [], (path.name, report["warnings"][:5])
        assert report["root"] == "bpmn:Definitions"
        assert report["ids"] == path.read_text(encoding="utf-8").count(' id="'), path.name


# --- (c) SpiffWorkflow walks what our engine walks -------------------------------------------


def engine_paths(sop: SOP, visits: int = 2) -> list[list[tuple[str, str | None]]]:
    """Every way through the SOP, each step entered at most ``visits`` times: (step id, outcome)."""
    documents = [k for s in sop.steps for k in s.kelengkapan]  # everything at hand: paths depend on outcomes only
    paths: list[list[tuple[str, str | None]]] = []

    def walk(state: engine.CaseState, path: list[tuple[str, str | None]]) -> None:
        if state.step is None:
            paths.append(path)
            return
        step = sop.step(state.step)
        if sum(1 for s, _o in path if s == step.id) >= visits:
            return
        for outcome in list(step.decision.outcomes) if step.decision else [None]:
            event = engine.Event("advance", T0, step.pelaksana[0], outcome)
            walk(engine.apply(sop, state, event), [*path, (step.id, outcome)])

    walk(engine.start(sop, T0, documents), [])
    return paths


def spiff_walk(spec, sop: SOP, outcomes: list[str]) -> list[str]:
    """Drive SpiffWorkflow with these decision outcomes in turn; the steps it asks for, in order."""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    step_of = {task_id(s.id): s.id for s in sop.steps}
    wf = BpmnWorkflow(spec)
    wf.data_objects.update({obj: "ada" for obj in spec.data_objects})  # the engine's documents, all at hand
    wf.do_engine_steps()
    walked: list[str] = []
    pending = list(outcomes)
    while not wf.is_completed():
        [task] = wf.get_tasks(state=TaskState.READY, manual=True)
        step = sop.step(step_of[task.task_spec.name])
        walked.append(step.id)
        if step.decision:
            task.data["outcome"] = pending.pop(0)
        for obj in task.task_spec.data_output_associations:
            task.data[obj.bpmn_id] = "ada"
        task.run()
        wf.do_engine_steps()
        assert len(walked) < 1000
    assert pending == []
    return walked


@pytest.mark.sop_folder
@pytest.mark.parametrize("path", SHIPPED + VALID, ids=lambda p: p.stem)
def test_spiffworkflow_walks_the_steps_our_engine_walks_on_every_decision_path(path):
    from SpiffWorkflow.bpmn.parser import BpmnParser

    sop = load_sop(path)
    parser = BpmnParser()
    parser.add_bpmn_str(bpmn(sop).encode())
    [process] = parser.get_process_ids()
    spec = parser.get_spec(process)
    paths = engine_paths(sop)
    decisions = sum(1 for s in sop.steps if s.decision)
    assert len(paths) > decisions  # every outcome of every decision, and the loops back
    for expected in paths:
        outcomes = [o for _s, o in expected if o is not None]
        assert spiff_walk(spec, sop, outcomes) == [s for s, _o in expected], outcomes
    ends = {p[-1] for p in paths}
    assert all(sop.step(s).next == END or (o and sop.step(s).decision.outcomes[o] == END) for s, o in ends)


def test_a_case_overlay_colours_the_steps_done_the_current_one_and_the_flows_taken(schema):
    from lxml import etree

    from runner.documents.overlay import CURRENT, DONE, Progress

    sop = load_sop(SOPS / "pelacuran.yaml")
    progress = Progress("Kasus", done={1, 2, 3, 4}, current=3, transitions={(1, 2), (2, 3), (3, 4), (4, 3)})
    xml = render(sop, "bpmn", progress)
    assert isinstance(xml, str)
    doc = etree.fromstring(xml.encode())
    assert schema.validate(doc), schema.error_log
    color = "{http://www.omg.org/spec/BPMN/non-normative/color/1.0}"
    fills = {e.get("bpmnElement"): e.get(f"{color}background-color") for e in doc.iter() if e.tag.endswith("BPMNShape")}
    assert fills[task_id("terima-laporan")] == DONE and fills[task_id("draft-surat-perintah")] == CURRENT
    assert fills[task_id("arsip-laporan")] is None
    taken = {e.get("bpmnElement") for e in doc.iter() if e.tag.endswith("BPMNEdge") and e.get(f"{color}border-color")}
    assert taken == {
        "flow.start", "flow.terima-laporan", "flow.perintah-penertiban", "flow.draft-surat-perintah",
        "flow.verifikasi-surat-perintah", "flow.verifikasi-surat-perintah.koreksi",
    }  # fmt: skip


def test_a_row_of_activities_is_a_task_per_activity_valid_against_the_xsd(schema):
    """BPMN models the states a case runs through: each activity of a row of several is a task of its
    pelaksana's lane, a decision's gateway loops back inside the row."""
    from conftest import ROOT
    from lxml import etree

    sop = load_sop(ROOT / "tests" / "data" / "kegiatan" / "penugasan.yaml")
    doc = etree.fromstring(bpmn(sop).encode())
    assert schema.validate(doc), schema.error_log
    process = doc.find(f"{BPMN}process")
    tasks = process.findall(f"{BPMN}userTask")
    assert [t.get("id") for t in tasks] == [task_id(s.id) for s in sop.steps]
    flows = {(f.get("sourceRef"), f.get("targetRef")) for f in process.findall(f"{BPMN}sequenceFlow")}
    assert any(target == task_id("spt") and source != task_id("disposisi") for source, target in flows)
