"""Draw the seed SOP's Mermaid and DOT charts as pictures for the README (`make docs-charts`).

docs/mermaid-pelacuran.png  the Mermaid text drawn by the mermaid library itself, in headless Chromium
docs/dot-pelacuran.png      the DOT text drawn by Graphviz (``dot -Tpng``)

Needs Graphviz's ``dot`` and Chromium (Debian: ``apt-get install graphviz chromium``) and the mermaid
package that ``make test`` installs in tests/js/mermaid (``npm ci``). Nothing is fetched while drawing:
Chromium runs with a fresh profile and its network features off.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

from runner import find_sop, load_sop, render

DOCS = Path(__file__).resolve().parent
MERMAID_JS = DOCS.parent / "tests" / "js" / "mermaid" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1.5",
    "--virtual-time-budget=15000",  # let mermaid finish drawing before the screenshot
]


def trimmed(path: Path, margin: int = 24) -> None:
    """Cut the white around the drawing, keeping ``margin`` pixels."""
    image = Image.open(path).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box is None:
        sys.exit(f"error: {path.name} is blank: the chart was not drawn")
    left, top, right, bottom = box
    box = (
        max(0, left - margin),
        max(0, top - margin),
        min(image.width, right + margin),
        min(image.height, bottom + margin),
    )
    image.crop(box).save(path, optimize=True)


def mermaid_png(text: str, out: Path) -> None:
    if not MERMAID_JS.is_file():
        sys.exit("error: the mermaid package is missing: run 'make test' (npm ci in tests/js/mermaid) first")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("error: Chromium is not installed: apt-get install chromium")
    page = f"""<!doctype html><html><head><meta charset="utf-8">
<style>body {{ margin: 0; background: #fff; font-family: "DejaVu Sans", sans-serif; }}</style>
<script src="{MERMAID_JS.as_uri()}"></script></head>
<body><pre class="mermaid">{html.escape(text)}</pre>
<script>mermaid.initialize({{ startOnLoad: false, securityLevel: "strict" }}); mermaid.run();</script>
</body></html>"""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "chart.html"
        source.write_text(page, encoding="utf-8")
        profile = Path(tmp) / "profile"
        profile.mkdir()
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={out}", "--window-size=1500,3200"]
            + [source.as_uri()],
            check=True,
            capture_output=True,
            timeout=120,
        )
    trimmed(out)


def dot_png(text: str, out: Path) -> None:
    if shutil.which("dot") is None:
        sys.exit("error: Graphviz is not installed: apt-get install graphviz")
    subprocess.run(["dot", "-Tpng", "-Gdpi=110", "-o", str(out)], input=text, text=True, check=True, timeout=120)


def main() -> None:
    sop = load_sop(find_sop("pelacuran"))
    mermaid_png(str(render(sop, "mermaid")), DOCS / "mermaid-pelacuran.png")
    dot_png(str(render(sop, "dot")), DOCS / "dot-pelacuran.png")
    for name in ("mermaid-pelacuran.png", "dot-pelacuran.png"):
        print(f"docs/{name}")


if __name__ == "__main__":
    main()
