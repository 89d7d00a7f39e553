"""Write an SOP as a BPMN 2.0 process, for the SpiffWorkflow side of the benchmark.

One lane per pelaksana, one user task per step, an exclusive gateway after
each decision step (conditions on the task data field ``outcome``), and an end
event. A step with several pelaksana sits in the lane of its first one.
Usage: python bench/make_bpmn.py SOP [-o FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from runner.definition import END, SOP, find_sop, load_sop

NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'


def to_bpmn(sop: SOP) -> str:
    pid = f"sop_{sop.id.replace('-', '_')}"
    node = {s.id: f"step_{s.no}" for s in sop.steps} | {END: "end"}
    elements, flows = [], []
    n = 0

    def flow(src: str, dst: str, condition: str | None = None) -> None:
        nonlocal n
        n += 1
        body = f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>" if condition else ""
        flows.append(f'<bpmn:sequenceFlow id="flow_{n}" sourceRef="{src}" targetRef="{dst}">{body}</bpmn:sequenceFlow>')

    elements.append('<bpmn:startEvent id="start"/>')
    flow("start", node[sop.first.id])
    for s in sop.steps:
        elements.append(f'<bpmn:userTask id="{node[s.id]}" name={quoteattr(f"{s.no}. {s.id}")}/>')
        if s.decision:
            gateway = f"gateway_{s.no}"
            elements.append(f'<bpmn:exclusiveGateway id="{gateway}"/>')
            flow(node[s.id], gateway)
            for outcome, target in s.decision.outcomes.items():
                flow(gateway, node[target], f'outcome == "{outcome}"')
        else:
            flow(node[s.id], node[s.next or END])
    elements.append('<bpmn:endEvent id="end"/>')
    lanes = []
    for p in sop.pelaksana:
        refs = "".join(
            f"<bpmn:flowNodeRef>{node[s.id]}</bpmn:flowNodeRef>" for s in sop.steps if s.pelaksana[0] == p.id
        )
        lanes.append(f'<bpmn:lane id="lane_{p.id.replace("-", "_")}" name={quoteattr(p.label)}>{refs}</bpmn:lane>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="defs_{pid}" targetNamespace="sop-runner">\n'
        f'<bpmn:process id="{pid}" isExecutable="true">\n<bpmn:laneSet id="lanes">{"".join(lanes)}</bpmn:laneSet>\n'
        + "\n".join(elements + flows)
        + "\n</bpmn:process>\n</bpmn:definitions>\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sop")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    xml = to_bpmn(load_sop(find_sop(args.sop)))
    if args.output:
        args.output.write_text(xml, encoding="utf-8")
    else:
        print(xml, end="")


if __name__ == "__main__":
    main()
