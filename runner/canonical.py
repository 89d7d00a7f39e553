"""Canonical JSON: the one text form that hashes are taken over and that stores keep.

Keys sorted, no spaces, UTF-8 kept as it is; the same value always gives the
same text, so the same sha256.
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(data: str | bytes) -> str:
    import hashlib  # imported late: OpenSSL's start-up is felt by `sop case show`

    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()
