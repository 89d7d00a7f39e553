"""What every reader shares: the limits, the errors for bad input, a cell's text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import UserError
from ..i18n import _

MAX_ROWS = 5000  # a table longer than this is no SOP; it would only cost time
MAX_COLUMNS = 100


def refuse(path: Path, message: str, kind: str) -> UserError:
    return UserError(message, kind, path=str(path))


def too_many_rows(path: Path) -> UserError:
    return refuse(
        path,
        _("{path} has more than {n} table rows, more than an SOP has; import the SOP's table alone").format(
            path=path, n=MAX_ROWS
        ),
        "import-huge-table",
    )


def too_many_columns(path: Path) -> UserError:
    return refuse(
        path,
        _("{path} has a table of more than {n} columns, more than an SOP has; import the SOP's table alone").format(
            path=path, n=MAX_COLUMNS
        ),
        "import-huge-table",
    )


def damaged(path: Path) -> UserError:
    return refuse(
        path,
        _("{path} is damaged or not a .docx or .xlsx file; open it in Word or Excel and save it again").format(
            path=path
        ),
        "import-damaged",
    )


def member(zf: zipfile.ZipFile, name: str) -> bytes:
    """A zip member's bytes, never more than its directory says (zipfile stops there, and checks the CRC)."""
    with zf.open(name) as f:
        return f.read()


_WS = re.compile(r"[ \t\u00a0]+")


def clean(text: str) -> str:
    """A cell's text: spaces collapsed on each line, empty lines dropped."""
    return "\n".join(s for s in (_WS.sub(" ", line).strip() for line in text.split("\n")) if s)
