"""What changed between two versions of an SOP: steps added, removed, moved, renamed, and what
changed in the steps that stayed (pelaksana, mutu baku, decisions, targets).

Steps are paired by id; what is left on each side is paired by its uraian (same text: the step
was renamed). A step is moved only when it left the order of the paired steps (the longest
common run of them stays put), so one inserted step does not make every later one "moved". A
step's target is compared only where a side writes it (a decision, or ``next``): a step that
goes on to the step after it does so in both versions, whatever step that now is.
"""

from __future__ import annotations

from typing import Any

from ..i18n import _
from ..record import Record
from .model import SOP, Step, normal


class Change(Record):
    kind: str  # see KINDS
    step: str | None  # the step's id in the new version (the old one's when removed); None: the SOP itself
    old_no: int | None  # the step's number in the old version
    new_no: int | None  # and in the new one
    old: Any = None  # the value before (a list, a text, a mapping)
    new: Any = None  # and after
    field: str | None = None  # for "identity": which field

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "step": self.step,
            "old_no": self.old_no,
            "new_no": self.new_no,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }

    def words(self) -> str:
        """The change in one line, in the reader's language."""
        at = _("step {no} ({id})").format(no=self.new_no or self.old_no, id=self.step)
        old, new = _shown(self.old), _shown(self.new)
        texts = {
            "version": _("version {old} -> {new}"),
            "nama": _("name: {old} -> {new}"),
            "identity": _("identity {field}: {old} -> {new}"),
            "pelaksana-added": _("pelaksana added: {new}"),
            "pelaksana-removed": _("pelaksana removed: {old}"),
            "step-added": _("{at} added: {new}"),
            "step-removed": _("step {no} ({id}) removed: {old}"),
            "step-renamed": _("{at} renamed from {old}"),
            "step-moved": _("{at} moved from number {old_no}"),
            "uraian": _("{at}: uraian changed"),
            "pelaksana": _("{at}: pelaksana {old} -> {new}"),
            "kelengkapan": _("{at}: kelengkapan {old} -> {new}"),
            "waktu": _("{at}: waktu {old} -> {new}"),
            "output": _("{at}: output {old} -> {new}"),
            "decision": _("{at}: decision {old} -> {new}"),
            "target": _("{at}: goes on to {old} -> {new}"),
        }
        return texts[self.kind].format(
            at=at, old=old, new=new, field=self.field, no=self.old_no, id=self.step, old_no=self.old_no
        )


KINDS = (
    "version", "nama", "identity", "pelaksana-added", "pelaksana-removed", "step-added", "step-removed",
    "step-renamed", "step-moved", "uraian", "pelaksana", "kelengkapan", "waktu", "output", "decision", "target",
)  # fmt: skip

