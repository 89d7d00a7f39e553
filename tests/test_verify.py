"""``case verify`` checks every fact the store holds; ``audit checkpoint`` anchors the history outside it.

Each tamper is done as a person with the database file or a database login
would do it: through their own connection, around sop-runner (triggers and
foreign keys off), never through our store code.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import SOPS

from runner import Attachment, Cases, People, load_sop, open_store
from runner.store import CaseRow, EventRow
from runner.store.chain import GENESIS, event_hash

PKL = SOPS / "pkl.yaml"


@contextmanager
def raw(db_url: str):
    """A tamperer's own connection: no triggers, no foreign keys, autocommit at the end."""
    if db_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(db_url) as conn:
            conn.execute("SET session_replication_role = replica")  # triggers and foreign keys off
            yield conn
        return
    conn = sqlite3.connect(db_url[len("sqlite:///") :], isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    try:
        yield _Qmark(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()


class _Qmark:
    """sqlite3 with psycopg's %s placeholders, so one tamper text serves both."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: tuple = ()):
        return self.conn.execute(sql.replace("%s", "?"), params)


def tamper(db_url: str, *statements: str | tuple[str, tuple]) -> None:
    with raw(db_url) as conn:
        for s in statements:
            sql, params = (s, ()) if isinstance(s, str) else s
            conn.execute(sql, params)


def rewrite_history(db_url: str, case_id: str, seq: int, **changes: object) -> None:
    """Change event ``seq`` and recompute, with the real ``event_hash``, every hash after it and the
    case row's head: the chain is whole again, and plain ``verify`` cannot tell."""
    with raw(db_url) as conn:
        rows = conn.execute(
            f"SELECT {', '.join(EventRow._fields)} FROM events WHERE case_id = %s ORDER BY seq", (case_id,)
        ).fetchall()
        prev = GENESIS
        for r in rows:
            e = EventRow(*r)
            if e.seq == seq:  # a change may be a function of the event as it was
                e = e._replace(**{k: v(e) if callable(v) else v for k, v in changes.items()})
            e = e._replace(prev_hash=prev)
            e = e._replace(hash=event_hash(e))
            sets = ", ".join(f"{f} = %s" for f in EventRow._fields if f not in ("case_id", "seq"))
            values = tuple(getattr(e, f) for f in EventRow._fields if f not in ("case_id", "seq"))
            conn.execute(f"UPDATE events SET {sets} WHERE case_id = %s AND seq = %s", (*values, case_id, e.seq))
            prev = e.hash
        conn.execute("UPDATE cases SET head = %s WHERE id = %s", (prev, case_id))


@pytest.fixture
def two_cases(sop, db_url, tmp_path):
    """pkl-1, with a kept scan, two steps on; and pkl-2 beside it, which no tamper touches."""
    scan = tmp_path / "pengaduan.pdf"
    scan.write_bytes(b"%PDF-1.4 pengaduan warga " * 400)
    run = lambda *a: sop("--db", db_url, "case", *a)  # noqa: E731
    assert run("start", "pkl", "--title", "Lapak RW 03", "--attach", f"Laporan Pengaduan={scan}").code == 0
    assert run("advance", "pkl-1", "--as", "kasi-trantib").code == 0
    assert run("attach", "pkl-1", "Surat Tugas").code == 0
    assert run("advance", "pkl-1", "--as", "danru", "--note", "lapak dibongkar").code == 0
    assert run("start", "pkl", "--attach", "Laporan Pengaduan").code == 0
    assert run("verify").code == 0
    return run


def _findings(run, *args: str) -> list[dict]:
    result = run("verify", *args, "--json")
    assert result.code in (0, 1), result  # never an internal error
    found = json.loads(result.out)
    assert (result.code == 1) == bool(found)
    return found


# every column of the case row, rewritten: each must be found
COLUMN_TAMPERS = {
    "id": None,  # the row of another id: see the damage test (a row missing, a row without events)
    "sop": "UPDATE cases SET sop = 'pelacuran' WHERE id = 'pkl-1'",
    "number": "UPDATE cases SET number = 7 WHERE id = 'pkl-1'",
    "title": "UPDATE cases SET title = 'Judul palsu' WHERE id = 'pkl-1'",
    "definition": None,  # needs a second stored definition: its own test below
    "status": "UPDATE cases SET status = 'done', step = NULL WHERE id = 'pkl-1'",
    "step": "UPDATE cases SET step = 'laporan' WHERE id = 'pkl-1'",
    "entered_at": "UPDATE cases SET entered_at = '2026-01-01T00:00:00.000000+00:00' WHERE id = 'pkl-1'",
    "deadline": "UPDATE cases SET deadline = '2099-01-01T00:00:00.000000+00:00' WHERE id = 'pkl-1'",
    "available": """UPDATE cases SET available = '["surat perintah penertiban"]' WHERE id = 'pkl-1'""",
    "seq": "UPDATE cases SET seq = 3 WHERE id = 'pkl-1'",
    "head": "UPDATE cases SET head = '" + "ab" * 32 + "' WHERE id = 'pkl-1'",
    "created_at": "UPDATE cases SET created_at = '2020-01-01T00:00:00.000000+00:00' WHERE id = 'pkl-1'",
    "updated_at": "UPDATE cases SET updated_at = '2020-01-01T00:00:00.000000+00:00' WHERE id = 'pkl-1'",
}


def test_every_column_of_the_case_row_has_a_tamper():
    assert set(COLUMN_TAMPERS) == set(CaseRow._fields)


@pytest.mark.parametrize("column", [c for c, t in COLUMN_TAMPERS.items() if t])
def test_a_rewritten_column_of_the_case_row_is_found(two_cases, db_url, column):
    tamper(db_url, COLUMN_TAMPERS[column])
    found = _findings(two_cases)
    assert [(f["case"], f["kind"]) for f in found] == [("pkl-1", "row-differs")], found
    assert f"{column} is" in found[0]["message"]
    result = two_cases("verify")
    assert result.code == 1 and "case pkl-1" in result.err and "pkl-2" not in result.err


def test_a_definition_the_row_points_to_that_its_events_do_not_name_is_found(two_cases, db_url, tmp_path):
    other = tmp_path / "pkl.yaml"
    other.write_text(PKL.read_text(encoding="utf-8").replace('version: "0.1"', 'version: "0.2"'), encoding="utf-8")
    assert two_cases("start", str(other)).code == 0  # stores a second definition
    tamper(
        db_url,
        "UPDATE cases SET definition = (SELECT definition FROM cases WHERE id = 'pkl-3') WHERE id = 'pkl-1'",
    )
    found = _findings(two_cases)
    assert [(f["case"], f["kind"]) for f in found] == [("pkl-1", "row-differs")]
    assert "definition is" in found[0]["message"]


def test_a_deadline_pushed_out_is_found_though_it_hides_the_case_from_overdue(two_cases, db_url, sop):
    assert two_cases("start", "pkl", "--attach", "Laporan Pengaduan", "--at", "2026-01-05T09:00").code == 0
    assert "pkl-3" in two_cases("list", "--overdue").out
    tamper(db_url, "UPDATE cases SET deadline = '2099-01-01T00:00:00.000000+00:00' WHERE id = 'pkl-3'")
    assert "pkl-3" not in two_cases("list", "--overdue").out
    result = two_cases("verify")
    assert result.code == 1 and "case pkl-3" in result.err and "deadline is" in result.err


@pytest.mark.parametrize(
    "statements, kind",
    [
        (["UPDATE documents SET content = %s WHERE case_id = 'pkl-1'"], "document-changed"),
        (["UPDATE documents SET content = NULL WHERE case_id = 'pkl-1' AND seq = 1"], "document-changed"),
        (["DELETE FROM documents WHERE case_id = 'pkl-1' AND seq = 1"], "document-changed"),
        (["UPDATE documents SET filename = 'lain.pdf' WHERE case_id = 'pkl-1' AND seq = 1"], "document-changed"),
        (
            ["UPDATE documents SET sha256 = NULL, content = NULL, size = NULL WHERE case_id = 'pkl-1'"],
            "document-changed",
        ),
        (
            [
                "INSERT INTO documents (case_id, seq, name, step, filename, size, sha256, content)"
                " VALUES ('pkl-1', 2, 'Surat Palsu', 'terima-laporan', NULL, NULL, NULL, NULL)"
            ],
            "document-planted",
        ),
        (
            [
                "INSERT INTO documents (case_id, seq, name, step, filename, size, sha256, content)"
                " VALUES ('pkl-1', 9, 'Surat Palsu', NULL, NULL, NULL, NULL, NULL)"
            ],
            "document-planted",
        ),
    ],
    ids=[
        "content-changed",
        "content-erased",
        "row-erased",
        "filename",
        "all-columns-erased",
        "planted",
        "planted-no-event",
    ],
)
def test_a_changed_erased_or_planted_document_is_found(two_cases, db_url, statements, kind):
    stmts = [(s, (b"%PDF-1.4 diganti",)) if "%s" in s else s for s in statements]
    tamper(db_url, *stmts)
    found = _findings(two_cases)
    assert {(f["case"], f["kind"]) for f in found} == {("pkl-1", kind)}, found
    assert two_cases("verify").err.count("case pkl-1") >= 1


def test_a_document_changed_with_its_sha256_column_to_match_is_still_found(two_cases, db_url):
    import hashlib

    fake = b"%PDF-1.4 surat lain"
    tamper(
        db_url,
        (
            "UPDATE documents SET content = %s, sha256 = %s, size = %s WHERE case_id = 'pkl-1' AND seq = 1",
            (fake, hashlib.sha256(fake).hexdigest(), len(fake)),
        ),
    )
    assert [(f["case"], f["kind"]) for f in _findings(two_cases)] == [("pkl-1", "document-changed")]


@pytest.mark.parametrize(
    "statement, why",
    [
        ("UPDATE definitions SET body = replace(body, 'Penertiban', 'Pembiaran')", "does not hash to its digest"),
        ("UPDATE definitions SET source = replace(source, 'Penertiban', 'Pembiaran')", "YAML source"),
        ("UPDATE definitions SET version = '9.9'", "stored as pkl version 9.9"),
    ],
)
def test_an_edited_stored_definition_is_found_for_every_case_on_it(two_cases, db_url, statement, why):
    tamper(db_url, statement)
    found = _findings(two_cases)
    assert {(f["case"], f["kind"]) for f in found} == {("pkl-1", "definition-changed"), ("pkl-2", "definition-changed")}
    assert all(why in f["message"] for f in found), found


# --- a damaged store: findings, never a crash ------------------------------------------------


@pytest.mark.parametrize(
    "damage, kind",
    [
        (["DELETE FROM definitions"], "definition-missing"),
        (["UPDATE cases SET available = '[not json' WHERE id = 'pkl-1'"], "row-differs"),
        (["UPDATE cases SET status = 'hilang' WHERE id = 'pkl-1'"], "row-differs"),
        (["DELETE FROM cases WHERE id = 'pkl-1'"], "row-missing"),
        (["UPDATE cases SET id = 'pkl-9' WHERE id = 'pkl-1'"], "row-missing"),
        (["DELETE FROM events WHERE case_id = 'pkl-1'"], "events-missing"),
        (["DELETE FROM events WHERE case_id = 'pkl-1' AND seq = 2"], "event-changed"),
        (["UPDATE definitions SET body = 'bukan json'"], "definition-changed"),
    ],
)
def test_damage_is_a_finding_naming_the_case_and_verify_goes_on(two_cases, db_url, damage, kind):
    tamper(db_url, *damage)
    found = _findings(two_cases)
    assert ("pkl-1", kind) in {(f["case"], f["kind"]) for f in found}, found
    result = two_cases("verify")
    assert result.code == 1 and "Traceback" not in result.err
    assert two_cases("verify", "pkl-1").code == 1


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"action": "frobnicate"}, "cannot be replayed"),
        ({"data": "{bukan json"}, "cannot be read"),
        ({"data": "[1, 2]"}, "cannot be read"),
        ({"role": "camat"}, "does not allow it"),
        ({"at": "2020-01-01T00:00:00.000000+00:00"}, "dated before"),
        ({"at": "kemarin"}, "cannot be replayed"),
        ({"step": "laporan"}, "recorded at step"),
        ({"action": "start"}, "starts with its first event"),
    ],
)
def test_an_event_rewritten_with_its_chain_recomputed_is_found_on_replay(two_cases, db_url, changes, words):
    rewrite_history(db_url, "pkl-1", 4, **changes)
    found = _findings(two_cases)
    assert [(f["case"], f["kind"], f["seq"]) for f in found] == [("pkl-1", "replay-failed", 4)], found
    assert words in found[0]["message"]


