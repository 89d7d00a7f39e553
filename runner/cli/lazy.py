"""Our click classes: help texts translated when shown, and subcommands imported only when used.

Help texts are written as ``N_("...")`` (found by extraction, left as they
are) and translated here at the moment help is printed, so they follow
``--lang`` even though the commands were defined before it was read.
``LazyGroup`` follows click's documented pattern: ``sop case show`` loads the
case commands alone, not the validator, the document formats or the demo.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..i18n import _


@contextmanager
def _translated(params: list[click.Parameter]) -> Iterator[None]:
    options = [p for p in params if isinstance(p, click.Option) and p.help]
    saved = [p.help for p in options]
    for p, text in zip(options, saved, strict=True):
        p.help = _(str(text))
    try:
        yield
    finally:
        for p, h in zip(options, saved, strict=True):
            p.help = h


class Command(click.Command):
    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _own_help(self):
            super().format_help_text(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self.get_params(ctx)):
            super().format_options(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _own_help(self):
            return super().get_short_help_str(limit)


@contextmanager
def _own_help(command: click.Command) -> Iterator[None]:
    saved = command.help
    if saved:
        command.help = _(saved)
    try:
        yield
    finally:
        command.help = saved


class Group(Command, click.Group):
    command_class = Command

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # command name -> "module.attribute" of the click command, imported when first asked for
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            module_name, attr = self.lazy_subcommands[cmd_name].rsplit(".", 1)
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command), self.lazy_subcommands[cmd_name]
            return command
        return super().get_command(ctx, cmd_name)


Group.group_class = Group


class PathArgument(click.Path):
    """``click.Path`` giving a ``pathlib.Path``, with pathlib imported only when a path is given:
    ``sop case show`` defines commands that take files, and pathlib's import costs every start."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pathlib import Path  # pathlib costs every start: only when a path is given

        return Path(os.fsdecode(super().convert(value, param, ctx)))
