"""The writes a case store offers: one interface, an implementation per database side by side.

Every change of the record goes through these methods, each one transaction. ``SQLiteWrites``
(runner/store/sqlite_writes.py) checks the rules in Python, for SQLite has nothing else to check
them; ``PostgresStore`` (runner/store/postgres.py) calls the database's own SECURITY DEFINER
functions (runner/store/postgres.sql), so that a clerk who knows SQL meets the same rules. The
rules themselves are one table of refusals (runner/store/rules.py) and one set of data cases
(tests/data/rules/) both implementations pass. The reads every store shares are ``SQLStore``'s.
After pre-commit's ``lang_base.py``: one Protocol, the implementations beside each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .rows import CaseRow, PengesahanRow, PersonRow, PostRow
    from .write import Write

# (digest, version, canonical JSON, YAML source) of an SOP version, as the store keeps it
Definition = tuple[str, str, str, "str | None"]


class Writes(Protocol):
    """What changes a store; ``by`` is the authenticated login acting (the store's own ``login``)."""

    def create_case(self, definition: Definition, w: Write) -> CaseRow:
        """Keep the definition (once) and write the start ``w`` of a new case, numbered in its SOP."""
        ...

    def append(self, case: CaseRow, w: Write) -> CaseRow:
        """Write the action ``w`` on ``case`` as it was read, if nobody wrote since."""
        ...

    def migrate_cases(self, definition: Definition, writes: list[tuple[CaseRow, Write]]) -> list[CaseRow]:
        """Move cases to another version of their SOP (``definition``, kept when new): each ``migrate`` write
        on its case as it was read, all in one transaction or none; only by an administrator."""
        ...

    def sahkan(
        self,
        definition: Definition,
        sop: str,
        jabatan: str,
        nomor: str | None,
        tanggal_efektif: str,
        on: str | None,
        for_login: str | None,
        timezone: str,
    ) -> PengesahanRow:
        """Record that the holder of the post ``jabatan`` signed this SOP version on ``on``."""
        ...

    def read_document(self, case_id: str, seq: int, name: str) -> bytes | None:
        """One attachment's content for a reader the rule lets read it; the read is kept."""
        ...

    def add_checkpoint(self, digest: str, taken_at: str, body: str) -> None:
        """Keep an audit checkpoint."""
        ...

    def add_person(
        self,
        by: str,
        login: str,
        nama: str,
        nip: str | None,
        admin: bool,
        records_for_others: bool,
        email: str | None = None,
    ) -> PersonRow:
        """Register a person (the first one registered becomes the admin)."""
        ...

    def set_email(self, by: str, login: str, email: str | None) -> PersonRow:
        """A person's e-mail address (None: none): an admin changes anyone's, a person their own."""
        ...

    def set_rights(self, by: str, login: str, admin: bool | None, records_for_others: bool | None) -> PersonRow:
        """Give or take a person's rights (a store keeps at least one admin)."""
        ...

    def grant_post(
        self,
        by: str,
        login: str,
        pelaksana: str,
        sops: list[str] | None,
        acting: str | None,
        valid_from: str,
        valid_until: str | None,
    ) -> PostRow:
        """Let ``login`` act as ``pelaksana`` from ``valid_from`` (a Plt./Plh. never overlapping another)."""
        ...

    def end_post(self, by: str, post_id: int, valid_until: str | None, today: str) -> PostRow:
        """End a post: its last day ``valid_until``, or today."""
        ...
