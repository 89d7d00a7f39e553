"""The one way a command prints its result: a view for people, or JSON with ``--json``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click

from ..errors import EXIT_OK
from ..i18n import N_
from . import term


def json_option(f: Callable) -> Callable:
    """The shared ``--json`` switch: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))(f)


def to_json(result: Any) -> Any:
    if hasattr(result, "to_json"):
        return result.to_json()
    if isinstance(result, (list, tuple)):
        return [to_json(r) for r in result]
    return result


def emit(result: Any, as_json: bool, view: Callable[[Any], str]) -> int:
    """Print ``result`` as JSON (its ``to_json()``) or through ``view``; a command's usual last line."""
    if as_json:
        term.json_out(to_json(result))
    else:
        term.out(view(result))
    return EXIT_OK


def emit_stream(results: Iterable[Any]) -> int:
    """A JSON list of results printed as they come, for lists that may be long."""
    term.json_stream(to_json(r) for r in results)
    return EXIT_OK
