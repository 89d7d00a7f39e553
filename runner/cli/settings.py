"""What the top-level options say, handed to every command."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .. import SOP, Cases, SQLStore


class Settings:
    def __init__(self) -> None:
        self.db: str | None = None
        self.sop_dirs: tuple[str, ...] = ()
        self.debug = False

    def sop(self, ref: str) -> SOP:
        from .. import find_sop, load_sop  # the API loads its subsystem on first use: not at start, nor for --help

        return load_sop(find_sop(ref, self.sop_dirs))

    def store(self, write: bool = False) -> SQLStore:
        """The store of --db; it closes when the command ends.

        ``write``: the command changes the store, so it may make a new one; a command that
        only reads never creates a store, nor anything in a file that is not one."""
        from .. import open_store  # the store (sqlite3 or psycopg): only a command that opens one

        store = open_store(self.db, create=write)
        click.get_current_context().call_on_close(store.close)
        return store

    def cases(self, write: bool = False) -> Cases:
        """The case service on the store of --db (``write``: as for ``store``)."""
        from .. import Cases  # the case service: only a command that uses it, not --help

        return Cases(self.store(write), self.sop_dirs)


pass_settings = click.make_pass_decorator(Settings)
