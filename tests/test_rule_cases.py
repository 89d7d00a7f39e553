"""The rules as data: every case of tests/data/rules/*.yaml, on SQLite and on PostgreSQL.

Each case is run through the public API (``runner.People``, ``runner.Cases``) on both stores, each
person acting as themselves: on SQLite as the login the program signed in (``act_as``), on
PostgreSQL as a database role of their own. On PostgreSQL the case's action is then sent once more
straight to the database's functions, as a clerk with psql would call them (nothing of the
program's own checks on the way): the database must reach the same outcome, or the one the case
names under ``database``. A rule missing or different on one side fails the case that states it.
The file format: tests/data/rules/README.md.
"""

from __future__ import annotations

import json
import re
import uuid
from contextlib import ExitStack
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from conftest import PG_URL

from runner import Attachment, Cases, People, UserError, find_sop, load_sop
from runner.cases.rows import deadline
from runner.store import open_store
from runner.store.clock import iso, today

HERE = Path(__file__).parent / "data" / "rules"
FILES = sorted(HERE.glob("*.yaml"))
# the people of the cases, under names of this run (on PostgreSQL they are roles of the whole server)
TAG = f"r{uuid.uuid4().hex[:6]}"
OWNER = "owner"
DEFAULT_ATTACH = ["Informasi Pelanggaran", "Surat Perintah"]


def _cases() -> list[Any]:
    found = []
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            merged = {
                **case,
                "people": data.get("people", []) + case.get("people", []),
                "posts": data.get("posts", []) + case.get("posts", []),
            }
            found.append(pytest.param(merged, id=f"{path.stem}: {case['name']}"))
    return found


CASES = _cases()


def _logins() -> set[str]:
    """Every login a case names besides the owner: each needs a role on PostgreSQL."""
    names = set()
    for param in CASES:
        case = param.values[0]
        names |= {p["login"] for p in case["people"]}
        for action in [case.get("start") or {}, *case.get("given", []), case["action"]]:
            names |= {action[k] for k in ("by", "for") if k in action}
    return names - {OWNER}


def _day(text: str) -> str:
    return (date.fromisoformat(today()) + timedelta(days=int(text.rstrip("d")))).isoformat()


def _moment(text: Any) -> str:
    """A time of a case: relative to now (``-2h``, ``+1d``, ``-30m``) or as written."""
    m = re.fullmatch(r"([+-]\d+)([mhd])", str(text))
    if not m:
        return text.isoformat() if isinstance(text, datetime) else str(text)
    unit = {"m": "minutes", "h": "hours", "d": "days"}[m[2]]
    return iso(datetime.now(timezone.utc) + timedelta(**{unit: int(m[1])}))


@pytest.fixture(scope="module")
def roles():
    """One database role for each person of the cases, for the module; dropped at its end."""
    import psycopg

    names = sorted(_logins())
    with psycopg.connect(PG_URL, autocommit=True) as su:
        for name in names:
            su.execute(f"CREATE ROLE {TAG}_{name.replace('-', '_')} LOGIN")
    yield
    with psycopg.connect(PG_URL, autocommit=True) as su:
        for name in names:
            su.execute(f"DROP OWNED BY {TAG}_{name.replace('-', '_')}")
            su.execute(f"DROP ROLE {TAG}_{name.replace('-', '_')}")


class Office:
    """The stores of one case: the owner's, and one for each person acting (their own login)."""

    def __init__(self, db_url: str, stack: ExitStack, request: pytest.FixtureRequest) -> None:
        self.url, self.stack = db_url, stack
        self.pg = db_url.startswith("postgresql")
        self.owner = stack.enter_context(open_store(db_url))
        self.revision: Path | None = None  # the folder of the SOP's version 1.1, for the cases that move
        self.stores: dict[str, Any] = {OWNER: self.owner}
        if self.pg:
            request.getfixturevalue("roles")
            (schema,) = self.owner.execute("SELECT current_schema()").fetchone()
            for name in _logins():
                role = self.login(name)
                for what in ("USAGE ON SCHEMA", "SELECT ON ALL TABLES IN SCHEMA", "EXECUTE ON ALL FUNCTIONS IN SCHEMA"):
                    self.owner.execute(f"GRANT {what} {schema} TO {role}")

    def login(self, name: str) -> str:
        return self.owner.login if name == OWNER else f"{TAG}_{name.replace('-', '_')}"

    def store(self, name: str) -> Any:
        """The store as ``name`` opens it: signed in as them."""
        if name not in self.stores:
            if self.pg:
                parts = urlsplit(self.url)
                url = urlunsplit(parts._replace(netloc=f"{self.login(name)}@{parts.hostname}:{parts.port}"))
                self.stores[name] = self.stack.enter_context(open_store(url))
            else:
                store = self.stack.enter_context(open_store(self.url))
                store.act_as(self.login(name))
                self.stores[name] = store
        return self.stores[name]


