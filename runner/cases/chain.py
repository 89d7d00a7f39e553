"""The event chain: each event's hash covers its content and the hash before it."""

from __future__ import annotations

import json

from ..canonical import sha256_hex
from ..store import EventRow

GENESIS = "0" * 64  # the "previous hash" of a case's first event


def event_hash(event: EventRow) -> str:
    """sha256 over the previous hash and every field of the event but its own hash."""
    fields = [
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
    return sha256_hex(json.dumps(fields, ensure_ascii=False))
