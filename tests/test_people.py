"""People and posts on both stores, through the commands: who may act, as what, recorded by whom.

The one identity a test has is the login the store authenticates (the OS login
on SQLite, the database login on PostgreSQL); other people are registered and
acted for with --for. Real other logins acting on PostgreSQL: test_pg_roles.py.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from conftest import SOPS

from runner.store import open_store
from runner.store.clock import today

TABLES = ("people", "posts", "definitions", "cases", "events", "documents")


def snapshot(db_url: str) -> dict[str, list[tuple]]:
    """Every row of every table: what "nothing written" is compared against."""
    with open_store(db_url) as store:
        return {t: [tuple(r) for r in store.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()] for t in TABLES}


@pytest.fixture
def me(db_url):
    with open_store(db_url) as store:
        return store.login


@pytest.fixture
def run(sop, db_url, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # tables wide enough not to wrap what is asserted

    def call(*args):
        return sop("--db", db_url, *args)

    return call


def ok(result):
    assert result.code == 0, result.err
    return result


def refused(result, *words):
    """Exit 1 with one line that says what is wrong and what to do."""
    assert result.code == 1, result
    assert result.err.startswith("error: ") and result.err.count("\n") == 1, result.err
    for w in words:
        assert w in result.err, result.err
    return result


TODAY = date.fromisoformat(today())  # the office's day (WIB), as posts count days
DAY = timedelta(days=1)


@pytest.fixture
def staffed(run, me):
    """Me (admin, may record for others), budi the Camat, sari the Sekcam, andi the Kasi Trantib (and me too)."""
    ok(run("people", "add", me, "--nama", "Operator", "--record-for-others"))
    for login, nama in [("budi", "Budi Santoso"), ("sari", "Sari Dewi"), ("andi", "Andi Wijaya")]:
        ok(run("people", "add", login, "--nama", nama, "--nip", "1968"))
    since = (TODAY - 30 * DAY).isoformat()
    for login, post in [("budi", "camat"), ("sari", "sekcam"), ("andi", "kasi-trantib"), (me, "kasi-trantib")]:
        ok(run("post", "grant", login, post, "--from", since))
    return run


def _start(run):
    return ok(run("case", "start", "pelacuran", "--attach", "Informasi Pelanggaran")).out.strip()


# --- a store with nobody registered ---------------------------------------------------------


def test_without_people_anyone_acts_and_show_says_so(run, me):
    cid = _start(run)
    ok(run("case", "advance", cid, "--as", "kasi-trantib"))
    shown = json.loads(run("case", "show", cid, "--json").out)
    assert shown["posts_enforced"] is False and shown["step"]["holders"] == []
    assert shown["last_event"]["recorder"] == me and shown["last_event"]["holder"] is None
    assert "not enforced" in run("case", "show", cid).out
    assert "nobody is registered" in run("people", "list").err
    refused(run("case", "advance", cid, "--as", "camat", "--for", "budi"), "no person 'budi'")


def test_the_first_person_is_the_one_registering_and_becomes_admin(run, me, db_url):
    before = snapshot(db_url)
    refused(run("people", "add", "budi", "--nama", "Budi"), "must be you", f"sop people add {me}")
    assert snapshot(db_url) == before
    ok(run("people", "add", me, "--nama", "Operator"))
    [person] = json.loads(run("people", "list", "--json").out)
    assert person["login"] == me and person["admin"] is True and person["records_for_others"] is False


# --- acting with a post -----------------------------------------------------------------------


def test_an_action_needs_the_post_at_that_moment(staffed, me, db_url):
    run = staffed
    cid = _start(run)
    ok(run("case", "advance", cid, "--as", "kasi-trantib"))  # I hold kasi-trantib myself
    before = snapshot(db_url)
    # I may record for others: the refusal names who held it then, not a grant for me
    said = refused(
        run("case", "advance", cid, "--as", "camat"), f"{me} does not hold the post 'camat'", "use --for budi"
    )
    assert "sop post grant" not in said.err
    assert snapshot(db_url) == before
    ok(run("case", "advance", cid, "--as", "camat", "--for", "budi"))  # budi signed it on paper
    history = json.loads(run("case", "history", cid, "--json").out)
    last = history[-1]
    assert (last["role"], last["holder"], last["holder_nama"], last["acting"]) == (
        "camat",
        "budi",
        "Budi Santoso",
        None,
    )
    assert (last["operator"], last["recorder"], last["authenticated"]) == (me, me, True)
    assert last["holder_label"] == "Camat: Budi Santoso" and last["backdated"] is False
    assert last["recorded_at"] is not None
    assert history[1]["holder"] == me and history[0]["holder"] == me  # the start: recorded by me, for me
    table = run("case", "history", cid).out
    assert "Camat: Budi Santoso" in table and "(budi)" in table
    assert ok(run("case", "verify", cid))


def test_by_only_confirms_who_you_are(staffed, me, db_url):
    run = staffed
    cid = _start(run)
    before = snapshot(db_url)
    refused(run("case", "advance", cid, "--as", "kasi-trantib", "--by", "andi"), "use --for andi")
    assert snapshot(db_url) == before
    ok(run("case", "advance", cid, "--as", "kasi-trantib", "--by", me))


def test_recording_for_others_needs_the_right(staffed, me, db_url):
    run = staffed
    cid = _start(run)
    ok(run("people", "set", me, "--no-record-for-others"))
    before = snapshot(db_url)
    refused(
        run("case", "advance", cid, "--as", "kasi-trantib", "--for", "andi"),
        "has not the right to record",
        f"sop people set {me} --record-for-others",
    )
    refused(run("case", "attach", cid, "Surat", "--for", "andi"), "has not the right")
    assert snapshot(db_url) == before


def test_unknown_login_ended_and_future_posts(staffed, db_url):
    run = staffed
    ago = lambda minutes: (datetime.now() - timedelta(minutes=minutes)).replace(microsecond=0).isoformat()  # noqa: E731
    cid = ok(run("case", "start", "pelacuran", "--attach", "Informasi Pelanggaran", "--at", ago(20))).out.strip()
    ok(run("case", "advance", cid, "--as", "kasi-trantib", "--at", ago(15)))
    before = snapshot(db_url)
    refused(run("case", "advance", cid, "--as", "camat", "--for", "budy"), "no person 'budy'", "sop people list")
    posts = json.loads(run("post", "list", "--login", "budi", "--json").out)
    [camat] = posts
    ok(run("post", "end", str(camat["id"])))  # at once
    ended = refused(
        run("case", "advance", cid, "--as", "camat", "--for", "budi"), "held the post 'camat'", "only until"
    )
    assert "sop post list --login budi" in ended.err
    tomorrow = (TODAY + DAY).isoformat()
    ok(run("post", "grant", "sari", "camat", "--acting", "plh", "--from", tomorrow))
    from runner.l10n import format_date

    said = format_date(TODAY + DAY)  # the day as people read it (English: "December 4, 2026"), not ISO
    refused(run("case", "advance", cid, "--as", "camat", "--for", "sari"), f"only from {said}")
    after = snapshot(db_url)
    assert after["events"] == before["events"] and after["cases"] == before["cases"]
    # back-dated into the time budi still held it: allowed, and marked as back-dated
    ok(run("case", "advance", cid, "--as", "camat", "--for", "budi", "--at", ago(5)))
    last = json.loads(run("case", "history", cid, "--json").out)[-1]
    assert last["backdated"] is True and last["recorded_at"] > last["at"]


def test_an_acting_official_is_shown_as_such(staffed, me, db_url):
    run = staffed
    ok(
        run(
            "post",
            "grant",
            "sari",
            "camat",
            "--acting",
            "plh",
            "--from",
            TODAY.isoformat(),
            "--until",
            TODAY.isoformat(),
        )
    )
    cid = _start(run)
    ok(run("case", "advance", cid, "--as", "kasi-trantib"))
    shown = json.loads(run("case", "show", cid, "--json").out)
    assert shown["posts_enforced"] is True
    assert {(h["login"], h["acting"], h["label"]) for h in shown["step"]["holders"]} == {
        ("budi", None, "Camat: Budi Santoso"),
        ("sari", "plh", "Plh. Camat: Sari Dewi"),
    }
    assert "Plh. Camat: Sari Dewi (sari)" in run("case", "show", cid).out
    ok(run("case", "advance", cid, "--as", "camat", "--for", "sari"))
    last = json.loads(run("case", "history", cid, "--json").out)[-1]
    assert (last["holder"], last["acting"], last["holder_label"]) == ("sari", "plh", "Plh. Camat: Sari Dewi")
    card = run("case", "show", cid).out
    assert f"Plh. Camat: Sari Dewi, recorded by {me}" in card
    chart = run("flowchart", "pelacuran", "--case", cid, "--format", "svg")
    assert f"last: Plh. Camat: Sari Dewi, recorded by {me}" in ok(chart).out
    on = json.loads(run("post", "list", "--on", TODAY.isoformat(), "--json").out)
    assert {(p["login"], p["pelaksana"], p["acting"]) for p in on} >= {
        ("sari", "camat", "plh"),
        ("budi", "camat", None),
    }
    later = json.loads(run("post", "list", "--on", (TODAY + DAY).isoformat(), "--json").out)
    assert ("sari", "camat") not in {(p["login"], p["pelaksana"]) for p in later}


# --- what an admin may get wrong ----------------------------------------------------------------


def test_overlapping_acting_appointments_for_one_post_are_refused(staffed, db_url):
    run = staffed
    start, end = (TODAY + 10 * DAY).isoformat(), (TODAY + 20 * DAY).isoformat()
    plt = ok(run("post", "grant", "sari", "camat", "--acting", "plt", "--from", start, "--until", end)).out.strip()
    before = snapshot(db_url)
    overlap = (TODAY + 15 * DAY).isoformat()
    refused(
        run("post", "grant", "andi", "camat", "--acting", "plh", "--from", overlap),
        f"overlaps post #{plt}",
        f"sop post end {plt} --on DATE",
    )
    refused(run("post", "grant", "sari", "camat", "--from", overlap), "already holds 'camat'")
    assert snapshot(db_url) == before
    # after it, or for another SOP only, is fine
    ok(run("post", "grant", "andi", "camat", "--acting", "plh", "--from", (TODAY + 21 * DAY).isoformat()))
    ok(run("post", "grant", "sari", "kasi-trantib", "--acting", "plh", "--sop", "pkl", "--from", start))
    ok(run("post", "grant", "budi", "kasi-trantib", "--acting", "plh", "--sop", "pelacuran", "--from", start))


def test_admin_rights_and_the_last_admin(staffed, me, db_url):
    run = staffed
    before = snapshot(db_url)
    refused(run("people", "set", me, "--no-admin"), "the last admin", "sop people set LOGIN --admin")
    refused(run("people", "add", me, "--nama", "Lagi"), "already registered")
    refused(run("people", "add", "two words", "--nama", "X"), "cannot be a login")
    refused(run("people", "add", "kosong", "--nama", "  "), "needs a nama")
    refused(run("post", "grant", "budi", "camt"), "no SOP has the pelaksana 'camt' (did you mean 'camat'?)")
    refused(run("post", "grant", "budi", "camat", "--sop", "pelacurn"), "no SOP 'pelacurn'")
    refused(run("post", "grant", "budi", "camat", "--from", "kemarin"), "cannot read the date 'kemarin'")
    refused(run("post", "grant", "budi", "camat", "--from", "2026-05-02", "--until", "2026-05-01"), "cannot end")
    refused(run("post", "end", "999"), "no post #999", "sop post list")
    assert snapshot(db_url) == before
    # another admin, then I step down: from then on I may not grant
    ok(run("people", "set", "budi", "--admin"))
    ok(run("people", "set", me, "--no-admin"))
    before = snapshot(db_url)
    refused(run("post", "grant", "andi", "camat"), f"{me} is not an admin", "sop people list")
    refused(run("people", "add", "dewi", "--nama", "Dewi"), "not an admin")
    refused(run("people", "set", "andi", "--admin"), "not an admin")
    refused(run("post", "end", "1"), "not an admin")
    assert snapshot(db_url) == before
    people = {p["login"]: p for p in json.loads(run("people", "list", "--json").out)}
    assert people["budi"]["admin"] and not people[me]["admin"]


def test_a_new_sop_version_is_registered_by_an_admin(staffed, me, db_url, tmp_path):
    run = staffed
    _start(run)  # an admin registers pelacuran's version with its first case
    ok(run("people", "set", "budi", "--admin"))
    ok(run("people", "set", me, "--no-admin"))
    _start(run)  # a version the store knows: anyone registered may start a case of it
    folder = tmp_path / "sop"
    folder.mkdir()
    text = (open(SOPS / "pkl.yaml", encoding="utf-8").read()).replace('version: "0.1"', 'version: "0.9"')
    (folder / "pkl.yaml").write_text(text, encoding="utf-8")
    before = snapshot(db_url)
    refused(run("--sop-dir", str(folder), "case", "start", "pkl"), "version 0.9 of SOP pkl is new", "ask an admin")
    assert snapshot(db_url) == before


# --- look-alike logins ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "login",
    ["bud\u0456", "b\u200budi", "budi\u202e", "Budi", "bud\uff49", "1budi"],
    ids=["cyrillic i", "zero-width space", "right-to-left override", "capital", "fullwidth i", "digit first"],
)
def test_a_login_that_is_not_plain_is_refused(staffed, db_url, login):
    before = snapshot(db_url)
    result = refused(staffed("people", "add", login, "--nama", "Budi Palsu"), "cannot be a login", "lowercase letters")
    assert login not in result.err or login.isascii()  # what cannot be seen is shown escaped
    if db_url.startswith("postgresql"):  # and the database refuses it itself, as to a clerk with psql
        import psycopg

        with open_store(db_url) as store, pytest.raises(psycopg.errors.RaiseException, match="cannot be a login"):
            store.conn.execute("SELECT sop_add_person(%s, 'Budi Palsu', NULL, false, false)", (login,))
    assert snapshot(db_url) == before


def test_people_list_marks_a_planted_look_alike(staffed, db_url):
    """A look-alike row written behind sop's back (or by an older version) is marked, on both stores."""
    with open_store(db_url) as store, store.transaction():
        store.execute(
            "INSERT INTO people (login, nama, nip, admin, records_for_others, added_at, added_by)"
            " VALUES (?, 'Budi Palsu', NULL, 1, 0, '2026-01-01', 'x')",
            ("bud\u0456",),
        )
    lines = ok(staffed("people", "list")).out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("├"))
    assert "Looks" in " ".join(lines[1:head])
    rows = {
        cells[0]: cells[-1] for cells in ([c.strip() for c in line.split("│")[1:-1]] for line in lines[head + 1 : -1])
    }
    assert rows["budi"] == "bud\\u0456" and rows["bud\\u0456"] == "budi"
    assert rows["sari"] == ""


