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
from ..l10n import format_size

MAX_BYTES = 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"
_SVG_NS = "{http://www.w3.org/2000/svg}"
# an SVG refers outside itself by an href or a CSS url() that is neither a fragment of its own (#id) nor data: it holds
_OUTSIDE = re.compile(r"(?:href\s*=\s*[\"'](?!#|data:)|url\(\s*[\"']?(?!#|data:)|@import)", re.IGNORECASE)


class LogoProblem(Exception):
    """The logo file is not one to print; the text says what to do."""


def read_logo(folder: str | Path, written: str) -> tuple[str, bytes]:
    """The media type and bytes of the logo ``written`` (relative to the SOP file's ``folder``); raises
    LogoProblem, naming it as written, when it is not a real PNG or SVG of our size."""
    path = Path(folder) / written
    shown = written
    try:
        if not path.is_file():
            raise LogoProblem(
                _("the logo {path} is not a file next to the SOP; give its path relative to the SOP file").format(
                    path=shown
                )
            )
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LogoProblem(
                _("the logo {path} is larger than {most}, the most a logo may be; save it smaller").format(
                    path=shown, most=format_size(MAX_BYTES)
                )
            )
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise LogoProblem(
            _("the logo {path} cannot be read: {reason}").format(path=shown, reason=e.strerror or e)
        ) from None
    if data.startswith(_PNG):
        if len(data) < 33 or data[12:16] != b"IHDR":  # a PNG begins with its header chunk
            raise LogoProblem(_("the logo {path} is a damaged PNG file; save it again as PNG").format(path=shown))
        return "image/png", data
    if path.suffix.lower() == ".svg" or data.lstrip()[:5] in (b"<?xml", b"<svg ", b"<svg>"):
        _check_svg(shown, data)
        return "image/svg+xml", data
    raise LogoProblem(_("the logo {path} is neither a PNG nor an SVG file; save it as PNG or SVG").format(path=shown))


def _check_svg(shown: str, data: bytes) -> None:
    import xml.etree.ElementTree as ET  # only an SOP with an SVG logo parses one

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LogoProblem(
            _("the logo {path} is not UTF-8 text, as an SVG file is; save it again as SVG").format(path=shown)
        ) from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:  # entities can expand without bound or reach for files
        raise LogoProblem(
            _("the logo {path} declares a DOCTYPE or entities; save it as a plain SVG without them").format(path=shown)
        )
    try:
        root = ET.fromstring(text)  # noqa: S314 - no DOCTYPE or entity can be in it (checked above)
    except ET.ParseError as e:
        raise LogoProblem(
            _("the logo {path} is not well-formed XML ({reason}); save it again as SVG").format(path=shown, reason=e)
        ) from None
    if root.tag not in (f"{_SVG_NS}svg", "svg"):
        raise LogoProblem(
            _("the logo {path} is XML but not an SVG picture (its root is <{tag}>)").format(
                path=shown, tag=root.tag.rsplit("}", 1)[-1]
            )
        )
    if _OUTSIDE.search(text):
        raise LogoProblem(
            _(
                "the logo {path} refers to other files or addresses; save it as one SVG that holds everything it shows"
            ).format(path=shown)
        )


def data_url(folder: str, written: str) -> str:
    """The logo as a ``data:`` address, for a document that stands alone."""
    media, data = read_logo(folder, written)
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