def test_a_corrupt_page_is_a_finding_for_its_case_and_the_next_case_is_checked(sop, tmp_path):
    db = tmp_path / "c.sqlite3"
    marker = os.urandom(32).hex().encode()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(marker * 3000)  # about 190 KB: a chain of overflow pages
    run = lambda *a: sop("--db", str(db), "case", *a)  # noqa: E731
    assert run("start", "pkl", "--attach", f"Laporan Pengaduan={scan}").code == 0
    assert run("start", "pkl", "--attach", "Laporan Pengaduan").code == 0
    content = bytearray(db.read_bytes())
    inside = content.find(marker, content.find(marker) + 100_000)
    page = inside // 4096 * 4096
    content[page : page + 4] = b"\xff\xff\xff\xff"  # the overflow page's pointer to the next one
    db.write_bytes(bytes(content))
    result = run("verify", "--json")
    assert result.code == 1, result
    found = json.loads(result.out)
    assert ("pkl-1", "store-damaged") in {(f["case"], f["kind"]) for f in found}
    assert (None, "store-damaged") in {(f["case"], f["kind"]) for f in found}  # the page check
    assert not any(f["case"] == "pkl-2" for f in found)
    said = run("verify")
    assert said.code == 1 and "case pkl-1: the case store" in said.err and "is damaged" in said.err


