"""``sop import``: the SOP AP tables offices already have (Word, Excel, pasted text) into a YAML draft.

Three stages, kept apart as check-jsonschema keeps parsing, checking and
reporting: a reader fills the one ``Grid`` model (``readers``, ``grid``); the
table is found in it (``table``) and its rows become steps, each choice not
read plainly from a cell a guess with its reason (``infer``); the draft is
written with every guess marked (``draft``), checked by the validator, and the
``ImportReport`` says per step what was read, from where, and how sure it is.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..definition.checks import Problem, check_source
from ..errors import UserError
from ..files import check_output, write_file
from ..i18n import _
from ..resources import schema_path
from .draft import compose
from .grid import Where
from .infer import Actor, Draft, actors, steps
from .readers import read_grid
from .table import find_table, norm

_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
# the headings of the SOP AP table as the guideline words them: a file that uses them needs no kolom
_STANDARD_HEADINGS = {
    "no", "nomor", "uraian kegiatan", "kegiatan", "pelaksana", "mutu baku", "kelengkapan", "waktu", "output",
    "keterangan", "ket",
}  # fmt: skip


@dataclass
class ImportReport:
    """What ``sop import`` read, what it wrote, and what stands between the draft and a valid SOP."""

    source: str
    output: str
    kind: str
    pelaksana: list[Actor]
    steps: list[Draft]
    skipped: list[tuple[Where, str]]
    guesses: list[tuple[int, str]]  # (line in the draft, its comment)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "output": self.output,
            "kind": self.kind,
            "valid": self.valid,
            "pelaksana": [
                {"id": a.id, "nama": a.nama, "singkatan": a.singkatan, "where": a.where.to_json(), "guess": a.guess}
                for a in self.pelaksana
            ],
            "steps": [d.to_json() for d in self.steps],
            "skipped": [{"where": w.to_json(), "why": why} for w, why in self.skipped],
            "guesses": [{"line": line, "comment": text} for line, text in self.guesses],
            "problems": [p.to_json() for p in self.problems],
        }


def _title_case(text: str) -> str:
    if text != text.upper():
        return text
    small = {"dan", "di", "ke", "dari", "yang", "atau", "pada", "untuk"}
    words = text.lower().split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _head(title: list[str]) -> dict[str, tuple[str, str | None]]:
    """nama, unit and instansi from the lines above the table, each a guess."""
    head: dict[str, tuple[str, str | None]] = {}
    for k, line in enumerate(title):
        m = re.match(r"^(?:SOP|S\.O\.P\.?|standar operasional prosedur)\b[\s:.-]*(.+)$", line.strip(), re.IGNORECASE)
        if m and m.group(1).strip():
            head["nama"] = (_title_case(m.group(1).strip()), _("from the title '{line}'").format(line=line.strip()))
            if k + 1 < len(title):
                parts = [p.strip() for p in title[k + 1].split(" - ") if p.strip()]
                if len(parts) == 2:
                    why = _("from the line '{line}'").format(line=title[k + 1])
                    head["unit"] = (_title_case(parts[0]), why)
                    head["instansi"] = (_title_case(parts[1]), why)
            break
    if "nama" not in head:
        head["nama"] = ("...", _("the file gives no title: write the SOP's name"))
    return head


def import_sop(source: Path, output: Path, force: bool = False) -> ImportReport:
    """Read the SOP table in ``source`` (.docx, .xlsx or text) and write its draft to ``output``.

    The id is the output file's name. Refuses an existing ``output`` unless ``force``; bad input
    raises ``UserError`` before anything is written. The draft is checked by the validator:
    ``ImportReport.problems`` names what stands between it and a valid SOP."""
    sop_id = output.stem
    if output.suffix not in (".yaml", ".yml") or not _ID.match(sop_id) or sop_id == "end":
        raise UserError(
            _(
                "name the draft ID.yaml, its id in lowercase letters, digits, '-' and '_', starting with a letter (e.g. sop/razia-malam.yaml), not {path}"
            ).format(path=output),
            "import-output-name",
            path=str(output),
        )
    check_output(output)
    if output.exists() and not force:
        raise UserError(
            _("{path} exists already; give another file, or --force to replace it").format(path=output),
            "import-output-exists",
            path=str(output),
        )
    grid = read_grid(source)
    found = find_table(grid)
    if found is None or not found.rows:
        raise UserError(
            _(
                "{path} holds no SOP table: no row with the headings 'No' and 'Uraian Kegiatan' (or 'Kegiatan', 'Aktivitas') followed by numbered rows"
            ).format(path=source),
            "import-no-table",
            path=str(source),
        )
    if not found.roles:
        raise UserError(
            _(
                "{path}: the SOP table has no pelaksana columns (under 'Pelaksana' or 'Pejabat yang Bertanggung Jawab'); the table must name its pelaksana"
            ).format(path=source),
            "import-no-pelaksana",
            path=str(source),
        )
    people = actors(found.roles)
    drafts = steps(found, [a.id for a in people])
    folder = output.parent if str(output.parent) else Path(".")
    schema = Path(os.path.relpath(schema_path(), folder.resolve())).as_posix()
    kolom = {k: v for k, v in found.headings.items() if norm(v) not in _STANDARD_HEADINGS}
    text, guesses, data = compose(sop_id, schema, source.name, _head(grid.title), people, drafts, kolom)
    _read_back(text, data)
    raw = text.encode("utf-8")
    report = ImportReport(str(source), str(output), grid.kind, people, drafts, found.skipped, guesses)
    report.problems = check_source(raw, str(output)).problems
    write_file(output, raw)
    return report


def _read_back(text: str, data: dict[str, Any]) -> None:
    import yaml  # the validator's parser, here to prove the composed text says what was meant

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where it is there: a long table reads fast
    if yaml.load(text, Loader=loader) != data:  # noqa: S506  # a safe loader, C or Python
        raise AssertionError("the composed draft does not read back as its data")  # our bug, not the user's


__all__ = ["ImportReport", "import_sop"]
