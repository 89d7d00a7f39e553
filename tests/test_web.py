"""``sop serve`` through Starlette's test client: every page and refusal, in both languages.

The office: an admin operator (the OS login, who may record for others), Sari Dewi as Plh.
Camat, Budi as Kasi Trantib, Ani with no post; first passwords set by the admin, as
``sop people password`` does. A real SQLite file; the database's own refusals on PostgreSQL
are in tests/test_web_pg.py.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from conftest import SOPS, run_sop
from starlette.testclient import TestClient

import runner
from runner.i18n import set_language
from runner.store.sqlite import os_login

PASSWORD = "rahasia-123"
UNTIL = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def office_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    with runner.open_store(url) as store:
        people = runner.People(store)
        people.add(os_login(), "Operator Trantib", records_for_others=True)
        people.add("sari", "Sari Dewi")
        people.add("budi", "Budi Santoso")
        people.add("ani", "Ani")
        people.grant("sari", "camat", acting="plh", valid_until=UNTIL)
        people.grant("budi", "kasi-trantib")
        sessions = runner.Sessions(store)
        for login in ("sari", "budi", "ani"):
            sessions.set_password(login, PASSWORD, os_login(), first=True)
        cases = runner.Cases(store)
        sop = runner.load_sop(runner.find_sop("pelacuran"))
        case = cases.start(sop, title="Laporan RW 03", attach=[runner.Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib", attach=[runner.Attachment("Surat Perintah")], for_person="budi")
    return url


def client(url: str, lang: str = "id") -> TestClient:
    c = TestClient(runner.create_app(url, [str(SOPS)]), follow_redirects=False)
    c.cookies.set("sop_lang", lang)  # as the language switch leaves it
    return c


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="(\w+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def signed_in(url: str, login: str, lang: str = "id", new: str = "punya-sendiri-1") -> TestClient:
    """A client signed in as ``login``, who has chosen their own password at the first sign-in."""
    c = client(url, lang)
    r = c.post("/signin", data={"login": login, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/password"
    assert c.get("/").headers["location"] == "/password"  # nothing else before the own password
    token = csrf(c.get("/password").text)
    r = c.post("/password", data={"csrf": token, "old": PASSWORD, "new": new, "again": new})
    assert r.status_code == 303, r.text
    return c


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "lang, inbox, waiting, why",
    [
        ("id", "Kotak Kerja", "menunggu saya", "Anda Plh. Camat s.d."),
        ("en", "Inbox", "waiting for me", "you are Plh. Camat until"),
    ],
)
def test_the_plh_camat_sees_the_case_in_the_inbox_and_approves_it(office_db, lang, inbox, waiting, why):
    c = signed_in(office_db, "sari", lang)
    page = c.get("/")
    assert page.status_code == 200
    shown = text(page.text)
    assert inbox in shown and waiting in shown and why in shown
    assert "pelacuran-1" in shown and "Laporan RW 03" in shown
    data = c.get("/?format=json").json()
    assert data["counts"]["waiting"] == 1 and [x["id"] for x in data["cases"]] == ["pelacuran-1"]
    assert data["cases"][0]["why"].startswith(why)

    case = c.get("/cases/pelacuran-1")
    assert case.status_code == 200
    r = c.post(
        "/cases/pelacuran-1/act",
        data={"csrf": csrf(case.text), "role": "camat", "seq": "2"},
        files={"doc:Surat Perintah": ("sp.jpg", b"\xff\xd8\xff scan", "image/jpeg")},
    )
    assert r.status_code == 303 and r.headers["location"] == "/cases/pelacuran-1"
    after = c.get("/cases/pelacuran-1?format=json").json()
    assert after["step"]["id"] == "draft-surat-perintah"
    top = after["history"][0]
    assert top["holder"] == "sari" and top["acting"] == "plh" and top["recorder"] == "sari"
    assert c.get("/?format=json").json()["counts"]["waiting"] == 0
    # what the page lists is what the command line lists
    listed = run_sop("--db", office_db, "case", "list", "--waiting-for", "kasi-trantib", "--json")
    assert listed.code == 0 and "pelacuran-1" in listed.out


def test_the_kasi_returns_a_draft_with_a_note_and_the_operator_sees_it(office_db):
    sari = signed_in(office_db, "sari")
    sari.post("/cases/pelacuran-1/act", data={"csrf": csrf(sari.get("/cases/pelacuran-1").text), "role": "camat"})
    budi = signed_in(office_db, "budi")
    page = budi.get("/cases/pelacuran-1").text
    budi.post("/cases/pelacuran-1/act", data={"csrf": csrf(page), "role": "kasi-trantib"})
    # the draft goes to the verification (sekcam or camat); Sari as Plh. Camat asks for a correction
    page = sari.get("/cases/pelacuran-1").text
    assert 'value="koreksi"' in page and 'value="disetujui"' in page  # one button per outcome
    r = sari.post(
        "/cases/pelacuran-1/act",
        data={"csrf": csrf(page), "role": "camat", "outcome": "koreksi", "note": "Perbaiki dasar hukum"},
    )
    assert r.status_code == 303, text(r.text)
    with runner.open_store(office_db) as store:
        view = runner.Cases(store).show("pelacuran-1")
    assert view.note is not None and view.note.note == "Perbaiki dasar hukum"
    shown = run_sop("--db", office_db, "case", "show", "pelacuran-1")
    assert "Perbaiki dasar hukum" in shown.out


@pytest.mark.parametrize(
    "lang, says", [("id", "login atau kata sandi salah"), ("en", "the login or the password is wrong")]
)
def test_a_wrong_password_and_an_unknown_login_are_refused_alike(office_db, lang, says):
    c = client(office_db, lang)
    for login in ("sari", "tidak-ada"):
        r = c.post("/signin", data={"login": login, "password": "salah-sekali", "next": "/"})
        assert r.status_code == 401 and says in r.text.lower()
        assert "sop_session" not in r.headers.get("set-cookie", "")


def test_failed_sign_ins_are_bounded_per_login(office_db):
    c = client(office_db)
    for _ in range(5):
        assert c.post("/signin", data={"login": "budi", "password": "salah"}).status_code == 401
    r = c.post("/signin", data={"login": "budi", "password": PASSWORD})  # even the right one, for a while
    assert r.status_code == 429 and "15" in r.text
    assert c.post("/signin", data={"login": "sari", "password": PASSWORD}).status_code == 303  # others are not held


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(office_db):
    c = signed_in(office_db, "sari")
    r = c.post("/cases/pelacuran-1/act", data={"role": "camat"})
    assert r.status_code == 403
    r = c.post("/cases/pelacuran-1/act", data={"role": "camat", "csrf": "0" * 64})
    assert r.status_code == 403
    r = c.post("/cases/pelacuran-1/act", data={"role": "camat", "csrf": "é" * 64})  # not even ASCII
    assert r.status_code == 403
    assert c.get("/cases/pelacuran-1?format=json").json()["step"]["id"] == "perintah-penertiban"


def test_signing_out_ends_the_session_in_the_store(office_db):
    c = signed_in(office_db, "sari")
    token = c.cookies.get("sop_session")
    r = c.post("/signout", data={"csrf": csrf(c.get("/").text)})
    assert r.status_code == 303
    again = client(office_db)
    again.cookies.set("sop_session", token)
    assert again.get("/").status_code == 303  # the old cookie opens nothing


def test_a_session_lives_in_the_store_so_a_second_server_knows_it(office_db):
    c = signed_in(office_db, "sari")
    second = client(office_db)  # another application object: another process, as far as state goes
    second.cookies.set("sop_session", c.cookies.get("sop_session"))
    assert second.get("/").status_code == 200


def test_the_session_cookie_is_http_only_and_same_site(office_db):
    c = client(office_db)
    r = c.post("/signin", data={"login": "sari", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie  # plain http on loopback
    tls = TestClient(runner.create_app(office_db, [str(SOPS)]), base_url="https://testserver", follow_redirects=False)
    cookie = tls.post("/signin", data={"login": "budi", "password": PASSWORD}).headers["set-cookie"].lower()
    assert "secure" in cookie


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_no_open_redirect_after_signing_in(office_db, target):
    c = client(office_db)
    r = c.post("/signin", data={"login": "sari", "password": PASSWORD, "next": target})
    assert r.headers["location"] in ("/", "/password")


def test_an_unassigned_person_is_refused_what_the_post_may_do(office_db):
    c = signed_in(office_db, "ani")
    page = c.get("/cases/pelacuran-1").text
    assert 'action="/cases/pelacuran-1/act"' not in page  # no buttons for a post she does not hold
    r = c.post("/cases/pelacuran-1/act", data={"csrf": csrf(page), "role": "camat"})  # sent by hand
    assert r.status_code == 403 and "ani" in r.text
    assert c.get("/cases/pelacuran-1?format=json").json()["step"]["id"] == "perintah-penertiban"


def test_the_second_official_acting_on_a_moved_case_is_told_and_shown_it_now(office_db):
    first, second = signed_in(office_db, "sari"), client(office_db)  # Sari at her desk and on her phone
    assert second.post("/signin", data={"login": "sari", "password": "punya-sendiri-1"}).status_code == 303
    page = second.get("/cases/pelacuran-1").text  # opened before the first one acts
    assert (
        first.post(
            "/cases/pelacuran-1/act", data={"csrf": csrf(first.get("/").text), "role": "camat", "seq": "2"}
        ).status_code
        == 303
    )
    r = second.post("/cases/pelacuran-1/act", data={"csrf": csrf(page), "role": "camat", "seq": "2"})
    assert r.status_code == 409 and 'href="/cases/pelacuran-1"' in r.text
    assert len(second.get("/cases/pelacuran-1?format=json").json()["history"]) == 3


def test_a_file_over_the_limit_is_refused_with_413_and_nothing_written(office_db, monkeypatch):
    monkeypatch.setenv("SOP_MAX_ATTACHMENT_MB", "0.001")  # about a kilobyte
    c = signed_in(office_db, "sari")
    r = c.post(
        "/cases/pelacuran-1/attach",
        data={"csrf": csrf(c.get("/").text), "attach-name": "Foto"},
        files={"attach-file": ("foto.jpg", b"x" * 5000, "image/jpeg")},
    )
    assert r.status_code == 413
    assert len(c.get("/cases/pelacuran-1?format=json").json()["history"]) == 2


def test_documents_download_as_attachments_never_as_a_page(office_db):
    c = signed_in(office_db, "sari")
    c.post(
        "/cases/pelacuran-1/attach",
        data={"csrf": csrf(c.get("/").text), "attach-name": "Catatan"},
        files={"attach-file": ("x.html", b"<script>alert(1)</script>", "text/html")},
    )
    docs = c.get("/cases/pelacuran-1?format=json").json()["documents"]
    doc = next(d for d in docs if d["filename"] == "x.html")
    r = c.get(f"/cases/pelacuran-1/documents/{doc['seq']}/Catatan")
    assert r.status_code == 200 and r.content == b"<script>alert(1)</script>"
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_text_from_the_record_is_escaped_in_pages(office_db):
    c = signed_in(office_db, "budi")
    c.post("/cases/new", data={"csrf": csrf(c.get("/").text), "sop": "pelacuran", "title": "<script>x()</script>"})
    page = c.get("/cases").text
    assert "<script>x()</script>" not in page and "&lt;script&gt;" in page


def test_start_a_case_from_the_page(office_db):
    c = signed_in(office_db, "budi")
    form = c.get("/cases/new?sop=pelacuran").text
    assert 'name="doc:Informasi Pelanggaran"' in form and 'capture="environment"' in form
    r = c.post(
        "/cases/new",
        data={"csrf": csrf(form), "sop": "pelacuran", "title": "Laporan warga", "paper": "Informasi Pelanggaran"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/cases/pelacuran-2"
    data = c.get("/cases/pelacuran-2?format=json").json()
    assert data["title"] == "Laporan warga" and data["history"][0]["holder"] == "budi"


def test_only_an_operator_who_records_for_others_sees_on_behalf_fields(office_db):
    assert 'name="for"' not in signed_in(office_db, "sari").get("/cases/pelacuran-1").text
    c = client(office_db)
    with runner.open_store(office_db) as store:
        runner.Sessions(store).set_password(os_login(), PASSWORD, os_login(), first=True)
    c = signed_in(office_db, os_login())
    page = c.get("/cases/pelacuran-1").text
    assert 'name="for"' in page and 'name="at"' in page
    r = c.post("/cases/pelacuran-1/act", data={"csrf": csrf(page), "role": "camat", "for": "sari"})
    assert r.status_code == 303
    top = c.get("/cases/pelacuran-1?format=json").json()["history"][0]
    assert top["holder"] == "sari" and top["recorder"] == os_login()


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/cases",
        "/cases/new",
        "/cases/new?sop=pelacuran",
        "/sops",
        "/sops/pelacuran",
        "/cases/pelacuran-1",
        "/password",
    ],
)
def test_every_page_answers_in_both_languages(office_db, path, lang):
    c = signed_in(office_db, "sari", lang)
    r = c.get(path)
    assert r.status_code == 200
    assert f'<html lang="{lang}">' in r.text
    assert c.get(path + ("&" if "?" in path else "?") + "format=json").status_code == 200


def test_pages_that_need_a_person_send_to_sign_in(office_db):
    c = client(office_db)
    for path in ("/", "/cases", "/cases/pelacuran-1", "/sops"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/signin?next=")
    assert c.get("/?format=json").status_code == 401


@pytest.mark.parametrize("lang, says", [("id", "tidak ada kasus"), ("en", "no case")])
def test_unknown_things_are_404_pages_that_say_what_to_do(office_db, lang, says):
    c = signed_in(office_db, "sari", lang)
    r = c.get("/cases/pelacuran-99")
    assert r.status_code == 404 and says in r.text.lower() and "Traceback" not in r.text
    assert c.get("/no-such-page").status_code == 404


def test_indonesian_is_the_default_whatever_the_browser_says(office_db):
    c = TestClient(runner.create_app(office_db, [str(SOPS)]), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="id">' in c.get("/signin").text


def test_the_language_switch_persists(office_db):
    c = signed_in(office_db, "sari", "id")
    r = c.post("/language", data={"csrf": csrf(c.get("/").text), "lang": "en", "next": "/cases"})
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    assert '<html lang="en">' in c.get("/").text
    c.cookies.delete("sop_lang")  # the session remembers it too
    assert '<html lang="en">' in c.get("/").text


def test_a_store_that_cannot_be_opened_is_a_503_page(tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    c = client(f"sqlite:///{folder}")  # a folder, not a store
    r = c.get("/signin")
    assert r.status_code in (400, 503) and "Traceback" not in r.text


def test_sop_downloads_are_files(office_db):
    c = signed_in(office_db, "sari")
    r = c.get("/sops/pelacuran/download/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r.headers["content-type"] == "application/pdf"
    assert c.get("/sops/pelacuran/download/exe").status_code == 404


def test_a_first_password_needs_an_admin_and_a_length(office_db, sop):
    with runner.open_store(office_db) as store:
        s = runner.Sessions(store)
        with pytest.raises(runner.UserError) as e:
            s.set_password("sari", "pendek", os_login(), first=True)
        assert e.value.kind == "weak-password"
        with pytest.raises(runner.UserError) as e:
            s.set_password("budi", PASSWORD, "sari", first=True)
        assert e.value.kind == "not-admin"
    set_language("en")
    import io
    import sys

    stdin = sys.stdin
    try:
        sys.stdin = io.StringIO("baru-sekali-9\n")
        r = sop("--db", office_db, "people", "password", "ani", "--stdin")
    finally:
        sys.stdin = stdin
    assert r.code == 0 and "ani" in r.err  # term.say speaks on stderr
    c = client(office_db)
    assert c.post("/signin", data={"login": "ani", "password": "baru-sekali-9"}).headers["location"] == "/password"


def test_a_store_that_is_down_is_a_503_page_that_says_so():
    c = client("postgresql://nobody@127.0.0.1:1/test")  # nothing listens on port 1
    r = c.get("/signin")
    assert r.status_code == 503 and "Traceback" not in r.text
    assert "basis data" in r.text.lower()


def test_our_own_bug_is_a_500_page_with_a_crash_log_and_no_traceback(office_db, monkeypatch, isolated_home):
    from runner.web import pages

    def broken(visit):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(pages, "catalogue", broken)  # the route takes the page function when the app is built
    c = signed_in(office_db, "sari")
    r = c.get("/sops")
    assert r.status_code == 500 and "Traceback" not in r.text and "a bug of ours" not in r.text
    logs = list((isolated_home / "state").rglob("crash-*.log"))
    assert logs and "a bug of ours" in logs[0].read_text(encoding="utf-8")


def test_serve_refuses_a_port_in_use_in_one_line(office_db):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run_sop("--db", office_db, "serve", "--port", str(port))
    assert r.code == 1 and r.err.startswith("error: ") and r.err.count("\n") == 1 and str(port) in r.err


def test_several_worker_processes_share_the_sessions(office_db):
    import os
    import subprocess
    import sys
    import time
    import urllib.request
    from http.cookiejar import CookieJar

    from conftest import ROOT

    with runner.open_store(office_db) as store:
        runner.Sessions(store).set_password("budi", "milik-budi-99", os_login(), first=False)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "--db", office_db, "--sop-dir", str(SOPS), "serve", "--port", str(port), "--workers", "3"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/ping", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        data = b"login=budi&password=milik-budi-99&next=/"
        assert opener.open(base + "/signin", data=data, timeout=10).status == 200  # followed to the inbox
        for _ in range(30):  # whichever worker answers, it knows the session
            page = opener.open(base + "/?format=json", timeout=10).read().decode()
            assert '"counts"' in page
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_correction_needs_a_note_on_the_page(office_db):
    sari = signed_in(office_db, "sari")
    sari.post("/cases/pelacuran-1/act", data={"csrf": csrf(sari.get("/").text), "role": "camat"})
    budi = signed_in(office_db, "budi")
    budi.post("/cases/pelacuran-1/act", data={"csrf": csrf(budi.get("/").text), "role": "kasi-trantib"})
    r = sari.post(
        "/cases/pelacuran-1/act", data={"csrf": csrf(sari.get("/").text), "role": "camat", "outcome": "koreksi"}
    )
    assert r.status_code == 400 and "langkah 3" in r.text
    assert sari.get("/cases/pelacuran-1?format=json").json()["step"]["id"] == "verifikasi-surat-perintah"


def test_attachments_are_read_only_by_those_the_rule_lets(office_db):
    sari = signed_in(office_db, "sari")
    sari.post(
        "/cases/pelacuran-1/attach",
        data={"csrf": csrf(sari.get("/").text), "attach-name": "KTP Pelapor"},
        files={"attach-file": ("ktp.jpg", b"\xff\xd8 ktp", "image/jpeg")},
    )
    doc = next(d for d in sari.get("/cases/pelacuran-1?format=json").json()["documents"] if d["name"] == "KTP Pelapor")
    url = f"/cases/pelacuran-1/documents/{doc['seq']}/KTP Pelapor"
    ani = signed_in(office_db, "ani")  # registered, but no post in the SOP and never acted on the case
    assert ani.get(url).status_code == 403
    budi = signed_in(office_db, "budi")  # Kasi Trantib: a post of the SOP today
    assert budi.get(url).content == b"\xff\xd8 ktp"
    with runner.open_store(office_db) as store:
        reads = store.execute("SELECT login FROM document_reads ORDER BY at").fetchall()
    assert [r[0] for r in reads] == ["budi"]


def test_a_body_larger_than_the_store_keeps_is_refused_before_it_is_read(office_db, monkeypatch):
    monkeypatch.setenv("SOP_MAX_ATTACHMENT_MB", "0.001")
    c = signed_in(office_db, "sari")
    r = c.post(
        "/cases/pelacuran-1/attach",
        content=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 413


def test_the_inbox_shows_a_deadline_in_its_sops_own_zone(office_db, tmp_path):
    folder = tmp_path / "sop"
    folder.mkdir()
    text_ = (SOPS / "pelacuran.yaml").read_text(encoding="utf-8").replace("id: pelacuran", "id: pelacuran-makassar", 1)
    (folder / "pelacuran-makassar.yaml").write_text(text_ + "calendar:\n  timezone: Asia/Makassar\n", encoding="utf-8")
    with runner.open_store(office_db) as store:
        sop = runner.load_sop(folder / "pelacuran-makassar.yaml")
        assert sop.calendar.timezone == "Asia/Makassar"
        runner.Cases(store).start(sop, attach=[runner.Attachment("Informasi Pelanggaran")])
    c = signed_in(office_db, "budi")
    row = text(c.get("/").text).split("pelacuran-makassar-1", 1)[1].split("pelacuran-1", 1)[0]
    assert "WITA" in row  # before, every deadline was shown in WIB


def test_a_form_or_a_url_names_an_sop_by_id_never_a_file_the_server_reads(office_db, tmp_path):
    """find_sop also takes paths (for the command line): on the web an SOP is only an id on the search path."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / "rahasia.yaml"
    copy.write_text((SOPS / "pelacuran.yaml").read_text(encoding="utf-8").replace("id: pelacuran", "id: rahasia"))
    c = signed_in(office_db, "budi")
    token = csrf(c.get("/cases/new").text)
    r = c.post("/cases/new", data={"csrf": token, "sop": str(copy), "title": "x"})
    assert r.status_code == 400 and "rahasia.yaml" in r.text, r.text
    assert c.get(f"/reports?sop={copy}").status_code == 400
    assert c.get("/sops/rahasia.yaml").status_code == 404
    listed = run_sop("--db", office_db, "case", "list", "--all", "--json")
    assert "rahasia" not in listed.out


