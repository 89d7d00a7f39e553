"""Only regular files are read, never more than the limit; a limit must be a positive number."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from runner.errors import UserError


def _limited() -> None:
    # a regression must not eat the machine: /dev/zero read whole would grow by gigabytes a second
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def _sop(*args: str, env: dict | None = None, timeout: float = 20) -> subprocess.CompletedProcess:
    """``sop`` in its own process, with a memory ceiling and a timeout: what hangs fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "runner", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        preexec_fn=_limited,
    )


@pytest.fixture
def specials(tmp_path):
    """Every kind of path that is not a regular file: a device, a FIFO, a folder, a socket."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    yield {"device": "/dev/zero", "fifo": str(fifo), "folder": str(folder), "socket": str(sock_path)}
    server.close()


KINDS = ["device", "fifo", "folder", "socket"]
NOT_FOLDERS = ["device", "fifo", "socket"]  # validate reads a folder as the SOP files in it


@pytest.mark.parametrize("kind", KINDS)
def test_an_attachment_that_is_not_a_regular_file_is_refused_at_once(tmp_path, specials, kind):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    cid = _sop("--db", db, "case", "start", "pelacuran").stdout.strip()
    began = time.monotonic()
    result = _sop("--db", db, "case", "attach", cid, "Surat Perintah", specials[kind])
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: ") and "not a file" in result.stderr
    assert time.monotonic() - began < 15
    started = _sop("--db", db, "case", "start", "pelacuran", "--attach", f"Informasi Pelanggaran={specials[kind]}")
    assert started.returncode == 1 and "not a file" in started.stderr
    history = _sop("--db", db, "case", "history", cid, "--json").stdout
    assert '"attach"' not in history  # nothing was recorded
    assert "pelacuran-2" not in _sop("--db", db, "case", "list", "--json").stdout


@pytest.mark.parametrize("kind", NOT_FOLDERS)
def test_validate_refuses_what_is_not_a_regular_file_with_its_name(specials, kind):
    result = _sop("validate", specials[kind])
    assert result.returncode == 1, result.stderr
    assert "not a file" in result.stdout
    assert "Traceback" not in result.stderr


def test_an_sop_path_that_is_a_fifo_is_refused_by_every_command(specials):
    # a FIFO named like an SOP file: show and flowchart must not block on it
    named = os.path.join(os.path.dirname(specials["fifo"]), "fifo.yaml")
    os.mkfifo(named)
    for args in (["show", named], ["flowchart", named, "--format", "dot"], ["validate", named]):
        result = _sop(*args)
        assert result.returncode == 1, (args, result)
        assert "Traceback" not in result.stderr


def test_the_limit_is_checked_while_reading_not_only_before(tmp_path):
    # /proc files say size 0 and still have content: the size before reading proves nothing
    from runner.files import read_regular

    maps = "/proc/self/maps"
    assert os.stat(maps).st_size == 0
    with pytest.raises(UserError) as caught:
        read_regular(Path(maps), 100, lambda size: UserError(f"too large: {size}", "too-large"))
    assert caught.value.kind == "too-large" and "None" in str(caught.value)
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    cid = _sop("--db", db, "case", "start", "pelacuran").stdout.strip()
    result = _sop("--db", db, "case", "attach", cid, "Peta", maps, env={"SOP_MAX_ATTACHMENT_MB": "0.0001"})
    assert result.returncode == 1 and "attachments are kept up to" in result.stderr, result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "1e400", "", "banyak"])
def test_a_limit_that_is_not_a_positive_number_is_an_error(tmp_path, value):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF")
    cid = _sop("--db", db, "case", "start", "pelacuran").stdout.strip()
    result = _sop("--db", db, "case", "attach", cid, "Peta", str(scan), env={"SOP_MAX_ATTACHMENT_MB": value})
    assert result.returncode == 1, result
    assert result.stderr.startswith("error: SOP_MAX_ATTACHMENT_MB is") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["attach", "{cid}", "", "{file}"],
        ["attach", "{cid}", "  ", "{file}"],
        ["attach", "{cid}", ""],
        ["advance", "{cid}", "--as", "kasi-trantib", "--attach", "={file}"],
        ["advance", "{cid}", "--as", "kasi-trantib", "--attach", ""],
    ],
)
def test_an_empty_document_name_is_refused_at_every_door(sop, tmp_path, args):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF")
    cid = sop("--db", db, "case", "start", "pelacuran").out.strip()
    filled = [a.format(cid=cid, file=scan) for a in args]
    result = sop("--db", db, "case", *filled)
    assert result.code == 1 and "a document needs a name" in result.err, result
    started = sop("--db", db, "case", "start", "pelacuran", "--attach", f"={scan}")
    assert started.code == 1 and "a document needs a name" in started.err
    assert sop("--db", db, "case", "history", cid, "--json").out.count('"seq"') == 1