# --- the cache of validated SOP files --------------------------------------------------------


def _cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache").rglob("*.json"))


def test_an_edited_cache_record_is_not_believed(isolated_home, tmp_path):
    path = tmp_path / "pkl.yaml"
    path.write_bytes(PKL.read_bytes())
    first = load_sop(path)
    [record] = _cache_files(isolated_home)
    data = json.loads(record.read_text(encoding="utf-8"))
    data["data"]["nama"] = "Dipalsukan di cache"
    data["data"]["steps"][0]["next"] = "tidak-ada"
    record.write_text(json.dumps(data), encoding="utf-8")
    again = load_sop(path)
    assert again.nama == first.nama and again.digest == first.digest


def test_a_cache_that_lies_about_a_file_lets_no_invalid_sop_through(isolated_home, tmp_path):
    from runner import InvalidSOP
    from runner.definition.catalogue import _cache_file

    valid = tmp_path / "pkl.yaml"
    valid.write_bytes(PKL.read_bytes())
    load_sop(valid)
    [record] = _cache_files(isolated_home)
    broken = PKL.read_bytes().replace(b"pelaksana: kasi-trantib", b"pelaksana: lurah", 1)
    bad = tmp_path / "rusak.yaml"
    bad.write_bytes(broken)
    # the valid file's record, placed where the broken file's would be: a cache that lies
    _cache_file(broken).write_bytes(record.read_bytes())
    with pytest.raises(InvalidSOP):
        load_sop(bad)
    # the cache is its owner's alone (0600 in a 0700 folder), like the SOP files themselves
    assert oct(record.stat().st_mode & 0o777) == "0o600"
    assert oct(record.parent.stat().st_mode & 0o777) == "0o700"


