"""The limits of what a store keeps (runner/store/limits.py), one table of bad inputs for both stores.

Each row of tests/data/bad_writes.json is written on SQLite through the store's write path (the
program is the guard there) and on PostgreSQL straight through the database's functions, as a clerk
with psql would call them (the database is the guard there): both refuse it with the same kind, and
nothing is stored.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from runner import Attachment, Cases, UserError, find_sop, load_sop
from runner.store import DocumentRow
from runner.store.clock import iso
from runner.store.limits import LIMITS
from runner.store.write import Write

ROWS = json.loads((Path(__file__).parent / "data" / "bad_writes.json").read_text(encoding="utf-8"))


def _values(row: dict, store) -> dict:
    """The row's bad values, with ordinary ones for the rest."""
    n = row.get("documents", 0)
    content = b"x" * (row.get("content_bytes") or int(row.get("content_mb", 0) * 1024 * 1024) or 10)
    return {
        "at": row.get("at") or iso(store.clock()),
        "backdated": "at" in row,
        "note": "n" * row["note_chars"] if "note_chars" in row else None,
        "title": "t" * row.get("title_chars", 10),
        "names": [("d" * row["name_chars"]) if "name_chars" in row else f"Dokumen {i}" for i in range(n)],
        "filenames": [("f" * row["filename_chars"]) if "filename_chars" in row else f"scan{i}.pdf" for i in range(n)],
        "contents": [content] * n,
        "nama": "N" * row.get("nama_chars", 10),
    }


def _through_the_program(store, case, row: dict) -> None:
    v = _values(row, store)
    if row["action"] == "add-person":
        store.add_person(store.login, store.login, v["nama"], None, True, False)
        return
    docs = [
        DocumentRow("", 0, name, None, filename, len(content), "0" * 64, content)
        for name, filename, content in zip(v["names"], v["filenames"], v["contents"], strict=True)
    ]
    w = Write(
        uuid.uuid4().hex, row["action"], case.sop, "Asia/Jakarta", v["at"], v["backdated"], None, None, v["note"],
        "{}", docs, None, v["title"] if row["action"] == "start" else None, case.step, case.available,
        lambda before, event: pytest.fail("a refused write reached the case row"),
    )  # fmt: skip
    if row["action"] == "start":
        store.create_case(("0" * 64, "1", "{}", None), w)
    else:
        store.append(case, w)


def _through_the_database(store, case, row: dict) -> None:
    """As a clerk with psql would call the functions: nothing of sop's own checks on the way."""
    import psycopg

    v = _values(row, store)
    args = [v["at"], v["backdated"], None, json.dumps(case.available), v["names"], v["filenames"], v["contents"]]
    try:
        if row["action"] == "add-person":
            store.conn.execute("SELECT sop_add_person(session_user, %s, NULL, true, false)", [v["nama"]])
        elif row["action"] == "start":
            store.conn.execute(
                "SELECT sop_start(%s, %s, %s, '1', '{}', NULL, %s, '{}', %s, %s, %s, %s, %s, %s, %s)",
                [uuid.uuid4().hex, case.sop, "0" * 64, v["title"], *args],
            )
        else:
            store.conn.execute(
                "SELECT sop_act(%s, %s, %s, %s, NULL, NULL, %s, '{}', %s, %s, %s, %s, %s, %s, %s)",
                [uuid.uuid4().hex, case.id, case.seq, row["action"], v["note"], *args],
            )
    except psycopg.errors.RaiseException as e:
        raise store._failure(e) from None


def _stored(store) -> list:
    return [store.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("cases", "events", "people")]


@pytest.mark.parametrize("row", ROWS, ids=[r["what"] for r in ROWS])
def test_a_bad_write_is_refused_by_the_store_itself(store, row):
    case = Cases(store).start(load_sop(find_sop("pelacuran")), attach=[Attachment("Informasi Pelanggaran")])
    before = _stored(store)
    write = _through_the_database if store.url.startswith("postgresql") else _through_the_program
    with pytest.raises(UserError) as refused:
        write(store, case, row)
    assert refused.value.kind == row["kind"], refused.value
    assert "database-refused" not in str(refused.value.kind)  # worded by the one table, in the reader's language
    assert _stored(store) == before


def test_at_the_limits_the_store_keeps_it(cases, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"x" * (LIMITS["attachment_mb"] * 1024 * 1024))
    case = cases.start(load_sop(find_sop("pelacuran")), title="t" * LIMITS["title_chars"])
    names = [Attachment("d" * LIMITS["name_chars"], scan)] + [
        Attachment(f"D{i}") for i in range(LIMITS["documents"] - 1)
    ]
    row = cases.attach(case.id, names, note="n" * LIMITS["note_chars"])
    assert row.seq == 2
