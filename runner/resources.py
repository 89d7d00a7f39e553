"""Find the shipped folders (schema, templates, SOPs) in a checkout and in an installed wheel.

In a wheel they are force-included as ``runner/<name>``; in an editable
install they stay at the top of the repository, beside ``runner/``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_dir(name: str) -> Path:
    inside = files("runner") / name
    if inside.is_dir():
        return Path(str(inside))
    beside = Path(__file__).resolve().parent.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"sop-runner is installed without its {name}/ folder")


def schema_path() -> Path:
    return resource_dir("schema") / "sop.schema.json"