# --- changing a post's dates ------------------------------------------------------------------


def _post_id(db_url, login, pelaksana):
    with open_store(db_url) as store:
        return max(p.id for p in store.posts(login=login) if p.pelaksana == pelaksana)


def test_ending_a_post_later_may_not_overlap_another_acting_appointment(staffed, db_url):
    """The overlap rule holds for every change of dates: `post end --on` may shorten an appointment,
    not stretch it over the next one."""
    run = staffed
    first, last, next_ = (TODAY + 10 * DAY), (TODAY + 20 * DAY), (TODAY + 21 * DAY)
    ok(
        run(
            "post",
            "grant",
            "sari",
            "camat",
            "--acting",
            "plh",
            "--from",
            first.isoformat(),
            "--until",
            last.isoformat(),
        )
    )
    ok(run("post", "grant", "andi", "camat", "--acting", "plt", "--from", next_.isoformat()))
    plh = _post_id(db_url, "sari", "camat")
    before = snapshot(db_url)
    refused(run("post", "end", str(plh), "--on", (next_ + 5 * DAY).isoformat()), "overlaps post #", "sop post end")
    refused(run("post", "end", str(plh), "--on", next_.isoformat()), "overlaps post #")
    assert snapshot(db_url) == before
    ok(run("post", "end", str(plh), "--on", (last - 2 * DAY).isoformat()))  # shorter is always fine
    with open_store(db_url) as store:
        assert [p.valid_until for p in store.posts(login="sari") if p.id == plh] == [(last - 2 * DAY).isoformat()]


