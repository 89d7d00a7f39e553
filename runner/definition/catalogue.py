"""Finding SOP files by id, and loading them through a cache of validated files.

The cache lets the commands a clerk types all day skip YAML and jsonschema:
a file whose exact bytes were validated before is read back as JSON. The
cache lives outside the store, so it is never trusted blindly (see ``load``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from .. import __version__
from ..errors import InvalidSOP, UserError
from ..i18n import _
from .model import SCHEMA_ID, SOP


def search_path(sop_dirs: Sequence[str | Path] = ()) -> list[Path]:
    """Where SOP ids are looked up, first match wins: --sop-dir, $SOP_PATH, ./sop, shipped."""
    from ..resources import resource_dir

    dirs = [Path(d) for d in sop_dirs]
    dirs += [Path(d) for d in os.environ.get("SOP_PATH", "").split(os.pathsep) if d]
    if Path("sop").is_dir():
        dirs.append(Path("sop"))
    dirs.append(resource_dir("sop"))
    unique: dict[Path, None] = {}
    for d in dirs:
        unique.setdefault(d.resolve(), None)
    return list(unique)


def yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def find_sop(ref: str, sop_dirs: Sequence[str | Path] = ()) -> Path:
    """The file of an SOP given by id or by path."""
    as_path = Path(ref)
    if as_path.suffix in (".yaml", ".yml") or os.sep in ref:
        if as_path.is_file():
            return as_path
        raise UserError(_("no SOP file {path}; check the path").format(path=ref), "no-sop-file", path=ref)
    for folder in search_path(sop_dirs):
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    known = sorted(p.stem for d in search_path(sop_dirs) if d.is_dir() for p in yaml_files(d))
    raise UserError(
        _("unknown SOP '{ref}'{hint}").format(ref=ref, hint=did_you_mean(ref, known)), "unknown-sop", ref=ref
    )


def discover_sops(sop_dirs: Sequence[str | Path] = ()) -> Iterator[Path]:
    """Every SOP file on the search path, the first of each id only."""
    seen: set[str] = set()
    for folder in search_path(sop_dirs):
        if folder.is_dir():
            for path in yaml_files(folder):
                if path.stem not in seen:
                    seen.add(path.stem)
                    yield path


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _(" (did you mean '{name}'?)").format(name=close[0]) if close else ""


# --- loading, with a cache of validated files ---------------------------------


def _cache_file(content: bytes) -> Path:
    import hashlib

    from platformdirs import user_cache_dir

    key = hashlib.sha256(content + f"\0{__version__}\0{SCHEMA_ID}".encode()).hexdigest()
    return Path(user_cache_dir("sop-runner")) / "validated" / f"{key}.json"


def load_sop(path: Path) -> SOP:
    """Read, validate and normalise an SOP file; raises InvalidSOP with every error.

    A file whose exact bytes were validated before is read from the cache,
    which skips PyYAML and jsonschema altogether.
    """
    try:
        content = path.read_bytes()
    except OSError as e:
        raise UserError(
            _("cannot read {path}: {reason}").format(path=path, reason=e.strerror), "unreadable", path=str(path)
        ) from None
    source = content.decode("utf-8", errors="replace")
    cached = _cache_file(content)
    try:
        return SOP(json.loads(cached.read_text(encoding="utf-8")), source)
    except (OSError, ValueError, KeyError):
        pass
    from .checks import check_file

    report = check_file(path)
    if report.errors:
        raise InvalidSOP(report.errors)
    sop = SOP(report.data, source)
    try:  # the cache is an optimisation: a read-only home must not break anything
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(report.data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cached)
    except OSError:
        pass
    return sop
