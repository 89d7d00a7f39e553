"""``sop serve`` in a real browser: Debian's Chromium through its chromedriver (Selenium), against a
real server process on loopback, on SQLite and on PostgreSQL with real roles.

Skips without chromium and chromedriver, and fails under CI=true (.ci/run installs them).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from conftest import PG_URL, ROOT, SOPS, need, run_sop
from test_pg_roles import pg_roles  # noqa: F401 - the fixture the gateway stands on
from test_web_pg import gateway  # noqa: F401 - the PostgreSQL office with its web gateway

import runner
from runner.store.sqlite import os_login

PASSWORD = "rahasia-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(url: str):
    """``sop serve`` on the store ``url`` in its own process, until the block ends."""
    port = _free_port()
    env = {**os.environ, "SOP_LANG": "id"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "--db", url, "--sop-dir", str(SOPS), "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/ping", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(f"sop serve ended: {proc.stdout.read() if proc.stdout else ''}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def browser():
    chromium = need("chromium", "chromium")
    driver_path = need("chromedriver", "chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=id"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)  # the driver's path: nothing downloaded
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def _sign_in(driver, base: str, login: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main button").click()


def _wait_for(driver, text: str, timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if text in driver.find_element("tag name", "body").text:
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not on the page: {driver.find_element('tag name', 'body').text[:1500]}")


def _approve_and_return(driver, base: str, case_id: str, shots, why: str) -> None:
    """The Plh. Camat sees the case in her inbox, opens it, approves step 2; later returns the draft with a note."""
    from selenium.webdriver.common.by import By

    _wait_for(driver, "Kotak Kerja")
    _wait_for(driver, case_id)
    _wait_for(driver, why)
    shots("inbox")
    driver.find_element(By.LINK_TEXT, case_id).click()
    _wait_for(driver, "Langkah 2")
    shots("case")
    driver.find_element(By.XPATH, "//form[contains(@action, '/act')]//button").click()
    _wait_for(driver, "Langkah 3")


@pytest.fixture
def shots(browser, tmp_path):
    """Screenshots at desktop and phone widths (docs/make_web_pages.py keeps them for the README)."""
    folder = os.environ.get("SOP_WEB_SHOTS") or str(tmp_path)

    def take(name: str) -> None:
        for width, height, kind in ((1280, 900, "desktop"), (390, 844, "phone")):
            browser.set_window_size(width, height)
            path = os.path.join(folder, f"web-{name}-{kind}.png")
            assert browser.save_screenshot(path)
            assert os.path.getsize(path) > 5000  # a page, not an empty frame
        browser.set_window_size(1280, 900)

    return take


def test_the_plh_camat_signs_in_sees_the_case_and_approves_it_sqlite(tmp_path, browser, shots):
    from selenium.webdriver.common.by import By

    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    with runner.open_store(url) as store:
        people = runner.People(store)
        people.add(os_login(), "Operator Trantib", records_for_others=True)
        people.add("sari", "Sari Dewi")
        people.grant("sari", "camat", acting="plh", valid_until=(date.today() + timedelta(days=30)).isoformat())
        people.grant(os_login(), "kasi-trantib")
        runner.Sessions(store).set_password("sari", PASSWORD, os_login(), first=True)
        cases = runner.Cases(store)
        sop = runner.load_sop(runner.find_sop("pelacuran"))
        case = cases.start(sop, title="Laporan RW 03", attach=[runner.Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib", attach=[runner.Attachment("Surat Perintah")])
    with served(url) as base:
        _sign_in(browser, base, "sari", PASSWORD)
        _wait_for(browser, "Kata sandi Anda")  # a first password: she chooses her own first
        for field, value in (("old", PASSWORD), ("new", "milik-sari-1"), ("again", "milik-sari-1")):
            browser.find_element(By.ID, field).send_keys(value)
        browser.find_element(By.CSS_SELECTOR, "main button").click()
        _approve_and_return(browser, base, case.id, shots, "Anda Plh. Camat s.d.")
    with runner.open_store(url) as store:
        last = runner.Cases(store).history(case.id)[-1]
    assert (last.holder, last.acting, last.operator) == ("sari", "plh", "sari")


def test_an_admin_appoints_a_plh_camat_for_next_week_who_sees_the_case_for_that_day(tmp_path, browser, shots):
    """The admin chooses the post and next week's dates, sees who holds it then, appoints Sari Plh. Camat;
    Sari's inbox says she will be Plh. Camat and, for a day of that week, shows the case at the Camat's step."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    admin = os_login()
    with runner.open_store(url) as store:
        people = runner.People(store)
        people.add(admin, "Operator Trantib", records_for_others=True)
        people.add("sari", "Sari Dewi")
        people.grant(admin, "kasi-trantib")
        for login in (admin, "sari"):
            runner.Sessions(store).set_password(login, PASSWORD, admin, first=False)
        cases = runner.Cases(store)
        sop = runner.load_sop(runner.find_sop("pelacuran"))
        case = cases.start(sop, title="Laporan RW 03", attach=[runner.Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib", attach=[runner.Attachment("Surat Perintah")])
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    with served(url) as base:
        _sign_in(browser, base, admin, PASSWORD)
        _wait_for(browser, "Kotak Kerja")
        browser.get(base + "/posts/acting")
        Select(browser.find_element(By.ID, "pelaksana")).select_by_value("camat")
        for field, day in (("from", monday), ("until", monday + timedelta(days=4))):  # a date picker's value
            browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, field), str(day))
        browser.find_element(By.XPATH, "//form[@action='/posts/acting']//button").click()
        _wait_for(browser, "Tidak ada yang memegang jabatan ini")
        shots("appoint")
        Select(browser.find_element(By.ID, "grant-login")).select_by_value("sari")
        Select(browser.find_element(By.ID, "acting")).select_by_value("plh")
        browser.find_element(By.XPATH, "//form[@action='/posts/acting/appoint']//button").click()
        _wait_for(browser, "Sari Dewi")  # the list of posts, with hers
        browser.delete_all_cookies()
        _sign_in(browser, base, "sari", PASSWORD)
        _wait_for(browser, "Anda Plh. Camat mulai")
        assert case.id not in browser.find_element(By.TAG_NAME, "main").text  # not hers today
        browser.find_element(By.LINK_TEXT, "Apa yang akan menunggu Anda saat itu").click()
        _wait_for(browser, case.id)
        shots("inbox-next-week")
        assert f"on={monday}" in browser.current_url
    listed = run_sop("--db", url, "post", "list", "--on", str(monday), "--json")
    assert listed.code == 0 and '"sari"' in listed.out and '"plh"' in listed.out


