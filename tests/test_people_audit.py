"""People and posts are part of the audit (runner/store/audit.py): every change of a row is a
chained event, ``case verify`` replays the chain against the tables, on both stores."""

from __future__ import annotations

import sqlite3

import pytest

import runner
from runner.store.sqlite import os_login


def _office(store):
    people = runner.People(store)
    me = store.login
    people.add(me, "Operator")
    people.add("sari", "Sari Dewi")
    post = people.grant("sari", "camat", acting="plh")
    people.set_rights("sari", records_for_others=True)
    people.end(post.id)
    return people


def test_every_change_of_a_person_or_a_post_is_a_chained_event_and_verifies(store):
    _office(store)
    events = store.people_events()
    assert [(e.action, e.subject) for e in events] == [
        ("person", store.login), ("person", "sari"), ("post", "1"), ("person", "sari"), ("post", "1"),
    ]  # fmt: skip
    assert all(e.via == 1 and e.actor == store.login for e in events)
    assert runner.Cases(store).verify() == []


def test_the_sqlite_shell_cannot_change_people_and_a_dropped_trigger_is_found(tmp_path):
    path = tmp_path / "cases.sqlite3"
    with runner.open_store(f"sqlite:///{path}") as store:
        _office(store)
    shell = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="no such function"):
        shell.execute("UPDATE people SET nama = 'Orang Lain' WHERE login = 'sari'")
    shell.execute("DROP TRIGGER people_audit_update")
    shell.execute("UPDATE people SET nama = 'Orang Lain', admin = 1 WHERE login = 'sari'")
    shell.execute("DROP TRIGGER posts_audit_insert")
    shell.execute(
        "INSERT INTO posts (login, pelaksana, valid_from, granted_by, granted_at) VALUES ('sari', 'sekcam', '2020-01-01', 'x', 'x')"
    )  # a planted post: its trigger cannot run in the shell, so it is dropped first
    shell.commit()
    shell.close()
    with runner.open_store(f"sqlite:///{path}") as store:
        found = runner.Cases(store).verify()
    assert {f.kind for f in found} == {"person-not-as-recorded"} or {f.kind for f in found} >= {
        "person-not-as-recorded"
    }
    assert any("sari" in str(f) for f in found)


def test_a_change_behind_sops_back_on_postgresql_is_recorded_and_found(pg_url):
    with runner.open_store(pg_url) as store:
        _office(store)
        store.execute("UPDATE people SET nama = 'Orang Lain' WHERE login = 'sari'")  # the owner, by hand
        found = runner.Cases(store).verify()
        assert [f.kind for f in found] == ["people-changed-outside"]
        assert "sari" in str(found[0])
        last = store.people_events()[-1]
        assert (last.via, last.subject) == (0, "sari") and '"Orang Lain"' in last.data


def test_the_chain_cannot_be_edited_and_an_edit_is_found(db_url):
    with runner.open_store(db_url) as store:
        _office(store)
        with pytest.raises(Exception, match="append-only"):
            store.execute("UPDATE people_events SET data = '{}' WHERE seq = 2")
    if db_url.startswith("sqlite"):
        shell = sqlite3.connect(db_url[len("sqlite:///") :])
        shell.execute("DROP TRIGGER people_events_no_update")
        shell.execute("UPDATE people_events SET actor = 'orang-lain' WHERE seq = 2")
        shell.commit()
        shell.close()
        with runner.open_store(db_url) as store:
            found = runner.Cases(store).verify()
        assert [f.kind for f in found] == ["people-chain-broken"] and "#2" in str(found[0])


def test_an_older_store_gets_its_people_as_the_chains_first_events(tmp_path):
    from runner.store.migrations import MIGRATIONS

    path = tmp_path / "cases.sqlite3"
    with runner.open_store(f"sqlite:///{path}") as store:
        _office(store)
    shell = sqlite3.connect(path)
    for t in (
        "people_audit_insert",
        "people_audit_update",
        "people_audit_delete",
        "posts_audit_insert",
        "posts_audit_update",
        "posts_audit_delete",
        "people_events_no_update",
        "people_events_no_delete",
    ):
        shell.execute(f"DROP TRIGGER {t}")
    shell.execute("DROP TABLE people_events")
    shell.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(len(MIGRATIONS) - 1),))
    shell.commit()
    shell.close()
    with runner.open_store(f"sqlite:///{path}") as store:  # upgraded on opening
        assert [(e.action, e.subject) for e in store.people_events()] == [
            ("person", os_login()), ("person", "sari"), ("post", "1"),
        ]  # fmt: skip
        assert runner.Cases(store).verify() == []


def test_the_checkpoint_covers_the_people_chain_and_finds_it_rewritten(db_url, tmp_path):
    import json

    with runner.open_store(db_url) as store:
        _office(store)
        cases = runner.Cases(store)
        checkpoint = cases.checkpoint(tmp_path / "cp.json")
        assert checkpoint.people == (5, store.people_events()[-1].hash)
        assert json.loads((tmp_path / "cp.json").read_text())["format"] == 2
        assert cases.verify(against=tmp_path / "cp.json") == []
    if db_url.startswith("sqlite"):  # rewrite the chain, every hash recomputed: only the checkpoint tells
        from runner.store.chain import GENESIS, people_hash

        shell = sqlite3.connect(db_url[len("sqlite:///") :])
        shell.execute("DROP TRIGGER people_events_no_update")
        rows = shell.execute(
            "SELECT seq, at, actor, via, action, subject, data FROM people_events ORDER BY seq"
        ).fetchall()
        prev = GENESIS
        for seq, at, actor, via, action, subject, data in rows:
            actor = "orang-lain" if seq == 2 else actor
            digest = people_hash(prev, seq, at, actor, via, action, subject, data)
            shell.execute(
                "UPDATE people_events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", (actor, prev, digest, seq)
            )
            prev = digest
        shell.commit()
        shell.close()
        with runner.open_store(db_url) as store:
            cases = runner.Cases(store)
            assert cases.verify() == []  # a chain rewritten whole holds together ...
            found = cases.verify(against=tmp_path / "cp.json")
        assert [f.kind for f in found] == ["people-rewritten"]  # ... but is not the one on paper
