"""The SOP as the rest of the program sees it: validated, normalised, immutable.

``SOP(raw)`` trusts its input: it was validated by ``checks`` when the file
was read, or stored with a case after that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..canonical import canonical_json, sha256_hex
from ..record import Record

if TYPE_CHECKING:
    from .waktu import Waktu

END = "end"
SCHEMA_ID = "https://sop-runner.example/schema/sop/format-1.json"


class Signature(Record):
    """Who signed an SOP version and when, as its identity page prints it (from the case store's pengesahan)."""

    jabatan: str  # "Camat", or "Plh. Camat" when an acting appointment signed
    nama: str
    nip: str | None
    signed_on: str  # YYYY-MM-DD


class Pelaksana(Record):
    id: str
    nama: str
    singkatan: str | None = None

    @property
    def label(self) -> str:
        """The column header: the short name when there is one."""
        return self.singkatan or self.nama


class Decision(Record):
    question: str | None  # None: the diamond carries no question, as on most signed SOPs
    outcomes: dict[str, str]  # outcome name -> step id or "end"
    # what each outcome's arrow says, as printed: None, the outcome names; else those it names (false: none)
    labels: dict[str, str] | None = None

    def label(self, outcome: str) -> str | None:
        """What the arrow of ``outcome`` says on the chart, as written: its name by default, or none."""
        return outcome if self.labels is None else self.labels.get(outcome)


class Step(Record):
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

    @property
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


class Calendar(Record):
    timezone: str = "Asia/Jakarta"
    hours: str = "08:00-16:00"
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: str | None = "ID"
    extra_holidays: tuple[str, ...] = ()


class SOP:
    """One SOP definition, normalised: ``SOP(raw)`` from the validated data of its file.

    Plain classes and named tuples rather than dataclasses here: this module is
    on the path of every ``sop case show``, and dataclass creation costs start-up.
    """

    def __init__(self, raw: dict[str, Any], source: str | None = None) -> None:
        self.raw = raw
        self.source = source  # the YAML text it was read from, when known
        self.folder: str | None = None  # the folder of the file it was read from: where its logo is
        self.id: str = raw["id"]
        self.version: str = raw["version"]
        self.nama: str = raw["nama"]
        self.unit: str | None = raw.get("unit")
        self.instansi: str | None = raw.get("instansi")
        self.identity: dict[str, Any] | None = raw.get("identity")
        # who may cancel its cases besides administrators; None: the holders of the current step's post
        self.cancel_by: tuple[str, ...] | None = tuple(raw["cancel_by"]) if "cancel_by" in raw else None
        # whose holders get the list of its overdue cases each morning (sop notify); none by default
        self.pengawas: tuple[str, ...] = tuple(raw.get("pengawas", ()))
        self.pelaksana = tuple(Pelaksana(p["id"], p["nama"], p.get("singkatan")) for p in raw["pelaksana"])
        cal = raw.get("calendar", {})
        self.calendar = Calendar(
            timezone=cal.get("timezone", Calendar._field_defaults["timezone"]),
            hours=cal.get("hours", Calendar._field_defaults["hours"]),
            days=tuple(cal.get("days", Calendar._field_defaults["days"])),
            holidays=cal.get("holidays", Calendar._field_defaults["holidays"]),
            extra_holidays=tuple(cal.get("extra_holidays", ())),
        )
        items = raw["steps"]
        steps = []
        for i, s in enumerate(items):
            decision = None
            if "decision" in s:
                d = s["decision"]
                labels = d.get("labels")
                decision = Decision(
                    d.get("question"), dict(d["outcomes"]), None if labels is None else dict(labels or {})
                )
            following = items[i + 1]["id"] if i + 1 < len(items) else END
            steps.append(
                Step(
                    no=i + 1,
                    id=s["id"],
                    uraian=s["uraian"],
                    pelaksana=tuple(_as_list(s["pelaksana"])),
                    waktu=s["waktu"],
                    kelengkapan=tuple(_as_list(s.get("kelengkapan", ()))),
                    output=tuple(_as_list(s.get("output", ()))),
                    keterangan=s.get("keterangan"),
                    next=None if decision else s.get("next", following),
                    decision=decision,
                )
            )
        self.steps = tuple(steps)

    def __repr__(self) -> str:
        return f"SOP({self.id!r}, version={self.version!r})"

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

    @property
    def signer_post(self) -> str | None:
        """The pelaksana id whose holder signs this SOP: the one its ``identity.disahkan_oleh.jabatan``
        names (by id, nama or singkatan); None when the identity names none of its pelaksana.
        postgres.sql's sop_sahkan finds it the same way."""
        jabatan = ((self.identity or {}).get("disahkan_oleh") or {}).get("jabatan")
        if not jabatan:
            return None
        wanted = normal(jabatan)
        for p in self.pelaksana:
            if wanted in {normal(p.id), normal(p.nama), normal(p.singkatan or "")}:
                return p.id
        return None

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Step id -> step number (its position, 1-based)."""
        return {s.id: s.no for s in self.steps}

    @cached_property
    def canonical(self) -> str:
        """The definition as canonical JSON: what a case stores and what its hash covers."""
        return canonical_json(self.raw)

    @cached_property
    def digest(self) -> str:
        return sha256_hex(self.canonical)

    def to_json(self) -> dict[str, Any]:
        """The ``show --json`` shape of the contract."""
        return {
            "id": self.id,
            "nama": self.nama,
            "version": self.version,
            "unit": self.unit,
            "instansi": self.instansi,
            "identity": self.identity,
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
                        {
                            "question": s.decision.question,
                            "outcomes": dict(s.decision.outcomes),
                            "labels": {o: s.decision.label(o) for o in s.decision.outcomes},
                        }
                        if s.decision
                        else None
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