# --- the audit anchor ------------------------------------------------------------------------


@pytest.fixture
def checkpointed(two_cases, sop, db_url, tmp_path):
    """The two cases, and a checkpoint of them in a file."""
    path = tmp_path / "checkpoint.json"
    result = sop("--db", db_url, "audit", "checkpoint", "-o", str(path))
    assert result.code == 0, result
    digest = result.out.strip()
    assert len(digest) == 64 and json.loads(path.read_text(encoding="utf-8"))["digest"] == digest
    return two_cases, path, digest


def test_a_checkpoint_is_a_file_a_line_and_a_row_in_the_store(checkpointed, db_url):
    run, path, digest = checkpointed
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"format", "taken_at", "cases", "people", "digest"}  # format 2: the people chain too
    assert set(data["cases"]) == {"pkl-1", "pkl-2"} and data["cases"]["pkl-1"]["seq"] == 4
    with open_store(db_url) as store:
        latest = Cases(store).latest_checkpoint()
    assert latest is not None and latest.digest == digest and latest.heads["pkl-2"][0] == 1
    against = run("verify", "--against", str(path))
    assert against.code == 0
    assert f"the digest of {path}: {digest}; it must be the one kept on paper" in against.err  # to compare


def test_a_history_rewritten_with_its_chain_recomputed_fails_against_the_checkpoint(checkpointed, db_url):
    run, path, _digest = checkpointed
    rewrite_history(db_url, "pkl-1", 4, role="anggota")  # the other pelaksana of step 2: replay allows it
    assert run("verify").code == 0  # plain verify cannot tell
    result = run("verify", "--against", str(path))
    assert result.code == 1 and "case pkl-1" in result.err and "rewritten" in result.err, result
    assert "pkl-2" not in result.err
    assert [(f["case"], f["kind"]) for f in _findings(run, "--against", str(path))] == [("pkl-1", "history-rewritten")]


