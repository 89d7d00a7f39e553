"""The event chain: each event's hash covers its content and the hash before it.

Two formats, told apart by ``EventRow.format``. Format 1 (events written before
people and posts) hashes its eleven fields. Format 2 leads with the number 2 and
adds who held the post, the acting appointment, the server's clock, whether the
time was given, and the request id. PostgreSQL computes format 2 itself, as
``sha256(convert_to(json_build_array(2, ...)::text, 'UTF8'))``: its JSON text has
the same ", " separators and escapes as ``json.dumps(..., ensure_ascii=False)``
(see runner/store/postgres.sql, ``sop_event_hash``).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from ..canonical import sha256_hex

if TYPE_CHECKING:
    from .rows import EventRow

GENESIS = "0" * 64  # the "previous hash" of a case's first event
FORMAT = 2  # the format new events are written in
# how far the time of an action that is not back-dated may lie before the store's clock when it is
# written (format 2: ``at`` against ``recorded_at``); postgres.sql's sop_check_time says the same
NOW = timedelta(minutes=1)


def event_hash(event: EventRow) -> str:
    """sha256 over the previous hash and every field of the event but its own hash."""
    fields: list[object] = [
        event.case_id,
        event.seq,
        event.at,
        event.action,
        event.step,
        event.outcome,
        event.role,
        event.operator,
        event.note,
        event.data,
        event.prev_hash,
    ]
    if event.format == 2:
        fields = [
            2,
            *fields,
            event.holder,
            event.acting,
            event.recorded_at,
            int(event.backdated),
            event.request,
        ]
    return sha256_hex(json.dumps(fields, ensure_ascii=False))


def people_hash(prev: str, seq: int, at: str, actor: str, via: int, action: str, subject: str, data: str) -> str:
    """sha256 over a change of a person or a post (runner/store/audit.py) and the hash before it;
    postgres.sql's sop_people_hash joins the same fields with the same '|'."""
    return sha256_hex("|".join((prev, str(seq), at, actor, str(via), action, subject, data)))
