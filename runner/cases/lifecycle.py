"""An SOP's life in the store: its versions, which of them are disahkan, and which is in force when.

A version is disahkan by the holder of the post its identity names; it is in force from its
tanggal_efektif until the next version's, the day that one takes force and this one is dicabut.
An SOP with no version disahkan in a store is run as before: on whatever version a case starts with.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..definition import SOP
from ..i18n import N_, _
from ..record import Record
from ..store import PengesahanRow, PersonRow, post_title

# the states of a version, as JSON says them, and in words
STATES = {
    "in-force": N_("in force"),
    "dicabut": N_("dicabut"),
    "not-yet-in-force": N_("not yet in force"),
    "not-disahkan": N_("not disahkan"),
}


class VersionStatus(Record):
    """One version of an SOP: in a file, in the store, disahkan or not, and when in force."""

    version: str
    digest: str
    in_file: bool  # the SOP file found has this text
    in_store: bool  # the case store keeps this text (cases ran, or it was disahkan)
    pengesahan: PengesahanRow | None
    signed_by: str | None  # "Camat: Drs. Budi Santoso", or "Plh. Camat: ..."
    in_force_from: str | None  # YYYY-MM-DD
    in_force_until: str | None  # YYYY-MM-DD: the day it was (or will be) dicabut
    state: str  # a key of STATES

    @property
    def state_word(self) -> str:
        return _(STATES[self.state])

    def to_json(self) -> dict[str, Any]:
        p = self.pengesahan
        return {
            "version": self.version,
            "digest": self.digest,
            "in_file": self.in_file,
            "in_store": self.in_store,
            "state": self.state,
            "nomor": p.nomor if p else None,
            "signer": p.signer if p else None,
            "signed_by": self.signed_by,
            "acting": p.acting if p else None,
            "signed_on": p.signed_on if p else None,
            "recorded_by": p.recorded_by if p else None,
            "in_force_from": self.in_force_from,
            "in_force_until": self.in_force_until,
        }


class SopStatus(Record):
    """Every version of one SOP, and the one in force today."""

    id: str
    nama: str
    disahkan: bool  # some version is disahkan in this store: cases start only on the one in force
    in_force: str | None  # the version in force today
    evaluation_due: str | None  # YYYY-MM-DD: the next yearly evaluation of the version in force
    versions: tuple[VersionStatus, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "nama": self.nama,
            "disahkan": self.disahkan,
            "in_force": self.in_force,
            "evaluation_due": self.evaluation_due,
            "versions": [v.to_json() for v in self.versions],
        }


def _anniversary(since: str, today: str) -> str:
    """The first anniversary of ``since`` on or after ``today`` (an SOP is evaluated every year)."""
    start, now = date.fromisoformat(since), date.fromisoformat(today)
    year = max(start.year + 1, now.year)
    while True:
        try:
            due = start.replace(year=year)
        except ValueError:  # 29 February
            due = date(year, 2, 28)
        if due >= now:
            return due.isoformat()
        year += 1


def statuses(
    files: list[SOP],
    stored: list[SOP],
    signed: list[PengesahanRow],
    people: dict[str, PersonRow],
    today: str,
) -> list[SopStatus]:
    """The status of every SOP found in files or kept in the store, by id."""
    by_id: dict[str, dict[str, tuple[SOP, bool, bool]]] = {}
    for sop, in_file in [(s, True) for s in files] + [(s, False) for s in stored]:
        versions = by_id.setdefault(sop.id, {})
        _old, was_file, was_store = versions.get(sop.digest, (sop, False, False))
        versions[sop.digest] = (sop, was_file or in_file, was_store or not in_file)
    result = []
    for sop_id in sorted(by_id | {p.sop: {} for p in signed}):
        mine = sorted((p for p in signed if p.sop == sop_id), key=lambda p: p.tanggal_efektif)
        known = by_id.get(sop_id, {})
        current = next((p for p in reversed(mine) if p.tanggal_efektif <= today), None)
        rows = []
        for digest, (sop, in_file, in_store) in known.items():
            p = next((q for q in mine if q.digest == digest), None)
            if p is None:
                rows.append(
                    VersionStatus(sop.version, digest, in_file, in_store, None, None, None, None, "not-disahkan")
                )
                continue
            later = [q for q in mine if q.tanggal_efektif > p.tanggal_efektif]
            until = later[0].tanggal_efektif if later else None
            state = (
                "not-yet-in-force"
                if p.tanggal_efektif > today
                else "dicabut"
                if until is not None and until <= today
                else "in-force"
            )
            rows.append(
                VersionStatus(
                    sop.version,
                    digest,
                    in_file,
                    in_store,
                    p,
                    _signed_by(sop, p, people),
                    p.tanggal_efektif,
                    until,
                    state,
                )  # fmt: skip
            )
        rows.sort(key=lambda v: (v.in_force_from or "9999", v.version))
        nama = next(iter(known.values()))[0].nama if known else sop_id
        result.append(
            SopStatus(
                sop_id,
                nama,
                bool(mine),
                current.version if current else None,
                _anniversary(current.tanggal_efektif, today) if current else None,
                tuple(rows),
            )
        )
    return result


def _signed_by(sop: SOP, p: PengesahanRow, people: dict[str, PersonRow]) -> str:
    person = people.get(p.signer)
    nama = person.nama if person else p.signer
    try:
        label = sop.pelaksana_by_id(p.jabatan).label
    except StopIteration:
        return nama
    return f"{post_title(label, p.acting)}: {nama}"
