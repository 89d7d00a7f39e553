"""What may be refused about people, posts and who acts, worded in one place.

SQLite's write path (Python) and PostgreSQL's functions (PL/pgSQL) check the
same rules; both give a kind and the facts, and ``refusal`` words them, so a
refusal reads the same whichever store made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal, cast

from ..errors import ConcurrentChange, Refused, UserError
from ..i18n import N_, _
from ..l10n import format_moment_text
from .clock import parse_day as day

# Every kind a store refuses with, as a type: mypy checks each refusal("...") of the code against it, and a
# test keeps it equal to the keys of MESSAGES (what PostgreSQL raises is read through database_refusal).
RefusalKind = Literal[
    "not-a-person",
    "unknown-person",
    "not-holder",
    "post-ended",
    "post-not-started",
    "not-admin",
    "last-admin",
    "no-right-to-record-for-others",
    "acting-overlap",
    "already-a-person",
    "already-holds",
    "unknown-post",
    "post-already-ended",
    "post-dates",
    "nobody-registered",
    "first-person-self",
    "not-allowed-to-cancel",
    "version-not-in-force",
    "not-yet-in-force",
    "no-signer",
    "no-tanggal-efektif",
    "efektif-before-signed",
    "already-disahkan",
    "version-text-differs",
    "efektif-taken",
    "pengesahan-needs-people",
    "day-in-future",
    "not-allowed-to-cancel-named",
    "not-allowed-to-void",
    "nothing-to-void",
    "void-not-last",
    "not-admin-to-migrate",
    "migrate-no-counterpart",
    "migrate-unknown-step",
    "migrate-same-version",
    "nothing-to-migrate",
    "void-across-migration",
    "definition-unregistered",
    "by-not-you",
    "bad-login",
    "nama-missing",
    "bad-email",
    "not-a-notifier",
    "email-not-yours",
    "bad-acting",
    "time-in-future",
    "clock",
    "case-busy",
    "store-busy-by",
    "isolation",
    "bad-checkpoint",
    "time-out-of-range",
    "note-too-long",
    "title-too-long",
    "nama-too-long",
    "document-name-too-long",
    "too-many-documents",
    "document-too-large",
    "document-not-yours",
    "sign-in-failed",
    "sign-in-limited",
    "weak-password",
    "same-password",
    "password-in-database",
    "gateway-without-person",
    "time-before-last-event",
    "unknown-case",
    "concurrent-change",
    "case-closed",
    "wrong-pelaksana",
    "outcome-missing",
    "outcome-unknown",
    "not-a-decision",
    "bad-date",
    "bad-action",
    "bad-data",
    "bad-deadline",
    "bad-available",
    "bad-definition",
]

# kind -> message template over the details (the CLI adds what to type: runner/cli/wording.py)
MESSAGES: dict[RefusalKind, str] = {
    "not-a-person": N_("{login} is not registered in this store, so may not act in it"),
    "unknown-person": N_("no person '{login}' in this store"),
    "not-holder": N_("{login} does not hold the post '{pelaksana}' for SOP {sop} on {day}"),
    "post-ended": N_("{login} held the post '{pelaksana}' (#{post}) only until {until}"),
    "post-not-started": N_("{login} holds the post '{pelaksana}' (#{post}) only from {start}"),
    "not-admin": N_(
        "{login} is not an admin of this store; only an admin adds people, grants and ends posts, changes rights and registers a new SOP version"
    ),
    "last-admin": N_("{login} is the last admin of this store; a store keeps at least one"),
    "no-right-to-record-for-others": N_("{login} has not the right to record actions for others"),
    "acting-overlap": N_(
        "an acting appointment for '{pelaksana}' from {start} overlaps post #{post} ({other} from {other_start} until {other_until})"
    ),
    "already-a-person": N_("{login} is already registered"),
    "already-holds": N_("{login} already holds '{pelaksana}' at that time (post #{post})"),
    "unknown-post": N_("no post #{post}"),
    "post-already-ended": N_("post #{post} has ended already"),
    "post-dates": N_("a post cannot end ({until}) before it starts ({start})"),
    "nobody-registered": N_(
        "nobody is registered in this store yet, so it has no admin to grant posts or change rights"
    ),
    "first-person-self": N_(
        "the first person registered becomes this store's admin, so it must be you ({login}), not '{person}'"
    ),
    "not-allowed-to-cancel": N_(
        "{login} may not cancel case {case}: only an administrator or the holder of a post of its current step ({pelaksana}) may"
    ),
    # pengesahan: an SOP version signed, and the version in force (runner/store/sql.py, postgres.sql's sop_sahkan)
    "version-not-in-force": N_(
        "version {version} of SOP {sop} is not in force on {day}; version {in_force} is, since {since}"
    ),
    "not-yet-in-force": N_("SOP {sop} has no version in force on {day}: the first disahkan takes force on {start}"),
    "no-signer": N_(
        "version {version} of SOP {sop} names no signer among its pelaksana (identity.disahkan_oleh.jabatan: '{jabatan}')"
    ),
    "no-tanggal-efektif": N_(
        "version {version} of SOP {sop} gives no identity.tanggal_efektif, the day it takes force"
    ),
    "efektif-before-signed": N_("the tanggal_efektif {efektif} is before the day it is signed ({day})"),
    "already-disahkan": N_("version {version} of SOP {sop} is disahkan already (signed on {day})"),
    "version-text-differs": N_(
        "another text of version {version} of SOP {sop} is disahkan already; a changed SOP needs a new version"
    ),
    "efektif-taken": N_("version {other} of SOP {sop} takes force on {efektif} already"),
    "pengesahan-needs-people": N_(
        "nobody is registered in this store yet; an SOP is disahkan by the holder of the post that signs it"
    ),
    "day-in-future": N_("the day {day} lies in the future"),
    "not-allowed-to-cancel-named": N_(
        "{login} may not cancel case {case}: its SOP lets only an administrator or the holder of one of the posts {pelaksana} cancel"
    ),
    "not-allowed-to-void": N_(
        "{login} may not void event #{seq} of case {case}: only an administrator, the holder of a post of its step ({pelaksana}) or, within {hours} hours, the login that recorded it may"
    ),
    "nothing-to-void": N_("case {case} has no action left to void but its start; cancel the case instead"),
    "void-not-last": N_("event #{seq} of case {case} is not its last action that stands (#{last} is)"),
    # moving running cases to another version of their SOP (runner/cases/service.py migrate, postgres.sql's sop_migrate)
    "not-admin-to-migrate": N_(
        "{login} is not an admin of this store; only an admin moves running cases to another version of their SOP"
    ),
    "migrate-no-counterpart": N_(
        "case {case} stands at step '{step}', which version {version} of SOP {sop} does not have; it needs a counterpart in the step map"
    ),
    "migrate-unknown-step": N_("the step map names '{step}', which is no step of version {version} of SOP {sop}"),
    "migrate-same-version": N_("case {case} follows version {version} of its SOP already"),
    "nothing-to-migrate": N_("no open case of SOP {sop} stands on another version than {version}; nothing to move"),
    "void-across-migration": N_(
        "the last action of case {case} that stands is its move to version {version} (#{seq}); a void never goes back across a move to another version"
    ),
    "definition-unregistered": N_(
        "version {version} of SOP {sop} is new to this store; only an admin may start its first case"
    ),
    "by-not-you": N_("an action is recorded in the name of the login you are ({login}), not '{by}'"),
    "bad-login": N_(
        "'{login}' cannot be a login: use lowercase letters a-z, digits, '_', '.' and '-', beginning with a letter or '_'"
    ),
    "nama-missing": N_("a person needs a nama"),
    "bad-email": N_(
        "'{email}' is not an e-mail address: write one name, one @ and the domain, without spaces (budi@kecamatan.go.id)"
    ),
    "not-a-notifier": N_(
        "{login} may not send reminders from this store: the store's owner, a web gateway or an admin runs sop notify"
    ),
    "email-not-yours": N_("{login} may change only their own e-mail address; an admin changes anyone's"),
    "bad-acting": N_("'{acting}' is not an acting appointment; use plt or plh"),
    "time-in-future": N_("the time {at} lies in the future"),
    "clock": N_("the action waited for the store until its time ({at}) was no longer now ({now}); nothing was saved"),
    "case-busy": N_(
        "another clerk ({holder}) is changing case {case} and did not finish within {timeout}; nothing was saved, try again"
    ),
    "store-busy-by": N_(
        "another clerk ({holder}) is changing people, posts or the numbering of cases and did not finish within {timeout}; nothing was saved, try again"
    ),
    "isolation": N_(
        "the store's functions run only in transactions of isolation READ COMMITTED, not {isolation}; nothing was saved"
    ),
    "bad-checkpoint": N_("the checkpoint does not match the chains of this store; nothing was kept"),
    # the limits of what a store keeps (runner/store/limits.py), refused alike by both stores
    "time-out-of-range": N_("the time {at} lies before 1970 or far ahead; check the year"),
    "note-too-long": N_("the note has {length} characters; the store keeps notes up to {limit}, attach a longer text"),
    "title-too-long": N_("the title has {length} characters; the store keeps titles up to {limit}"),
    "nama-too-long": N_("the nama has {length} characters; the store keeps names up to {limit}"),
    "document-name-too-long": N_(
        "a document's name or file name has {length} characters; the store keeps names up to {limit}"
    ),
    "too-many-documents": N_("one action attaches {count} documents; the store keeps up to {limit} per action"),
    "document-too-large": N_(
        "the document '{name}' is {size_mb} MB; the store keeps attachments up to {limit_mb} MB — attach a smaller scan, or the name alone"
    ),
    "document-not-yours": N_(
        "{login} holds no post of SOP {sop} today and has not acted on case {case}, so may not read its attachments"
    ),
    # signing in to the web front door (runner/people/sessions.py; postgres.sql's sop_me)
    "sign-in-failed": N_("the login or the password is wrong"),
    "sign-in-limited": N_("too many failed sign-ins; wait {minutes} minutes and try again, or ask an administrator"),
    "weak-password": N_("a password needs at least {minimum} characters"),
    "same-password": N_("the new password must differ from the current one"),
    "password-in-database": N_(
        "on PostgreSQL the database keeps the passwords of its logins; its administrator sets {login}'s: ALTER ROLE {login} PASSWORD '...'"
    ),
    "gateway-without-person": N_("{login} is a web gateway: it acts only for a person signed in, never for itself"),
    "time-before-last-event": N_(
        "the time {at} is before the case's last event ({last}); actions are recorded in order"
    ),
    # acting on a case: the SOP's rules (runner/cases/engine.py words the same when it refuses first)
    "unknown-case": N_("no case '{id}'{hint}"),
    "concurrent-change": N_("case {id} was changed by someone else just now; nothing was saved"),
    "case-closed": N_("case {id} is {status}; nothing more can be done with it"),
    "wrong-pelaksana": N_("step {no} '{id}' is done by {names}, not {role}"),
    "outcome-missing": N_("step {no} is a decision ({question}); give its outcome: {names}"),
    "outcome-unknown": N_("'{outcome}' is not an outcome of step {no}; use one of: {names}"),
    "not-a-decision": N_("step {no} is not a decision; it has no outcome"),
    "bad-date": N_("cannot read the date '{text}'; write it as YYYY-MM-DD, e.g. 2026-11-28"),
    # what the program computes and PostgreSQL's functions check again: met only by a caller that
    # is not sop (psql, another program) or by a bug, never by a clerk's input
    "bad-action": N_(
        "'{action}' with pelaksana '{role}' and outcome '{outcome}' is not an action on a case; nothing was saved"
    ),
    "bad-data": N_("the event's data does not match the action (its SOP, title or documents); nothing was saved"),
    "bad-deadline": N_(
        "the deadline the event records does not fit it: only an event that moves the case records one, a stored time not before the step is entered; nothing was saved"
    ),
    "bad-available": N_(
        "the documents at hand the action records are not a list that keeps every document the case had; nothing was saved"
    ),
    "bad-definition": N_(
        "the SOP definition sent does not match its digest, its SOP or its version; nothing was saved"
    ),
}

# kind -> the values its template names, from the details (the facts keep their own names and types)
_VALUES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "unknown-case": lambda d: {"id": d.get("case"), "hint": ""},
    "concurrent-change": lambda d: {"id": d.get("case")},
    "case-closed": lambda d: {"id": d.get("case"), "status": _status_word(d.get("status"))},
    "wrong-pelaksana": lambda d: {"no": d.get("step"), "id": d.get("step_id"), "names": _listed(d.get("pelaksana"))},
    "outcome-missing": lambda d: {"no": d.get("step"), "names": _listed(d.get("outcomes"))},
    "outcome-unknown": lambda d: {"no": d.get("step"), "names": _listed(d.get("outcomes"))},
    "not-a-decision": lambda d: {"no": d.get("step")},
}

# a case's status as a refusal names it (the words of runner/store/rows.py Status.word, which imports this module)
_STATUS_WORDS = {"open": N_("open"), "done": N_("done"), "cancelled": N_("cancelled")}


def _status_word(status: object) -> str | None:
    word = _STATUS_WORDS.get(str(status))
    return _(word) if word else None if status is None else str(status)


def _listed(names: object) -> str | None:
    return ", ".join(str(n) for n in names) if isinstance(names, (list, tuple)) else None


class _Facts(dict):
    """The values a template is filled with; a fact a store did not give (functions of an older
    version) shows as '?' rather than losing the refusal."""

    def __missing__(self, key: str) -> str:
        return "?"


# How long the login that recorded an action may void it on its own (after that: the holder of the
# step's post, or an administrator); postgres.sql's sop_void is filled with it.
VOID_SOON_HOURS = 24

# The acting appointments, as stored, and how documents write them before the position:
# Plt. (pelaksana tugas) and Plh. (pelaksana harian).
ACTING = {"plt": "Plt.", "plh": "Plh."}

# The last day of a post without one, where posts' periods are compared (postgres.sql is filled with it).
OPEN_END = "9999-12-31"

# A login is plain: ASCII lowercase letters, digits, _ . - (so NFKC-normal, with nothing invisible, right-to-left
# or look-alike in it), at most 63 characters as PostgreSQL role names. postgres.sql's sop_add_person is filled
# with the same pattern.
LOGIN_PATTERN = "[a-z_][a-z0-9_.-]{0,62}"
_LOGIN = re.compile(LOGIN_PATTERN)

# Letters of other scripts that look like Latin ones, and Latin sequences that look like others: a
# skeleton (as Unicode TR 39 describes it, kept to what logins meet) makes look-alike logins equal.
_LOOK_ALIKE = str.maketrans(
    {
        **dict.fromkeys("аαɑ", "a"), "в": "b", **dict.fromkeys("сϲ", "c"), "ԁ": "d", **dict.fromkeys("еε", "e"),
        "һ": "h", **dict.fromkeys("іιӏ", "i"), "ј": "j", **dict.fromkeys("κк", "k"), **dict.fromkeys("оοσ0", "o"),
        **dict.fromkeys("рρ", "p"), "ԛ": "q", "ѕ": "s", "т": "t", **dict.fromkeys("υ", "u"), "ν": "v",
        "ԝ": "w", **dict.fromkeys("хχ", "x"), **dict.fromkeys("уγ", "y"), "1": "l", "ı": "i",
    }
)  # fmt: skip
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def skeleton(login: str) -> str:
    """What a login looks like: equal for two logins a reader cannot tell apart."""
    import unicodedata  # its tables cost every start: only logins compared need it

    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", login)).casefold()
    text = text.replace("rn", "m").replace("vv", "w")
    return text.translate(_LOOK_ALIKE)


def look_alikes(logins: list[str]) -> dict[str, list[str]]:
    """login -> the other logins it cannot be told apart from (only logins that have any)."""
    by_look: dict[str, list[str]] = {}
    for login in logins:
        by_look.setdefault(skeleton(login), []).append(login)
    return {a: [b for b in same if b != a] for same in by_look.values() if len(same) > 1 for a in same}


def shown(login: str) -> str:
    """A login as a refusal shows it: what is invisible or not ASCII written as an escape."""
    return login.encode("ascii", "backslashreplace").decode("ascii")


def database_refusal(kind: str, **details: Any) -> UserError:
    """The refusal PostgreSQL raised, of a kind it names (a newer function may name one this client lacks)."""
    return refusal(cast(RefusalKind, kind), **details)


def refusal(kind: RefusalKind, **details: Any) -> UserError:
    """The refusal of ``kind``, worded from its details (what a store's check found)."""
    if kind == "bad-login":  # what cannot be seen must be shown
        details["login"] = shown(str(details.get("login")))
    template = MESSAGES.get(kind)
    if template is None:  # a check of the database the client does not word itself
        return Refused(
            _("the database refused the action: {why}").format(why=details.get("database_says", kind)),
            kind="database-refused",
            **details,
        )
    details.pop("database_says", None)  # worded here: PostgreSQL's English text says no more
    message = _(template).format_map(_Facts(template_values(kind, details)))
    if kind == "concurrent-change":  # the case service repeats a decision on a case that moved on
        return ConcurrentChange(message, str(details.get("case")))
    return Refused(message, kind=kind, **details)


def template_values(kind: str, details: dict[str, Any]) -> dict[str, Any]:
    """What the template of ``kind`` is filled with: the details, times as people read them, and the
    values some templates name otherwise (a list of names joined, a status in words)."""
    values = _worded(details)
    if kind in _VALUES:
        values.update({name: v for name, v in _VALUES[kind](details).items() if v is not None})
    return values


# the details that are times or days: written in a message as people read them, kept as ISO in the details
_MOMENTS = ("at", "now", "last", "until", "start", "day", "other_start", "other_until", "since", "efektif")


def _worded(details: dict[str, Any]) -> dict[str, Any]:
    tz = details.get("timezone")
    return {
        k: format_moment_text(v, tz if isinstance(tz, str) else None) if k in _MOMENTS and isinstance(v, str) else v
        for k, v in details.items()
    }


def check_login(login: str) -> str:
    if not _LOGIN.fullmatch(login):
        raise refusal("bad-login", login=login)
    return login


# an e-mail address, simply: one @ between two parts without spaces or control characters (postgres.sql
# sop_check_email says the same); whether it reaches anyone, only the mail server can tell
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+")
EMAIL_MAX = 254  # RFC 5321's longest path


def check_email(email: str | None) -> str | None:
    """An e-mail address as a person's field keeps it (None or empty: none)."""
    if email is None or not email.strip():
        return None
    email = email.strip()
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise refusal("bad-email", email=shown(email))
    return email


def parse_day(text: str) -> str:
    """A date as posts keep it: YYYY-MM-DD."""
    return day(text).isoformat()


def parse_acting(text: str | None) -> str | None:
    if text is None:
        return None
    value = text.strip().lower().rstrip(".")
    if value not in ACTING:
        raise refusal("bad-acting", acting=text)
    return value
