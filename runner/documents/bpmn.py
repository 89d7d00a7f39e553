"""The SOP as BPMN 2.0 XML, for process modellers (bpmn.io, Camunda Modeler) and BPMN engines.

The model: a collaboration with one participant whose lanes are the pelaksana,
in the SOP's order. Each step is a user task named "N. uraian", in the lane of
its first pelaksana, with every pelaksana as a potential owner. A decision is
its task followed by an exclusive gateway whose flows carry the outcome names
and a condition on the task data field ``outcome`` (``outcome == "koreksi"``).
Expressions are Python, SpiffWorkflow's language, as the definitions declare.
The mutu baku travel too: kelengkapan and output as data objects, waktu as a
non-interrupting timer on the task (calendar time: BPMN timers know no
working calendar, so the task's documentation says when the SOP counts
working time), keterangan in the documentation.

The diagram (BPMNDI) is the SOP AP chart's own layout (the ``layout`` package, all
steps on one page) scaled up, with room made in each row for what the chart
draws as text: the data objects right of the pool, the timers, and the task
of a decision above its gateway. Extra room is added along horizontal lines
only, so the chart's arrows keep their routes: nothing they avoided moves
onto them.

Ids derive from the SOP's ids (``step.<id>``, ``flow.<id>.<outcome>``, ...):
the step and outcome ids are valid XML names and a kind word with a dot in
front keeps each kind apart, so the ids are stable across runs and versions.
Only document names must be turned into ids; two that come out alike are an
error in the SOP, reported, never a broken file.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .. import __version__
from ..definition import END, SOP, Step, normal
from ..definition.waktu import Waktu
from ..errors import UserError
from ..i18n import N_, _
from . import layout
from .base import Options
from .layout import Point, Rect
from .overlay import Progress
from .text import short

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "color": "http://www.omg.org/spec/BPMN/non-normative/color/1.0",  # BPMN in Color: a case's progress
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)
PYTHON = "https://docs.python.org/3/reference/expressions.html"  # the expression language, by its reference
START_LABEL, END_LABEL = N_("Start"), layout.END_LABEL  # translated where the model is built


# --- the model: what the SOP becomes, before any geometry or XML ---------------------


def task_id(step_id: str) -> str:
    """The id of a step's user task (a SpiffWorkflow driver maps its tasks back with it)."""
    return f"step.{step_id}"


def _gateway_id(step: Step) -> str:
    return f"decision.{step.id}"


def _end_id(step: Step) -> str:
    return f"end.{step.id}"


def _timer_id(step: Step) -> str:
    return f"waktu.{step.id}"


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # the BPMN tag: startEvent | userTask | exclusiveGateway | endEvent
    name: str
    step: Step | None = None  # None: the start event


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    step: Step | None = None  # the step it leaves; None: the flow from the start event
    outcome: str | None = None


@dataclass(frozen=True)
class DataRef:
    """One use of a document by a step: a data object reference and its association."""

    id: str
    step: Step
    document: str  # the data object's id
    name: str  # as the step writes it
    output: bool  # False: a kelengkapan, read by the step

    @property
    def association(self) -> str:
        return f"{self.id}.association"


@dataclass
class Model:
    nodes: list[Node] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)  # data object id -> name
    refs: list[DataRef] = field(default_factory=list)


def _document_id(name: str) -> str:
    """An XML name from a document name: ASCII letters, digits and '-'."""
    plain = unicodedata.normalize("NFKD", normal(name)).encode("ascii", "ignore").decode()
    return "dokumen." + (re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "tanpa-nama")


