"""The logo of an SOP's letterhead: a PNG or SVG file next to the SOP, checked to be what it says.

The file is read when the SOP is checked (so that a broken logo is found by ``sop validate``, with its
line) and again when a document is printed (it may have changed since), and embedded in the document as
a ``data:`` address: the printed file stands alone, and nothing outside it is ever fetched.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from ..i18n import _

MAX_BYTES = 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"
_SVG_NS = "{http://www.w3.org/2000/svg}"
# an SVG refers outside itself by an href or a CSS url() that is neither a fragment of its own (#id) nor data: it holds
_OUTSIDE = re.compile(r"(?:href\s*=\s*[\"'](?!#|data:)|url\(\s*[\"']?(?!#|data:)|@import)", re.IGNORECASE)


class LogoProblem(Exception):
    """The logo file is not one to print; the text says what to do."""


def logo_path(folder: Path | None, written: str) -> Path:
    """The logo's file: ``written`` relative to the SOP file's folder (the current one when unknown)."""
    return (folder or Path()) / written


def read_logo(path: Path) -> tuple[str, bytes]:
    """The logo's media type and bytes; raises LogoProblem when it is not a real PNG or SVG of our size."""
    try:
        if not path.is_file():
            raise LogoProblem(_("the logo {path} is not a file next to the SOP; give its path relative to the SOP file").format(path=path))
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LogoProblem(
                _("the logo {path} is {size} bytes; a logo may be at most {most} bytes: save it smaller").format(
                    path=path, size=size, most=MAX_BYTES
                )
            )
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise LogoProblem(_("the logo {path} cannot be read: {reason}").format(path=path, reason=e.strerror or e)) from None
    if data.startswith(_PNG):
        if len(data) < 33 or data[12:16] != b"IHDR":  # a PNG begins with its header chunk
            raise LogoProblem(_("the logo {path} is a damaged PNG file; save it again as PNG").format(path=path))
        return "image/png", data
    if path.suffix.lower() == ".svg" or data.lstrip()[:5] in (b"<?xml", b"<svg ", b"<svg>"):
        _check_svg(path, data)
        return "image/svg+xml", data
    raise LogoProblem(_("the logo {path} is neither a PNG nor an SVG file; save it as PNG or SVG").format(path=path))


def _check_svg(path: Path, data: bytes) -> None:
    import xml.etree.ElementTree as ET  # only an SOP with an SVG logo parses one

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LogoProblem(_("the logo {path} is not UTF-8 text, as an SVG file is; save it again as SVG").format(path=path)) from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:  # entities can expand without bound or reach for files
        raise LogoProblem(_("the logo {path} declares a DOCTYPE or entities; save it as a plain SVG without them").format(path=path))
    try:
        root = ET.fromstring(text)  # noqa: S314 - no DOCTYPE or entity can be in it (checked above)
    except ET.ParseError as e:
        raise LogoProblem(_("the logo {path} is not well-formed XML ({reason}); save it again as SVG").format(path=path, reason=e)) from None
    if root.tag not in (f"{_SVG_NS}svg", "svg"):
        raise LogoProblem(_("the logo {path} is XML but not an SVG picture (its root is <{tag}>)").format(path=path, tag=root.tag.rsplit("}", 1)[-1]))
    if _OUTSIDE.search(text):
        raise LogoProblem(
            _("the logo {path} refers to other files or addresses; save it as one SVG that holds everything it shows").format(path=path)
        )


def data_url(path: Path) -> str:
    """The logo as a ``data:`` address, for a document that stands alone."""
    media, data = read_logo(path)
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