def test_a_post_ended_at_once_ends_today_in_the_offices_zone_whatever_the_machines(db_url, me):
    """An admin's laptop on Honolulu time (UTC-10) ends a post on the office's day (WIB), not its own."""
    from conftest import run_sop

    env = {"TZ": "Pacific/Honolulu"}
    assert run_sop("--db", db_url, "people", "add", me, "--nama", "Operator", env=env).code == 0
    assert run_sop("--db", db_url, "post", "grant", me, "camat", "--from", "2020-01-01", env=env).code == 0
    assert run_sop("--db", db_url, "post", "end", str(_post_id(db_url, me, "camat")), env=env).code == 0
    with open_store(db_url) as store:
        (post,) = store.posts(login=me)
    assert post.valid_until == today() and post.ended_at is not None


# --- hints that lead the right way ---------------------------------------------------------------


def test_an_admins_work_in_a_store_with_nobody_registered_says_how_to_begin(run, me, db_url):
    ok(run("case", "start", "pelacuran"))  # a store, with nobody registered
    before = snapshot(db_url)
    for args in (["post", "grant", me, "camat"], ["post", "end", "1"], ["people", "set", me, "--admin"]):
        said = refused(run(*args), "nobody is registered", f"sop people add {me} --nama")
        assert "people list" not in said.err
    assert snapshot(db_url) == before


