"""The world failing is a refusal, never an internal error: one line, exit 1, nothing half written.

Full disks and read-only folders are real: the commands run in a user
namespace where a tiny tmpfs is mounted (``unshare -rm``, no root needed);
where the kernel does not allow that, those tests skip and the full store is
shown with SQLite's own ``max_page_count`` instead (which always runs).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SOPS

from runner import Attachment, Cases, UserError, load_sop, open_store

PELACURAN = SOPS / "pelacuran.yaml"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line_refusal(result, *words: str) -> None:
    assert result.code == 1, result
    assert result.err.startswith("error: ") and result.err.count("\n") == 1, result.err
    for w in words:
        assert w in result.err, (w, result.err)


# --- naming a store -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, words",
    [
        ("", ["the name is empty"]),
        ("postgresql://", ["no server and no database"]),
        ("postgres://", ["no server and no database"]),
        (":memory:", ["forgets every case"]),
        ("sqlite:///:memory:", ["forgets every case"]),
        ("sqlite:///", ["names no file"]),
        ("mysql://localhost/x", ["unknown kind"]),
    ],
)
def test_a_store_name_that_names_no_store_is_refused_with_a_hint(sop, url, words, isolated_home):
    for args in (["case", "list"], ["case", "start", "pelacuran"]):
        result = sop("--db", url, *args)
        _one_line_refusal(result, *words, "check --db or SOP_DB")
    assert not (isolated_home / "data").exists()  # the default store was not quietly taken


def test_a_store_in_a_folder_that_does_not_exist_is_refused_and_no_folder_is_made(sop, tmp_path):
    db = tmp_path / "tidak-ada" / "c.sqlite3"
    _one_line_refusal(sop("--db", str(db), "case", "start", "pelacuran"), "does not exist")
    assert not db.parent.exists()


def test_a_store_that_is_not_a_file_is_refused_at_once(sop, tmp_path):
    fifo = tmp_path / "pipe.sqlite3"
    os.mkfifo(fifo)
    for db in (tmp_path, fifo, Path("/dev/zero")):
        for args in (["case", "list"], ["case", "start", "pelacuran"]):
            _one_line_refusal(sop("--db", str(db), *args), "not a file")


def test_reading_commands_make_no_store_and_no_folder(sop, isolated_home):
    for args in (["case", "list"], ["case", "list", "--json"], ["case", "verify"], ["case", "show", "x-1"]):
        result = sop(*args)
        assert result.code in (0, 1) and "Traceback" not in result.err
    assert sop("case", "list").out.strip() == "no cases"
    assert not (isolated_home / "data").exists()


# --- someone else's file ----------------------------------------------------------------------


@pytest.fixture
def foreign(tmp_path):
    path = tmp_path / "kontak.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('Bu Sri')")
    conn.close()
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["case", "list"],
        ["case", "verify"],
        ["case", "show", "pelacuran-1"],
        ["case", "history", "pelacuran-1"],
        ["case", "start", "pelacuran"],
        ["audit", "checkpoint", "-o", "{tmp}/cp.json"],
    ],
)
def test_an_sqlite_file_of_another_program_is_refused_untouched(sop, foreign, tmp_path, args):
    before = _digest(foreign)
    result = sop("--db", str(foreign), *[a.format(tmp=tmp_path) for a in args])
    _one_line_refusal(result, "another program")
    assert _digest(foreign) == before
    assert not Path(f"{foreign}-wal").exists()
    with sqlite3.connect(foreign) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["contacts"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_file_that_is_not_sqlite_is_refused_untouched(sop, tmp_path):
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"x" * 5000)
    for args in (["case", "list"], ["case", "start", "pelacuran"]):
        _one_line_refusal(sop("--db", str(pdf), *args), "not an SQLite file")
    assert pdf.read_bytes() == b"%PDF-1.4\n" + b"x" * 5000


def test_an_empty_file_is_made_a_store_only_by_a_command_that_writes(sop, tmp_path):
    db = tmp_path / "kosong.sqlite3"
    db.touch()
    assert sop("--db", str(db), "case", "list").out.strip() == "no cases"
    assert db.stat().st_size == 0
    assert sop("--db", str(db), "case", "start", "pelacuran").code == 0
    assert db.stat().st_size > 0


def test_a_postgresql_schema_is_not_changed_by_reading_nor_taken_when_it_holds_other_tables(sop, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL side of this kind; SQLite files are tested above")
    import psycopg

    def tables() -> set[str]:
        with psycopg.connect(db_url) as conn:
            rows = conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            ).fetchall()
        return {r[0] for r in rows}

    assert sop("--db", db_url, "case", "list").out.strip() == "no cases"
    assert tables() == set()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE cases (nomor INTEGER)")  # another program's table of the same name
    _one_line_refusal(sop("--db", db_url, "case", "start", "pelacuran"), "not one")
    assert tables() == {"cases"}


# --- a busy store ---------------------------------------------------------------------------------


def test_a_store_locked_longer_than_the_wait_is_a_refusal_that_says_what_to_do(sop, tmp_path, monkeypatch):
    db = tmp_path / "c.sqlite3"
    assert sop("--db", str(db), "case", "start", "pelacuran").code == 0
    before = _digest(db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            " c.execute('BEGIN IMMEDIATE'); print('holding', flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        monkeypatch.setenv("SOP_LOCK_WAIT", "0.5")
        began = time.monotonic()
        result = sop("--db", str(db), "case", "attach", "pelacuran-1", "Informasi Pelanggaran")
        assert time.monotonic() - began < 10
        _one_line_refusal(result, "is busy", "SOP_LOCK_WAIT")
        assert sop("--db", str(db), "case", "show", "pelacuran-1", "--json").code == 0  # readers do not wait
    finally:
        holder.kill()
        holder.wait()
    monkeypatch.delenv("SOP_LOCK_WAIT")
    history = json.loads(sop("--db", str(db), "case", "history", "pelacuran-1", "--json").out)
    assert len(history) == 1
    assert _digest(db) == before or sop("--db", str(db), "case", "verify").code == 0


@pytest.mark.parametrize("value", ["nan", "-1", "inf", "lama"])
def test_a_wait_that_is_not_a_number_of_seconds_is_an_error(sop, tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOP_LOCK_WAIT", value)
    _one_line_refusal(sop("--db", str(tmp_path / "c.sqlite3"), "case", "list"), "SOP_LOCK_WAIT is")


# --- a full store ---------------------------------------------------------------------------------


def test_a_full_store_refuses_and_keeps_what_it_had(tmp_path):
    """SQLite's own limit on the file's pages makes the store full for real (SQLITE_FULL)."""
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(os.urandom(512 * 1024))
    with open_store(f"sqlite:///{tmp_path / 'c.sqlite3'}") as store:
        cases = Cases(store)
        first = cases.start(load_sop(PELACURAN), attach=[Attachment("Informasi Pelanggaran")])
        (pages,) = store.conn.execute("PRAGMA page_count").fetchone()
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        for act in (
            lambda: cases.start(load_sop(PELACURAN), attach=[Attachment("Informasi Pelanggaran", scan)]),
            lambda: cases.attach(first.id, [Attachment("Surat Perintah", scan)]),
        ):
            with pytest.raises(UserError) as refused:
                act()
            assert refused.value.kind == "store-full" and "nothing was saved" in str(refused.value)
        assert [c.id for c in cases.search()] == [first.id]
        assert len(cases.history(first.id)) == 1
        cases.advance(first.id, "kasi-trantib")  # a small write still fits, the store still works
        assert cases.verify() == []


# --- the real world, in a user namespace ----------------------------------------------------------

_DRIVER = """
import json, subprocess, sys
results = []
for args in json.loads(sys.argv[1]):
    if args[0] == "!":  # a shell step of the scenario
        p = subprocess.run(args[1], shell=True, capture_output=True, text=True)
    else:
        p = subprocess.run([sys.executable, "-m", "runner", *args], capture_output=True, text=True)
    results.append([p.returncode, p.stdout, p.stderr])
