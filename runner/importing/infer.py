"""From the rows found to the steps of a draft: who does each step, its mutu baku, its decision.

Every choice that is not read plainly from a cell is a guess with a reason and a
confidence (0 to 1), so that the draft marks it and the report names it. A
step's pelaksana is the role whose column holds a mark or a symbol; without
one (text pasted from Word loses the drawn symbols) the role the uraian names
as its subject, less sure; without that, no pelaksana at all (``...``, which the
validator flags). A decision's targets are never guessed into the file: the
draft holds ``...`` for each, and the comment proposes the step the text names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..definition.waktu import WaktuError, parse
from ..i18n import _
from .grid import Where
from .table import KELENGKAPAN, KET, OUTPUT, URAIAN, WAKTU, Found, Role, Row, norm

TODO = "..."  # what the draft holds where a person must decide; the validator refuses it

# the long forms of a position and their short word, as uraian and headers mix them
_SHORT = [
    ("ketentraman dan ketertiban umum", "trantib"),
    ("ketenteraman dan ketertiban umum", "trantib"),
    ("ketentraman dan ketertiban", "trantib"),
    ("kepala seksi", "kasi"),
    ("kepala sub bagian", "kasubag"),
    ("kepala subbagian", "kasubag"),
    ("kasubbag", "kasubag"),
    ("kepala bidang", "kabid"),
    ("kepala satuan", "kasat"),
    ("kepala dinas", "kadis"),
    ("sekretaris camat", "sekcam"),
    ("komandan regu", "danru"),
    ("komandan", "danru"),
]
# a header that abbreviates a position, written out for its nama
_LONG = {
    "kasi": "Kepala Seksi",
    "kabid": "Kepala Bidang",
    "kasubag": "Kepala Sub Bagian",
    "kasubbag": "Kepala Sub Bagian",
    "kasat": "Kepala Satuan",
    "kadis": "Kepala Dinas",
    "sekcam": "Sekretaris Camat",
    "danru": "Komandan Regu (Danru)",
    "trantib": "Ketentraman dan Ketertiban Umum",
}
_DECISION_WORDS = re.compile(r"\b(apabila|jika|bila|tidak|ya|dikembalikan)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r",|;|\.|\b(lalu|kemudian|maka|selanjutnya)\b", re.IGNORECASE)
_STOP = {"dan", "dari", "yang", "untuk", "kepada", "ke", "di", "serta", "atau", "lalu", "kemudian", "oleh", "guna"}


def short(text: str) -> str:
    t = f" {norm(text)} "
    for long, word in _SHORT:
        t = t.replace(f" {long} ", f" {word} ")
    return t.strip()


def slug(text: str, default: str) -> str:
    words = re.findall(r"[a-z0-9]+", norm(text).replace("_", " "))
    s = "-".join(words)[:40].strip("-")
    if not s or not s[0].isalpha():
        s = f"{default}-{s}" if s else default
    return s


@dataclass
class Guess:
    what: str  # "pelaksana", "nama", "decision", ...
    text: str  # the comment: what was guessed and why


@dataclass
class Draft:
    """One step of the draft, with what the report says of it."""

    no: int
    id: str
    row: Row
    uraian: str
    pelaksana: list[str]
    reason: str
    confidence: float
    kelengkapan: list[str]
    waktu: str
    output: list[str]
    keterangan: str
    decision: dict[str, Any] | None = None
    guesses: dict[str, Guess] = field(default_factory=dict)  # YAML key -> its guess
    outcome_guesses: dict[str, str] = field(default_factory=dict)  # outcome -> comment
    notes: list[str] = field(default_factory=list)
    # a row of several activities (lettered a, b, c ... with a symbol each): its activities, and
    # its lead text (the uraian before "a."); the row keeps the mutu baku
    kegiatan: list[Draft] = field(default_factory=list)
    lead: str | None = None

    def to_json(self) -> dict[str, Any]:
        cells = {name: c.where.to_json() for name in self.row.fields if (c := self.row.cell(name)) is not None}
        return {
            "no": self.no,
            "id": self.id,
            "where": self.row.where.to_json(),
            "cells": cells,
            "read": {
                "uraian": self.uraian,
                "kelengkapan": self.row.text(KELENGKAPAN),
                "waktu": self.row.text(WAKTU),
                "output": self.row.text(OUTPUT),
            },
            "pelaksana": self.pelaksana,
            "reason": self.reason,
            "confidence": self.confidence,
            "decision": self.decision is not None,
            "guesses": {k: g.text for k, g in self.guesses.items()}
            | {f"outcome {k}": v for k, v in self.outcome_guesses.items()},
            "notes": self.notes,
            **({"kegiatan": [_activity_json(k) for k in self.kegiatan]} if self.kegiatan else {}),
        }


def _activity_json(d: Draft) -> dict[str, Any]:
    return {
        "id": d.id,
        "uraian": d.uraian,
        "pelaksana": d.pelaksana,
        "reason": d.reason,
        "confidence": d.confidence,
        "decision": d.decision is not None,
        "guesses": {k: g.text for k, g in d.guesses.items()}
        | {f"outcome {k}": v for k, v in d.outcome_guesses.items()},
    }


@dataclass
class Actor:
    id: str
    nama: str
    singkatan: str | None
    where: Where
    guess: str | None  # why the nama is not the header's words, if it is not


def actors(roles: list[Role]) -> list[Actor]:
    found: list[Actor] = []
    seen: set[str] = set()
    for i, role in enumerate(roles):
        pid = slug(role.name, "pelaksana")
        while pid in seen or pid == "end":
            pid = f"{pid}-{i + 1}"
        seen.add(pid)
        words = role.name.split()
        nama, guess = role.name, None
        if words and words[0].lower() in _LONG:
            nama = " ".join(_LONG.get(w.lower(), w) for w in words)
            guess = _("written out from the heading '{heading}'").format(heading=role.name)
        found.append(Actor(pid, nama, role.name if nama != role.name else None, role.where, guess))
    return found


def _subject(uraian: str, roles: list[Role], ids: list[str]) -> tuple[list[str], str, float]:
    text = short(uraian)
    best: tuple[int, int, int] | None = None  # (position, -length, role index)
    for i, role in enumerate(roles):
        key = short(role.name)
        if not key:
            continue
        m = re.search(rf"(?<![\w]){re.escape(key)}(?![\w])", text)
        if m and (best is None or (m.start(), -len(key)) < best[:2]):
            best = (m.start(), -len(key), i)
    if best is None:
        return [], _("no mark in a pelaksana column, and the uraian names none of them: choose"), 0.0
    pos, _length, i = best
    named = uraian.strip()[: max(len(roles[i].name), 40)]
    if pos == 0:
        return (
            [ids[i]],
            _("no mark in a pelaksana column; the uraian begins with its pelaksana '{role}'").format(
                role=roles[i].name
            ),
            0.7,
        )
    return (
        [ids[i]],
        _("no mark in a pelaksana column; the uraian names '{role}', though not as its subject ({start} ...)").format(
            role=roles[i].name, start=named
        ),
        0.4,
    )


def _items(text: str) -> tuple[list[str], bool]:
    """The items of a kelengkapan or output cell, and whether a 'dan' alone split them (a guess)."""
    parts = [p.strip() for p in re.split(r"[\n;,]", text)]
    items: list[str] = []
    for p in parts:
        p = re.sub(r"^(?:[-•*]|[a-z0-9][.)])\s+", "", p)
        p = re.sub(r"^(?:dan|serta)\s+", "", p, flags=re.IGNORECASE).strip()
        if p:
            items.append(p)
    by_dan = False
    if len(items) == 1 and re.search(r"\s(dan|serta)\s", items[0], re.IGNORECASE):
        items = [s.strip() for s in re.split(r"\s(?:dan|serta)\s", items[0], flags=re.IGNORECASE) if s.strip()]
        by_dan = True
    return items, by_dan


def _waktu(text: str) -> tuple[str, str | None]:
    """The waktu as the grammar writes it, and a note if it could not be read."""
    raw = " ".join(text.split())
    if not raw:
        return "-", _("no waktu in the table: '-' (no time standard) until one is written")
    lowered = raw.lower()
    try:
        parsed = parse(lowered)
    except WaktuError:
        return raw, _("the waktu '{text}' could not be read as a duration; kept as written").format(text=raw)
    return (raw if parsed.textual else lowered), None


def _question(uraian: str) -> tuple[str, bool]:
    """The question a decision's uraian asks, and whether it is about a correction."""
    m = re.search(r"\b(apabila|jika|bila)\b", uraian, re.IGNORECASE) or _DECISION_WORDS.search(uraian)
    if m is None:  # a diamond in the row, and no words of a branch: the activity is all there is to ask
        return " ".join(uraian.split())[:80].rstrip(" .") + "?", False
    start = m.end() if m.group(1).lower() in ("apabila", "jika", "bila") else m.start()
    rest = uraian[start:]
    end = _CLAUSE_END.search(rest)
    clause = " ".join((rest[: end.start()] if end else rest).split()).strip()
    if not clause:
        clause = " ".join(uraian.split())[:60]
    return clause[:1].upper() + clause[1:] + "?", "koreksi" in clause.lower() or "dikembalikan" in uraian.lower()