# --- what waits on whom: the inbox on the command line ---------------------------------------------


def test_case_list_waiting_for_a_pelaksana_and_mine(staffed, me, db_url):
    run = staffed
    at_kasi = _start(run)  # step 1: kasi-trantib
    at_camat = _start(run)
    ok(run("case", "advance", at_camat, "--as", "kasi-trantib"))  # step 2: camat
    at_verify = _start(run)
    for role, who in [("kasi-trantib", me), ("camat", "budi"), ("kasi-trantib", me)]:
        ok(run("case", "advance", at_verify, "--as", role, "--for", who))  # step 4: sekcam or camat
    done = _start(run)
    ok(run("case", "cancel", done, "--reason", "laporan ganda"))

    def listed(*args):
        return {c["id"] for c in json.loads(ok(run("case", "list", *args, "--json")).out)}

    assert listed("--waiting-for", "camat") == {at_camat, at_verify}
    assert listed("--waiting-for", "sekcam") == {at_verify}
    assert listed("--waiting-for", "kasi-trantib") == {at_kasi}
    assert listed("--waiting-for", "danru") == set()
    assert listed("--waiting-for", "sekcam", "--waiting-for", "kasi-trantib") == {at_kasi, at_verify}
    # mine: I hold kasi-trantib; from today a Plh. Camat too, for this SOP only
    assert listed("--mine") == {at_kasi}
    ok(run("post", "grant", me, "camat", "--acting", "plh", "--sop", "pelacuran", "--from", TODAY.isoformat()))
    assert listed("--mine") == {at_kasi, at_camat, at_verify}
    assert listed("--mine", "--sop", "pkl") == set()
    shown = ok(run("case", "list", "--mine")).out
    assert at_camat in shown and done not in shown