def test_a_case_that_disappeared_is_named_against_the_checkpoint(checkpointed, db_url):
    run, path, _digest = checkpointed
    tamper(
        db_url,
        "DELETE FROM documents WHERE case_id = 'pkl-2'",
        "DELETE FROM events WHERE case_id = 'pkl-2'",
        "DELETE FROM cases WHERE id = 'pkl-2'",
    )
    assert run("verify").code == 0
    found = _findings(run, "--against", str(path))
    assert [(f["case"], f["kind"]) for f in found] == [("pkl-2", "case-missing")]
    assert _findings(run, "pkl-2", "--against", str(path))[0]["case"] == "pkl-2"


def test_work_after_the_checkpoint_is_not_a_rewrite(checkpointed):
    run, path, _digest = checkpointed
    assert run("attach", "pkl-1", "Foto").code == 0
    assert run("advance", "pkl-2", "--as", "kasi-trantib").code == 0
    assert run("start", "pkl").code == 0
    assert run("verify", "--against", str(path)).code == 0


def test_an_edited_checkpoint_file_is_refused(checkpointed):
    run, path, _digest = checkpointed
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cases"]["pkl-1"]["hash"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("verify", "--against", str(path))
    assert result.code == 1 and "changed after it was written" in result.err and result.err.count("\n") == 1
    path.write_text("{}", encoding="utf-8")
    assert "not a checkpoint" in run("verify", "--against", str(path)).err


def test_a_checkpoint_is_refused_on_a_store_that_does_not_verify_or_over_a_file(checkpointed, db_url, sop, tmp_path):
    run, path, _digest = checkpointed
    again = sop("--db", db_url, "audit", "checkpoint", "-o", str(path))
    assert again.code == 1 and "exists already" in again.err
    tamper(db_url, "UPDATE cases SET title = 'x' WHERE id = 'pkl-2'")
    other = tmp_path / "lain.json"
    refused = sop("--db", db_url, "audit", "checkpoint", "-o", str(other))
    assert refused.code == 1 and "does not verify" in refused.err and not other.exists()
    missing = sop("--db", db_url, "audit", "checkpoint", "-o", str(tmp_path / "tidak-ada" / "c.json"))
    assert missing.code == 1 and "does not exist" in missing.err
    with open_store(db_url) as store:
        assert Cases(store).latest_checkpoint().digest == _digest  # type: ignore[union-attr]


