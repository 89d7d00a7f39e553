"""The errors a user can cause. The CLI maps them to a message and an exit code in one place."""

from __future__ import annotations

EXIT_OK = 0
EXIT_REFUSED = 1  # refused or invalid input: the user can fix it
EXIT_USAGE = 2  # click's own usage errors
EXIT_INTERNAL = 3  # a bug: say so instead of pretending the input was wrong


class UserError(Exception):
    """Something the user asked for cannot be done; the message says what to do instead."""

    exit_code = EXIT_REFUSED


class Refused(UserError):
    """A case action the SOP does not allow now (wrong pelaksana, missing kelengkapan, ...)."""


class ConcurrentChange(UserError):
    """Another clerk changed the same case between our read and our write."""


class InvalidSOP(UserError):
    """An SOP file has errors; ``problems`` holds one formatted line per problem."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
