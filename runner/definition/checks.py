"""Validate SOP files: the JSON Schema first, then the rules a schema cannot express.

Every problem carries the file, line and column of the offending key or value
(``PATH:LINE:COL: error: MESSAGE``) and says how to fix it. Parsing lives in
``yamlsource``, the model in ``definition``; this module only judges.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..i18n import N_, _, ngettext
from ..resources import schema_path
from .dates import DATE_KEYS, parse_signed_date
from .model import END, SOP, normal
from .shared import did_you_mean, yaml_files
from .waktu import WaktuError, parse
from .yamlsource import Document, Pos, YAMLProblem, decode, load_text, read_source


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    severity: str  # "error", "warning", or "note" (what the reader should know; not a likely mistake)
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass
class Report:
    path: str
    problems: list[Problem] = field(default_factory=list)
    data: Any = None
    id_pos: Pos = Pos(1, 1)  # where the SOP's id stands, for problems across files

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class _Collector:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, where: tuple, message: str, *, at_key: bool = False, severity: str = "error") -> None:
        pos = self.doc.pos(where, at_key=at_key)
        self.problems.append(Problem(self.doc.path, pos.line, pos.col, severity, message))

    def warn(self, where: tuple, message: str, *, at_key: bool = False) -> None:
        self.add(where, message, at_key=at_key, severity="warning")

    @property
    def has_errors(self) -> bool:
        """Later checks stop on errors only: a warning must never silence an error."""
        return any(p.severity == "error" for p in self.problems)


def check_file(path: Path) -> Report:
    try:
        raw = read_source(path)
    except YAMLProblem as e:
        return Report(str(path), [Problem(e.path, e.pos.line, e.pos.col, "error", e.message)])
    return check_source(raw, str(path))


def check_source(raw: bytes, name: str) -> Report:
    """Check the bytes of an SOP file that were read as ``name``."""
    try:
        doc = load_text(decode(raw, name), name)
    except YAMLProblem as e:
        return Report(name, [Problem(e.path, e.pos.line, e.pos.col, "error", e.message)])
    return check_document(doc)


def check_document(doc: Document) -> Report:
    report = Report(doc.path, data=doc.data, id_pos=doc.pos(("id",)))
    out = _Collector(doc)
    if not isinstance(doc.data, dict):
        out.add((), _("the file must be a mapping of keys (format, id, version, ...); start from 'sop new ID'"))
    else:
        _schema_layer(doc, out)
        if not out.has_errors:  # the rules assume the shapes the schema guarantees
            _rules_layer(doc, out)
    report.problems = sorted(set(out.problems), key=lambda p: (p.line, p.col, p.message))
    return report


def check_ids_unique(reports: Iterable[Report]) -> list[Problem]:
    """Across files: an SOP id names one SOP only."""
    first: dict[str, Report] = {}
    problems = []
    for r in reports:
        if not isinstance(r.data, dict) or not isinstance(r.data.get("id"), str) or r.errors:
            continue
        sop_id = r.data["id"]
        if sop_id in first:
            problems.append(
                Problem(
                    r.path,
                    r.id_pos.line,
                    r.id_pos.col,
                    "error",
                    _("the SOP id '{id}' is also used by {other}; give each SOP its own id").format(
                        id=sop_id, other=first[sop_id].path
                    ),
                )
            )
        else:
            first[sop_id] = r
    return problems


# --- layer 1: the JSON Schema --------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # heavy: only validation needs it

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


_TYPE_NAMES = {  # JSON Schema type -> what an admin calls it
    "string": N_("text"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "array": N_("a list"),
    "object": N_("a mapping (key: value)"),
    "boolean": N_("true or false"),
    "null": N_("empty"),
}
_ID_PATTERN = "^[a-z][a-z0-9_-]*$"
_PATTERN_HINTS = {  # what to write instead, for the schema's other patterns
    "^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$": N_(
        'write the working hours as "HH:MM-HH:MM", e.g. "08:00-16:00"'
    ),
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": N_("write the date as YYYY-MM-DD, e.g. 2026-12-24"),
    "^[A-Z]{2}$": N_("give a two-letter country code such as ID, or null for no national holidays"),
}
_NO_HINT = N_("see the schema")


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _name(path: tuple) -> str:
    """A readable name for what ``path`` points at: 'waktu', 'item 2 of kelengkapan', 'step 3'."""
    if not path:
        return _("the file")
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else ""
        if parent == "steps":
            return _("step {n}").format(n=last + 1)
        return _("item {n} of '{key}'").format(n=last + 1, key=parent)
    return f"'{last}'"


def _schema_layer(doc: Document, out: _Collector) -> None:
    for error in _validator().iter_errors(doc.data):
        if "propertyNames" in error.schema_path:  # the instance is the key itself
            out.add(
                tuple(error.absolute_path) + (error.instance,),
                _(
                    "'{value}' is not a valid outcome name: use lowercase letters, digits, '-' and '_', starting with a letter"
                ).format(value=error.instance),
                at_key=True,
            )
            continue
        error = _nearest(error)
        path = tuple(error.absolute_path)
        kind, instance, schema = error.validator, error.instance, error.schema
        name = _name(path)
        if path[-1:] == ("labels",) and kind in ("not", "type"):  # neither false nor a mapping
            out.add(
                path,
                _("'labels' is false (no labels on the arrows) or gives each outcome its label: {example}").format(
                    example="labels: {ya: Ya, tidak: Tidak}"
                ),
            )
            continue
        if kind == "pattern" and _is_pelaksana_reference(path):
            # `pelaksana: Camat` is a pelaksana the file does not know, however it is misspelt
            known = [
                p["id"] for p in doc.data.get("pelaksana", []) if isinstance(p, dict) and isinstance(p.get("id"), str)
            ]
            out.add(path, _unknown_pelaksana(str(instance), known))
            continue
        if kind == "additionalProperties":
            allowed = list(schema.get("properties", {}))
            for key in instance:
                if key not in allowed:
                    hint = did_you_mean(key, allowed) or _("; allowed here: {keys}").format(keys=", ".join(allowed))
                    out.add(path + (key,), _("unknown key '{key}'{hint}").format(key=key, hint=hint), at_key=True)
        elif kind == "required":
            for key in error.validator_value:
                if key not in instance:
                    out.add(path, _("{name} lacks the required key '{key}'").format(name=name, key=key), at_key=True)
        elif kind == "type" and _is_target(path) and isinstance(instance, int) and not isinstance(instance, bool):
            out.add(path, _step_number_target(doc, instance))
        elif kind == "type":
            expected = error.validator_value
            expected = expected if isinstance(expected, str) else expected[0]
            hint = ""
            if expected == "string" and isinstance(instance, (int, float)) and not isinstance(instance, bool):
                hint = _('; put it in quotes: "{value}"').format(value=_source_text(doc, path, instance))
            out.add(
                path,
                _("{name} must be {expected}, not {actual}{hint}").format(
                    name=name, expected=_(_TYPE_NAMES[expected]), actual=_(_TYPE_NAMES[_type_of(instance)]), hint=hint
                ),
            )
        elif kind == "pattern" and error.validator_value == _ID_PATTERN:
            out.add(
                path,
                _(
                    "'{value}' is not a valid id: use lowercase letters, digits, '-' and '_', starting with a letter"
                ).format(value=instance),
            )
        elif kind == "pattern":
            out.add(
                path,
                _("{name} '{value}' has the wrong form; {hint}").format(
                    name=name, value=instance, hint=_(_PATTERN_HINTS.get(error.validator_value, _NO_HINT))
                ),
            )
        elif kind == "const":
            out.add(
                path,
                _("{name} must be {value}, the only format this sop-runner reads").format(
                    name=name, value=json.dumps(error.validator_value)
                ),
            )
        elif kind == "enum":
            choices = [str(c) for c in error.validator_value]
            out.add(
                path,
                _("{name} must be one of {choices}{hint}").format(
                    name=name, choices=", ".join(choices), hint=did_you_mean(str(instance), choices)
                ),
            )
        elif kind in ("minItems", "minProperties") and error.validator_value == 1:
            out.add(path, _("{name} must not be empty").format(name=name))
        elif kind in ("minItems", "minProperties"):
            out.add(path, _("{name} needs at least {n} entries").format(name=name, n=error.validator_value))
        elif kind == "minLength":
            out.add(path, _("{name} must not be empty").format(name=name))
        elif kind == "uniqueItems":
            out.add(path, _("{name} lists the same value twice").format(name=name))
        else:  # a keyword we have no wording for: jsonschema's own message
            out.add(path, f"{name}: {error.message}")


def _nearest(error: Any) -> Any:
    """The error of the ``anyOf``/``oneOf`` branch a value came closest to, down to a plain one.

    A branch whose own type the value has (``pelaksana: Camat`` is text, as the id branch wants;
    ``pelaksana: [Camat]`` a list, as the list branch wants) is nearer than one it is not even
    the type of: its error says what is really wrong. Among those, jsonschema's best match.
    """
    from jsonschema.exceptions import best_match  # heavy: only validation needs it

    while error.context:
        branches: dict[Any, list[Any]] = {}
        for e in error.context:
            branches.setdefault(e.schema_path[0], []).append(e)
        shaped = [
            errors
            for errors in branches.values()
            if not any(e.validator == "type" and not e.relative_path for e in errors)
        ]
        error = best_match([e for errors in shaped for e in errors] if shaped else error.context)
    return error


def _in_row(path: tuple) -> tuple:
    """An activity's path as its step's would be: ("steps", 1, "kegiatan", 0, "next") -> ("steps", 1, "next")."""
    return path[:2] + path[4:] if path[2:3] == ("kegiatan",) else path


def _is_target(path: tuple) -> bool:
    """Whether ``path`` is where a step is named: a step's 'next' or an outcome's target."""
    path = _in_row(path)
    return len(path) >= 3 and path[0] == "steps" and (path[2:] == ("next",) or path[2:4] == ("decision", "outcomes"))


def _step_number_target(doc: Document, number: int) -> str:
    steps = [s.get("id") for s in doc.data.get("steps", []) if isinstance(s, dict)]
    ids = [i for i in steps if isinstance(i, str)]
    named = (
        _("; step {no} is '{id}'").format(no=number, id=steps[number - 1])
        if 1 <= number <= len(steps) and isinstance(steps[number - 1], str)
        else ""
    )
    return _("{number} is a step number; targets are step ids or 'end'{named} (the ids: {ids})").format(
        number=number, named=named, ids=", ".join(ids)
    )


def _is_pelaksana_reference(path: tuple) -> bool:
    """Whether ``path`` is a step's pelaksana: ("steps", 2, "pelaksana") or (..., "pelaksana", 0)."""
    path = _in_row(path)
    return len(path) >= 3 and path[0] == "steps" and "pelaksana" in path[2:4] and path[2] == "pelaksana"


