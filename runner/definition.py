"""The SOP as the rest of the program sees it: validated, normalised, immutable.

``SOP.from_dict`` trusts its input (it was validated by ``checks`` when the file
was read, or stored with a case after that). Finding SOP files by id and the
cache of validated files live here too, so that commands a clerk types all
day need neither YAML nor jsonschema.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import UserError
from .i18n import _

if TYPE_CHECKING:
    from .waktu import Waktu

END = "end"
SCHEMA_ID = "https://sop-runner.example/schema/sop/format-1.json"


@dataclass(frozen=True)
class Pelaksana:
    id: str
    nama: str
    singkatan: str | None = None

    @property
    def label(self) -> str:
        """The column header: the short name when there is one."""
        return self.singkatan or self.nama


@dataclass(frozen=True)
class Decision:
    question: str
    outcomes: dict[str, str]  # outcome name -> step id or "end"


@dataclass(frozen=True)
class Step:
    no: int
    id: str
    uraian: str
    pelaksana: tuple[str, ...]
    waktu: str
    kelengkapan: tuple[str, ...] = ()
    output: tuple[str, ...] = ()
    keterangan: str | None = None
    next: str | None = None  # resolved: a step id or "end"; None on a decision step
    decision: Decision | None = None

    @cached_property
    def duration(self) -> Waktu:
        from .waktu import parse  # only deadlines need it, and its regex costs every start

        return parse(self.waktu)

    def missing(self, available: Iterable[str]) -> list[str]:
        """The kelengkapan not yet at hand, given the normalised names of what is."""
        have = set(available)
        return [k for k in self.kelengkapan if normal(k) not in have]

    @property
    def targets(self) -> list[str]:
        """Every step id (or "end") this step can lead to."""
        if self.decision:
            return list(dict.fromkeys(self.decision.outcomes.values()))
        return [self.next or END]


@dataclass(frozen=True)
class Calendar:
    timezone: str = "Asia/Jakarta"
    hours: str = "08:00-16:00"
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: str | None = "ID"
    extra_holidays: tuple[str, ...] = ()


@dataclass(frozen=True)
class SOP:
    id: str
    version: str
    nama: str
    pelaksana: tuple[Pelaksana, ...]
    steps: tuple[Step, ...]
    unit: str | None = None
    instansi: str | None = None
    calendar: Calendar = field(default_factory=Calendar)
    identity: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    source: str | None = field(default=None, compare=False, repr=False)  # the YAML text it was read from

    @classmethod
    def from_dict(cls, raw: dict[str, Any], source: str | None = None) -> SOP:
        items = raw["steps"]
        steps = []
        for i, s in enumerate(items):
            decision = None
            if "decision" in s:
                d = s["decision"]
                decision = Decision(d["question"], dict(d["outcomes"]))
            following = items[i + 1]["id"] if i + 1 < len(items) else END
            steps.append(
                Step(
                    no=i + 1,
                    id=s["id"],
                    uraian=s["uraian"],
                    pelaksana=tuple(_as_list(s["pelaksana"])),
                    waktu=s["waktu"],
                    kelengkapan=tuple(s.get("kelengkapan", ())),
                    output=tuple(_as_list(s.get("output", ()))),
                    keterangan=s.get("keterangan"),
                    next=None if decision else s.get("next", following),
                    decision=decision,
                )
            )
        cal = raw.get("calendar", {})
        return cls(
            id=raw["id"],
            version=raw["version"],
            nama=raw["nama"],
            unit=raw.get("unit"),
            instansi=raw.get("instansi"),
            pelaksana=tuple(Pelaksana(p["id"], p["nama"], p.get("singkatan")) for p in raw["pelaksana"]),
            steps=tuple(steps),
            calendar=Calendar(
                timezone=cal.get("timezone", "Asia/Jakarta"),
                hours=cal.get("hours", "08:00-16:00"),
                days=tuple(cal.get("days", Calendar.days)),
                holidays=cal.get("holidays", "ID"),
                extra_holidays=tuple(cal.get("extra_holidays", ())),
            ),
            identity=raw.get("identity"),
            raw=raw,
            source=source,
        )

    @cached_property
    def _by_id(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}

    def step(self, step_id: str) -> Step:
        return self._by_id[step_id]

    @property
    def first(self) -> Step:
        return self.steps[0]

    def pelaksana_by_id(self, pid: str) -> Pelaksana:
        return next(p for p in self.pelaksana if p.id == pid)

    @cached_property
    def canonical(self) -> str:
        """The definition as canonical JSON: what a case stores and what its hash covers."""
        return json.dumps(self.raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @cached_property
    def digest(self) -> str:
        import hashlib  # imported late: OpenSSL's start-up is felt by `sop case show`

        return hashlib.sha256(self.canonical.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """The ``show --json`` shape of the contract."""
        return {
            "id": self.id,
            "nama": self.nama,
            "version": self.version,
            "unit": self.unit,
            "instansi": self.instansi,
            "pelaksana": [{"id": p.id, "nama": p.nama, "singkatan": p.singkatan} for p in self.pelaksana],
            "steps": [
                {
                    "no": s.no,
                    "id": s.id,
                    "uraian": s.uraian,
                    "pelaksana": list(s.pelaksana),
                    "kelengkapan": list(s.kelengkapan),
                    "waktu": s.waktu,
                    "output": list(s.output),
                    "keterangan": s.keterangan,
                    "next": s.next,
                    "decision": (
                        {"question": s.decision.question, "outcomes": dict(s.decision.outcomes)} if s.decision else None
                    ),
                }
                for s in self.steps
            ],
        }


def normal(name: str) -> str:
    """Document names match regardless of case and spacing: 'surat  perintah' = 'Surat Perintah'."""
    return " ".join(name.split()).casefold()


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


# --- finding SOP files -------------------------------------------------------


def search_path(sop_dirs: Sequence[str | Path] = ()) -> list[Path]:
    """Where SOP ids are looked up, first match wins: --sop-dir, $SOP_PATH, ./sop, shipped."""
    from .resources import resource_dir

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


def find(ref: str, sop_dirs: Sequence[str | Path] = ()) -> Path:
    """The file of an SOP given by id or by path."""
    as_path = Path(ref)
    if as_path.suffix in (".yaml", ".yml") or os.sep in ref:
        if as_path.is_file():
            return as_path
        raise UserError(_("no SOP file {path}; check the path").format(path=ref))
    for folder in search_path(sop_dirs):
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    known = sorted(p.stem for d in search_path(sop_dirs) if d.is_dir() for p in yaml_files(d))
    raise UserError(
        _("unknown SOP '{ref}'{hint}; 'sop list' shows the SOPs found").format(ref=ref, hint=did_you_mean(ref, known))
    )


def discover(sop_dirs: Sequence[str | Path] = ()) -> Iterator[Path]:
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


def load(path: Path) -> SOP:
    """Read, validate and normalise an SOP file; raises InvalidSOP with every error.

    A file whose exact bytes were validated before is read from the cache,
    which skips PyYAML and jsonschema altogether.
    """
    try:
        content = path.read_bytes()
    except OSError as e:
        raise UserError(_("cannot read {path}: {reason}").format(path=path, reason=e.strerror)) from None
    source = content.decode("utf-8", errors="replace")
    cached = _cache_file(content)
    try:
        return SOP.from_dict(json.loads(cached.read_text(encoding="utf-8")), source)
    except (OSError, ValueError, KeyError):
        pass
    from .checks import check_file
    from .errors import InvalidSOP

    report = check_file(path)
    if report.errors:
        raise InvalidSOP(report.errors)
    sop = SOP.from_dict(report.data, source)
    try:  # the cache is an optimisation: a read-only home must not break anything
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(report.data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cached)
    except OSError:
        pass
    return sop