def test_the_api_takes_and_reads_checkpoints(cases, tmp_path):
    assert cases.latest_checkpoint() is None
    case = cases.start(load_sop(PKL), attach=[Attachment("Laporan Pengaduan")])
    taken = cases.checkpoint(tmp_path / "c.json")
    assert taken.heads == {case.id: (1, case.head)}
    assert cases.latest_checkpoint() == taken
    assert cases.verify(against=tmp_path / "c.json") == []


def test_a_table_dropped_by_hand_is_damage_not_an_internal_error(two_cases, db_url):
    tamper(db_url, "DROP TABLE documents")
    result = two_cases("verify", "--json")
    assert result.code == 1, result
    assert {f["kind"] for f in json.loads(result.out)} == {"store-damaged"}
    shown = two_cases("show", "pkl-1")
    assert shown.code == 1 and "damaged" in shown.err


# --- who acted: the fields of event format 2 --------------------------------------------------


def _after_at(minutes: int):
    """A recorded_at ``minutes`` after the event's own time."""
    return lambda e: (datetime.fromisoformat(e.at) + timedelta(minutes=minutes)).isoformat(timespec="microseconds")


FORMAT_2_CLEARED = {"holder": None, "acting": None, "recorded_at": None, "backdated": 0, "request": None}


@pytest.mark.parametrize(
    "seq, changes, kind, words",
    [
        (2, {"format": 3}, "event-format", "format 3"),
        (3, {"format": 1, **FORMAT_2_CLEARED}, "event-format", "follows an event of format 2"),
        (1, {"format": 1}, "event-format", "does not cover recorded_at, request"),
        (2, {"recorded_at": None}, "event-invalid", "no time of recording"),
        (2, {"recorded_at": "2020-01-01T00:00:00.000000+00:00"}, "event-invalid", "before it happened"),
        (2, {"recorded_at": _after_at(2)}, "event-invalid", "not marked back-dated"),
        (2, {"request": None}, "event-invalid", "no request id"),
        (2, {"acting": "wakil"}, "event-invalid", "neither plt nor plh"),
        (2, {"holder": "siapa"}, "event-invalid", "not a registered person"),
    ],
    ids=[
        "unknown-format",
        "format-1-after-2",
        "format-1-with-unhashed-fields",
        "no-recorded-at",
        "recorded-before",
        "recorded-long-after",
        "no-request",
        "acting",
        "holder-unknown",
    ],
)
def test_who_and_when_an_event_records_is_checked(two_cases, db_url, seq, changes, kind, words):
    """Each rewrite keeps the chain whole (the hash recomputed by the event's format): before these
    checks, verify found nothing."""
    rewrite_history(db_url, "pkl-1", seq, **changes)
    found = _findings(two_cases)
    assert [(f["case"], f["seq"], f["kind"]) for f in found] == [("pkl-1", seq, kind)], found
    assert words in found[0]["message"]


def test_a_back_dated_event_may_be_recorded_long_after(two_cases, db_url):
    rewrite_history(db_url, "pkl-1", 2, recorded_at=_after_at(24 * 60), backdated=1)
    assert _findings(two_cases) == []


def test_a_deadline_recorded_by_hand_is_found_though_the_row_matches_it(two_cases, db_url):
    """On PostgreSQL a clerk may call sop_act with any deadline of the right form; the case row
    then holds it too, and only the SOP's waktu on its calendar tells it is wrong."""
    far = "2099-01-01T00:00:00.000000+00:00"
    rewrite_history(db_url, "pkl-1", 4, data=lambda e: json.dumps({**json.loads(e.data), "deadline": far}))
    tamper(db_url, ("UPDATE cases SET deadline = %s WHERE id = 'pkl-1'", (far,)))
    found = _findings(two_cases)
    assert [(f["case"], f["seq"], f["kind"]) for f in found] == [("pkl-1", 4, "deadline-differs")], found
    assert "it recorded the deadline 1 January 2099 at 07:00 WIB" in found[0]["message"]  # in words, not ISO


