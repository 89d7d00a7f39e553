"""What ``verify`` reports, and a checkpoint's comparison too: below both, so neither imports the other for it."""

from __future__ import annotations

from typing import Any, NamedTuple


class Finding(NamedTuple):
    """Something ``verify`` found that does not match: in which case (None: the store), at which event."""

    case: str | None
    kind: str
    message: str
    seq: int | None = None

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        return {"case": self.case, "seq": self.seq, "kind": self.kind, "message": self.message}