def steps(found: Found, ids: list[str]) -> list[Draft]:
    drafts: list[Draft] = []
    used: set[str] = {"end"}
    for row in found.rows:
        uraian = " ".join(row.text(URAIAN).split()) if "\n" not in row.text(URAIAN) else row.text(URAIAN)
        d = Draft(row.no, "", row, uraian, [], "", 0.0, [], "-", [], row.text(KET))
        # who: marks and symbols first
        marked = sorted({i for i in row.marks} | {i for i, _k in row.symbols})
        if marked:
            d.pelaksana = [ids[i] for i in marked]
            if row.symbols:
                kinds = ", ".join(sorted({k for _i, k in row.symbols}))
                d.reason = _("a drawn symbol ({kinds}) in the column of {roles}").format(
                    kinds=kinds, roles=", ".join(found.roles[i].name for i in marked)
                )
                d.confidence = 0.95
            else:
                cell = row.marks[marked[0]]
                d.reason = _("the mark '{mark}' in the column of {roles} ({where})").format(
                    mark=cell.text[:20], roles=", ".join(found.roles[i].name for i in marked), where=cell.where
                )
                d.confidence = 0.9
        else:
            d.pelaksana, d.reason, d.confidence = _subject(uraian or "", found.roles, ids)
            d.guesses["pelaksana"] = Guess("pelaksana", d.reason)
        # the id: the words after the subject
        rest = short(uraian)
        for role in found.roles:
            key = short(role.name)
            if key and rest.startswith(key + " "):
                rest = rest[len(key) + 1 :]
                break
        words = [w for w in rest.split() if w not in _STOP][:3]
        sid = slug(" ".join(words), "langkah") if words else f"langkah-{row.no}"
        base, k = sid, 2
        while sid in used:
            sid, k = f"{base}-{k}", k + 1
        used.add(sid)
        d.id = sid
        if not uraian:
            d.uraian = TODO
            d.guesses["uraian"] = Guess("uraian", _("the uraian cell is empty: write the activity"))
        # mutu baku
        for name in (KELENGKAPAN, OUTPUT):
            items, by_dan = _items(row.text(name))
            setattr(d, name, items)
            if by_dan:
                d.guesses[name] = Guess(name, _("split at 'dan' into {n} items").format(n=len(items)))
        d.waktu, note = _waktu(row.text(WAKTU))
        if note:
            d.guesses["waktu"] = Guess("waktu", note)
        # a decision: a diamond, or the words of a branch
        if any(k == "decision" for _i, k in row.symbols) or (uraian and _DECISION_WORDS.search(uraian)):
            question, correction = _question(uraian)
            names = ("disetujui", "koreksi") if correction else ("ya", "tidak")
            d.decision = {"question": question, "outcomes": {n: TODO for n in names}}
            why = (
                _("a decision symbol in the row")
                if any(k == "decision" for _i, k in row.symbols)
                else _("the uraian reads as a branch ('{word}')").format(word=_DECISION_WORDS.search(uraian).group(0))  # type: ignore[union-attr]
            )
            d.guesses["decision"] = Guess("decision", _("{why}: choose where each outcome leads").format(why=why))
        _split_row(d, found.roles, ids, used)
        drafts.append(d)
    _propose_targets(drafts, found.roles, ids)
    return drafts