@pytest.fixture
def office_case(sop, db_url):
    """pkl-1 advanced by the login running the tests, who holds kasi-trantib; budi is registered
    and holds nothing."""
    with open_store(db_url) as store:
        me = store.login
        cases = Cases(store)
        case = cases.start(load_sop(PKL), attach=[Attachment("Laporan Pengaduan")])
        people = People(store)
        people.add(me, "Operator", records_for_others=True)
        people.add("budi", "Budi Santoso")
        post = people.grant(me, "kasi-trantib", valid_from="2020-01-01")
        cases.advance(case.id, "kasi-trantib")
    run = lambda *a: sop("--db", db_url, *a)  # noqa: E731
    assert run("case", "verify").code == 0
    return run, post.id


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"holder": "budi"}, "no post of budi as Kepala Seksi Ketentraman dan Ketertiban Umum"),
        ({"acting": "plh"}, "as Plh. Kepala Seksi Ketentraman"),
    ],
    ids=["another-holder", "another-acting"],
)
def test_an_advance_by_someone_without_the_post_is_found(office_case, db_url, changes, words):
    run, _post = office_case
    rewrite_history(db_url, "pkl-1", 2, **changes)
    found = json.loads(run("case", "verify", "--json").out)
    assert [(f["case"], f["seq"], f["kind"]) for f in found] == [("pkl-1", 2, "post-not-held")], found
    assert words in found[0]["message"]


def test_a_post_ended_afterwards_with_an_earlier_last_day_is_its_own_soft_finding(office_case):
    run, post = office_case
    assert run("post", "end", str(post), "--on", "2020-06-01").code == 0
    found = json.loads(run("case", "verify", "--json").out)
    assert [(f["case"], f["seq"], f["kind"]) for f in found] == [("pkl-1", 2, "post-not-held")], found
    assert "ended afterwards" in found[0]["message"]


# --- stored values sop never wrote: a finding or a refusal, never a crash --------------------------------

PLANTED = {
    "a note that is not UTF-8": "UPDATE events SET note = CAST(x'68ff6c6c6f' AS TEXT) WHERE case_id = 'pelacuran-1' AND seq = 2",
    "event data that is not JSON": "UPDATE events SET data = 'not json' WHERE case_id = 'pelacuran-1' AND seq = 2",
    "event data that is a JSON list": "UPDATE events SET data = '[1]' WHERE case_id = 'pelacuran-1' AND seq = 1",
    "an event time that is not a time": "UPDATE events SET at = 'kemarin' WHERE case_id = 'pelacuran-1' AND seq = 2",
    "a recorded time that is not a time": "UPDATE events SET recorded_at = 'x' WHERE case_id = 'pelacuran-1' AND seq = 2",
    "a case status no one knows": "UPDATE cases SET status = 'aneh' WHERE id = 'pelacuran-1'",
    "documents at hand that are not JSON": "UPDATE cases SET available = '{' WHERE id = 'pelacuran-1'",
    "a case step no SOP has": "UPDATE cases SET step = 'tidak-ada' WHERE id = 'pelacuran-1'",
    "a deadline that is not a time": "UPDATE cases SET deadline = 'besok' WHERE id = 'pelacuran-1'",
    "a checkpoint that is not JSON": "INSERT INTO checkpoints VALUES ('x', '2999-01-01T00:00:00.000000+00:00', 'not json')",
    "a checkpoint of the wrong shape": "INSERT INTO checkpoints VALUES ('y', '2999-01-01T00:00:00.000000+00:00', '[1]')",
    "a post day that is not a day": "UPDATE posts SET valid_from = 'kemarin'",
    "a post's SOPs that are not JSON": "UPDATE posts SET sops = '{'",
    "a document size that is not a number": "UPDATE documents SET size = NULL, sha256 = 'x'",
}
READS = [
    ("case", "list", "--all"),
    ("case", "show", "pelacuran-1"),
    ("case", "history", "pelacuran-1"),
    ("case", "history", "pelacuran-1", "--json"),
    ("case", "verify"),
    ("case", "verify", "pelacuran-1"),
    ("people", "list"),
    ("post", "list"),
    ("report", "--period", "2026"),
    ("monitoring", "pelacuran", "--period", "2026", "-o", "{tmp}/form.html"),
]