def _set_up(office: Office, case: dict) -> None:
    people = People(office.owner)
    people.add(office.owner.login, "Operator", admin=True, records_for_others=True)
    for p in case["people"]:
        people.add(office.login(p["login"]), p.get("nama", p["login"]), None, p.get("admin", False),
                   p.get("records_for_others", False))  # fmt: skip
    for p in case["posts"]:
        row = people.grant(
            office.login(p["login"]), p["pelaksana"], p.get("sops"), p.get("acting"), _day(p["from"]),
            _day(p["until"]) if "until" in p else None,
        )  # fmt: skip
        if p.get("ended"):
            people.end(row.id)


def _attachments(action: dict) -> list[Attachment]:
    names = action.get("attach", [])
    names += [f"Dokumen {i}" for i in range(action.get("documents", 0))]
    return [Attachment(n) for n in names]


def _note(action: dict) -> str | None:
    return "n" * action["note_chars"] if "note_chars" in action else action.get("note")


REVISION = "1.1"  # the version ``do: migrate`` moves a case to: the SOP with the case's ``revise`` applied


def revised(sop: Any, rename: dict[str, str], folder: Path) -> Path:
    """A folder with version 1.1 of ``sop``: its steps renamed as ``rename`` says (old id -> new id)."""
    raw = yaml.safe_load(sop.source)
    raw["version"] = REVISION
    for step in raw["steps"]:
        step["id"] = rename.get(step["id"], step["id"])
        if step.get("next"):
            step["next"] = rename.get(step["next"], step["next"])
        for outcome, target in ((step.get("decision") or {}).get("outcomes") or {}).items():
            step["decision"]["outcomes"][outcome] = rename.get(target, target)
    folder.mkdir(exist_ok=True)
    (folder / f"{sop.id}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _by_api(
    office: Office, sop: Any, case_id: str | None, action: dict, when: str | None, revision: Path | None = None
) -> Any:
    """One action of a case through the public API, by the person it names."""
    cases = Cases(office.store(action.get("by", OWNER)), [str(revision)] if revision else ())
    who = office.login(action["for"]) if "for" in action else None
    attach = _attachments(action)
    if action["do"] == "migrate":
        assert case_id is not None
        cases.migrate(sop.id, REVISION, step_map=action.get("map") or {}, case_ids=[case_id])
        return office.owner.case(case_id)
    if action["do"] == "void":
        assert case_id is not None
        return cases.void(case_id, _note(action) or "", when, None, who)
    if action["do"] == "start":
        title = "t" * action["title_chars"] if "title_chars" in action else action.get("title")
        return cases.start(sop, title=title, attach=attach, at=when, for_person=who)
    assert case_id is not None
    if action["do"] == "advance":
        return cases.advance(case_id, action["as"], action.get("outcome"), _note(action), attach, when, None, who)
    if action["do"] == "attach":
        return cases.attach(case_id, attach, when, None, _note(action), who)
    return cases.cancel(case_id, _note(action) or "", when, None, who)


def _by_database(office: Office, sop: Any, case_id: str | None, action: dict, when: str | None, moves: bool) -> Any:
    """The action as a clerk with psql would send it to the database's functions."""
    from runner.definition.model import normal
    from runner.store.sql import case_row

    store = office.store(action.get("by", OWNER))
    names = [a.name for a in _attachments(action)]
    meta = [{"name": n, "filename": None, "size": None, "sha256": None} for n in names]
    at = when or iso(store.clock())
    who = office.login(action["for"]) if "for" in action else None
    docs = [names, [None] * len(names), [None] * len(names)]
    args = ", ".join(["%s"] * 15)
    if action["do"] == "start":
        title = "t" * action["title_chars"] if "title_chars" in action else action.get("title")
        data = {"definition": sop.digest, "title": title, "documents": meta, "deadline": None}
        row = store._call(
            f"SELECT * FROM sop_start({args})",
            [uuid.uuid4().hex, sop.id, sop.digest, sop.version, sop.canonical, sop.source, title, json.dumps(data),
             at, when is not None, who, json.dumps(sorted({normal(n) for n in names})), *docs],
        )  # fmt: skip
        return case_row(row)
    case = store.case(case_id)
    if action["do"] in ("migrate", "void"):
        return _moved_by_database(office, store, case, action, at, when, who)
    data = {"documents": meta, **({"deadline": None} if moves else {})}
    available = sorted(set(case.available) | {normal(n) for n in names})
    row = store._call(
        f"SELECT * FROM sop_act({args})",
        [uuid.uuid4().hex, case.id, case.seq, action["do"], action.get("as"), action.get("outcome"), _note(action),
         json.dumps(data), at, when is not None, who, json.dumps(available), *docs],
    )  # fmt: skip
    return case_row(row)


