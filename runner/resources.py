"""Find the shipped folders (schema, templates, SOPs) in a checkout and in an installed wheel.

In a wheel they are force-included as ``runner/<name>``; in an editable
install they stay at the top of the repository, beside ``runner/``. Both are
plain folders, looked for first without ``importlib.resources`` (and, on the
path of ``sop case show``, without ``pathlib``: importing either costs a
clerk's every start a few milliseconds); ``importlib.resources`` stays the
fallback for any other kind of install.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path  # pathlib costs case show; only these callers need it

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


def resource_folder(name: str) -> str:
    """The shipped folder ``name`` (schema, templates, sop) as a path string."""
    for candidate in (os.path.join(_PACKAGE, name), os.path.join(os.path.dirname(_PACKAGE), name)):
        if os.path.isdir(candidate):
            return candidate
    from importlib.resources import files  # only an installed wheel looks here

    inside = files("runner") / name
    if inside.is_dir():
        return str(inside)
    raise FileNotFoundError(f"sop-runner is installed without its {name}/ folder")


def resource_dir(name: str) -> Path:
    from pathlib import Path  # pathlib costs case show; only these callers need it

    return Path(resource_folder(name))


def schema_path() -> Path:
    return resource_dir("schema") / "sop.schema.json"