@pytest.mark.parametrize("what", list(PLANTED))
def test_a_planted_stored_value_is_a_finding_or_a_refusal(sop, db_url, tmp_path, what, monkeypatch):
    if db_url.startswith("postgresql") and "UTF-8" in what:
        pytest.skip("PostgreSQL keeps no text that is not UTF-8")
    monkeypatch.setenv("COLUMNS", "200")
    me = sop("--db", db_url, "people", "list", "--json")  # registers nobody; the login is the store's
    assert me.code == 0
    from runner.store import open_store

    with open_store(db_url) as store:
        login = store.login
    for args in [
        ("people", "add", login, "--nama", "Operator"),
        ("post", "grant", login, "kasi-trantib", "--from", "2020-01-01"),
        ("case", "start", "pelacuran", "--attach", "Informasi Pelanggaran"),
        ("case", "advance", "pelacuran-1", "--as", "kasi-trantib", "--note", "catatan"),
        ("case", "attach", "pelacuran-1", "Peta", str(_file(tmp_path))),
    ]:
        assert sop("--db", db_url, *args).code == 0, args
    tamper(db_url, PLANTED[what])
    crashed = []
    for args in READS:
        result = sop("--db", db_url, *[a.replace("{tmp}", str(tmp_path)) for a in args])
        if result.code not in (0, 1) or "Traceback" in result.err or "fault in sop-runner" in result.err:
            crashed.append((" ".join(args[:2]), result.err.split("), a fault")[0][-90:]))
        elif result.code == 1 and args[1] != "verify":
            assert result.err.startswith("error: ") and result.err.count("\n") == 1, (args, result.err)
        if args[:2] == ("case", "verify") and "checkpoint" not in what:  # a finding about that case, not a stop
            assert result.code == 1 and "error: case pelacuran-1" in result.err, (args, result)
        if args[0] == "monitoring" and "checkpoint" in what:  # the form prints no digest of a checkpoint it cannot read
            assert result.code == 1 and "checkpoint" in result.err, result
    assert crashed == [], "\n".join(map(str, crashed))


def _file(tmp_path):
    path = tmp_path / "peta.pdf"
    path.write_bytes(b"%PDF-1.4 peta")
    return path


def test_a_planted_checkpoint_with_a_digest_of_its_own_is_not_printed_on_the_form(checkpointed, sop, db_url, tmp_path):
    """A row whose digest covers its heads, made up: the monitoring form prints only a checkpoint whose heads
    the store holds."""
    from runner.cases.checkpoint import Checkpoint, digest_of

    run, path, digest = checkpointed
    heads = {"pkl-1": (4, "f" * 64)}
    fake = Checkpoint("2999-01-01T00:00:00.000000+00:00", heads, digest_of("2999-01-01T00:00:00.000000+00:00", heads))
    form = tmp_path / "form.html"
    assert sop("--db", db_url, "monitoring", "pkl", "--period", "2026", "-o", str(form)).code == 0  # the real one
    form.unlink()
    tamper(
        db_url,
        ("INSERT INTO checkpoints VALUES (%s, %s, %s)", (fake.digest, fake.taken_at, json.dumps(fake.to_json()))),
    )
    result = sop("--db", db_url, "monitoring", "pkl", "--period", "2026", "-o", str(form))
    assert result.code == 1 and "does not hold" in result.err and "--against" in result.err, result
    assert not form.exists()
