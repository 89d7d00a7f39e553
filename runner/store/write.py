"""What the case service asks a store to write: one action, decided.

Its own module: only writing commands need it, and a named tuple this wide
costs the start-up of every ``sop case show``.
"""

from collections.abc import Callable
from typing import NamedTuple

from .rows import ActionKind, CaseRow, DocumentRow, EventRow


class Write(NamedTuple):
    """One action on a case, as the case service asks a store to write it.

    The engine has decided the case's new state; the store checks who may act
    (``authorize``), stamps its own clock, chains the event and writes it with
    the case row, in one transaction (on PostgreSQL, in one function call).
    """

    request: str  # unique; after a lost connection it tells whether the action landed
    action: ActionKind
    sop: str
    timezone: str  # the SOP's: posts are held by the day there
    at: str  # when it happened (UTC): the store's clock as read before, or the time given
    backdated: bool  # ``at`` was given (``--at``)
    role: str | None
    outcome: str | None
    note: str | None
    data: str  # canonical JSON
    documents: list[DocumentRow]  # the store fills in case id and sequence number
    for_login: str | None  # recorded for this person (``--for``); None: for the recorder
    title: str | None  # start only: the case's title
    step: str | None  # start only: the first step (an action happens at the step the case stands at)
    available: list[str]  # the documents at hand after the action, as the engine computed them
    # the case row after the event (the row before it; None for a start): the case service's
    # ``row_after``, the one rule verify replays; PostgreSQL's functions write the same in SQL
    row_after: Callable[[CaseRow | None, EventRow], CaseRow]
    restores: CaseRow | None = None  # a void only: the case row as it stood before the event voided