def build_model(sop: SOP) -> Model:
    m = Model()

    def target(step: Step, to: str) -> str:
        return _end_id(step) if to == END else task_id(to)

    ids: dict[str, str] = {}  # normalised document name -> its data object id

    def document_id(name: str) -> str:
        """One data object per document; names an XML id cannot tell apart ('Surat-Tugas' and
        'Surat Tugas.') get ids of their own, so signed text never has to change for BPMN."""
        key = normal(name)
        if key not in ids:
            base = doc = _document_id(name)
            n = 2
            while doc in m.documents:
                doc, n = f"{base}-{n}", n + 1
            ids[key] = doc
            m.documents[doc] = name
        return ids[key]

    def documents(step: Step, names: tuple[str, ...], output: bool) -> None:
        for name in dict.fromkeys(names, None):
            doc = document_id(name)
            ref = f"{'output' if output else 'kelengkapan'}.{step.id}.{doc.removeprefix('dokumen.')}"
            if all(r.id != ref for r in m.refs):  # the same document twice in one list is one use
                m.refs.append(DataRef(ref, step, doc, name, output))

    m.nodes.append(Node("start", "startEvent", _(START_LABEL)))
    m.flows.append(Flow("flow.start", "start", task_id(sop.first.id)))
    for s in sop.steps:
        m.nodes.append(Node(task_id(s.id), "userTask", f"{s.no}. {short(s.uraian, 44)}", s))
        if s.decision:
            gateway = _gateway_id(s)
            m.nodes.append(Node(gateway, "exclusiveGateway", s.decision.question or "", s))
            m.flows.append(Flow(f"flow.{s.id}", task_id(s.id), gateway, s))
            for outcome, to in s.decision.outcomes.items():
                m.flows.append(Flow(f"flow.{s.id}.{outcome}", gateway, target(s, to), s, outcome))
        else:
            m.flows.append(Flow(f"flow.{s.id}", task_id(s.id), target(s, s.next or END), s))
        if END in s.targets:
            m.nodes.append(Node(_end_id(s), "endEvent", _(END_LABEL), s))
        documents(s, s.kelengkapan, output=False)
        documents(s, s.output, output=True)
    return m


def iso_duration(waktu: Waktu) -> str:
    """The time standard as an ISO 8601 duration; working time counted as calendar time."""
    lengths = {"menit": 1, "jam": 60, "hari": 24 * 60, "minggu": 7 * 24 * 60}
    minutes = waktu.calendar_minutes + sum(amount * lengths[unit] for amount, unit in waktu.working)
    days, rest = divmod(round(minutes * 60), 24 * 3600)
    hours, rest = divmod(rest, 3600)
    mins, secs = divmod(rest, 60)
    clock = "".join(f"{v}{u}" for v, u in ((hours, "H"), (mins, "M"), (secs, "S")) if v)
    months = f"{waktu.months}M" if waktu.months else ""
    return "P" + months + (f"{days}D" if days else "") + (f"T{clock}" if clock or not (days or months) else "")


def _documentation(sop: SOP, s: Step) -> str:
    """The step's mutu baku and notes, a line each, under its uraian; the words in the current language."""
    names = {p.id: p.nama for p in sop.pelaksana}
    lines = [s.uraian, "", _("Pelaksana: {names}").format(names=", ".join(names[p] for p in s.pelaksana))]
    if s.kelengkapan:
        lines.append(_("Kelengkapan: {names}").format(names=", ".join(s.kelengkapan)))
    waktu = s.duration
    if waktu.none:
        lines.append(_("Waktu: {waktu}").format(waktu=s.waktu))
    elif waktu.working:
        lines.append(
            _(
                "Waktu: {waktu}, counted on the working days and hours of the SOP; BPMN timers know no working "
                "calendar, so this step's timer ({duration}) counts calendar time."
            ).format(waktu=s.waktu, duration=iso_duration(waktu))
        )
    else:
        lines.append(_("Waktu: {waktu} ({duration})").format(waktu=s.waktu, duration=iso_duration(waktu)))
    if s.output:
        lines.append(_("Output: {names}").format(names=", ".join(s.output)))
    if s.decision and s.decision.question:
        lines.append(_("Decision: {question}").format(question=s.decision.question))
    if s.keterangan:
        lines.append(_("Notes: {text}").format(text=s.keterangan))
    return "\n".join(lines)


# --- the diagram: the chart's layout, scaled, with room for what BPMN draws ----------

