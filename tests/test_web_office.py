"""The office pages of ``sop serve`` (runner/web/office.py): people and posts, reports and the
monitoring form, the audit; through Starlette's test client, in both languages, refusals included.

The office_db of tests/test_web.py: the administrator is the OS login (an operator who records for
others), Sari Dewi the Plh. Camat for a month, Budi the Kasi Trantib, Ani with no post; one case
of pelacuran waits at the Camat's step. A real SQLite file, no mocks.
"""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from datetime import date, timedelta

import pytest
from conftest import run_sop
from test_web import PASSWORD, client, csrf, signed_in, text

import runner
from runner.store.sqlite import os_login

UNTIL = (date.today() + timedelta(days=30)).isoformat()
ADMIN = os_login()


@pytest.fixture
def office_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    with runner.open_store(url) as store:
        people = runner.People(store)
        people.add(ADMIN, "Operator Trantib", nip="198001012005011001", records_for_others=True)
        people.add("sari", "Sari Dewi", nip="197505052000032002")
        people.add("budi", "Budi Santoso")
        people.add("ani", "Ani")
        people.grant("sari", "camat", acting="plh", valid_until=UNTIL)
        people.grant("budi", "kasi-trantib")
        sessions = runner.Sessions(store)
        for login in (ADMIN, "sari", "budi", "ani"):
            sessions.set_password(login, PASSWORD, ADMIN, first=True)
        cases = runner.Cases(store)
        sop = runner.load_sop(runner.find_sop("pelacuran"))
        case = cases.start(sop, title="Laporan RW 03", attach=[runner.Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib", attach=[runner.Attachment("Surat Perintah")], for_person="budi")
    return url


def admin(url: str, lang: str = "id"):
    return signed_in(url, ADMIN, lang)


# --- who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize("lang, people, audit", [("id", "Orang", "Audit"), ("en", "People", "Audit")])
def test_the_office_links_are_shown_to_administrators_only(office_db, lang, people, audit):
    page = admin(office_db, lang).get("/").text
    assert 'href="/people"' in page and 'href="/posts"' in page and 'href="/audit"' in page
    assert f">{people}</a>" in page and f">{audit}</a>" in page
    other = signed_in(office_db, "sari", lang).get("/").text
    assert 'href="/people"' not in other and 'href="/audit"' not in other
    assert 'href="/reports"' in other  # the figures are for the Sekcam and the assessor too


@pytest.mark.parametrize(
    "lang, says", [("id", "bukan administrator basis data kasus ini"), ("en", "is not an administrator of this store")]
)
@pytest.mark.parametrize("path", ["/people", "/posts", "/posts/acting?pelaksana=camat", "/audit", "/audit/verify"])
def test_a_person_who_is_not_an_administrator_gets_a_403_page(office_db, path, lang, says):
    c = signed_in(office_db, "sari", lang)
    r = c.get(path)
    assert r.status_code == 403 and says in text(r.text) and "sari" in r.text
    assert c.get(path + ("&" if "?" in path else "?") + "format=json").json()["error"]["kind"] == "not-admin"


def test_a_non_administrators_forms_sent_by_hand_change_nothing(office_db):
    c = signed_in(office_db, "budi")
    token = csrf(c.get("/").text)
    sent = [
        ("/people/add", {"login": "eko", "nama": "Eko"}),
        ("/people/budi/rights", {"admin": "1"}),
        ("/people/ani/password", {"password": "baru-sekali-9", "again": "baru-sekali-9"}),
        ("/posts/grant", {"login": "budi", "pelaksana": "camat"}),
        ("/posts/1/end", {}),
        ("/posts/acting/appoint", {"login": "budi", "pelaksana": "camat", "acting": "plt", "from": UNTIL}),
        ("/audit/checkpoint", {}),
    ]
    for path, data in sent:
        assert c.post(path, data={"csrf": token, **data}).status_code == 403, path
    with runner.open_store(office_db) as store:
        people = runner.People(store)
        assert [p.login for p in people.registered()] == sorted([ADMIN, "ani", "budi", "sari"])
        assert not store.person("budi").admin and len(people.posts()) == 2
        assert runner.Cases(store).latest_checkpoint() is None


def test_the_office_forms_need_the_csrf_token(office_db):
    c = admin(office_db)
    assert c.post("/people/add", data={"login": "eko", "nama": "Eko"}).status_code == 403
    assert c.post("/audit/checkpoint", data={"csrf": "0" * 64}).status_code == 403
    assert "eko" not in [p["login"] for p in c.get("/people?format=json").json()["people"]]


# --- people -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_administrator_adds_a_person_gives_rights_and_a_first_password(office_db, lang):
    c = admin(office_db, lang)
    page = c.get("/people")
    assert page.status_code == 200 and "Sari Dewi" in page.text and "197505052000032002" in page.text
    token = csrf(page.text)
    r = c.post("/people/add", data={"csrf": token, "login": "eko", "nama": "Eko Prasetyo", "nip": "1990"})
    assert r.status_code == 303 and r.headers["location"] == "/people"
    r = c.post("/people/eko/rights", data={"csrf": token, "records_for_others": "1"})
    assert r.status_code == 303
    eko = next(p for p in c.get("/people?format=json").json()["people"] if p["login"] == "eko")
    assert eko["nama"] == "Eko Prasetyo" and eko["nip"] == "1990" and eko["records_for_others"] and not eko["admin"]
    r = c.post("/people/eko/password", data={"csrf": token, "password": "awal-eko-123", "again": "awal-eko-123"})
    assert r.status_code == 303
    eko_client = client(office_db, lang)
    r = eko_client.post("/signin", data={"login": "eko", "password": "awal-eko-123"})
    assert r.status_code == 303 and r.headers["location"] == "/password"  # his own password first
    listed = run_sop("--db", office_db, "people", "list", "--json")
    assert '"eko"' in listed.out


@pytest.mark.parametrize(
    "lang, taken, weak, last",
    [
        ("id", "sudah terdaftar", "paling sedikit 8 karakter", "orang lain administrator"),
        ("en", "is already registered", "at least 8 characters", "another person an administrator"),
    ],
)
def test_refusals_about_people_are_shown_on_the_page_of_people(office_db, lang, taken, weak, last):
    c = admin(office_db, lang)
    token = csrf(c.get("/people").text)
    r = c.post("/people/add", data={"csrf": token, "login": "sari", "nama": "Sari Lain"})
    assert r.status_code == 403 and taken in text(r.text) and 'action="/people/add"' in r.text
    assert 'value="Sari Lain"' in r.text  # what was typed stays in the form
    r = c.post("/people/add", data={"csrf": token, "login": "Budi Santoso", "nama": "Budi"})
    assert r.status_code == 403 and "Budi Santoso" in text(r.text)  # not a login: said, and nothing added
    r = c.post("/people/ani/password", data={"csrf": token, "password": "pendek", "again": "pendek"})
    assert r.status_code == 403 and weak in text(r.text)
    r = c.post("/people/ani/password", data={"csrf": token, "password": "satu-dua-tiga", "again": "tiga-dua-satu"})
    assert r.status_code == 400
    # the only administrator cannot take away their own right: the page says what to do instead
    r = c.post(f"/people/{ADMIN}/rights", data={"csrf": token})
    assert r.status_code == 403 and last in text(r.text)
    with runner.open_store(office_db) as store:
        assert store.person(ADMIN).admin and store.person("sari").nama == "Sari Dewi"


# --- posts --------------------------------------------------------------------------------


def test_an_administrator_grants_and_ends_posts_and_asks_who_holds_what_on_a_day(office_db):
    c = admin(office_db)
    page = c.get("/posts")
    assert page.status_code == 200 and "Plh. Camat" in page.text
    token = csrf(page.text)
    later = (date.today() + timedelta(days=60)).isoformat()
    r = c.post(
        "/posts/grant",
        data={"csrf": token, "login": "ani", "pelaksana": "sekcam", "sops": "pelacuran", "from": later},
    )
    assert r.status_code == 303, text(r.text)
    posts = c.get("/posts?format=json").json()["posts"]
    ani = next(p for p in posts if p["login"] == "ani")
    assert ani["pelaksana"] == "sekcam" and ani["sops"] == ["pelacuran"] and ani["status"] == "future"
    # who holds what today, and on the day Ani begins
    today_held = {p["login"] for p in c.get(f"/posts?on={date.today().isoformat()}&format=json").json()["posts"]}
    assert today_held == {"sari", "budi"}
    on_later = c.get(f"/posts?on={later}")
    held = {p["login"] for p in c.get(f"/posts?on={later}&format=json").json()["posts"]}
    assert held == {"budi", "ani"}  # Sari's Plh. has ended by then
    assert "Sekretaris Camat" in on_later.text
    # Budi's post ends at once
    budi = next(p for p in posts if p["login"] == "budi")
    assert c.post(f"/posts/{budi['id']}/end", data={"csrf": token}).status_code == 303
    held = {p["login"] for p in c.get(f"/posts?on={date.today().isoformat()}&format=json").json()["posts"]}
    assert "budi" not in held
    r = c.post(f"/posts/{budi['id']}/end", data={"csrf": token})
    assert r.status_code == 403 and f"#{budi['id']}" in r.text
    assert c.get("/posts?on=besok").status_code == 400


@pytest.mark.parametrize(
    "lang, overlaps, hint, nobody",
    [
        ("id", "bertumpang-tindih dengan jabatan #1", "akhiri jabatan #1 terlebih dahulu", "Tidak ada yang memegang"),
        ("en", "overlaps post #1", "end post #1 first", "Nobody holds this post then"),
    ],
)
def test_appointing_a_plh_shows_who_holds_the_post_then_and_refuses_an_overlap(office_db, lang, overlaps, hint, nobody):
    c = admin(office_db, lang)
    start = (date.today() + timedelta(days=7)).isoformat()
    end = (date.today() + timedelta(days=13)).isoformat()
    page = c.get(f"/posts/acting?pelaksana=camat&from={start}&until={end}")
    assert page.status_code == 200
    shown = text(page.text)
    assert "Sari Dewi" in shown and "Plh. Camat" in shown  # she holds it then
    assert 'action="/posts/acting/appoint"' in page.text
    r = c.post(
        "/posts/acting/appoint",
        data={
            "csrf": csrf(page.text),
            "login": "ani",
            "pelaksana": "camat",
            "acting": "plh",
            "from": start,
            "until": end,
        },
    )
    assert r.status_code == 403
    said = text(r.text)
    assert overlaps in said and hint in said and "Sari Dewi" in said  # the holders are still shown
    # after Sari's appointment: nobody holds it, and the appointment is made
    after = (date.today() + timedelta(days=40)).isoformat()
    last = (date.today() + timedelta(days=46)).isoformat()
    page = c.get(f"/posts/acting?pelaksana=camat&from={after}&until={last}")
    assert nobody in text(page.text)
    r = c.post(
        "/posts/acting/appoint",
        data={
            "csrf": csrf(page.text),
            "login": "ani",
            "pelaksana": "camat",
            "acting": "plt",
            "from": after,
            "until": last,
        },
    )
    assert r.status_code == 303, text(r.text)
    listed = run_sop("--db", office_db, "post", "list", "--on", after, "--json")
    assert listed.code == 0 and '"ani"' in listed.out and '"plt"' in listed.out


def test_an_appointment_needs_its_kind_its_first_day_and_dates_in_order(office_db):
    c = admin(office_db)
    token = csrf(c.get("/posts").text)
    r = c.post("/posts/acting/appoint", data={"csrf": token, "login": "ani", "pelaksana": "camat", "from": UNTIL})
    assert r.status_code == 400
    r = c.post("/posts/acting/appoint", data={"csrf": token, "login": "ani", "pelaksana": "camat", "acting": "plt"})
    assert r.status_code == 400
    page = c.get(f"/posts/acting?pelaksana=camat&from={UNTIL}&until={date.today().isoformat()}")
    assert page.status_code == 400 and "error" in page.text
    with runner.open_store(office_db) as store:
        assert len(runner.People(store).posts()) == 2


# --- reports and the monitoring form -------------------------------------------------------


def _this_year() -> str:
    return str(date.today().year)


@pytest.mark.parametrize("lang, cases, started", [("id", "Kasus", "Dimulai"), ("en", "Cases", "Started")])
def test_the_figures_of_a_period_are_tables_on_the_page(office_db, lang, cases, started):
    c = signed_in(office_db, "sari", lang)  # not an administrator: reports are for everyone signed in
    r = c.get(f"/reports?sop=pelacuran&year={_this_year()}")
    assert r.status_code == 200
    assert f'<h2 id="table-1">{cases}</h2>' in r.text and f">{started}</th>" in r.text
    data = c.get(f"/reports?sop=pelacuran&year={_this_year()}&format=json").json()
    assert data["period"]["name"] == _this_year()
    assert data["figures"]["sops"][0]["cases"]["started"] == 1
    first = data["tables"][0]
    assert first["rows"][0][0].startswith("pelacuran ") and first["rows"][0][1] == "1"
    assert data["monitoring"].startswith("/reports/monitoring?")


def test_every_kind_of_period_is_read_as_the_command_line_reads_it(office_db):
    c = signed_in(office_db, "sari")
    year = _this_year()
    half = "S1" if date.today().month <= 6 else "S2"
    for query, name in [
        (f"year={year}&part={half}", f"{year}-{half}"),
        (f"year={year}&part=Q1", f"{year}-Q1"),
        (f"year={year}&part=11", f"{year}-11"),
        (f"period={year}-q3", f"{year}-Q3"),
        (f"from={year}-01-01&to={year}-12-31", f"{year}-01-01..{year}-12-31"),
        ("", f"{year}-{half}"),  # this semester
    ]:
        data = c.get(f"/reports?{query}&format=json").json()
        assert data["period"]["name"] == name, query
    assert c.get(f"/reports?from={year}-01-01").status_code == 400
    assert c.get(f"/reports?from={year}-12-31&to={year}-01-01").status_code == 400
    assert c.get("/reports?period=2026-13").status_code == 400
    r = c.get("/reports?sop=tidak-ada&format=json")
    assert r.status_code == 400 and r.json()["error"]["kind"] == "unknown-sop"


def test_the_report_downloads_as_xlsx_csv_and_pdf_attachments(office_db):
    c = signed_in(office_db, "sari")
    q = f"sop=pelacuran&year={_this_year()}"
    xlsx = c.get(f"/reports/download/xlsx?{q}")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(xlsx.content)).namelist()
    csv = c.get(f"/reports/download/csv?{q}")
    assert csv.status_code == 200 and "pelacuran" in csv.text
    pdf = c.get(f"/reports/download/pdf?{q}&paper=f4")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for r in (xlsx, csv, pdf):
        assert r.headers["content-disposition"].startswith("attachment;")
        assert f"laporan-pelacuran-{_this_year()}" in r.headers["content-disposition"]
    assert c.get(f"/reports/download/html?{q}").status_code == 404
    assert c.get(f"/reports/download/pdf?{q}&paper=a3").status_code == 400


@pytest.mark.parametrize("lang, signed", [("id", "Karawaci, 2 Desember 2026"), ("en", "Karawaci, December 2, 2026")])
def test_the_monitoring_form_carries_the_penilai_chosen_with_nip_jabatan_and_the_place_and_date(
    office_db, lang, signed
):
    c = signed_in(office_db, "budi", lang)
    q = f"sop=pelacuran&year={_this_year()}&penilai=sari&tempat=Karawaci&tanggal=2026-12-02"
    page = c.get(f"/reports/monitoring?{q}")
    assert page.status_code == 200
    shown = text(page.text)
    assert "Sari Dewi" in shown and "197505052000032002" in shown and signed in shown
    data = c.get(f"/reports/monitoring?{q}&format=json").json()
    form = data["forms"][0]
    # her jabatan on the day she signs: the post she holds then, when it holds (else the one typed)
    held = date(2026, 12, 2).isoformat() <= UNTIL and date.today().isoformat() <= "2026-12-02"
    assert form["jabatan"] == ("Plh. Camat" if held else None)
    assert form["place_and_date"] == signed and form["penilai"] == "Sari Dewi"
    assert len(form["rows"]) == len(runner.load_sop(runner.find_sop("pelacuran")).steps)
    today = c.get("/reports/monitoring?sop=pelacuran&penilai=sari&format=json").json()["forms"][0]
    assert today["jabatan"] == "Plh. Camat" and today["nip"] == "197505052000032002"
    typed = c.get(f"/reports/monitoring?{q}&jabatan=Sekretaris%20Camat&format=json").json()["forms"][0]
    assert typed["jabatan"] == "Sekretaris Camat"
    xlsx = c.get(f"/reports/monitoring/download/xlsx?{q}&jabatan=Plh.%20Camat")
    assert xlsx.status_code == 200 and xlsx.headers["content-disposition"].startswith("attachment;")
    book = zipfile.ZipFile(io.BytesIO(xlsx.content))
    strings = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    assert signed in strings and "Plh. Camat" in strings and "Sari Dewi" in strings
    pdf = c.get(f"/reports/monitoring/download/pdf?{q}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_monitoring_form_needs_an_sop_and_a_registered_penilai(office_db):
    c = signed_in(office_db, "budi")
    assert c.get("/reports/monitoring").status_code == 400
    assert c.get("/reports/monitoring?sop=pelacuran&penilai=tidak-ada").status_code == 400
    assert c.get("/reports/monitoring?sop=pelacuran&threshold=banyak").status_code == 400
    assert c.get("/reports/monitoring?sop=pelacuran&threshold=0").status_code == 400
    assert c.get("/reports/monitoring/download/csv?sop=pelacuran").status_code == 404
    page = c.get("/reports/monitoring?sop=pelacuran")
    assert page.status_code == 200 and "(......" in page.text  # the name written in by hand


# --- the audit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, ok, heading",
    [("id", "ok: setiap kejadian", "Periksa basis data kasus"), ("en", "ok: every event matches", "Verify the store")],
)
def test_an_administrator_verifies_the_store_and_a_case(office_db, lang, ok, heading):
    c = admin(office_db, lang)
    page = c.get("/audit")
    assert page.status_code == 200 and heading in page.text
    r = c.get("/audit/verify")
    assert r.status_code == 200 and ok in text(r.text)
    r = c.get("/audit/verify?case=pelacuran-1&format=json")
    assert r.json() == {"case": "pelacuran-1", "against": None, "findings": [], "ok": True}
    assert c.get("/audit/verify?case=pelacuran-99").status_code == 404


def test_a_checkpoint_taken_on_the_page_shows_its_digest_and_its_file_verifies(office_db, tmp_path):
    c = admin(office_db)
    page = c.get("/audit")
    assert "/audit/checkpoint.json" not in page.text  # none yet
    r = c.post("/audit/checkpoint", data={"csrf": csrf(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/audit?taken=1"
    with runner.open_store(office_db) as store:
        taken = runner.Cases(store).latest_checkpoint()
    assert taken is not None and set(taken.heads) == {"pelacuran-1"}
    page = c.get("/audit?taken=1")
    assert taken.digest in page.text and 'class="digest"' in page.text
    assert c.get("/audit?format=json").json()["latest"]["digest"] == taken.digest
    file = c.get("/audit/checkpoint.json")
    assert file.status_code == 200 and file.headers["content-disposition"].startswith("attachment;")
    saved = tmp_path / "checkpoint.json"
    saved.write_bytes(file.content)
    assert runner.Cases.read_checkpoint(saved).digest == taken.digest
    assert run_sop("--db", office_db, "case", "verify", "--against", str(saved)).code == 0
    # the uploaded file verifies the store on the page too, and its digest is shown to compare with paper
    r = c.post(
        "/audit/verify",
        data={"csrf": csrf(page.text)},
        files={"against": ("checkpoint.json", file.content, "application/json")},
    )
    assert r.status_code == 200 and taken.digest in r.text and "checkpoint.json" in r.text
    edited = file.content.replace(b'"seq": 2', b'"seq": 1')
    r = c.post(
        "/audit/verify", data={"csrf": csrf(page.text)}, files={"against": ("x.json", edited, "application/json")}
    )
    assert r.status_code == 400 and "Traceback" not in r.text


def test_a_tampered_store_is_named_on_the_page_and_gets_no_checkpoint(office_db):
    c = admin(office_db)
    path = office_db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # someone with the file removes the guard and edits history
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET role = 'camat' WHERE case_id = 'pelacuran-1' AND seq = 2")
    r = c.get("/audit/verify?format=json")
    assert r.status_code == 200 and not r.json()["ok"]
    assert any(f["case"] == "pelacuran-1" and f["seq"] == 2 for f in r.json()["findings"])
    page = c.get("/audit/verify")
    assert re.search(r"1 (temuan|finding)", text(page.text)) and 'href="/cases/pelacuran-1"' in page.text
    r = c.post("/audit/checkpoint?format=json", data={"csrf": csrf(page.text)})
    assert r.status_code == 400 and r.json()["error"]["kind"] == "store-does-not-verify"
    with runner.open_store(office_db) as store:
        assert runner.Cases(store).latest_checkpoint() is None


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/people",
        "/posts",
        "/posts?on=2026-12-01",
        "/posts/acting",
        "/posts/acting?pelaksana=camat&from=2026-12-01",
        "/reports",
        "/reports?sop=pelacuran",
        "/reports/monitoring?sop=pelacuran",
        "/audit",
        "/audit/verify",
    ],
)
def test_every_office_page_answers_in_both_languages(office_db, path, lang):
    c = admin(office_db, lang)
    r = c.get(path)
    assert r.status_code == 200, text(r.text)
    assert f'<html lang="{lang}">' in r.text
    assert c.get(path + ("&" if "?" in path else "?") + "format=json").status_code == 200


@pytest.mark.parametrize(
    "lang, coming, preview, nothing",
    [
        ("id", "Anda Plh. Camat mulai", "Anda menindaklanjutinya mulai hari itu", "Tidak ada yang menunggu Anda"),
        ("en", "you will be Plh. Camat from", "You act on them from that day on", "Nothing waits on you now"),
    ],
)
def test_a_plh_appointed_for_later_sees_on_that_day_what_will_wait_on_her(office_db, lang, coming, preview, nothing):
    """The admin appoints Ani Plh. Camat for a week after Sari's month; Ani's inbox says so today, shows
    nothing waiting today, and on a day of that week shows the case at the Camat's step."""
    first = date.fromisoformat(UNTIL) + timedelta(days=1)
    c = admin(office_db, lang)
    page = c.get(f"/posts/acting?pelaksana=camat&from={first}&until={first + timedelta(days=6)}")
    r = c.post(
        "/posts/acting/appoint",
        data={"csrf": csrf(page.text), "login": "ani", "pelaksana": "camat", "acting": "plh",
              "from": first.isoformat(), "until": (first + timedelta(days=6)).isoformat()},
    )  # fmt: skip
    assert r.status_code == 303, text(r.text)
    ani = signed_in(office_db, "ani", lang)
    today = ani.get("/")
    assert coming in text(today.text) and f'href="/?on={first}"' in today.text
    assert nothing in text(today.text) and "pelacuran-1" not in today.text
    then = ani.get(f"/?on={first + timedelta(days=2)}")
    assert then.status_code == 200 and preview in text(then.text) and "pelacuran-1" in then.text
    data = ani.get(f"/?on={first + timedelta(days=2)}&format=json").json()
    assert [c["id"] for c in data["cases"]] == ["pelacuran-1"] and data["posts"][0]["acting"] == "plh"
    after = ani.get(f"/?on={first + timedelta(days=7)}")  # the week is over: nothing waits on her again
    assert "pelacuran-1" not in after.text


@pytest.mark.parametrize("lang, says", [("id", "bukan tanggal; tulis sebagai YYYY-MM-DD"), ("en", "is not a day")])
def test_an_inbox_day_that_is_not_a_day_is_a_400_page(office_db, lang, says):
    r = signed_in(office_db, "ani", lang).get("/?on=2026-13-45")
    assert r.status_code == 400 and says in text(r.text)