def _unknown_pelaksana(pid: str, known: list[str]) -> str:
    folded = [k for k in known if k.casefold() == pid.casefold()]
    hint = _(" (did you mean '{name}'?)").format(name=folded[0]) if folded else did_you_mean(pid, known)
    return _("unknown pelaksana '{id}'{hint}; the pelaksana are: {ids}").format(id=pid, hint=hint, ids=", ".join(known))


def _source_text(doc: Document, path: tuple, value: Any) -> str:
    """The number as written (``1.10`` would otherwise become ``1.1``)."""
    pos = doc.pos(path)
    lines = doc.text.splitlines()
    if 0 < pos.line <= len(lines):
        written = re.split(r"\s#|[,}\]]", lines[pos.line - 1][pos.col - 1 :])[0].strip()
        if written:
            return written
    return str(value)


# --- layer 2: rules the schema cannot express ----------------------------------


def _rules_layer(doc: Document, out: _Collector) -> None:
    data = doc.data
    steps = data["steps"]
    stem = Path(doc.path).stem
    if stem != data["id"] and not doc.path.startswith("<"):
        out.warn(
            ("id",),
            _(
                "the file is named {stem} but the id is '{id}'; 'sop show {id}' looks for {id}.yaml — rename one of them"
            ).format(stem=Path(doc.path).name, id=data["id"]),
        )
    _calendar_rules(data.get("calendar", {}), out)
    _identity_dates(data.get("identity") or {}, out)
    if "logo" in (data.get("identity") or {}) and not doc.path.startswith("<"):
        _identity_logo(Path(doc.path).parent, data["identity"]["logo"], out)
    pelaksana_ids = _unique_ids(out, data["pelaksana"], "pelaksana")
    for key in ("cancel_by", "pengawas"):
        for j, pid in enumerate(data.get(key, ())):
            if pid not in pelaksana_ids:
                out.add((key, j), _unknown_pelaksana(pid, pelaksana_ids))
    # the states: a step, or each activity of a row with several (``kegiatan``)
    states: list[tuple[tuple, dict]] = [
        ((("steps", i, "kegiatan", j) if j >= 0 else ("steps", i)), k)
        for i, step in enumerate(steps)
        for j, k in (enumerate(step["kegiatan"]) if "kegiatan" in step else [(-1, step)])
    ]
    step_ids = _unique_state_ids(out, steps, states)
    if END in step_ids:
        out.add(
            step_ids[END] + ("id",),
            _("'end' is reserved for the end of the SOP; give the step another id"),
        )
    targets = list(step_ids) + [END]

    for here, step in states:
        names = step["pelaksana"] if isinstance(step["pelaksana"], list) else [step["pelaksana"]]
        for j, pid in enumerate(names):
            where = here + ("pelaksana", j) if isinstance(step["pelaksana"], list) else here + ("pelaksana",)
            if pid not in pelaksana_ids:
                out.add(where, _unknown_pelaksana(pid, pelaksana_ids))
        if "next" in step and "decision" in step:
            out.add(
                here + ("next",),
                _("a step has either 'next' or 'decision', not both; the outcomes say where a decision leads"),
                at_key=True,
            )
        elif "next" in step and step["next"] not in targets:
            out.add(
                here + ("next",),
                _("'next' names no step: '{id}'{hint}; use a step id or 'end'").format(
                    id=step["next"], hint=did_you_mean(step["next"], targets)
                ),
            )
        decision = step.get("decision", {})
        for outcome in decision.get("labels") or {}:
            if outcome not in decision.get("outcomes", {}):
                names = list(decision.get("outcomes", {}))
                out.add(
                    here + ("decision", "labels", outcome),
                    _("'labels' names no outcome of this decision: '{name}'{hint}; its outcomes: {names}").format(
                        name=outcome, hint=did_you_mean(outcome, names), names=", ".join(names)
                    ),
                    at_key=True,
                )
        for outcome, target in decision.get("outcomes", {}).items():
            if target not in targets:
                out.add(
                    here + ("decision", "outcomes", outcome),
                    _("the outcome '{outcome}' leads to no step: '{id}'{hint}; use a step id or 'end'").format(
                        outcome=outcome, id=target, hint=did_you_mean(target, targets)
                    ),
                )
    for i, step in enumerate(steps):
        try:
            waktu = parse(step["waktu"])
        except WaktuError as e:
            out.add(("steps", i, "waktu"), str(e))
        else:
            if waktu.textual:
                out.add(
                    ("steps", i, "waktu"),
                    _(
                        "the waktu '{text}' is words, not a duration: it is printed as written and sets no deadline (write e.g. '2 jam' for one)"
                    ).format(text=step["waktu"]),
                    severity="note",
                )
    if out.has_errors:  # the graph checks need every id to resolve
        return
    sop = SOP(data)
    _graph_rules(sop, out)
    _warnings(sop, out)


