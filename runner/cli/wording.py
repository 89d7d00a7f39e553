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
    "case-closed": (N_("'sop case history {case}' shows how it ended"), None),
    "time-before-last-event": (N_("give --at a later time, or leave --at out to record it now"), None),
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
    "store-busy": (N_("to wait longer, set {setting}"), None),
    "checkpoint-not-of-store": (N_("compare the store with the checkpoint file: sop case verify --against FILE"), None),
    "case-busy": (N_("if it lasts, ask {holder} to finish, or the database's admin to end that session"), None),
    "store-busy-by": (N_("if it lasts, ask {holder} to finish, or the database's admin to end that session"), None),
    "pdf-unavailable": (N_("or use --format html and print it"), None),
    "too-many-pelaksana": (N_("choose the paper with --paper, or use --format mermaid or dot"), None),
    "too-complex-to-draw": (N_("try fewer --steps-per-page or --paper f4, or use --format mermaid or dot"), None),
    # people and posts
    "by-not-you": (N_("to record what {by} did, use --for {by}"), None),
    "not-a-person": (N_('an admin registers you with: sop people add {login} --nama "..."'), None),
    "unknown-person": (N_("'sop people list' shows who is registered"), None),
    "not-holder": (
        N_(
            "'sop post list --on {day}' shows who holds what; an admin grants it with: sop post grant {login} {pelaksana}"
        ),
        None,
    ),
    "post-ended": (N_("'sop post list --login {login}' shows their posts"), None),
    "post-not-started": (N_("'sop post list --login {login}' shows their posts"), None),
    "not-admin": (N_("'sop people list' shows the admins"), None),
    "last-admin": (N_("make another person admin first: sop people set LOGIN --admin"), None),
    "no-right-to-record-for-others": (
        N_("an admin gives the right with: sop people set {login} --record-for-others"),
        None,
    ),
    "acting-overlap": (N_("end post #{post} first (sop post end {post} --on DATE), or choose other dates"), None),
    "already-holds": (N_("'sop post list --login {login}' shows their posts"), None),
    "unknown-post": (N_("'sop post list' shows the posts"), None),
    "post-already-ended": (N_("'sop post list' shows the posts"), None),
    "already-a-person": (N_("'sop people list' shows who is registered"), None),
    "first-person-self": (N_('register yourself first: sop people add {login} --nama "..."'), None),
    "nobody-registered": (
        N_('register yourself first, and you become its admin: sop people add {login} --nama "..."'),
        None,
    ),
    "not-allowed-to-cancel": (
        N_("'sop case show {case}' names who holds it; to record their cancel, use --for LOGIN"),
        None,
    ),
    "not-allowed-to-cancel-named": (N_("to record the cancel one of them decided, use --for LOGIN"), None),
    "version-not-in-force": (N_("'sop sop status {sop}' shows its versions and when each is in force"), None),
    "not-yet-in-force": (N_("'sop sop status {sop}' shows its versions and when each is in force"), None),
    "no-signer": (N_("name one of its pelaksana in identity.disahkan_oleh.jabatan"), None),
    "pengesahan-needs-people": (N_('register yourself first: sop people add LOGIN --nama "..."'), None),
    "definition-unregistered": (N_("ask an admin to start its first case"), None),
    "migrate-no-counterpart": (
        N_("give it with --map {step}=STEP (--dry-run shows where each case would stand)"),
        None,
    ),
    "migrate-unknown-step": (
        N_("'sop show {sop}' lists the steps of the SOP file; 'sop diff' compares two versions"),
        None,
    ),
    "nothing-to-migrate": (N_("'sop case list --sop {sop}' shows its open cases"), None),
    "not-admin-to-migrate": (N_("ask an admin to move them"), None),
    "void-across-migration": (
        N_("'sop case history {case}' shows the move; to undo it, move the case back with sop case migrate"),
        None,
    ),
    "unknown-pelaksana": (N_("'sop show SOP' lists an SOP's pelaksana"), None),
    "not-saved": (N_("it is safe to do it again"), None),
    "clock": (N_("it is safe to do it again"), None),
    "store-timeout": (N_("the limit is SOP_PG_STATEMENT_TIMEOUT"), None),
}


# (kind, a detail the core added) -> the hint that fits better when that detail is there
_HINTS_WITH: dict[tuple[str, str], tuple[str, Callable[[dict[str, Any]], dict[str, Any]] | None]] = {
    # a clerk who may record for others, typing what the post's holder did without --for
    ("not-holder", "holders"): (
        N_("to record what the holder did, use --for {holders}"),
        lambda d: {"holders": " or --for ".join(d["holders"])},
    ),
}


def word(error: UserError) -> str:
    """The one line the CLI prints after ``error: ``."""
    message = str(error)
    hint = next((h for (kind, key), h in _HINTS_WITH.items() if kind == error.kind and key in error.details), None)
    hint = hint or _HINTS.get(error.kind)
    if hint is None:
        return message
    template, values = hint
    return f"{message}; {_(template).format(**(values(error.details) if values else error.details))}"
