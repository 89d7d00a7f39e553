"""Nothing typed by one person can forge another's screen; long texts are shown in linear time.

The commands run in a real pseudo-terminal, where click keeps every escape
sequence (into a pipe it strips some of them, which would hide the fault).
"""

from __future__ import annotations

import copy
import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import sys

import pytest
from conftest import ROOT, SOPS

import runner
from runner import Attachment, Cases, load_sop, open_store

# Each of these would act on a terminal: clear it, set its title, move the cursor back,
# a one-character CSI (C1), reverse the text that follows (bidi), ring the bell.
HOSTILE = "A\x1b[2J\x1b]0;judul palsu\x07\r\x08\x9b31m\u202eZ"
OURS = re.compile(r"\x1b\[[0-9;]*m")  # the colours sop-runner itself uses
OBEYED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _in_a_terminal(*args: str, env: dict | None = None) -> str:
    """Run ``sop`` with stdout and stderr on a pseudo-terminal; everything it wrote, as text."""
    leader, follower = pty.openpty()
    p = subprocess.Popen(
        [sys.executable, "-m", "runner", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "160", "TERM": "xterm", **(env or {})},
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _w, _x = select.select([leader], [], [], 30)
        if not ready:
            p.kill()
            raise AssertionError("sop did not finish")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    p.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def _obeyed(shown: str) -> list[str]:
    """The characters a terminal would act on, besides our own colours."""
    return OBEYED.findall(OURS.sub("", shown))


@pytest.fixture
def hostile_case(tmp_path):
    """A case whose every typed field holds terminal commands, on an SOP whose text does too.

    The SOP is built through the API, as a store may hold it (an SOP file with such text
    is refused by validate); the case is written through the API as a script would.
    """
    raw = copy.deepcopy(load_sop(SOPS / "pelacuran.yaml").raw)
    raw["nama"] += HOSTILE
    raw["pelaksana"][0]["nama"] += HOSTILE
    raw["pelaksana"][0].pop("singkatan", None)
    raw["steps"][0]["uraian"] += HOSTILE
    raw["steps"][0]["kelengkapan"] = ["Informasi" + HOSTILE]
    sop = runner.SOP(raw)
    scan = tmp_path / ("scan" + "\x1b[2J" + ".pdf")
    scan.write_bytes(b"%PDF")
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    with open_store(db) as store:
        cases = Cases(store)
        case = cases.start(sop, title="Judul" + HOSTILE)
        # the person acting: a login cannot hold control characters, a nama and a NIP can
        people = runner.People(store)
        people.add(store.login, "Operator" + HOSTILE, nip="1968" + HOSTILE)
        people.grant(store.login, sop.first.pelaksana[0])
        cases.attach(case.id, [Attachment("Dokumen" + HOSTILE, scan)], note="catatan" + HOSTILE)
    return db, case.id


def test_every_view_shows_typed_control_characters_as_text(hostile_case):
    db, cid = hostile_case
    for args in (
        ["case", "show", cid],
        ["case", "list"],
        ["case", "history", cid],
        ["case", "show", cid, "--json"],
        ["case", "history", cid, "--json"],
        ["case", "list", "--json"],
        ["case", "advance", cid, "--as", "kasi-trantib" + HOSTILE],
        ["case", "attach", cid, "Surat" + HOSTILE],
        ["case", "attach", cid, "Surat", "--by", "x" + HOSTILE],
        ["case", "show", cid + HOSTILE],
        ["people", "list"],
        ["people", "list", "--json"],
        ["post", "list"],
        ["post", "list", "--json"],
    ):
        shown = _in_a_terminal("--db", db, *args)
        assert _obeyed(shown) == [], (args, shown)
        assert "\\x1b[2J" in shown or "\\u001b[2J" in shown, (args, shown)  # shown, not dropped


def test_json_stays_json_with_the_controls_escaped(hostile_case):
    db, cid = hostile_case
    shown = _in_a_terminal("--db", db, "case", "show", cid, "--json")
    assert json.loads(shown)["title"] == "Judul" + HOSTILE


def test_an_error_stays_one_line_whatever_the_value_in_it(sop, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    result = sop("--db", db, "case", "show", "no\nsuch\rcase\x1b]0;x\x07")
    assert result.code == 1 and result.err.count("\n") == 1, result.err
    assert "\\n" in result.err and "\\x1b" in result.err and _obeyed(result.err) == []


def test_validate_shows_the_text_of_a_problem_escaped(sop, tmp_path):
    text = (SOPS / "pkl.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "pkl.yaml"
    bad.write_text(text.replace("\nsteps:", "\n\u202eunit_typo: x\nsteps:", 1), encoding="utf-8")
    result = sop("validate", str(bad))
    assert result.code == 1 and "\\u202eunit_typo" in result.out and _obeyed(result.out) == []


def test_a_table_cell_keeps_its_own_line_breaks_only():
    from runner.cli.term import table

    shown = table(["A", "B"], [["satu\ndua", "x\x1by"]], flex=0)
    assert "│ satu" in shown and "│ dua" in shown and "x\\x1by" in shown and _obeyed(shown) == []


# --- long texts ------------------------------------------------------------------------------


def test_a_ten_megabyte_note_is_shown_in_linear_time(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    with open_store(db) as store:
        cases = Cases(store)
        case = cases.start(load_sop(SOPS / "pelacuran.yaml"))
        cases.attach(case.id, [Attachment("Catatan")], note="catatan")
    # the store keeps notes up to LIMITS["note_chars"]: a note this long can only be planted, and must still show
    conn = sqlite3.connect(tmp_path / "c.sqlite3")
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET note = ? WHERE seq = 2", ("kata " * 1000 + "x" * 10_000_000,))
    conn.commit()
    conn.close()
    # about a second now; half a minute before (a long word was re-sliced for every line):
    # a generous bound, never a speed ratio
    done = subprocess.run(
        [sys.executable, "-m", "runner", "--db", db, "case", "history", case.id],
        capture_output=True,
        cwd=ROOT,
        timeout=20,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b"kata") == 1000 and done.stdout.count(b"x") >= 10_000_000


def test_a_long_word_is_cut_into_whole_lines():
    from runner.cli.term import wrap

    assert wrap("ab " + "c" * 12 + " d", 5) == ["ab", "ccccc", "ccccc", "cc d"]
    assert wrap("satu dua\n\ntiga", 20) == ["satu dua", "", "tiga"]
    assert [len(x) for x in wrap("y" * 1_000_003, 1000)] == [1000] * 1000 + [3]


def test_the_check_itself_can_fail():
    """The same text printed raw is caught, our own colours are not."""
    assert _obeyed("\x1b[1mcase\x1b[0m " + HOSTILE) == ["\x1b", "\x1b", "\x07", "\r", "\x08", "\x9b", "\u202e"]