SCALE = 2.0  # BPMN px per chart px: a chart symbol becomes a task of about the usual size
# 80: bpmn.io's height, four lines of name; the chart's arrows reach a row no nearer its centre than
# its tracks (24 chart px, 48 here), so they still meet the taller box from outside
TASK_W, TASK_H = layout.SYMBOL_SIZE["process"][0] * SCALE, 80.0
EVENT, GATEWAY = 36.0, 50.0  # bpmn.io's sizes
DATA_W, DATA_H = 36.0, 50.0
BAND = 30.0  # the label band at the top of the pool and of each lane (vertical lanes)
PITCH = 64.0  # the height of one data object with its name beside it
LABEL_W, LINE = 90.0, 14.0  # an external label's width and one line of it
PAD = 10.0
TIMER_ROOM = EVENT / 2 + 2 * LINE + 6  # below a task: the lower half of its timer and two lines of label
QUESTION_ROOM = 4 * LINE + PAD  # below a gateway: its question
# Rows get their extra room on two lines just outside the row's symbols, where only vertical
# parts of arrows pass: inserting space there stretches those, and moves nothing onto anything.
CUT = max(h for _w, h in layout.SYMBOL_SIZE.values()) / 2 + 3
QUESTION_AT = (CUT + 9) * SCALE  # below the centre of a gateway: under the outcome names beside it


@dataclass
class Diagram:
    pool: Rect
    lanes: dict[str, Rect]  # pelaksana id -> its lane
    shapes: dict[str, Rect] = field(default_factory=dict)  # element id -> bounds
    edges: dict[str, list[Point]] = field(default_factory=dict)  # flow or association id -> waypoints
    labels: dict[str, Rect] = field(default_factory=dict)  # element id -> its label's bounds

    def lane_at(self, x: float) -> str:
        """The pelaksana whose lane holds x: a node belongs to the lane it is drawn in."""
        return next(p for p, r in self.lanes.items() if r.x <= x < r.right)


class _Grid:
    """Chart coordinates to BPMN ones: scaled, plus the room each row needs above and below its symbols."""

    def __init__(self, lay: layout.Layout, rows: list[layout.Row], room: dict[int, tuple[float, float]]) -> None:
        self.x0, self.y0 = lay.lanes_x[0], rows[0].y
        self.top = 2 * BAND + EVENT + 2 * PAD  # the pool's band, the lanes' band, the start event
        self.cuts = [(self.y0, self.top)]
        for row in rows:
            assert row.step is not None  # one page: no rows of off-page connectors
            above, below = room[row.step.no]
            cy = row.y + row.h / 2
            self.cuts += [(cy - CUT, above), (cy + CUT, below)]

    def x(self, x: float) -> float:
        return (x - self.x0) * SCALE

    def y(self, y: float) -> float:
        """A point on a cut stays before the room inserted there."""
        return (y - self.y0) * SCALE + sum(room for cut, room in self.cuts if y > cut)

    def point(self, p: Point) -> Point:
        return self.x(p[0]), self.y(p[1])

    def room(self, cy: float, below: bool) -> float:
        """Where the room above (or below) the row centred at chart y ``cy`` begins."""
        return self.y(cy + CUT if below else cy - CUT)


def _box(cx: float, cy: float, w: float, h: float) -> Rect:
    return Rect(cx - w / 2, cy - h / 2, w, h)


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and the middle of three in a line (also where a path doubles back)."""
    out: list[Point] = []
    for p in points:
        p = (round(p[0]), round(p[1]))
        while len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out.pop()
        if not out or out[-1] != p:
            out.append(p)
    return out


def _dock(points: list[Point], source: Rect, target: Rect) -> list[Point]:
    """Move the ends of an orthogonal path onto the shapes' borders, along its first and last segments."""
    pts = list(points)
    for i, j, shape in ((0, 1, source), (-1, -2, target)):
        (x, y), (nx, ny) = pts[i], pts[j]
        if x == nx:  # vertical: onto the top or the bottom
            pts[i] = (x, shape.y if ny < y else shape.bottom)
        else:
            pts[i] = (shape.x if nx < x else shape.right, y)
    return pts


