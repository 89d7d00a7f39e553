"""The YAML draft, in the style of ``sop new``: the modeline, comments, and every guess marked on its line.

The text is composed line by line (PyYAML keeps no comments); it is read back
with PyYAML before it is written, and must give exactly the data meant.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..i18n import _
from .infer import Actor, Draft

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`.][^\n#]*$")
_RESERVED = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}
_COMMENT_AT = 36  # the column comments start at, as in the skeleton


def scalar(text: str, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain where YAML reads it back as the same string, else double-quoted."""
    plain = (
        _PLAIN.match(text)
        and text == text.strip()
        and ": " not in text
        and not text.endswith(":")
        and text.lower() not in _RESERVED
        and not re.fullmatch(r"[-+]?[\d.,_:eE]+", text)
        and not (flow and re.search(r"[,\[\]{}]", text))
        and text.isprintable()
    )
    return text if plain else json.dumps(text, ensure_ascii=False)  # JSON's string is YAML's double-quoted one


def _comment(text: str) -> str:
    return " ".join(text.split())


def guess_mark(text: str) -> str:
    return _("guess: {what}").format(what=_comment(text))


class Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.guesses: list[tuple[int, str]] = []  # (line number, comment)

    def add(self, text: str, comment: str | None = None, guess: bool = False) -> None:
        if comment:
            note = guess_mark(comment) if guess else _comment(comment)
            text = f"{text.ljust(_COMMENT_AT)} # {note}" if len(text) < _COMMENT_AT else f"{text}  # {note}"
            if guess:
                self.guesses.append((len(self.lines) + 1, note))
        self.lines.append(text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _folded(key: str, text: str, indent: str, out: Lines, comment: str | None, guess: bool) -> None:
    """A long text as a folded block (``>-``), wrapped at words; its own line breaks kept with ``|-``."""
    if "\n" in text:
        out.add(f"{indent}{key}: |-", comment, guess)
        for line in text.split("\n"):
            out.add(f"{indent}  {line}")
        return
    if len(text) < 60 or not text.isprintable() or text != text.strip() or "  " in text:
        out.add(f"{indent}{key}: {scalar(text)}", comment, guess)
        return
    out.add(f"{indent}{key}: >-", comment, guess)
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > 78 - len(indent):
            out.add(f"{indent}  {line}")
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.add(f"{indent}  {line}")


def _pelaksana(d: Draft, indent: str, out: Lines) -> str | list[str]:
    g = d.guesses.get("pelaksana")
    if not d.pelaksana:
        out.add(f"{indent}pelaksana: ...", g.text if g else None, g is not None)
        return "..."
    shown = d.pelaksana[0] if len(d.pelaksana) == 1 else "[" + ", ".join(d.pelaksana) + "]"
    why = _("{why} (confidence {n})").format(why=g.text, n=f"{d.confidence:.1f}") if g else None
    out.add(f"{indent}pelaksana: {shown}", why, g is not None)
    return d.pelaksana[0] if len(d.pelaksana) == 1 else list(d.pelaksana)


def _decision(d: Draft, indent: str, out: Lines) -> dict[str, Any]:
    assert d.decision is not None
    g = d.guesses["decision"]
    out.add(f"{indent}decision:", g.text, guess=True)
    out.add(f"{indent}  question: {scalar(d.decision['question'])}", _("from the uraian"), guess=True)
    out.add(f"{indent}  outcomes:")
    for name, target in d.decision["outcomes"].items():
        out.add(f"{indent}    {name}: {target}", d.outcome_guesses.get(name), guess=True)
    return {"question": d.decision["question"], "outcomes": dict(d.decision["outcomes"])}


def _row(d: Draft, out: Lines) -> dict[str, Any]:
    """A row of several activities: its id and lead, its activities (each with its pelaksana and
    decision), then the row's one mutu baku."""
    row: dict[str, Any] = {"id": d.id}
    out.add(f"  # {d.no}: {d.row.where}")
    out.add(f"  - id: {d.id}", _("a row of {n} activities under one mutu baku").format(n=len(d.kegiatan)))
    if d.lead:
        row["uraian"] = d.lead
        _folded("uraian", d.lead, "    ", out, None, False)
    out.add("    kegiatan:")
    row["kegiatan"] = []
    for k in d.kegiatan:
        act: dict[str, Any] = {"id": k.id, "uraian": k.uraian}
        out.add(f"      - id: {k.id}")
        g = k.guesses.get("uraian")
        _folded("uraian", k.uraian, "        ", out, g.text if g else None, g is not None)
        act["pelaksana"] = _pelaksana(k, "        ", out)
        if k.decision is not None:
            act["decision"] = _decision(k, "        ", out)
        row["kegiatan"].append(act)
    for key in ("kelengkapan", "waktu", "output"):
        value = getattr(d, key)
        g = d.guesses.get(key)
        if key == "waktu":
            row[key] = value
            out.add(f"    waktu: {scalar(value)}", g.text if g else None, g is not None)
        elif value:
            row[key] = list(value)
            out.add(
                f"    {key}: [{', '.join(scalar(v, flow=True) for v in value)}]", g.text if g else None, g is not None
            )
    if d.keterangan:
        row["keterangan"] = d.keterangan
        _folded("keterangan", d.keterangan, "    ", out, None, False)
    return row


def compose(
    sop_id: str,
    schema: str,
    source: str,
    head: dict[str, tuple[str, str | None]],
    actors: list[Actor],
    drafts: list[Draft],
    kolom: dict[str, str] | None = None,
) -> tuple[str, list[tuple[int, str]], dict[str, Any]]:
    """The draft's text, its guesses (line, comment), and the data it must read back as."""
    out = Lines()
    data: dict[str, Any] = {"format": 1, "id": sop_id, "version": "0.1"}
    out.add(f"# yaml-language-server: $schema={schema}")
    out.add("#")
    out.add("# " + _comment(_("Imported by 'sop import' from {source}.").format(source=source)))
    out.add(
        "# "
        + _("Check every line marked 'guess:', fill in every '...', then run: sop validate {path}").format(
            path=f"sop/{sop_id}.yaml"
        )
    )
    out.add("# " + _("Each step is one row of the SOP table; the step number is its position."))
    out.add("format: 1")
    out.add(f"id: {sop_id}")
    out.add('version: "0.1"', _("the SOP's own revision, in quotes"))
    for key in ("nama", "unit", "instansi"):
        if key in head:
            value, why = head[key]
            data[key] = value
            out.add(f"{key}: {scalar(value)}", why, guess=why is not None)
    if kolom:
        out.add("")
        out.add("kolom:", _("the table's column headings, in the file's own words"))
        data["kolom"] = dict(kolom)
        for key, text in kolom.items():
            out.add(f"  {key}: {scalar(text)}")
    out.add("")
    out.add("pelaksana:", _("the swimlane columns, in order"))
    data["pelaksana"] = []
    for a in actors:
        entry: dict[str, Any] = {"id": a.id, "nama": a.nama}
        out.add(f"  - id: {a.id}", _("from the heading at {where}").format(where=a.where))
        out.add(f"    nama: {scalar(a.nama)}", a.guess, guess=a.guess is not None)
        if a.singkatan:
            entry["singkatan"] = a.singkatan
            out.add(f"    singkatan: {scalar(a.singkatan)}")
        data["pelaksana"].append(entry)
    out.add("")
    out.add("steps:")
    data["steps"] = []
    for d in drafts:
        if d.kegiatan:
            data["steps"].append(_row(d, out))
            out.add("")
            continue
        step: dict[str, Any] = {"id": d.id, "uraian": d.uraian}
        out.add(f"  # {d.no}: {d.row.where}")
        out.add(f"  - id: {d.id}")
        g = d.guesses.get("uraian")
        _folded("uraian", d.uraian, "    ", out, g.text if g else None, g is not None)
        g = d.guesses.get("pelaksana")
        if not d.pelaksana:
            step["pelaksana"] = "..."
            out.add("    pelaksana: ...", g.text if g else None, g is not None)
        else:
            step["pelaksana"] = d.pelaksana[0] if len(d.pelaksana) == 1 else list(d.pelaksana)
            shown = d.pelaksana[0] if len(d.pelaksana) == 1 else "[" + ", ".join(d.pelaksana) + "]"
            why = _("{why} (confidence {n})").format(why=g.text, n=f"{d.confidence:.1f}") if g else None
            out.add(f"    pelaksana: {shown}", why, g is not None)
        for key in ("kelengkapan", "waktu", "output"):
            value = getattr(d, key)
            g = d.guesses.get(key)
            if key == "waktu":
                step[key] = value
                out.add(f"    waktu: {scalar(value)}", g.text if g else None, g is not None)
            elif value:
                step[key] = list(value)
                out.add(
                    f"    {key}: [{', '.join(scalar(v, flow=True) for v in value)}]",
                    g.text if g else None,
                    g is not None,
                )
        if d.keterangan:
            step["keterangan"] = d.keterangan
            _folded("keterangan", d.keterangan, "    ", out, None, False)
        if d.decision is not None:
            g = d.guesses["decision"]
            step["decision"] = {"question": d.decision["question"], "outcomes": dict(d.decision["outcomes"])}
            out.add("    decision:", g.text, guess=True)
            out.add(f"      question: {scalar(d.decision['question'])}", _("from the uraian"), guess=True)
            out.add("      outcomes:")
            for name, target in d.decision["outcomes"].items():
                out.add(f"        {name}: {target}", d.outcome_guesses.get(name), guess=True)
        data["steps"].append(step)
        out.add("")
    return out.text(), out.guesses, data