def _moved_by_database(
    office: Office, store: Any, case: Any, action: dict, at: str, when: str | None, who: str | None
) -> Any:
    """A move or a void as a clerk with psql would send it: sop_migrate, or sop_void with the case as the
    events say it stood before the action voided."""
    from runner.cases.rows import replay, standing
    from runner.store.sql import case_row

    cases = Cases(office.owner, [str(office.revision)] if office.revision else ())
    if action["do"] == "migrate":
        target = cases.target_version(case.sop, REVISION)
        step_map = action.get("map") or {}
        step = step_map.get(case.step, case.step)
        due = deadline(target, step, case.entered_at) if step in target.numbers else None
        data = {
            "documents": [], "from": case.definition, "from_version": cases.definition(case.definition).version,
            "to": target.digest, "to_version": target.version, "map": step_map, "to_step": step,
            "entered_at": case.entered_at, "deadline": due,
        }  # fmt: skip
        row = store._call(
            f"SELECT * FROM sop_migrate({', '.join(['%s'] * 10)})",
            [uuid.uuid4().hex, case.id, case.seq, _note(action), json.dumps(data), at, target.digest, target.version,
             target.canonical, target.source],
        )  # fmt: skip
        return case_row(row)
    events = store.events(case.id)
    live = standing(events)
    target_seq = live[-1]
    _state, back = replay(cases.definition, events).get(target_seq, (None, None))
    back = back or case
    row = store._call(
        f"SELECT * FROM sop_void({', '.join(['%s'] * 13)})",
        [uuid.uuid4().hex, case.id, case.seq, _note(action), json.dumps({"documents": [], "voids": target_seq}), at,
         when is not None, who, str(back.status), back.step, back.entered_at, back.deadline, json.dumps(back.available)],
    )  # fmt: skip
    return case_row(row)


def _outcome(run) -> tuple[str, Any]:
    try:
        return "done", run()
    except UserError as e:
        return "refused", e


def _check(got: tuple[str, Any], expect: dict, office: Office, how: str) -> None:
    what, value = got
    if "refused" in expect:
        assert what == "refused", f"{how}: {expect['refused']} expected, the action was written: {value}"
        assert value.kind == expect["refused"], f"{how}: {expect['refused']} expected, refused as {value.kind}: {value}"
        if "says" in expect:
            assert expect["says"] in str(value), f"{how}: {value}"
        return
    assert what == "done", f"{how}: refused as {value.kind}: {value}"
    if "status" in expect:
        assert str(value.status) == expect["status"], f"{how}: {value}"
    else:
        assert (str(value.status), value.step) == ("open", expect["step"]), f"{how}: {value}"
    if "holder" in expect or "acting" in expect:
        last = Cases(office.owner).history(value.id)[-1]
        assert last.holder == office.login(expect.get("holder", OWNER)), f"{how}: {last}"
        assert last.acting == expect.get("acting"), f"{how}: {last}"


@pytest.mark.parametrize("case", CASES)
def test_rule(case, db_url, request, tmp_path):
    sop = load_sop(find_sop(case.get("sop", "pelacuran")))
    action, expect = case["action"], case["expect"]
    with ExitStack() as stack:
        office = Office(db_url, stack, request)
        if "revise" in case:
            office.revision = revised(sop, case["revise"], tmp_path / "revised")
        _set_up(office, case)
        if not case.get("new_sop"):  # the SOP's version registered, by its first case
            Cases(office.owner).start(sop)
        start = {"do": "start", "attach": DEFAULT_ATTACH, **(case.get("start") or {})}
        times = {id(a): _moment(a["at"]) if "at" in a else None for a in [start, *case.get("given", []), action]}

        def prepare() -> str | None:
            """The case as the action finds it (none, when the action starts it)."""
            if action["do"] == "start":
                return None
            row = _by_api(office, sop, None, start, times[id(start)])
            for given in case.get("given", []):
                row = _by_api(office, sop, row.id, given, times[id(given)], office.revision)
            return row.id

        case_id = prepare()
        got = _outcome(lambda: _by_api(office, sop, case_id, action, times[id(action)], office.revision))
        _check(got, expect, office, "the API")
        if not office.pg:
            return
        database = case.get("database")
        if database == "accepts":
            expect = {"step": None}
        elif database:
            expect = {"refused": database}
        case_id = prepare()
        moves = action["do"] in (
            "advance",
            "cancel",
        )  # so the event records a deadline (none: the check of its time is verify's)
        got = _outcome(lambda: _by_database(office, sop, case_id, action, times[id(action)], moves))
        if database == "accepts":
            assert got[0] == "done", f"the database: {got[1]}"
        else:
            _check(got, expect, office, "the database")