class _Drawing:
    """Places every element; one instance per render."""

    def __init__(self, sop: SOP, model: Model) -> None:
        self.sop, self.model = sop, model
        self.lay = layout.compute(sop, steps_per_page=len(sop.steps))
        self.page = self.lay.pages[0]
        self.symbols: dict[int, list[layout.Symbol]] = {}
        self.end_symbols: dict[int, layout.Symbol] = {}  # row -> the "Selesai" a decision points at
        for sym in self.page.symbols:
            if sym.step is not None:
                self.symbols.setdefault(sym.step, []).append(sym)
            elif sym.kind == "terminator":
                self.end_symbols[sym.row] = sym
        self.row_of = {row.step.no: i for i, row in enumerate(self.page.rows) if row.step}
        self.inputs = {s.no: [r for r in model.refs if r.step is s and not r.output] for s in sop.steps}
        self.outputs = {s.no: [r for r in model.refs if r.step is s and r.output] for s in sop.steps}
        self.grid = _Grid(self.lay, self.page.rows, {s.no: self._room(s) for s in sop.steps})

    def alone(self, s: Step) -> bool:
        """Is the step drawn as one chart symbol (one pelaksana)?"""
        return len(self.symbols[s.no]) == 1

    def _room(self, s: Step) -> tuple[float, float]:
        above = len(self.inputs[s.no]) * PITCH + (PAD if self.inputs[s.no] else 0)
        if s.decision and self.alone(s):  # the task goes above its gateway
            above += TASK_H + TIMER_ROOM + PAD
        lane = 0.0
        if not s.duration.none and not (s.decision and self.alone(s)):
            lane += TIMER_ROOM
        if s.next == END and self.alone(s):  # its end event and label go below its task
            lane += EVENT + LINE + 2 * PAD
        if s.decision:
            lane += QUESTION_AT - CUT * SCALE + QUESTION_ROOM
        below = max(lane, len(self.outputs[s.no]) * PITCH + (PAD if self.outputs[s.no] else 0))
        return above, below

    # --- shapes

    def draw(self) -> Diagram:
        g, lay = self.grid, self.lay
        bottom = g.y(self.page.rows[-1].bottom) + PAD
        pool = Rect(0, 0, g.x(lay.lanes_x[1]), bottom)
        lanes: dict[str, Rect] = {}
        for i, lane in enumerate(lay.lanes):  # the corridors go to the outer lanes
            x0 = g.x(lane.x) if i else 0.0
            x1 = g.x(lay.lanes[i + 1].x) if i + 1 < len(lay.lanes) else pool.right
            lanes[lane.pelaksana] = Rect(x0, BAND, x1 - x0, bottom - BAND)
        d = Diagram(pool, lanes)
        for s in self.sop.steps:
            self.place_step(d, s)
        self.place_start(d)
        for flow in self.model.flows:
            d.edges[flow.id] = self.route(d, flow)
        for s in self.sop.steps:
            self.place_documents(d, s, pool.right)
        self.place_labels(d)
        return d

    def centre(self, sym: layout.Symbol) -> Point:
        return self.grid.x(sym.rect.cx), self.grid.y(sym.rect.cy)

    def place_step(self, d: Diagram, s: Step) -> None:
        syms = self.symbols[s.no]
        row = self.page.rows[self.row_of[s.no]]
        cy = row.y + row.h / 2
        if s.decision and self.alone(s):
            cx = self.centre(syms[0])[0]
            top = self.grid.room(cy, below=False) + len(self.inputs[s.no]) * PITCH + (PAD if self.inputs[s.no] else 0)
            task = Rect(cx - TASK_W / 2, top, TASK_W, TASK_H)
        else:
            task = _box(*self.centre(syms[0]), TASK_W, TASK_H)
        d.shapes[task_id(s.id)] = task
        if not s.duration.none:
            d.shapes[_timer_id(s)] = Rect(task.x, task.bottom - EVENT / 2, EVENT, EVENT)
        if s.decision:
            d.shapes[_gateway_id(s)] = _box(*self.centre(syms[-1]), GATEWAY, GATEWAY)
            if END in s.decision.outcomes.values():
                d.shapes[_end_id(s)] = _box(*self.centre(self.end_symbols[self.row_of[s.no]]), EVENT, EVENT)
        elif s.next == END:
            if self.alone(s):  # below its task, under the timer's label
                top = task.bottom + (TIMER_ROOM if _timer_id(s) in d.shapes else PAD)
                d.shapes[_end_id(s)] = Rect(task.cx - EVENT / 2, top, EVENT, EVENT)
            else:  # the chart ends the step in its last pelaksana's symbol
                d.shapes[_end_id(s)] = _box(*self.centre(syms[-1]), EVENT, EVENT)

    def place_start(self, d: Diagram) -> None:
        """Above the first task, where no arrow enters it (arrows of loops back may)."""
        task = d.shapes[task_id(self.sop.first.id)]
        first = self.symbols[1][0]
        taken = {round(self.grid.x(a.points[-1][0])) for a in self.page.arrows if self.page.symbols[a.target] is first}
        free = (task.cx + o * SCALE for o in (0, -20, 20, -10, 10) if round(task.cx + o * SCALE) not in taken)
        x = next(free, task.cx)
        d.shapes["start"] = Rect(x - EVENT / 2, 2 * BAND + PAD, EVENT, EVENT)

    # --- flows

    def chart_arrows(self, s: Step) -> tuple[list[layout.Arrow], dict[str | None, layout.Arrow]]:
        """The arrows joining a step's own symbols, in order, and those leaving it by outcome (None: next)."""
        syms = self.symbols[s.no]
        index = {id(sym): k for k, sym in enumerate(syms)}
        joins: list[layout.Arrow] = []
        leaving: dict[str | None, layout.Arrow] = {}
        for a in self.page.arrows:
            if a.from_step != s.no:
                continue
            src, dst = self.page.symbols[a.source], self.page.symbols[a.target]
            k = index.get(id(src))
            if k is not None and k + 1 < len(syms) and dst is syms[k + 1] and a.label is None:
                joins.append(a)
            elif src is syms[-1]:
                leaving[a.label] = a
        joins.sort(key=lambda a: index[id(self.page.symbols[a.source])])
        return joins, leaving

    def route(self, d: Diagram, flow: Flow) -> list[Point]:
        source, target = d.shapes[flow.source], d.shapes[flow.target]
        s = flow.step
        if s is None:  # start event -> first task
            return [(source.cx, source.bottom), (source.cx, target.y)]
        joins, leaving = self.chart_arrows(s)
        if s.decision and flow.outcome is None or not s.decision and s.next == END:
            # to its own gateway or end event: across the step's symbols, or straight down
            if not joins:
                return [(source.cx, source.bottom), (target.cx, target.y)]
            return _simplify(_dock(self.joined(joins), source, target))
        arrow = leaving.get(flow.outcome)
        if arrow is None:  # a second outcome to the end: the chart draws one arrow for all
            arrow = next(a for a in leaving.values() if a.to_step == END)
        points = [self.grid.point(p) for p in arrow.points]
        if not s.decision and joins:
            points = self.joined(joins) + points
        return _simplify(_dock(points, source, target))

    def joined(self, arrows: list[layout.Arrow]) -> list[Point]:
        """One path along the arrows between a step's symbols: the symbols other than its first are empty in BPMN."""
        points: list[Point] = []
        for a in arrows:
            points += [self.grid.point(p) for p in a.points]
            points.append(self.centre(self.page.symbols[a.target]))
        return points

    # --- data objects, right of the pool in the chart's Kelengkapan and Output columns

    def place_documents(self, d: Diagram, s: Step, right: float) -> None:
        task = d.shapes[task_id(s.id)]
        row = self.page.rows[self.row_of[s.no]]
        cy = row.y + row.h / 2
        bus = task.right - 6  # every association meets the task here, clear of the arrows entering it
        for refs, below, x in (
            (self.inputs[s.no], False, right + 2 * PAD),
            (self.outputs[s.no], True, right + 3 * PAD + DATA_W + LABEL_W + 2 * PAD),
        ):
            top = self.grid.room(cy, below) + PAD
            for k, ref in enumerate(refs):
                y = top + k * PITCH + PITCH / 2
                box = Rect(x, y - DATA_H / 2, DATA_W, DATA_H)
                d.shapes[ref.id] = box
                d.labels[ref.id] = Rect(box.right + 4, y - LINE, LABEL_W, 2 * LINE)
                if below and s.decision and self.alone(s):  # around the gateway below, not past its labels
                    d.edges[ref.association] = [
                        (task.right, task.cy),
                        (right + PAD, task.cy),
                        (right + PAD, y),
                        (box.x, y),
                    ]
                elif below:
                    d.edges[ref.association] = [(bus, task.bottom), (bus, y), (box.x, y)]
                else:
                    d.edges[ref.association] = [(box.x, y), (bus, y), (bus, task.y)]

    # --- labels

    def place_labels(self, d: Diagram) -> None:
        for s in self.sop.steps:
            if _timer_id(s) in d.shapes:
                timer = d.shapes[_timer_id(s)]
                # left of the task's middle, where arrows leave it downwards
                d.labels[_timer_id(s)] = Rect(timer.x - 8, timer.bottom + 2, TASK_W / 2 + 4, 2 * LINE)
            if _end_id(s) in d.shapes:
                end = d.shapes[_end_id(s)]
                d.labels[_end_id(s)] = Rect(end.cx - LABEL_W / 4, end.bottom + 2, LABEL_W / 2, LINE)
            if s.decision:
                self.label_outcomes(d, s)
                if s.decision.question:
                    self.label_gateway(d, s)
        start = d.shapes["start"]
        d.labels["start"] = Rect(start.right + 4, start.cy - LINE / 2, LABEL_W / 2, LINE)

    def label_outcomes(self, d: Diagram, s: Step) -> None:
        """Where the chart writes them, beside the gateway (the room inserted in the row does not apply)."""
        gw = d.shapes[_gateway_id(s)]
        diamond = self.symbols[s.no][-1].rect
        for outcome, arrow in self.chart_arrows(s)[1].items():
            r = arrow.label_rect
            if outcome is not None and r is not None:
                x, y = gw.cx + (r.x - diamond.cx) * SCALE, gw.cy + (r.y - diamond.cy) * SCALE
                d.labels[f"flow.{s.id}.{outcome}"] = Rect(x, y, r.w * SCALE, LINE)

    def label_gateway(self, d: Diagram, s: Step) -> None:
        """The question goes under the gateway and its outcomes, on a side of its way down no line crosses."""
        gw = d.shapes[_gateway_id(s)]
        lane = d.lanes[d.lane_at(gw.cx)]
        top, h = gw.cy + QUESTION_AT, QUESTION_ROOM - PAD
        left = Rect(lane.x + 4, top, gw.cx - 6 - lane.x - 4, h)
        right = Rect(gw.cx + 6, top, lane.right - 4 - gw.cx - 6, h)
        segments = [seg for pts in d.edges.values() for seg in itertools.pairwise(pts)]
        clean = [r for r in (left, right) if not any(layout.segment_hits_rect(a, b, r) for a, b in segments)]
        d.labels[_gateway_id(s)] = (clean or [left])[0]


