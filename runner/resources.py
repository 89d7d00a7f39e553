"""Find the shipped folders (schema, templates, SOPs) in a checkout and in an installed wheel.

In a wheel they are force-included as ``runner/<name>``; in an editable
install they stay at the top of the repository, beside ``runner/``. Both are
plain folders, looked for first without ``importlib.resources``, whose import
alone costs a clerk's every ``sop case show`` a few milliseconds; it stays the
fallback for any other kind of install.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    from importlib.resources import files

    inside = files("runner") / name
    if inside.is_dir():
        return Path(str(inside))
    raise FileNotFoundError(f"sop-runner is installed without its {name}/ folder")


def schema_path() -> Path:
    return resource_dir("schema") / "sop.schema.json"
