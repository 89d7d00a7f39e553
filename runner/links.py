"""Where people open a case on the web: for the links in e-mails and the QR code of the lembar kendali.

`SOP_SERVE_URL` is the address people type to reach `sop serve` (behind a proxy, the proxy's
address), so a link made by `sop notify` at night or a sheet printed at the terminal still points
at the page a person can open. Unset, there is no link to make, and callers say so.
"""

from __future__ import annotations

import os
from urllib.parse import quote

ENV = "SOP_SERVE_URL"


def serve_url() -> str | None:
    """The web front door's address without a trailing slash, or None when none is set."""
    url = os.environ.get(ENV, "").strip().rstrip("/")
    return url or None


def case_url(case_id: str, base: str | None = None) -> str | None:
    """The address of a case's page (`/cases/{id}` of sop serve), or None without a base."""
    base = base if base is not None else serve_url()
    return f"{base.rstrip('/')}/cases/{quote(case_id, safe='')}" if base else None