def _identity_dates(identity: dict[str, Any], out: _Collector) -> None:
    """The identity page's dates are real dates (a day, or a month as many signed SOPs give)."""
    signer = identity.get("disahkan_oleh") or {}
    for where, value in [(("identity", k), identity.get(k)) for k in DATE_KEYS] + [
        (("identity", "disahkan_oleh", "tanggal"), signer.get("tanggal"))
    ]:
        key = where[-1]
        if value is not None and value.strip() and parse_signed_date(value) is None:
            out.add(
                where,
                _(
                    "'{key}' '{value}' is not a date; write the day as YYYY-MM-DD (2024-01-15), or the month alone as 2023-08 or Agustus 2023"
                ).format(key=key, value=value),
            )


def _identity_logo(folder: Path, written: str, out: _Collector) -> None:
    """The letterhead's logo is a real PNG or SVG next to the SOP, checked now rather than at the printer."""
    from .logo import LogoProblem, read_logo  # only an SOP with a logo reads one

    try:
        read_logo(folder, written)
    except LogoProblem as e:
        out.add(("identity", "logo"), str(e))


def _calendar_rules(cal: dict[str, Any], out: _Collector) -> None:
    """What the schema's patterns let through but a deadline could not be computed from."""
    from datetime import date  # zoneinfo and holidays below: only an SOP with a calendar

    here = ("calendar",)
    if "timezone" in cal:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # the tz database: only a calendar with a zone

        try:
            ZoneInfo(cal["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            out.add(
                here + ("timezone",),
                _(
                    "unknown time zone '{tz}'; use an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura"
                ).format(tz=cal["timezone"]),
            )
    if "hours" in cal:
        start, end = cal["hours"].split("-")
        if end <= start:
            out.add(
                here + ("hours",),
                _("the working hours end before they start: '{hours}'; write them as e.g. \"08:00-16:00\"").format(
                    hours=cal["hours"]
                ),
            )
    if cal.get("holidays"):
        import holidays  # heavy: only a calendar with holidays

        if cal["holidays"] not in holidays.list_supported_countries():
            out.add(
                here + ("holidays",),
                _("no national holidays are known for '{code}'; use a country code such as ID, or null").format(
                    code=cal["holidays"]
                ),
            )
    for i, day in enumerate(cal.get("extra_holidays", [])):
        try:
            date.fromisoformat(day)
        except ValueError:
            out.add(
                here + ("extra_holidays", i),
                _("'{day}' is not a date in the calendar; write an existing day as YYYY-MM-DD").format(day=day),
            )


def _unique_ids(out: _Collector, items: list[dict], where: str) -> list[str]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item["id"] in seen:
            out.add(
                (where, i, "id"),
                _("the id '{id}' is already used by item {n} of '{where}'; ids must be unique").format(
                    id=item["id"], n=seen[item["id"]] + 1, where=where
                ),
            )
        else:
            seen[item["id"]] = i
    return list(seen)


def _unique_state_ids(out: _Collector, steps: list[dict], states: list[tuple[tuple, dict]]) -> dict[str, tuple]:
    """Step, row and activity ids share one name space: each names one thing a target may name.
    Returns each id with where it stands (the file's order: a row before its activities)."""
    seen: dict[str, tuple] = {}
    items = [(("steps", i), s) for i, s in enumerate(steps)]
    items += [(here, k) for here, k in states if len(here) > 2]
    items.sort(key=lambda t: t[0][1:2] + ((-1,) if len(t[0]) == 2 else t[0][3:]))
    for here, item in items:
        first = seen.get(item["id"])
        if first is None:
            seen[item["id"]] = here
        elif len(first) == 2:
            out.add(
                here + ("id",),
                _("the id '{id}' is already used by item {n} of '{where}'; ids must be unique").format(
                    id=item["id"], n=first[1] + 1, where="steps"
                ),
            )
        else:
            label = f"{first[1] + 1}{chr(ord('a') + first[3])}"
            out.add(
                here + ("id",),
                _("the id '{id}' is already used by activity {label}; ids must be unique").format(
                    id=item["id"], label=label
                ),
            )
    return seen


def _reachable(start: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    todo, seen = list(start), set(start)
    while todo:
        for nxt in edges.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _graph_rules(sop: SOP, out: _Collector) -> None:
    forward = {s.id: s.targets for s in sop.steps}
    backward: dict[str, list[str]] = {}
    for src, dests in forward.items():
        for d in dests:
            backward.setdefault(d, []).append(src)
    from_first = _reachable([sop.first.id], forward)
    to_end = _reachable([END], backward)
    stranded = []
    for s in sop.steps:
        if s.id not in from_first:
            out.add(
                s.path + ("id",),
                _(
                    "step {no} '{id}' cannot be reached from the first step; point a 'next' or an outcome at it, or remove it"
                ).format(no=s.label, id=s.id),
            )
        elif s.id not in to_end:
            stranded.append(s)
    if stranded:
        # One cause, said once: the steps a case cannot leave form a closed region, and usually
        # its last step is the one whose 'next' or outcome should have led out of it.
        last = stranded[-1]
        raw = sop.raw["steps"][last.no - 1]
        raw = raw["kegiatan"][last.sub - 1] if last.sub else raw
        where = ("decision", "outcomes") if last.decision else ("next",) if "next" in raw else ("id",)
        steps = ", ".join(f"{s.label} '{s.id}'" for s in stranded)
        out.add(
            last.path + where,
            ngettext(
                "a case at step {steps} can never finish: no path leads from it to 'end'; let its 'next' or an outcome lead to 'end' or to a step that finishes",
                "a case at steps {steps} can never finish: no path leads from them to 'end'; the last of them, step {no} '{id}', leads only to {targets} — let its 'next' or an outcome lead to 'end' or to a step that finishes",
                len(stranded),
            ).format(steps=steps, no=last.label, id=last.id, targets=", ".join(f"'{t}'" for t in last.targets)),
        )


def _near(a: str, b: str) -> bool:
    import difflib  # only a wrong word needs it

    a, b = normal(a), normal(b)
    if a == b:
        return False
    shorter = min(a, b, key=len)
    if len(shorter.split()) >= 2 and (a.startswith(b + " ") or b.startswith(a + " ")):
        return True  # 'Draft Laporan' and 'Draft Laporan Kegiatan'; not 'Surat' and 'Surat Tugas'

    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def _warnings(sop: SOP, out: _Collector) -> None:
    used = {p for s in sop.steps for p in s.pelaksana}
    for i, p in enumerate(sop.pelaksana):
        if p.id not in used:
            out.warn(
                ("pelaksana", i, "id"), _("the pelaksana '{id}' has no step; remove it or give it one").format(id=p.id)
            )
    backward: dict[str, list[str]] = {}
    for s in sop.steps:
        for d in s.targets:
            backward.setdefault(d, []).append(s.id)
    warned: set[str] = set()
    for s in sop.steps:
        if s.sub > 1:
            continue  # a row's kelengkapan is the row's: judged once, at its first activity
        before = _reachable(backward.get(s.id, []), backward)
        # only an output a case has really made by then; neither a step's own nor its row's
        earlier = {o for b in before if b != s.id and not sop.same_row(b, s.id) for o in sop.step(b).output}
        produced = {normal(o) for b in before for o in sop.step(b).output}
        for k, item in enumerate(s.kelengkapan):
            if normal(item) in produced or normal(item) in warned:
                continue
            near = sorted(o for o in earlier if _near(item, o))
            if near:
                warned.add(normal(item))  # one warning for one name, however many steps need it
                out.warn(
                    ("steps", s.no - 1, "kelengkapan", k),
                    _(
                        "no earlier step produces the kelengkapan '{item}'; did you mean the output '{near}'? (otherwise a clerk must attach it)"
                    ).format(item=item, near=near[0]),
                )
    if not out.has_errors:  # a hint for an SOP that is right otherwise
        _calendar_hours(sop, out)


def _calendar_hours(sop: SOP, out: _Collector) -> None:
    """Hours and minutes of calendar time count the night: on an office calendar, say so once."""
    cal = sop.calendar
    if cal.hours in ("00:00-24:00",) and len(cal.days) == 7:
        return  # a calendar that never closes: calendar time is working time
    steps = [s for s in sop.rows if _counts_the_night(s.waktu)]
    if steps:
        first = steps[0]
        out.warn(
            ("steps", first.no - 1, "waktu"),
            ngettext(
                "the waktu '{waktu}' of step {steps} counts calendar hours, nights and weekends included: entered at 15.30, it is overdue before the office opens again; write '{waktu} kerja' to count office hours",
                "the waktu of steps {steps} ('{waktu}', ...) count calendar hours, nights and weekends included: entered at 15.30, such a step is overdue before the office opens again; write e.g. '{waktu} kerja' to count office hours",
                len(steps),
            ).format(waktu=first.waktu.strip(), steps=", ".join(str(s.no) for s in steps)),
        )


def _counts_the_night(text: str) -> bool:
    """Whether a waktu is hours or minutes of calendar time (not days: a day is a day, night and all)."""
    try:
        w = parse(text)
    except WaktuError:
        return False
    return 0 < w.calendar_minutes < 24 * 60 and not w.working and not w.months


@dataclass
class Validation:
    """The outcome of checking several files: every file's problems and those across files."""

    reports: list[Report]
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def bad_files(self) -> int:
        return len({p.path for p in self.problems if p.severity == "error"})

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "files": len(self.reports),
            "errors": self.errors,
            "warnings": sum(p.severity == "warning" for p in self.problems),
            "notes": sum(p.severity == "note" for p in self.problems),
            "problems": [p.to_json() for p in self.problems],
        }


def check_paths(paths: Iterable[Path]) -> Validation:
    """Check files and folders (every *.yaml / *.yml inside a folder), and SOP ids across them."""
    paths = list(paths)
    for p in paths:
        if not p.exists():
            raise UserError(_("no file or folder {path}").format(path=p), "no-such-path", path=str(p))
    reports: list[Report] = []
    for p in paths:
        files = yaml_files(p) if p.is_dir() else [p]
        reports.extend(check_file(f) for f in files)
    if not reports:
        raise UserError(
            _("no *.yaml files in {paths}; give SOP files or the folder that holds them").format(
                paths=", ".join(map(str, paths))
            ),
            "no-sop-files",
            paths=[str(p) for p in paths],
        )
    return Validation(reports, [p for r in reports for p in r.problems] + check_ids_unique(reports))
