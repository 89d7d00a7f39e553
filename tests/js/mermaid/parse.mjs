// Parse Mermaid charts with the official mermaid parser, headless (jsdom stands in for the browser).
// Reads {"name": "chart text", ...} as JSON on stdin; writes, per name, either
// {"ok": false, "error": "..."} or {"ok": true, "type", "vertices", "subgraphs", "edges", "classes"},
// every text as the words it shows (entity codes decoded), for the tests to compare with the SOP.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await import("mermaid")).default;
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

// mermaid keeps entity codes as placeholders until it draws; decode them as it does, then as HTML
const shown = (text) => {
  const html = String(text ?? "").replaceAll("ﬂ°°", "&#").replaceAll("ﬂ°", "&").replaceAll("¶ß", ";");
  const area = document.createElement("textarea");
  area.innerHTML = html;
  return area.value;
};

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = {};
for (const [name, text] of Object.entries(JSON.parse(input))) {
  try {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    results[name] = {
      ok: true,
      type: diagram.type,
      vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: shown(v.text), shape: v.type, classes: v.classes })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: shown(s.title), nodes: s.nodes })),
      edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: shown(e.text), style: e.style })),
    };
  } catch (error) {
    results[name] = { ok: false, error: String(error?.message ?? error) };
  }
}
process.stdout.write(JSON.stringify(results));
