"""What may be refused about people, posts and who acts, worded in one place.

SQLite's write path (Python) and PostgreSQL's functions (PL/pgSQL) check the
same rules; both give a kind and the facts, and ``refusal`` words them, so a
refusal reads the same whichever store made it.
"""

from __future__ import annotations

import re
from typing import Any

from ..cases.clock import parse_day as day
from ..errors import ConcurrentChange, Refused, UserError
from ..i18n import N_, _

# kind -> message template over the details (the CLI adds what to type: runner/cli/wording.py)
MESSAGES: dict[str, str] = {
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
    "first-person-self": N_(
        "the first person registered becomes this store's admin, so it must be you ({login}), not '{person}'"
    ),
    "definition-unregistered": N_(
        "version {version} of SOP {sop} is new to this store; only an admin may start its first case"
    ),
    "by-not-you": N_("an action is recorded in the name of the login you are ({login}), not '{by}'"),
    "bad-login": N_("'{login}' cannot be a login: give it without spaces or control characters"),
    "nama-missing": N_("a person needs a nama"),
    "bad-acting": N_("'{acting}' is not an acting appointment; use plt or plh"),
    "time-in-future": N_("the time {at} lies in the future"),
    "clock": N_("the action waited for the store until its time ({at}) was no longer now ({now}); nothing was saved"),
    "time-before-last-event": N_(
        "the time {at} is before the case's last event ({last}); actions are recorded in order"
    ),
}

# The acting appointments, as stored, and how documents write them before the position:
# Plt. (pelaksana tugas) and Plh. (pelaksana harian).
ACTING = {"plt": "Plt.", "plh": "Plh."}

_LOGIN = re.compile(r"[^\s\x00-\x1f\x7f]{1,63}")  # PostgreSQL role names are at most 63 bytes


def refusal(kind: str, **details: Any) -> UserError:
    """The refusal of ``kind``, worded from its details (what a store's check found)."""
    if kind == "concurrent-change":
        case = str(details.get("case"))
        return ConcurrentChange(
            _("case {id} was changed by someone else just now; nothing was saved").format(id=case), case
        )
    template = MESSAGES.get(kind)
    if template is None:  # a check of the database the client does not word itself
        return Refused(
            "database-refused",
            _("the database refused the action: {why}").format(why=details.get("database_says", kind)),
            **details,
        )
    return Refused(kind, _(template).format(**details), **details)


def check_login(login: str) -> str:
    if not _LOGIN.fullmatch(login):
        raise refusal("bad-login", login=login)
    return login


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
