"""How the command line words an error: the core's sentence, plus what to type instead.

The core names no flags (another front door has none); the hint for each kind
of refusal lives here, beside the commands it points at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import UserError
from ..i18n import N_, _

# kind -> (hint template, or a function of the details giving the template's values)
_HINTS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]] | None]] = {
    "wrong-pelaksana": (N_("use --as {first}"), lambda d: {"first": d["pelaksana"][0]}),
    "not-a-pelaksana": (N_("use --as {first}"), lambda d: {"first": d["pelaksana"][0]}),
    "kelengkapan-missing": (
        N_('attach it with: sop case attach {case} "{name}" FILE'),
        lambda d: {"case": d["case"], "name": d["missing"][0]},
    ),
    "outcome-missing": (N_("give --outcome {names}"), lambda d: {"names": "|".join(d["outcomes"])}),
    "not-a-decision": (N_("leave out --outcome"), None),
    "unknown-case": (N_("'sop case list --all' shows the cases"), None),
    "unknown-sop": (N_("'sop list' shows the SOPs found"), None),
    "concurrent-change": (N_("look again with 'sop case show {case}' and repeat if still right"), None),
    "reason-missing": (N_('give it with --reason "..."'), None),
    "document-name-missing": (N_('write it as --attach "Surat Perintah=scan.pdf"'), None),
    "time-in-future": (N_("--at takes a time up to now"), None),
    "store-unavailable": (N_("check --db or SOP_DB"), None),
    "bad-store-url": (N_("check --db or SOP_DB"), None),
    "store-missing": (N_("check --db or SOP_DB, or start a case with 'sop case start SOP'"), None),
    "not-a-store": (N_("check --db or SOP_DB"), None),
    "no-such-folder": (N_("check --db, SOP_DB or -o"), None),
    "store-busy": (N_("to wait longer, set SOP_LOCK_WAIT=SECONDS"), None),
    "pdf-unavailable": (N_("or use --format html and print it"), None),
    "too-many-pelaksana": (N_("choose the paper with --paper, or use --format mermaid or dot"), None),
    "too-complex-to-draw": (N_("try fewer --steps-per-page or --paper f4, or use --format mermaid or dot"), None),
}


def word(error: UserError) -> str:
    """The one line the CLI prints after ``error: ``."""
    message = str(error)
    hint = _HINTS.get(error.kind)
    if hint is None:
        return message
    template, values = hint
    return f"{message}; {_(template).format(**(values(error.details) if values else error.details))}"
