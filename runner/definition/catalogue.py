"""Finding SOP files by id, and loading them through a cache of validated files.

The cache lets the commands a clerk types all day skip YAML and jsonschema:
a file whose exact bytes were validated before is read back as JSON. The
cache lives outside the store, so it is never trusted blindly (see ``load``).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import InvalidSOP, UserError
from ..i18n import _
from .model import SCHEMA_ID, SOP

if TYPE_CHECKING:
    from pathlib import Path

MAX_SOP_BYTES = 1024 * 1024  # an SOP is a few kilobytes; anything this big is the wrong file


def _search_folders(sop_dirs: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Where SOP ids are looked up, first match wins: --sop-dir, $SOP_PATH, ./sop, shipped.

    Plain path strings: ``case show`` looks here on every start, and pathlib's import costs it."""
    from ..resources import resource_folder

    dirs = [os.fspath(d) for d in sop_dirs]
    dirs += [d for d in os.environ.get("SOP_PATH", "").split(os.pathsep) if d]
    if os.path.isdir("sop"):
        dirs.append("sop")
    dirs.append(resource_folder("sop"))
    return list(dict.fromkeys(os.path.realpath(d) for d in dirs))


def search_path(sop_dirs: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """Where SOP ids are looked up, first match wins: --sop-dir, $SOP_PATH, ./sop, shipped."""
    from pathlib import Path

    return [Path(d) for d in _search_folders(sop_dirs)]


def locate(sop_id: str, sop_dirs: Sequence[str | os.PathLike[str]] = ()) -> str | None:
    """The file of the SOP ``sop_id`` on the search path, or None."""
    for folder in _search_folders(sop_dirs):
        for suffix in (".yaml", ".yml"):
            candidate = os.path.join(folder, sop_id + suffix)
            if _is_file(candidate):
                return candidate
    return None


def yaml_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and _is_file(p))
    except OSError as e:
        from ..files import unreadable

        raise unreadable(folder, e) from None


def _is_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a regular file; a folder we may not look into is an error, not a "no"."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as e:
        from ..files import unreadable

        raise unreadable(path, e) from None


def find_sop(ref: str, sop_dirs: Sequence[str | os.PathLike[str]] = ()) -> Path:
    """The file of an SOP given by id or by path."""
    from pathlib import Path

    as_path = Path(ref)
    if as_path.suffix in (".yaml", ".yml") or os.sep in ref:
        if _is_file(as_path):
            return as_path
        raise UserError(_("no SOP file {path}; check the path").format(path=ref), "no-sop-file", path=ref)
    found = locate(ref, sop_dirs)
    if found is not None:
        return Path(found)
    known = sorted(p.stem for d in search_path(sop_dirs) if d.is_dir() for p in yaml_files(d))
    raise UserError(
        _("unknown SOP '{ref}'{hint}").format(ref=ref, hint=did_you_mean(ref, known)), "unknown-sop", ref=ref
    )


def discover_sops(sop_dirs: Sequence[str | os.PathLike[str]] = ()) -> Iterator[Path]:
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

_CACHE_LIMIT = 16 * 1024 * 1024  # a cached SOP is a few kilobytes of JSON


def _cache_file(content: bytes) -> Path:
    import hashlib
    from pathlib import Path

    from platformdirs import user_cache_dir

    key = hashlib.sha256(content + f"\0{__version__}\0{SCHEMA_ID}".encode()).hexdigest()
    return Path(user_cache_dir("sop-runner")) / "validated" / f"{key}.json"


def _from_cache(cached: Path, content: bytes, source: str) -> SOP | None:
    """The SOP a cache record holds, if the record is whole and is about exactly these bytes.

    A record names the sha256 of the file it was validated from and the digest
    of the data it holds; a record whose data or source do not match (edited,
    truncated, copied under another name) is not used, and the file is
    validated again.
    """
    from ..canonical import sha256_hex
    from ..files import read_regular

    try:
        record = json.loads(read_regular(cached, _CACHE_LIMIT, lambda size: UserError("")))
        if record["source"] != sha256_hex(content):
            return None
        sop = SOP(record["data"], source)
        return sop if sop.digest == record["digest"] else None
    except (UserError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no record, or a damaged one


def load_sop(path: Path) -> SOP:
    """Read, validate and normalise an SOP file; raises InvalidSOP with every error.

    A file whose exact bytes were validated before is read from the cache,
    which skips PyYAML and jsonschema altogether.
    """
    from .yamlsource import YAMLProblem, read_source

    try:
        content = read_source(path)
    except YAMLProblem as e:
        from .checks import Problem

        raise InvalidSOP([Problem(e.path, e.pos.line, e.pos.col, "error", e.message)]) from None
    source = content.decode("utf-8", errors="replace")
    cached = _cache_file(content)
    sop = _from_cache(cached, content, source)
    if sop is not None:
        return sop
    from .checks import check_source

    report = check_source(content, str(path))  # the very bytes the cache key is made of
    if report.errors:
        raise InvalidSOP(report.errors)
    sop = SOP(report.data, source)
    _remember(cached, content, sop)
    return sop


def _remember(cached: Path, content: bytes, sop: SOP) -> None:
    from ..canonical import sha256_hex
    from ..files import write_file

    record = {"source": sha256_hex(content), "digest": sop.digest, "data": sop.raw}
    try:  # the cache is an optimisation: a read-only home must not break anything
        cached.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_file(cached, json.dumps(record, ensure_ascii=False).encode(), private=True)
    except (OSError, UserError):
        pass
