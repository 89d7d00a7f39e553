"""Finding SOP files by id, and loading them through a cache of validated files.

The cache lets the commands a clerk types all day skip YAML and jsonschema:
a file whose exact bytes were validated before is read back as JSON. The
cache lives outside the store, so it is never trusted blindly (see ``load``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .. import __version__
from ..canonical import sha256_hex
from ..errors import InvalidSOP, UserError
from ..files import read_regular, write_file
from ..i18n import _
from ..resources import resource_folder
from .model import SCHEMA_ID, SOP
from .shared import did_you_mean, is_file, yaml_files

if TYPE_CHECKING:
    from pathlib import Path


def _search_folders(sop_dirs: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Where SOP ids are looked up, first match wins: --sop-dir, $SOP_PATH, ./sop, shipped.

    Plain path strings: ``case show`` looks here on every start, and pathlib's import costs it."""
    dirs = [os.fspath(d) for d in sop_dirs]
    dirs += [d for d in os.environ.get("SOP_PATH", "").split(os.pathsep) if d]
    if os.path.isdir("sop"):
        dirs.append("sop")
    dirs.append(resource_folder("sop"))
    return list(dict.fromkeys(os.path.realpath(d) for d in dirs))


def search_path(sop_dirs: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """Where SOP ids are looked up, first match wins: --sop-dir, $SOP_PATH, ./sop, shipped."""
    from pathlib import Path  # case show never comes here, and pathlib costs every start

    return [Path(d) for d in _search_folders(sop_dirs)]


def locate(sop_id: str, sop_dirs: Sequence[str | os.PathLike[str]] = ()) -> str | None:
    """The file of the SOP ``sop_id`` on the search path, or None."""
    for folder in _search_folders(sop_dirs):
        for suffix in (".yaml", ".yml"):
            candidate = os.path.join(folder, sop_id + suffix)
            if is_file(candidate):
                return candidate
    return None


def find_sop(ref: str, sop_dirs: Sequence[str | os.PathLike[str]] = ()) -> Path:
    """The file of an SOP given by id or by path."""
    from pathlib import Path  # case show never comes here, and pathlib costs every start

    as_path = Path(ref)
    if as_path.suffix in (".yaml", ".yml") or os.sep in ref:
        if is_file(as_path):
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


def pelaksana_names(sop_dirs: Sequence[str | os.PathLike[str]] = ()) -> dict[str, str]:
    """pelaksana id -> its nama ("camat" -> "Camat"), from the valid SOPs on the search path (the first that
    names it): a post is named by the pelaksana's nama, as people write it ("Plh. Camat"), not by its id."""
    found: dict[str, str] = {}
    for path in discover_sops(sop_dirs):
        try:
            sop = load_sop(path)
        except (UserError, OSError):  # an invalid file is `sop validate`'s to report
            continue
        for p in sop.pelaksana:
            found.setdefault(p.id, p.nama)
    return found


# --- loading, with a cache of validated files ---------------------------------

_CACHE_LIMIT = 16 * 1024 * 1024  # a cached SOP is a few kilobytes of JSON


def _cache_file(content: bytes) -> Path:
    import hashlib  # OpenSSL, pathlib and platformdirs: only loading an SOP, not case show
    from pathlib import Path

    from platformdirs import user_cache_dir  # only loading an SOP needs these, not case show

    key = hashlib.sha256(content + f"\0{__version__}\0{SCHEMA_ID}".encode()).hexdigest()
    return Path(user_cache_dir("sop-runner")) / "validated" / f"{key}.json"


def _from_cache(cached: Path, content: bytes, source: str) -> SOP | None:
    """The SOP a cache record holds, if the record is whole and is about exactly these bytes.

    A record names the sha256 of the file it was validated from and the digest
    of the data it holds; a record whose data or source do not match (edited,
    truncated, copied under another name) is not used, and the file is
    validated again.
    """
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
    from .yamlsource import YAMLProblem, read_source  # PyYAML: only a file not yet cached is parsed

    try:
        content = read_source(path)
    except YAMLProblem as e:
        from .checks import Problem  # the validator (jsonschema, PyYAML) only when a file is bad

        raise InvalidSOP([Problem(e.path, e.pos.line, e.pos.col, "error", e.message)]) from None
    source = content.decode("utf-8", errors="replace")
    cached = _cache_file(content)
    sop = _from_cache(cached, content, source)
    if sop is not None:
        sop.folder = os.path.dirname(os.fspath(path))
        return sop
    from .checks import check_source  # the validator (jsonschema, PyYAML) only for a file not yet cached

    report = check_source(content, str(path))  # the very bytes the cache key is made of
    if report.errors:
        raise InvalidSOP(report.errors)
    sop = SOP(report.data, source)
    sop.folder = os.path.dirname(os.fspath(path))
    _remember(cached, content, sop)
    return sop


def _remember(cached: Path, content: bytes, sop: SOP) -> None:
    record = {"source": sha256_hex(content), "digest": sop.digest, "data": sop.raw}
    try:  # the cache is an optimisation: a read-only home must not break anything
        cached.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_file(cached, json.dumps(record, ensure_ascii=False).encode(), private=True)
    except (OSError, UserError):
        pass