print(json.dumps(results))
"""


def _in_namespace(prefix: list[str], steps: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run the steps (sop arguments, or ["!", shell]) inside ``prefix`` (an unshare command)."""
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not allowed here: {probe.stderr.decode().strip()}")
    done = subprocess.run(
        [*prefix, sys.executable, "-c", _DRIVER, json.dumps(steps)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [tuple(r) for r in json.loads(done.stdout)]  # type: ignore[misc]


def _tmpfs(folder: Path, size: str, steps: list[list[str]]) -> list[tuple[int, str, str]]:
    """The steps with a tmpfs of ``size`` mounted on ``folder``, as root of a new user namespace."""
    return _in_namespace(["unshare", "-rm"], [["!", f"mount -t tmpfs -o size={size} none {folder}"], *steps])[1:]


def _refused(result: tuple[int, str, str], *words: str) -> None:
    code, _out, err = result
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, result
    for w in words:
        assert w in err, (w, err)


def test_a_full_disk_is_a_refusal_and_nothing_is_half_written(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    big = tmp_path / "besar.pdf"
    big.write_bytes(os.urandom(1024 * 1024))
    db = f"sqlite:///{disk / 'c.sqlite3'}"
    r = _tmpfs(
        disk,
        "512k",
        [
            ["--db", db, "case", "start", "pelacuran"],
            ["--db", db, "case", "attach", "pelacuran-1", "Informasi Pelanggaran", str(big)],
            ["--db", db, "case", "start", "pelacuran", "--attach", f"Informasi Pelanggaran={big}"],
            ["--db", db, "case", "list", "--json"],
            ["--db", db, "case", "verify"],
            ["!", f"echo lama > {disk}/bagan.html"],
            ["!", f"dd if=/dev/zero of={disk}/isi bs=1k count=1000 2>/dev/null; true"],
            ["flowchart", "pelacuran", "-o", str(disk / "bagan.html")],
            ["!", f"cat {disk}/bagan.html; ls -A {disk}"],
        ],
    )
    assert r[0][0] == 0, r[0]
    for result in r[1:3]:  # whether a statement or the commit found the disk full
        _refused(result, "is full")
        assert "nothing was saved" in result[2] or "was not saved, nothing changed" in result[2], result
    assert [c["id"] for c in json.loads(r[3][1])] == ["pelacuran-1"]
    assert r[4][0] == 0, r[4]
    _refused(r[7], "No space left on device", "nothing was written")
    shown = r[8][1].split()
    assert shown[0] == "lama" and not any(name.endswith(".tmp") for name in shown), shown


def test_a_store_failing_as_a_checkpoint_or_an_admins_change_is_committed_is_a_refusal(tmp_path):
    """A small write reaches the disk only at its commit; the commit fails on a full disk. Where no
    request id can be looked up (a checkpoint, a person registered), it is still one line, exit 1."""
    disk = tmp_path / "disk"
    disk.mkdir()
    db = f"sqlite:///{disk / 'c.sqlite3'}"
    checkpoint = tmp_path / "checkpoint.json"  # on a disk with room: only the store's commit fails
    r = _tmpfs(
        disk,
        "512k",
        [
            ["--db", db, "case", "start", "pelacuran"],
            # room left for SQLite's 32 KB index of the log (-shm), not for the log's pages
            ["!", f"dd if=/dev/zero of={disk}/isi bs=1k count=$(( $(df -k --output=avail {disk} | tail -1) - 36 ))"],
            ["--db", db, "audit", "checkpoint", "-o", str(checkpoint)],
            ["--db", db, "people", "add", "root", "--nama", "Ani"],  # in the namespace we are root
            ["!", f"rm {disk}/isi"],
            ["--db", db, "people", "list", "--json"],
            ["--db", db, "case", "verify"],
        ],
    )
    assert r[0][0] == 0, r[0]
    _refused(r[2], "is full", "whether it was saved is unknown")
    assert not checkpoint.exists()  # the store did not keep it: neither does the file
    _refused(r[3], "is full", "whether it was saved")
    assert r[5][0] == 0 and json.loads(r[5][1]) == [], r[5]
    assert r[6][0] == 0, r[6]


def test_a_read_only_store_folder_is_a_refusal(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    db = f"sqlite:///{disk / 'c.sqlite3'}"
    r = _tmpfs(
        disk,
        "2m",
        [
            ["--db", db, "case", "start", "pelacuran"],
            ["!", f"mount -o remount,ro {disk}"],
            ["--db", db, "case", "list"],
            ["--db", db, "case", "attach", "pelacuran-1", "Informasi Pelanggaran"],
            ["--db", f"sqlite:///{disk / 'baru.sqlite3'}", "case", "start", "pelacuran"],
            ["flowchart", "pelacuran", "-o", str(disk / "bagan.html")],
        ],
    )
    assert r[0][0] == 0
    _refused(r[2], "cannot be written")
    _refused(r[3], "cannot be written")
    _refused(r[4], "Read-only file system", "nothing was saved")
    _refused(r[5], "Read-only file system", "nothing was written")


def test_a_read_only_store_file_can_be_read_but_not_written(tmp_path):
    db = tmp_path / "c.sqlite3"
    url = f"sqlite:///{db}"
    with open_store(url) as store:
        Cases(store).start(load_sop(PELACURAN))
    db.chmod(0o400)
    before = _digest(db)
    # as a user without root's power over file modes (root ignores them)
    r = _in_namespace(
        ["unshare", "-U", "--map-user=1000", "--map-group=1000"],
        [
            ["--db", url, "case", "list", "--json"],
            ["--db", url, "case", "attach", "pelacuran-1", "Informasi Pelanggaran"],
            ["--db", url, "case", "start", "pelacuran"],
        ],
    )
    assert r[0][0] == 0 and json.loads(r[0][1])[0]["id"] == "pelacuran-1", r[0]
    _refused(r[1], "can be read but not written", "nothing was saved")
    _refused(r[2], "can be read but not written", "nothing was saved")
    assert _digest(db) == before


# --- output files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, words",
    [
        ("{tmp}", ["is a folder"]),
        ("{tmp}/tidak-ada/bagan.html", ["does not exist"]),
        ("/dev/full", ["is a device"]),
        ("/dev/null", ["is a device"]),
    ],
)
def test_an_output_that_cannot_be_a_file_is_refused_before_drawing(sop, tmp_path, target, words):
    result = sop("flowchart", "pelacuran", "-o", target.format(tmp=tmp_path), "--format", "html")
    _one_line_refusal(result, *words)
    assert not (tmp_path / "tidak-ada").exists()


# --- times ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["case", "start", "pelacuran", "--at", "0001-01-01T00:00"],
        ["case", "start", "pelacuran", "--at", "1969-12-31T23:00+00:00"],
        ["case", "list", "--since", "0001-01-01T00:00+01:00"],
        ["case", "list", "--since", "9999-12-31T23:00-05:00"],
    ],
)
def test_a_time_out_of_range_is_refused(sop, tmp_path, args):
    _one_line_refusal(sop("--db", str(tmp_path / "c.sqlite3"), *args), "before 1970 or far ahead")


def test_one_odd_stored_time_does_not_break_the_list(sop, db_url):
    assert sop("--db", db_url, "case", "start", "pelacuran").code == 0
    assert sop("--db", db_url, "case", "start", "pelacuran").code == 0
    with open_store(db_url) as store, store.transaction():
        store.execute(
            "UPDATE cases SET deadline = '9999-12-31T23:59:59.000000+00:00', entered_at = 'kemarin'"
            " WHERE id = 'pelacuran-1'"
        )
    listed = sop("--db", db_url, "case", "list")
    assert listed.code == 0 and "pelacuran-1" in listed.out and "pelacuran-2" in listed.out
    assert sop("--db", db_url, "case", "list", "--json").code == 0
    shown = sop("--db", db_url, "case", "show", "pelacuran-1")
    assert shown.code == 0 and "9999" in shown.out  # the deadline as stored, in its own zone
    refused = sop("--db", db_url, "case", "advance", "pelacuran-1", "--as", "kasi-trantib")
    _one_line_refusal(refused, "damaged")


# --- private by default ---------------------------------------------------------------------------


def test_the_default_store_is_readable_by_its_owner_only(isolated_home):
    with open_store() as store:
        Cases(store).start(load_sop(PELACURAN))
        path = Path(store.url[len("sqlite:///") :])
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
        folder = stat.S_IMODE(path.parent.stat().st_mode)
    assert folder == 0o700
    assert modes == {"cases.sqlite3": 0o600, "cases.sqlite3-wal": 0o600, "cases.sqlite3-shm": 0o600}


def _nobody_owns(path: Path) -> None:
    try:
        os.chown(path, 65534, -1)
    except PermissionError:
        pytest.skip("only root can give a file to another user")


@pytest.mark.parametrize(
    "spoil, words",
    [
        (lambda f: f.parent.chmod(0o777), ("may be written by anyone", "chmod 700 ")),
        (lambda f: f.chmod(0o666), ("may be changed by anyone", "chmod 600 ")),
        (_nobody_owns, ("belongs to another user (uid 65534)",)),
    ],
    ids=["folder 0777", "file 0666", "file of another user"],
)
def test_a_store_others_can_replace_or_change_is_refused_before_reading(sop, tmp_path, spoil, words):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    store = folder / "cases.sqlite3"
    db = f"sqlite:///{store}"
    assert sop("--db", db, "case", "start", "pelacuran").code == 0
    before = store.read_bytes()
    spoil(store)
    for args in (("case", "list"), ("case", "show", "pelacuran-1"), ("case", "start", "pelacuran")):
        _one_line_refusal(sop("--db", db, *args), *words)
    assert store.read_bytes() == before
    folder.chmod(0o1777)  # sticky, as /tmp: others cannot replace our file there
    if store.stat().st_uid == os.geteuid() and not store.stat().st_mode & stat.S_IWOTH:
        assert sop("--db", db, "case", "list").code == 0


# --- arguments that are not text -------------------------------------------------------------------


def test_bytes_that_are_not_utf8_in_arguments_are_refused_and_a_file_named_so_is_kept(tmp_path):
    """A terminal in another encoding, or a file name from another system: never an internal error."""
    bad = os.fsdecode(b"judul\xff")
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"

    def sop_(*args: str):
        p = subprocess.run([sys.executable, "-m", "runner", "--db", db, *args], capture_output=True, cwd=ROOT)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    for args in (
        ["case", "start", "pelacuran", "--title", bad],
        ["case", "start", "pelacuran", "--by", bad],
        ["case", "start", "pelacuran", "--attach", bad],
        ["case", "show", bad],
        ["case", "list", "--sop", bad],
        ["case", "history", bad],
    ):
        code, _out, err = sop_(*args)
        assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, (args, err)
        assert "Traceback" not in err
    scan = Path(os.fsdecode(bytes(tmp_path) + b"/scan\xff.pdf"))
    scan.write_bytes(b"%PDF")
    code, out, err = sop_("case", "start", "pelacuran", "--attach", f"Informasi Pelanggaran={scan}")
    assert code == 0, err
    shown = json.loads(sop_("case", "show", out.strip(), "--json")[1])
    assert shown["documents"][0]["filename"] == "scan\ufffd.pdf"
    assert sop_("case", "verify")[0] == 0


def test_an_sop_folder_that_cannot_be_read_is_a_refusal(tmp_path):
    folder = tmp_path / "sop"
    folder.mkdir()
    (folder / "pkl.yaml").write_bytes((SOPS / "pkl.yaml").read_bytes())
    folder.chmod(0)
    try:
        r = _in_namespace(
            ["unshare", "-U", "--map-user=1000", "--map-group=1000"],
            [["--sop-dir", str(folder), "list"], ["--sop-dir", str(folder), "show", "pkl"]],
        )
    finally:
        folder.chmod(0o755)
    for result in r:
        _refused(result, "cannot read", "Permission denied")


def test_a_damaged_stored_definition_is_a_refusal_not_a_crash(sop, db_url):
    """A definition that no longer reads: listing cases refuses with why; granting a post still works."""
    assert sop("--db", db_url, "case", "start", "pelacuran").code == 0
    with open_store(db_url) as store, store.transaction():
        store.execute("UPDATE definitions SET body = '{not json'")
    listed = sop("--db", db_url, "case", "list")
    assert listed.code == 1 and "damaged" in listed.err and listed.err.count("\n") == 1
    with open_store(db_url) as store:
        me = store.login
    assert sop("--db", db_url, "people", "add", me, "--nama", "Admin").code == 0
    granted = sop("--db", db_url, "post", "grant", me, "camat")  # the shipped SOPs still name the pelaksana
    assert granted.code == 0, granted.err