_LETTER = re.compile(r"(?:^|(?<=[\s:;,]))([a-z])[.)]\s+")


def lettered(uraian: str) -> tuple[str, list[str]] | None:
    """The lead and the lettered parts of an uraian ("Menyusun ...: a. ... ; b. ... c. ..."), the
    letters in their order from a; None unless there are at least two."""
    found, expect = [], "a"
    for m in _LETTER.finditer(uraian):
        if m.group(1) == expect:
            found.append(m)
            expect = chr(ord(expect) + 1)
    if len(found) < 2:
        return None
    ends = [m.start() for m in found[1:]] + [len(uraian)]
    parts = [" ".join(uraian[m.end() : end].split()).rstrip(" ;,") for m, end in zip(found, ends, strict=True)]
    return " ".join(uraian[: found[0].start()].split()), parts


def _split_row(d: Draft, roles: list[Role], ids: list[str], used: set[str]) -> None:
    """A row whose uraian is lettered (a., b., c.) and that holds several symbols becomes a row of
    activities: each symbol one activity, in the order of the letters where a part names its
    symbol's pelaksana as its subject, else in the symbols' order; the mutu baku stays the row's."""
    split = lettered(d.uraian)
    acts = list(d.row.symbols)
    if split is None or len(acts) < 2:
        return
    lead, parts = split
    # pin the parts whose subject is the pelaksana of one of the row's symbols
    act_roles = [roles[i] for i, _k in acts]
    act_ids = [ids[i] for i, _k in acts]
    pinned: dict[int, int] = {}  # part -> symbol
    for p, part in enumerate(parts):
        who, _why, confidence = _subject(part, act_roles, act_ids)
        if confidence >= 0.7:
            free = [a for a, (i, _k) in enumerate(acts) if ids[i] == who[0] and a not in pinned.values()]
            if free:
                pinned[p] = free[0]
    rest = [a for a in range(len(acts)) if a not in pinned.values()]
    order: list[tuple[int | None, int]] = []  # (part or None, symbol)
    for p in range(len(parts)):
        if p in pinned:
            order.append((p, pinned[p]))
        elif rest:
            order.append((p, rest.pop(0)))
    order += [(None, a) for a in rest]  # more symbols than lettered parts: activities to describe
    d.lead = lead or None
    d.guesses.pop("decision", None)
    d.decision = None
    for n, (which, a) in enumerate(order):
        role, kind = acts[a]
        letter = chr(ord("a") + n)
        text = parts[which] if which is not None else TODO
        said = short(text)
        key = short(roles[role].name)
        if key and said.startswith(key + " "):  # as a step's id: the words after its subject
            said = said[len(key) + 1 :]
        words = [w for w in said.split() if w not in _STOP][:3] if which is not None else []
        sid = slug(" ".join(words), f"{d.id}-{letter}") if words else f"{d.id}-{letter}"
        base, k = sid, 2
        while sid in used:
            sid, k = f"{base}-{k}", k + 1
        used.add(sid)
        sub = Draft(d.no, sid, d.row, text, [ids[role]], "", 0.0, [], d.waktu, [], "")
        if which is not None and pinned.get(which) == a:
            sub.reason = _("a drawn symbol ({kind}) in the column of {role}, whom part {letter}. names").format(
                kind=kind, role=roles[role].name, letter=chr(ord("a") + which)
            )
            sub.confidence = 0.9
        else:
            sub.reason = _(
                "symbol {n} of the row ({kind}, in the column of {role}), taken as activity {letter}."
            ).format(n=a + 1, kind=kind, role=roles[role].name, letter=letter)
            sub.confidence = 0.6
            sub.guesses["pelaksana"] = Guess("pelaksana", sub.reason)
        if which is None:
            sub.guesses["uraian"] = Guess(
                "uraian", _("the row has more symbols than lettered parts: write this activity")
            )
        if kind == "decision":
            question, correction = _question(text)
            names = ("disetujui", "koreksi") if correction else ("ya", "tidak")
            sub.decision = {"question": question, "outcomes": {o: TODO for o in names}}
            sub.guesses["decision"] = Guess(
                "decision", _("a decision symbol in the row: choose where each outcome leads")
            )
        d.kegiatan.append(sub)


