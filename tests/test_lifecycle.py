"""An SOP's life and a case's mistakes (issue 23), on both stores: who may cancel a case.

Real roles on PostgreSQL (the database refusing, not the program): test_pg_roles.py.
"""

from __future__ import annotations

import json

from test_people import _start, me, office, ok, refused, run, snapshot  # noqa: F401 - fixtures

# --- who may cancel ------------------------------------------------------------------------


def test_only_an_administrator_or_the_holder_of_the_steps_post_cancels(office, me, db_url):  # noqa: F811
    run = office  # noqa: F811
    ok(run("people", "add", "joko", "--nama", "Joko Anggota"))
    ok(run("people", "add", "boss", "--nama", "Kepala Kantor", "--admin"))
    ok(run("post", "grant", "joko", "anggota", "--from", "2020-01-01"))
    at_kasi, at_camat, third = _start(run), _start(run), _start(run)
    ok(run("case", "advance", at_camat, "--as", "kasi-trantib"))  # step 2: camat's
    ok(run("people", "set", me, "--no-admin"))  # me: kasi-trantib, may record for others, no more admin

    before = snapshot(db_url)
    said = refused(run("case", "cancel", at_camat, "--reason", "ganda"), f"{me} may not cancel case {at_camat}")
    assert "Camat" in said.err or "camat" in said.err
    refused(run("case", "cancel", at_camat, "--reason", "ganda", "--for", "joko"), "joko may not cancel")
    refused(run("case", "cancel", at_camat, "--reason", "ganda", "--for", "andi"), "andi may not cancel")
    assert snapshot(db_url) == before

    ok(run("case", "cancel", at_camat, "--reason", "ganda", "--for", "budi"))  # the Camat's decision
    ok(run("case", "cancel", at_kasi, "--reason", "ganda"))  # my own step's post
    ok(run("case", "cancel", third, "--reason", "ganda", "--for", "boss"))  # an administrator's decision
    for cid, holder in ((at_camat, "budi"), (at_kasi, me), (third, "boss")):
        shown = json.loads(ok(run("case", "show", cid, "--json")).out)
        assert shown["status"] == "cancelled"
        last = json.loads(ok(run("case", "history", cid, "--json")).out)[-1]
        assert (last["action"], last["holder"], last["recorder"]) == ("cancel", holder, me)
    ok(run("case", "verify"))


def test_an_administrator_cancels_at_any_step_and_nobody_registered_anyone(run, me):  # noqa: F811
    cid = _start(run)
    ok(run("case", "cancel", cid, "--reason", "ganda"))  # nobody registered: as before
    ok(run("people", "add", me, "--nama", "Operator"))
    other = _start(run)
    ok(run("case", "cancel", other, "--reason", "ganda"))  # the administrator, holding no post