# --- XML ------------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Text XML can hold; a control character (pasted from elsewhere) cannot be written at all."""
    bad = _NOT_XML.search(value)
    if bad:
        raise UserError(
            _("the text '{text}' holds the character U+{code:04X}, which XML cannot hold; remove it").format(
                text=short(value, 40), code=ord(bad.group())
            ),
            "bpmn-text",
            text=value,
        )
    return value


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    prefix, name = tag.split(":")
    el = ET.SubElement(parent, f"{{{NS[prefix]}}}{name}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _text(text)
    return el


def _expression(parent: ET.Element, tag: str, text: str) -> None:
    _el(parent, tag, text).set(f"{{{NS['xsi']}}}type", "bpmn:tFormalExpression")


def _n(v: float) -> str:
    return str(round(v) + 0)  # + 0: no "-0"


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    model = build_model(sop)
    diagram = _Drawing(sop, model).draw()
    root = ET.Element(
        f"{{{NS['bpmn']}}}definitions",
        {
            "id": f"definitions.{sop.id}",
            "targetNamespace": f"https://sop-runner.example/sop/{sop.id}",
            "expressionLanguage": PYTHON,
            "exporter": "sop-runner",
            "exporterVersion": __version__,
        },
    )
    for p in sop.pelaksana:
        _el(root, "bpmn:resource", id=f"pelaksana.{p.id}", name=p.nama)
    collaboration = _el(root, "bpmn:collaboration", id=f"collaboration.{sop.id}")
    _el(collaboration, "bpmn:participant", id=f"participant.{sop.id}", name=sop.nama, processRef=f"process.{sop.id}")
    _process(root, sop, model, diagram)
    _diagram(root, sop, model, diagram, overlay)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _process(root: ET.Element, sop: SOP, model: Model, d: Diagram) -> None:
    process = _el(root, "bpmn:process", id=f"process.{sop.id}", name=sop.nama, isExecutable="true")
    about = [_("SOP {nama}, version {version}").format(nama=sop.nama, version=sop.version)]
    about += [x for x in (sop.unit, sop.instansi) if x]
    _el(process, "bpmn:documentation", "\n".join(about))
    lane_set = _el(process, "bpmn:laneSet", id=f"lanes.{sop.id}")
    members: dict[str, list[str]] = {p.id: [] for p in sop.pelaksana}
    for node_id in [n.id for n in model.nodes] + [_timer_id(s) for s in sop.steps if _timer_id(s) in d.shapes]:
        members[d.lane_at(d.shapes[node_id].cx)].append(node_id)
    for p in sop.pelaksana:
        lane = _el(lane_set, "bpmn:lane", id=f"lane.{p.id}", name=p.label)
        for node_id in members[p.id]:
            _el(lane, "bpmn:flowNodeRef", node_id)
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for f in model.flows:
        outgoing.setdefault(f.source, []).append(f.id)
        incoming.setdefault(f.target, []).append(f.id)
    for node in model.nodes:
        el = _el(process, f"bpmn:{node.kind}", id=node.id, name=node.name)
        if node.kind == "userTask":
            assert node.step is not None
            _el(el, "bpmn:documentation", _documentation(sop, node.step))
        for flow_id in incoming.get(node.id, []):
            _el(el, "bpmn:incoming", flow_id)
        for flow_id in outgoing.get(node.id, []):
            _el(el, "bpmn:outgoing", flow_id)
        if node.kind == "userTask":
            assert node.step is not None
            _task_body(el, sop, model, node.step)
            if not node.step.duration.none:
                _timer(process, node.step)
    for f in model.flows:
        el = _el(process, "bpmn:sequenceFlow", id=f.id, sourceRef=f.source, targetRef=f.target)
        if f.outcome:
            el.set("name", f.outcome)
            _expression(el, "bpmn:conditionExpression", f'outcome == "{f.outcome}"')
    for doc, name in model.documents.items():
        _el(process, "bpmn:dataObject", id=doc, name=name)
    for ref in model.refs:
        _el(process, "bpmn:dataObjectReference", id=ref.id, name=ref.name, dataObjectRef=ref.document)


def _task_body(task: ET.Element, sop: SOP, model: Model, s: Step) -> None:
    refs = [r for r in model.refs if r.step is s]
    inputs = [r for r in refs if not r.output]
    if inputs:  # a data input association needs a target inside the task: bpmn.io's placeholder
        _el(task, "bpmn:property", id=f"{task_id(s.id)}.input", name="__targetRef_placeholder")
    for r in inputs:
        association = _el(task, "bpmn:dataInputAssociation", id=r.association)
        _el(association, "bpmn:sourceRef", r.id)
        _el(association, "bpmn:targetRef", f"{task_id(s.id)}.input")
    for r in refs:
        if r.output:
            _el(_el(task, "bpmn:dataOutputAssociation", id=r.association), "bpmn:targetRef", r.id)
    for pid in dict.fromkeys(s.pelaksana):
        owner = _el(task, "bpmn:potentialOwner", id=f"owner.{s.id}.{pid}", name=sop.pelaksana_by_id(pid).nama)
        _el(owner, "bpmn:resourceRef", f"pelaksana.{pid}")


def _timer(process: ET.Element, s: Step) -> None:
    event = _el(
        process,
        "bpmn:boundaryEvent",
        id=_timer_id(s),
        name=s.waktu,
        cancelActivity="false",
        attachedToRef=task_id(s.id),
    )
    definition = _el(event, "bpmn:timerEventDefinition", id=f"{_timer_id(s)}.timer")
    _expression(definition, "bpmn:timeDuration", f'"{iso_duration(s.duration)}"')  # a Python string


def _diagram(root: ET.Element, sop: SOP, model: Model, d: Diagram, overlay: Progress | None) -> None:
    diagram = _el(root, "bpmndi:BPMNDiagram", id=f"diagram.{sop.id}", name=sop.nama)
    plane = _el(diagram, "bpmndi:BPMNPlane", id=f"plane.{sop.id}", bpmnElement=f"collaboration.{sop.id}")

    def bounds(parent: ET.Element, r: Rect) -> None:
        _el(parent, "dc:Bounds", x=_n(r.x), y=_n(r.y), width=_n(r.w), height=_n(r.h))

    def shape(element: str, r: Rect, fill: str | None = None, **attrs: str) -> None:
        el = _el(plane, "bpmndi:BPMNShape", id=f"di.{element}", bpmnElement=element, **attrs)
        if fill:
            el.set(f"{{{NS['color']}}}background-color", fill)
        bounds(el, r)
        if element in d.labels:
            bounds(_el(el, "bpmndi:BPMNLabel"), d.labels[element])

    def edge(element: str, taken: bool = False) -> None:
        el = _el(plane, "bpmndi:BPMNEdge", id=f"di.{element}", bpmnElement=element)
        if taken:
            el.set(f"{{{NS['color']}}}border-color", "#1a7f37")
        for x, y in d.edges[element]:
            _el(el, "di:waypoint", x=_n(x), y=_n(y))
        if element in d.labels:
            bounds(_el(el, "bpmndi:BPMNLabel"), d.labels[element])

    shape(f"participant.{sop.id}", d.pool, isHorizontal="false")
    for p in sop.pelaksana:
        shape(f"lane.{p.id}", d.lanes[p.id], isHorizontal="false")
    for node in model.nodes:
        fill = overlay.step_fill(node.step.no) if overlay and node.step and node.kind == "userTask" else None
        shape(
            node.id, d.shapes[node.id], fill, **({"isMarkerVisible": "true"} if node.kind == "exclusiveGateway" else {})
        )
        if node.kind == "userTask" and node.step and _timer_id(node.step) in d.shapes:
            shape(_timer_id(node.step), d.shapes[_timer_id(node.step)])
    for f in model.flows:
        edge(f.id, overlay is not None and _taken(sop, f, overlay))
    for ref in model.refs:
        shape(ref.id, d.shapes[ref.id])
        edge(ref.association)


def _taken(sop: SOP, f: Flow, overlay: Progress) -> bool:
    if f.step is None:
        return bool(overlay.done) or overlay.current is not None
    s = f.step
    if s.decision and f.outcome is None:  # task -> its gateway
        return s.no in overlay.done
    to = s.decision.outcomes[f.outcome] if s.decision and f.outcome else s.next or END
    return (s.no, END if to == END else sop.numbers[to]) in overlay.transitions