def test_void_and_cancel_are_offered_to_those_allowed_and_refused_to_others(office_db):
    """The case stands at the Camat's step, after the Kasi's advance (recorded by the operator for Budi):
    Sari (Plh. Camat) may cancel, not void; Budi (Kasi Trantib, the voided step's post) may void, not cancel;
    Ani (no post) neither, and a form sent anyway is refused by the store with a page saying why."""
    ani, sari, budi = signed_in(office_db, "ani"), signed_in(office_db, "sari"), signed_in(office_db, "budi")
    for who, cancel, void in ((ani, False, None), (sari, True, None), (budi, False, 2)):
        data = who.get("/cases/pelacuran-1?format=json").json()
        assert data["may"] == {"cancel": cancel, "void": void}
        page = who.get("/cases/pelacuran-1").text
        assert ('action="/cases/pelacuran-1/cancel"' in page) is cancel
        assert ('action="/cases/pelacuran-1/void"' in page) is (void is not None)
    page = ani.get("/cases/pelacuran-1").text
    r = ani.post("/cases/pelacuran-1/cancel", data={"csrf": csrf(page), "reason": "ganda"})
    assert r.status_code == 403 and "ani tidak boleh membatalkan kasus pelacuran-1" in text(r.text)
    r = ani.post("/cases/pelacuran-1/void", data={"csrf": csrf(page), "reason": "salah"})
    assert r.status_code == 403 and "ani tidak boleh menganulir kejadian #2" in text(r.text)
    r = budi.post("/cases/pelacuran-1/void", data={"reason": "salah"})  # no CSRF token
    assert r.status_code == 403
    page = budi.get("/cases/pelacuran-1").text
    r = budi.post("/cases/pelacuran-1/void", data={"csrf": csrf(page), "reason": " "})
    assert r.status_code == 400 and "berikan alasan" in text(r.text).lower()
    r = budi.post("/cases/pelacuran-1/void", data={"csrf": csrf(page), "seq": "1", "reason": "x"})
    assert r.status_code == 409  # decided on an older page
    assert budi.get("/cases/pelacuran-1?format=json").json()["step"]["id"] == "perintah-penertiban"

    r = budi.post(
        "/cases/pelacuran-1/void", data={"csrf": csrf(page), "seq": "2", "reason": "Kasi lain yang memeriksa"}
    )
    assert r.status_code == 303
    data = budi.get("/cases/pelacuran-1?format=json").json()
    assert data["step"]["id"] == "terima-laporan"
    void, voided = data["history"][0], data["history"][1]
    assert (void["action"], void["voids"], void["note"], void["recorder"]) == (
        "void",
        2,
        "Kasi lain yang memeriksa",
        "budi",
    )
    assert voided["voided_by"] == 3
    page = budi.get("/cases/pelacuran-1").text
    assert "<del>" in page and "dianulir oleh #3" in text(page)
    assert data["may"]["cancel"] is True  # the case is at Budi's step now
    r = budi.post("/cases/pelacuran-1/cancel", data={"csrf": csrf(page), "seq": "3", "reason": "laporan ganda"})
    assert r.status_code == 303
    data = budi.get("/cases/pelacuran-1?format=json").json()
    assert data["status"] == "cancelled" and data["may"] == {"cancel": False, "void": None}
    assert data["last_note"]["text"] == "laporan ganda"


def test_the_history_page_shows_a_move_to_another_version(office_db, tmp_path):
    import yaml

    raw = yaml.safe_load((SOPS / "pelacuran.yaml").read_text(encoding="utf-8"))
    raw["version"] = "1.1"
    folder = tmp_path / "v2"
    folder.mkdir()
    (folder / "pelacuran.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert (
        run_sop(
            "--db", office_db, "--sop-dir", str(folder), "case", "migrate", "--sop", "pelacuran", "--to", "1.1"
        ).code
        == 0
    )
    page = signed_in(office_db, "sari").get("/cases/pelacuran-1").text
    assert "dipindahkan dari versi 1.0 ke versi 1.1, langkah 2" in text(page)
