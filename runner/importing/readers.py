"""Readers: a file an office has (plain text, .xlsx, .docx) into the one ``Grid`` model.

The file is read once, whole, under a size limit (``runner.files.read_regular``:
never a device or a pipe); what it is comes from its first bytes, not its
name. A zip (both Office formats) is judged by its directory before anything is
expanded: too many members, too much expanded data, or a ratio only a zip bomb
has are refused, and so are macros and encrypted or old binary files.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

from ..errors import UserError
from ..files import megabytes, read_regular
from ..i18n import _
from .common import damaged, refuse
from .grid import Grid
from .text import read_text

MAX_ZIP_MEMBERS = 5000
MAX_RATIO = 200  # expanded / compressed: real Office files stay far below it
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls, and every encrypted Office file


def max_bytes() -> int:
    return megabytes("SOP_IMPORT_MAX_MB", 20)


def read_grid(path: Path) -> Grid:
    """The tables in the file ``path``; a ``UserError`` saying what is wrong with anything else."""
    limit = max_bytes()

    def too_large(size: int | None) -> UserError:
        return refuse(
            path,
            _("{path} is larger than {mb} MB, too large for an SOP; set SOP_IMPORT_MAX_MB to allow more").format(
                path=path, mb=limit // (1024 * 1024)
            ),
            "import-too-large",
        )

    data = read_regular(path, limit, too_large)
    if not data.strip():
        raise refuse(
            path, _("{path} is empty; give the SOP table as .docx, .xlsx or text").format(path=path), "import-empty"
        )
    if data.startswith(_OLE):
        raise refuse(
            path,
            _(
                "{path} is encrypted or an old .doc/.xls file; remove the password, or save it as .docx or .xlsx, and import that"
            ).format(path=path),
            "import-ole",
        )
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in (".docx", ".docm", ".xlsx", ".xlsm"):
        return _read_zip(path, data, limit)
    return read_text(path, data)


# --- the Office zip --------------------------------------------------------------------------


def _read_zip(path: Path, data: bytes, limit: int) -> Grid:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise damaged(path) from None
    expanded = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if len(members) > MAX_ZIP_MEMBERS or expanded > 10 * limit or (expanded > limit and expanded / packed > MAX_RATIO):
        raise refuse(
            path,
            _("{path} would expand to {mb} MB: refused as a zip bomb; an SOP is far smaller").format(
                path=path, mb=expanded // (1024 * 1024)
            ),
            "import-zip-bomb",
        )
    names = {m.filename for m in members}
    if any(m.flag_bits & 0x1 for m in members):
        raise refuse(
            path, _("{path} is encrypted; remove the password and import it again").format(path=path), "import-ole"
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse(
            path,
            _("{path} holds macros; save it as a plain .docx or .xlsx (without macros) and import that").format(
                path=path
            ),
            "import-macros",
        )
    if importlib.util.find_spec("lxml") is None:  # the Office readers' XML parser: say so where it is missing
        raise refuse(
            path, _("reading .docx and .xlsx files needs lxml; install it: pip install lxml"), "import-needs-lxml"
        )
    try:
        if "word/document.xml" in names:
            from .docx import read_docx  # lxml: only a Word file needs it

            return read_docx(path, zf)
        if "xl/workbook.xml" in names:
            from .xlsx import read_xlsx  # openpyxl: only a workbook needs it

            return read_xlsx(path, data)
    except UserError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        raise damaged(path) from None
    raise damaged(path)
