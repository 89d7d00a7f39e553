// Import BPMN files with bpmn-moddle, the model library inside bpmn.io and Camunda Modeler.
// Usage: node import.mjs FILE...  Prints one JSON line per file:
// {"file", "warnings": [messages], "ids": number of elements known by id, "root": the root's type}
// tests/test_bpmn.py runs it; `npm ci --prefix tests/js/bpmn` installs bpmn-moddle.
import { readFile } from "node:fs/promises";
import { BpmnModdle } from "bpmn-moddle";

const moddle = new BpmnModdle();
for (const file of process.argv.slice(2)) {
  const xml = await readFile(file, "utf8");
  try {
    const { rootElement, warnings, elementsById } = await moddle.fromXML(xml, "bpmn:Definitions");
    console.log(JSON.stringify({
      file,
      warnings: warnings.map((w) => w.message),
      ids: Object.keys(elementsById).length,
      root: rootElement.$type,
    }));
  } catch (err) {
    console.log(JSON.stringify({ file, error: String(err.message || err) }));
  }
}
