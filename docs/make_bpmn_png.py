"""Draw the seed SOP's BPMN export with bpmn-js, the viewer of bpmn.io, into docs/pelacuran-bpmn.png.

`make docs-bpmn` runs it. It installs nothing itself; it needs
- bpmn-js from the npm registry: `npm ci --prefix docs/bpmn` (the Makefile does it), and
- Chromium from the OS packages (Debian: `apt-get install chromium`), run headless.

The page loads the viewer bundle and the XML, imports it as a modeller would
open the file, and Chromium takes the screenshot once the import is done.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from runner import find_sop, load_sop, render

DOCS = Path(__file__).resolve().parent
VIEWER = DOCS / "bpmn" / "node_modules" / "bpmn-js" / "dist"
MARGIN = 20

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="{assets}/diagram-js.css">
<link rel="stylesheet" href="{assets}/bpmn-js.css">
<style>html, body, #canvas {{ margin: 0; width: {w}px; height: {h}px; background: #fff; }}</style>
<script src="{bundle}"></script>
</head><body><div id="canvas"></div>
<script>
const viewer = new BpmnJS({{ container: "#canvas" }});
viewer.importXML({xml}).then(({{ warnings }}) => {{
  if (warnings.length) document.title = "warnings: " + warnings.length;
  viewer.get("canvas").viewbox({{ x: -{m}, y: -{m}, width: {w}, height: {h} }});
}});
</script></body></html>
"""


def browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("error: Chromium is not installed; on Debian: apt-get install chromium")


def size(xml: str) -> tuple[int, int]:
    """The drawing's extent: every shape's and label's far corner."""
    right = bottom = 0.0
    for m in re.finditer(r'<dc:Bounds x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)"', xml):
        x, y, w, h = map(float, m.groups())
        right, bottom = max(right, x + w), max(bottom, y + h)
    return int(right) + 2 * MARGIN, int(bottom) + 2 * MARGIN


def main() -> None:
    if not (VIEWER / "bpmn-viewer.development.js").exists():
        sys.exit("error: bpmn-js is not installed; run: npm ci --prefix docs/bpmn")
    xml = render(load_sop(find_sop("pelacuran")), "bpmn")
    assert isinstance(xml, str)
    w, h = size(xml)
    out = DOCS / "pelacuran-bpmn.png"
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(
            PAGE.format(
                assets=(VIEWER / "assets").as_uri(),
                bundle=(VIEWER / "bpmn-viewer.development.js").as_uri(),
                xml=json.dumps(xml),
                w=w,
                h=h,
                m=MARGIN,
            ),
            encoding="utf-8",
        )
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
        flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
        flags += ["--hide-scrollbars", "--allow-file-access-from-files", "--virtual-time-budget=10000"]
        subprocess.run(
            [
                browser(),
                *flags,
                f"--user-data-dir={Path(tmp) / 'profile'}",
                f"--window-size={w},{h}",
                f"--screenshot={out}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    print(out.relative_to(DOCS.parent))


if __name__ == "__main__":
    main()
