"""The leaves that finding, reading and checking SOP files share: the size limit, the
folder listing and the spelling hint. Below catalogue, yamlsource and checks, so none
of them imports another for these."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..files import unreadable
from ..i18n import _

if TYPE_CHECKING:
    from pathlib import Path

MAX_SOP_BYTES = 1024 * 1024  # an SOP is a few kilobytes; anything this big is the wrong file


def yaml_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and is_file(p))
    except OSError as e:
        raise unreadable(folder, e) from None


def is_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a regular file; a folder we may not look into is an error, not a "no"."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as e:
        raise unreadable(path, e) from None


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    import difflib  # only a wrong word needs it, not every start

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _(" (did you mean '{name}'?)").format(name=close[0]) if close else ""