# the identity fields a pengesahan reads, compared (the rest of the identity page is prose)
_IDENTITY = ("nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "disahkan_oleh")


class SopDiff(Record):
    old: SOP
    new: SOP
    changes: tuple[Change, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "old": {"id": self.old.id, "version": self.old.version, "digest": self.old.digest},
            "new": {"id": self.new.id, "version": self.new.version, "digest": self.new.digest},
            "same": not self.changes,
            "changes": [c.to_json() for c in self.changes],
        }


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def _pairs(old: SOP, new: SOP) -> tuple[dict[str, str], list[Step], list[Step]]:
    """old step id -> new step id (same id, or same uraian); the old steps left, the new ones left."""
    new_ids = {s.id for s in new.steps}
    pairs = {s.id: s.id for s in old.steps if s.id in new_ids}
    removed = [s for s in old.steps if s.id not in pairs]
    added = [s for s in new.steps if s.id not in pairs.values()]
    by_text = {normal(s.uraian): s for s in reversed(added)}
    for s in list(removed):
        twin = by_text.pop(normal(s.uraian), None)
        if twin is not None:
            pairs[s.id] = twin.id
            removed.remove(s)
            added.remove(twin)
    return pairs, removed, added


def _kept_in_order(sequence: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The longest increasing run of ``sequence`` (the new places (number, activity) of the paired
    steps, in old order)."""
    best: list[list[tuple[int, int]]] = []
    for n in sequence:
        runs = [r for r in best if r[-1] < n]
        longest: list[tuple[int, int]] = max(runs, key=len) if runs else []
        best.append([*longest, n])
    kept: list[tuple[int, int]] = max(best, key=len) if best else []
    return set(kept)


def _explicit_next(sop: SOP, step: Step) -> bool:
    raw = sop.raw["steps"][step.no - 1]
    return "next" in (raw["kegiatan"][step.sub - 1] if step.sub else raw)


def diff_sops(old: SOP, new: SOP) -> SopDiff:
    """What changed from ``old`` to ``new`` (two versions of one SOP, or any two SOPs)."""
    changes: list[Change] = []
    for kind, was, now in (("version", old.version, new.version), ("nama", old.nama, new.nama)):
        if was != now:
            changes.append(Change(kind, None, None, None, was, now))
    old_identity, new_identity = old.identity or {}, new.identity or {}
    for field in _IDENTITY:
        if old_identity.get(field) != new_identity.get(field):
            changes.append(
                Change("identity", None, None, None, old_identity.get(field), new_identity.get(field), field)
            )
    old_p, new_p = {p.id for p in old.pelaksana}, {p.id for p in new.pelaksana}
    changes += [Change("pelaksana-added", None, None, None, None, p) for p in sorted(new_p - old_p)]
    changes += [Change("pelaksana-removed", None, None, None, p, None) for p in sorted(old_p - new_p)]

    pairs, removed, added = _pairs(old, new)
    changes += [Change("step-removed", s.id, s.no, None, s.uraian, None) for s in removed]
    changes += [Change("step-added", s.id, None, s.no, None, s.uraian) for s in added]
    paired = [(s, new.step(pairs[s.id])) for s in old.steps if s.id in pairs]  # in the old order
    kept = _kept_in_order([(b.no, b.sub) for _a, b in paired])

    def target(t: str) -> str:  # an old target, named as the new version names it
        return pairs.get(t, t)

    for a, b in paired:
        at = (b.id, a.no, b.no)
        if a.id != b.id:
            changes.append(Change("step-renamed", *at, a.id, b.id))
        if (b.no, b.sub) not in kept:
            changes.append(Change("step-moved", *at, a.no, b.no))
        if normal(a.uraian) != normal(b.uraian):
            changes.append(Change("uraian", *at, a.uraian, b.uraian))
        row = b.sub <= 1  # a row's mutu baku is said once, at its first activity
        for kind, x, y in (
            ("pelaksana", list(a.pelaksana), list(b.pelaksana)),
            ("kelengkapan", list(a.kelengkapan), list(b.kelengkapan)),
            ("output", list(a.output), list(b.output)),
        ):
            if (row or kind == "pelaksana") and [normal(v) for v in x] != [normal(v) for v in y]:
                changes.append(Change(kind, *at, x, y))
        if row and normal(a.waktu) != normal(b.waktu):
            changes.append(Change("waktu", *at, a.waktu, b.waktu))
        old_d = {k: target(v) for k, v in a.decision.outcomes.items()} if a.decision else None
        new_d = dict(b.decision.outcomes) if b.decision else None
        reworded = (
            a.decision
            and b.decision
            and (a.decision.question, a.decision.labels)
            != (
                b.decision.question,
                b.decision.labels,
            )
        )
        if old_d != new_d or reworded:
            changes.append(Change("decision", *at, old_d, new_d))
        elif not a.decision and not b.decision and (_explicit_next(old, a) or _explicit_next(new, b)):
            if target(a.next or "end") != (b.next or "end"):
                changes.append(Change("target", *at, a.next, b.next))
    return SopDiff(old, new, tuple(changes))