@pytest.mark.skipif(not PG_URL, reason="SOP_TEST_PG_URL is not set")
def test_the_plh_camat_approves_and_returns_a_draft_on_postgresql(gateway, browser, shots):  # noqa: F811
    from selenium.webdriver.common.by import By

    case_id, a = gateway["case"], gateway["a"]
    with served(gateway["url"]) as base:
        _sign_in(browser, base, a, "the database checks it")
        _approve_and_return(browser, base, case_id, shots, "Anda Plh. Camat")
        # the Kasi (the owner here) writes the draft; the Plh. Camat returns it with a note
        assert run_sop("--db", gateway["owner_url"], "case", "advance", case_id, "--as", "kasi-trantib").code == 0
        browser.get(f"{base}/cases/{case_id}")
        _wait_for(browser, "Langkah 4")
        browser.find_element(By.ID, "note").send_keys("Perbaiki dasar hukumnya")
        browser.find_element(By.CSS_SELECTOR, "button[value='koreksi']").click()
        _wait_for(browser, "Perbaiki dasar hukumnya")
    shown = run_sop("--db", gateway["owner_url"], "case", "show", case_id)
    assert "Perbaiki dasar hukumnya" in shown.out  # the operator sees the note


def test_the_kasi_voids_his_wrong_entry_with_its_reason_sqlite(tmp_path, browser, shots):
    """Budi (Kasi Trantib) recorded step 1 wrongly: the page offers him the void, he gives the reason, and
    the entry stays in the history struck through, the case back at step 1."""
    from selenium.webdriver.common.by import By

    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    with runner.open_store(url) as store:
        people = runner.People(store)
        people.add(os_login(), "Operator Trantib", records_for_others=True)
        people.add("budi", "Budi Santoso")
        people.grant("budi", "kasi-trantib")
        runner.Sessions(store).set_password("budi", PASSWORD, os_login(), first=True)
        cases = runner.Cases(store)
        sop = runner.load_sop(runner.find_sop("pelacuran"))
        case = cases.start(sop, title="Laporan RW 03", attach=[runner.Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib", for_person="budi")
    with served(url) as base:
        _sign_in(browser, base, "budi", PASSWORD)
        _wait_for(browser, "Kata sandi Anda")
        for field, value in (("old", PASSWORD), ("new", "milik-budi-1"), ("again", "milik-budi-1")):
            browser.find_element(By.ID, field).send_keys(value)
        browser.find_element(By.CSS_SELECTOR, "main button").click()
        for _ in range(100):  # the header names the inbox on the password page too: wait to be sent there
            if not browser.current_url.endswith("/password"):
                break
            time.sleep(0.1)
        browser.get(f"{base}/cases/{case.id}")
        _wait_for(browser, "Koreksi atau akhiri kasus ini")
        assert not browser.find_elements(By.XPATH, "//form[contains(@action, '/cancel')]")  # the Camat's step now
        browser.find_element(By.ID, "void-reason").send_keys("langkah 1 dicatat untuk laporan lain")
        shots("void")
        browser.find_element(By.XPATH, "//form[contains(@action, '/void')]//button").click()
        _wait_for(browser, "dianulir oleh #3")
        _wait_for(browser, "Langkah 1")
        assert browser.find_elements(By.CSS_SELECTOR, "del")
        shots("voided")
    with runner.open_store(url) as store:
        last = runner.Cases(store).history(case.id)[-1]
    assert (last.action, last.voids, last.operator, last.note) == (
        "void",
        2,
        "budi",
        "langkah 1 dicatat untuk laporan lain",
    )
