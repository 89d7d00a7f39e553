"""What a user can get wrong, and the exit codes: one place for both.

Every error the core raises is a ``UserError`` with a ``kind`` (a stable name
another front door can word its own way), ``details`` (the facts, JSON-ready)
and a plain sentence as its text. The sentence names no command-line flag:
the CLI adds its own hints (``runner/cli/wording.py``).
"""

from __future__ import annotations

import os
from typing import Any

EXIT_OK = 0
EXIT_REFUSED = 1  # refused or invalid input: the user can fix it
EXIT_USAGE = 2  # click's own usage errors
EXIT_INTERNAL = 3  # a bug: say so instead of pretending the input was wrong
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class UserError(Exception):
    """Something the user asked for cannot be done; the message says why."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, kind: str = "invalid", **details: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.details = details

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": str(self), "details": self.details}


class Refused(UserError):
    """An action the SOP or the store does not allow now (wrong pelaksana, missing kelengkapan, ...)."""

    def __init__(self, message: str, *, kind: str, **details: Any) -> None:
        super().__init__(message, kind, **details)  # as a UserError: the message, then its kind (named here)


class ConcurrentChange(Refused):
    """Another clerk changed the same case between our read and our write."""

    def __init__(self, message: str, case: str) -> None:
        super().__init__(message, kind="concurrent-change", case=case)


class InvalidSOP(UserError):
    """An SOP file has errors; ``problems`` holds them, each printable as one line."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems), "invalid-sop", problems=[str(p) for p in problems])


def write_crash_log(what: str) -> str | None:
    """Write the traceback being handled, with the version and ``what`` was asked (a command, a
    web request); returns the file, or None if it cannot be written. Every front door's bugs end here."""
    import platform  # only a crash needs these, platformdirs above all
    import time
    import traceback

    from platformdirs import user_log_dir

    from . import __version__

    text = (
        f"sop-runner {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        f"{what}\n\n{traceback.format_exc()}"
    )
    try:
        folder = user_log_dir("sop-runner")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log")
        with open(path, "w", encoding="utf-8", errors="backslashreplace") as f:  # argv may hold non-UTF-8 bytes
            f.write(text)
        return path
    except OSError:
        return None
