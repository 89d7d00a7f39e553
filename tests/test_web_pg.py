"""``sop serve`` on PostgreSQL with real roles: the page acts as the person, and the database decides.

The README's set-up (tests/test_pg_roles.py's ``pg_roles``: an owner, a clerks group, a as Plh.
Camat, b with no post), plus the web gateway of the README's "The web gateway on PostgreSQL":
a NOINHERIT login granted each clerk's role, registered by the owner. Everything is dropped
at the end.
"""

from __future__ import annotations

import re

import pytest
from conftest import PG_URL, ROOT, SOPS
from starlette.testclient import TestClient
from test_pg_roles import _staffed, _url, pg_roles  # noqa: F401 - pg_roles is the fixture these tests stand on

import runner

pytestmark = pytest.mark.skipif(not PG_URL, reason="SOP_TEST_PG_URL is not set")


def _readme_gateway_sql() -> tuple[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### The web gateway on PostgreSQL", 1)[1].split("\n### ", 1)[0]
    roles, grants = re.findall(r"```sql\n(.*?)```", section, re.S)
    return roles, grants


@pytest.fixture
def gateway(pg_roles):  # noqa: F811 - the fixture imported above
    """The gateway login, set up by the README's SQL for the clerks a and b; the store staffed."""
    import psycopg

    names = {**pg_roles, "web": f"{pg_roles['schema']}_web"}
    roles_sql, grants_sql = _readme_gateway_sql()

    def fill(sql: str, clerk: str = "") -> str:
        sql = re.sub(r"\bsop_web\b", names["web"], sql)
        sql = re.sub(r"\bbudi\b", clerk, sql)
        return re.sub(r"\bsop\.", names["schema"] + ".", re.sub(r"SCHEMA sop\b", f"SCHEMA {names['schema']}", sql))

    owner, cid, _post = _staffed(pg_roles)
    try:
        with psycopg.connect(PG_URL, autocommit=True) as su:
            for statement in fill(roles_sql, pg_roles["a"]).split(";"):
                if statement.strip():
                    su.execute(statement)
            su.execute(f"GRANT {pg_roles['b']} TO {names['web']}")
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute(fill(grants_sql))
        yield {**names, "url": _url(names["web"], pg_roles["schema"]), "owner_url": owner, "case": cid}
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as su:
            su.execute(f"DROP OWNED BY {names['web']}")
            su.execute(f"DROP ROLE IF EXISTS {names['web']}")


def _client(url: str) -> TestClient:
    c = TestClient(runner.create_app(url, [str(SOPS)]), follow_redirects=False)
    c.cookies.set("sop_lang", "en")
    return c


def _signed_in(gw: dict, login: str) -> TestClient:
    c = _client(gw["url"])
    r = c.post("/signin", data={"login": login, "password": "the database checks it"})
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return c


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="(\w+)"', page).group(1)


def test_the_plh_camat_approves_through_the_page_as_herself(gateway):
    runner.create_app  # noqa: B018 - the app starts only on a registered gateway
    with runner.open_store(gateway["url"], create=False) as store:
        assert store.is_gateway()
    c = _signed_in(gateway, gateway["a"])
    inbox = c.get("/?format=json").json()
    assert [x["id"] for x in inbox["cases"]] == [gateway["case"]]
    assert inbox["posts"][0]["acting"] == "plh"
    page = c.get(f"/cases/{gateway['case']}").text
    r = c.post(f"/cases/{gateway['case']}/act", data={"csrf": _csrf(page), "role": "camat"})
    assert r.status_code == 303, r.text
    last = c.get(f"/cases/{gateway['case']}?format=json").json()["history"][0]
    # the database recorded the person, not the gateway: holder and recorder are a, authenticated
    assert (last["holder"], last["acting"], last["recorder"], last["authenticated"]) == (
        gateway["a"], "plh", gateway["a"], True,
    )  # fmt: skip


def test_an_unassigned_person_is_refused_by_the_database_through_the_page(gateway):
    c = _signed_in(gateway, gateway["b"])
    page = c.get(f"/cases/{gateway['case']}").text
    r = c.post(f"/cases/{gateway['case']}/act", data={"csrf": _csrf(page), "role": "camat"})
    assert r.status_code == 403
    assert f"{gateway['b']} does not hold the post" in r.text  # the database's refusal, worded
    assert c.get(f"/cases/{gateway['case']}?format=json").json()["step"]["id"] == "perintah-penertiban"


def test_the_gateway_without_a_person_is_refused_by_the_functions(gateway):
    import psycopg

    call = "SELECT * FROM sop_add_person('x', 'X', NULL, false, false)"
    with psycopg.connect(gateway["url"], autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the functions are the clerks', not its own
            conn.execute(call)
    # and were it given them by mistake, the functions still find no person in it
    with psycopg.connect(gateway["owner_url"], autocommit=True) as owner:
        owner.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {gateway['schema']} TO {gateway['web']}")
    with psycopg.connect(gateway["url"], autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="web gateway"):
            conn.execute(call)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no rights of its own on the record
            conn.execute("SELECT * FROM events")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO posts (login, pelaksana, valid_from, granted_by, granted_at) VALUES ('x', 'camat', '2020-01-01', 'x', 'x')"
            )


def test_a_login_that_is_not_a_person_cannot_sign_in(gateway):
    c = _client(gateway["url"])
    r = c.post("/signin", data={"login": "postgres", "password": "x"})
    assert r.status_code == 401


def test_serving_refuses_a_login_that_is_not_a_registered_gateway(gateway):
    from runner.web.app import check_store

    with pytest.raises(runner.UserError) as e:
        check_store(_url(gateway["a"], gateway["schema"]))
    assert e.value.kind == "not-a-gateway"
    check_store(gateway["url"])  # the registered one serves


def test_a_nul_in_a_request_is_a_400_page_not_a_crash(gateway):
    c = _signed_in(gateway, gateway["a"])
    for path in ("/cases/a%00b", "/cases?sop=a%00b"):
        r = c.get(path)
        assert r.status_code == 400 and "Traceback" not in r.text


# --- the office pages, through the gateway: the database decides who is an administrator ----------


def _admin_a(gw: dict) -> TestClient:
    """a, made an administrator by the owner (a is not the owner: every write goes through a function)."""
    from conftest import run_sop

    assert run_sop("--db", gw["owner_url"], "people", "set", gw["a"], "--admin").code == 0
    return _signed_in(gw, gw["a"])


def test_an_administrator_who_is_not_the_owner_manages_people_and_posts_on_the_pages(gateway):
    c = _admin_a(gateway)
    page = c.get("/people")
    assert page.status_code == 200 and "Joko" in page.text
    r = c.post("/people/add", data={"csrf": _csrf(page.text), "login": "dewi", "nama": "Dewi Lestari"})
    assert r.status_code == 303, r.text
    people = {p["login"]: p for p in c.get("/people?format=json").json()["people"]}
    assert people["dewi"]["nama"] == "Dewi Lestari"
    page = c.get("/posts")
    r = c.post(
        "/posts/grant", data={"csrf": _csrf(page.text), "login": "dewi", "pelaksana": "sekcam", "from": "2020-01-01"}
    )
    assert r.status_code == 303, r.text
    posts = c.get("/posts?format=json").json()["posts"]
    (dewi,) = [p for p in posts if p["login"] == "dewi"]
    assert dewi["pelaksana"] == "sekcam" and dewi["status"] == "current"
    # a Plt. over a's own Plh. Camat overlaps: refused by the database's rule, worded for the page
    page = c.get("/posts/acting?pelaksana=camat&from=2030-01-01&until=2030-01-05")
    assert "Sari Dewi" in page.text  # a holds it then
    r = c.post(
        "/posts/acting/appoint",
        data={"csrf": _csrf(page.text), "login": "dewi", "pelaksana": "camat", "acting": "plt",
              "from": "2030-01-01", "until": "2030-01-05"},
    )  # fmt: skip
    assert r.status_code == 403 and "overlaps post" in r.text
    page = c.get("/posts")
    r = c.post(f"/posts/{dewi['id']}/end", data={"csrf": _csrf(page.text)})
    assert r.status_code == 303, r.text
    (ended,) = [p for p in c.get("/posts?format=json").json()["posts"] if p["login"] == "dewi"]
    assert ended["status"] == "ended"


def test_a_person_who_is_no_administrator_is_refused_the_office_pages_on_postgresql(gateway):
    c = _signed_in(gateway, gateway["b"])
    assert c.get("/people").status_code == 403
    assert c.get("/audit").status_code == 403


def test_an_administrator_who_is_not_the_owner_verifies_and_takes_a_checkpoint(gateway):
    import psycopg

    c = _admin_a(gateway)
    verified = c.get("/audit/verify?format=json").json()
    assert verified["ok"] is True and verified["findings"] == []
    page = c.get("/audit")
    r = c.post("/audit/checkpoint", data={"csrf": _csrf(page.text)})
    assert r.status_code == 303, r.text  # through sop_checkpoint: a may not write the table itself
    shown = c.get("/audit?taken=1&format=json").json()
    digest = shown["latest"]["digest"]
    with psycopg.connect(gateway["owner_url"], autocommit=True) as conn:
        assert conn.execute("SELECT digest FROM checkpoints").fetchall() == [(digest,)]
    assert c.get("/audit/checkpoint.json").status_code == 200


def test_the_reports_and_the_monitoring_form_on_postgresql(gateway):
    from datetime import date

    c = _signed_in(gateway, gateway["b"])  # the figures are for everyone signed in
    year = date.today().year
    page = c.get(f"/reports?sop=pelacuran&period={year}&format=json")
    assert page.status_code == 200, page.text
    assert "pelacuran" in page.text and '"cases"' in page.text
    form = c.get(f"/reports/monitoring?sop=pelacuran&period={year}&penilai={gateway['a']}&place=Karawaci")
    assert form.status_code == 200 and "Sari Dewi" in form.text and "Karawaci" in form.text


def test_cancel_and_void_through_the_page_are_the_databases_to_decide(gateway):
    """b holds no post: the page offers b neither, and a cancel sent anyway is refused by sop_act;
    a (Plh. Camat, the case at the Camat's step) is offered the cancel, and it is written as a."""
    b = _signed_in(gateway, gateway["b"])
    case = f"/cases/{gateway['case']}"
    assert b.get(f"{case}?format=json").json()["may"] == {"cancel": False, "void": None}
    page = b.get(case).text
    assert f'action="{case}/cancel"' not in page and f'action="{case}/void"' not in page
    r = b.post(f"{case}/cancel", data={"csrf": _csrf(page), "reason": "saya batalkan"})
    assert r.status_code == 403 and f"{gateway['b']} may not cancel case {gateway['case']}" in r.text
    r = b.post(f"{case}/void", data={"csrf": _csrf(page), "reason": "salah"})
    assert r.status_code == 403 and f"{gateway['b']} may not void event #2" in r.text
    assert b.get(f"{case}?format=json").json()["status"] == "open"

    a = _signed_in(gateway, gateway["a"])
    assert a.get(f"{case}?format=json").json()["may"] == {"cancel": True, "void": None}
    page = a.get(case).text
    r = a.post(f"{case}/cancel", data={"csrf": _csrf(page), "reason": "laporan ganda"})
    assert r.status_code == 303, r.text
    last = a.get(f"{case}?format=json").json()["history"][0]
    assert (last["action"], last["holder"], last["note"]) == ("cancel", gateway["a"], "laporan ganda")
