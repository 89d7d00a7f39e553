"""The shared store: PostgreSQL through psycopg 3, for several clerks on several machines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from ..errors import UserError
from ..i18n import _
from .sql import SQLStore


class PostgresStore(SQLStore):
    blob_type = "BYTEA"
    placeholder = "%s"
    integrity_errors = (psycopg.errors.UniqueViolation,)

    shares_database = True  # other programs' tables may stand beside ours

    def __init__(self, url: str, create: bool = True) -> None:
        self.url = url
        try:
            # autocommit: reads take no transaction; writes open one explicitly
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
            self.open(create)
        except psycopg.OperationalError as e:
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise UserError(
                _("cannot reach the case database: {reason}").format(reason=reason), "store-unavailable"
            ) from None

    def table_names(self) -> set[str]:
        rows = self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        return {name for (name,) in rows}

    def missing(self) -> UserError:
        return UserError(
            _("the database has no case store yet; the first case started makes it"), "store-missing"
        )

    def foreign(self) -> UserError:
        return UserError(
            _("the database holds tables named like a case store's that are not one; use another database or schema"),
            "not-a-store",
        )

    def stream(self, sql: str, params: tuple | list = ()) -> Iterator[Any]:
        # single-row mode: psycopg's plain execute would fetch every row before the first is shown
        return self.conn.cursor().stream(sql.replace("?", self.placeholder), params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    def lock_numbering(self, sop: str) -> None:
        # held until the transaction ends; two clerks starting cases of one SOP take turns
        self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (f"sop-runner:{sop}",))

    def append_only_sql(self) -> list[str]:
        return [
            "CREATE OR REPLACE FUNCTION sop_events_append_only() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'events are append-only'; END $$",
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events"
            " FOR EACH ROW EXECUTE FUNCTION sop_events_append_only()",
        ]