def _propose_targets(drafts: list[Draft], roles: list[Role], ids: list[str]) -> None:
    """For each draft decision, the steps its outcomes likely lead to: comments only, never the file's targets."""
    for n, d in enumerate(drafts):
        _propose_inside(d, drafts[n + 1] if n + 1 < len(drafts) else None)
        if d.decision is None:
            continue
        yes, no = list(d.decision["outcomes"])
        after = drafts[n + 1] if n + 1 < len(drafts) else None
        d.outcome_guesses[yes] = (
            _("perhaps '{id}' (step {no}, the next one)").format(id=after.id, no=after.no)
            if after
            else _("perhaps 'end' (the last step)")
        )
        back = None
        text = short(d.uraian)
        # the one the work came from, or is sent back to, is where a correction returns
        for pattern in (r"\bdikembalikan\s+(?:kepada|ke)\s+{key}\b", r"\bdari\s+{key}\b"):
            for i, role in enumerate(roles):
                key = short(role.name)
                if key and re.search(pattern.format(key=re.escape(key)), text):
                    back = next((p for p in reversed(drafts[:n]) if ids[i] in p.pelaksana), None)
                    if back:
                        break
            if back:
                break
        d.outcome_guesses[no] = (
            _("perhaps '{id}' (step {no}, whose pelaksana the uraian names)").format(id=back.id, no=back.no)
            if back
            else _("the uraian names no step to go back to: choose")
        )


def _propose_inside(row: Draft, after: Draft | None) -> None:
    """A decision among a row's activities: on, to the next activity (or the next row); back, to
    the activity before it in the row, as the loops of signed SOPs return inside the row."""
    for k, d in enumerate(row.kegiatan):
        if d.decision is None:
            continue
        yes, no = list(d.decision["outcomes"])
        if k + 1 < len(row.kegiatan):
            following = row.kegiatan[k + 1]
            d.outcome_guesses[yes] = _("perhaps '{id}' (activity {label}, the next one)").format(
                id=following.id, label=f"{row.no}{chr(ord('a') + k + 1)}"
            )
        elif after is not None:
            d.outcome_guesses[yes] = _("perhaps '{id}' (step {no}, the next one)").format(id=after.id, no=after.no)
        else:
            d.outcome_guesses[yes] = _("perhaps 'end' (the last step)")
        back = next((p for p in reversed(row.kegiatan[:k]) if p.pelaksana != d.pelaksana), None)
        d.outcome_guesses[no] = (
            _("perhaps '{id}' (activity {label}, before it in the row)").format(
                id=back.id, label=f"{row.no}{chr(ord('a') + row.kegiatan.index(back))}"
            )
            if back
            else _("the uraian names no step to go back to: choose")
        )
