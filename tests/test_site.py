"""The SOP catalogue: ``sop site -o public/`` (a static site of the SOPs in force, opened in Chromium from
file://) and the same catalogue inside ``sop serve``, each SOP with its pengesahan status."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml
from conftest import SOPS
from test_lifecycle import _ago, _versions
from test_people import DAY, TODAY, me, ok, run, staffed  # noqa: F401 - fixtures
from test_web import client, office_db, signed_in, text  # noqa: F401 - the web office fixture
from test_web_browser import browser  # noqa: F401 - Chromium through its chromedriver

import runner
from runner.store.sqlite import os_login


def _expected_ids(*dirs: str) -> list[str]:
    """The valid SOPs `sop site` finds on the search path, by id."""
    found = []
    for path in runner.discover_sops(dirs):
        try:
            found.append(runner.load_sop(path).id)
        except runner.UserError:
            continue
    return sorted(found)


def _index_ids(index: Path) -> list[str]:
    return sorted(re.findall(r'<a href="([^"/]+)\.html">', index.read_text(encoding="utf-8")))


def test_sop_site_writes_an_index_with_one_entry_per_sop_and_its_pages_and_downloads(sop, tmp_path):
    public = tmp_path / "public"
    r = sop("--db", str(tmp_path / "cases.sqlite3"), "site", "-o", str(public))
    assert r.code == 0, r.err
    ids = _expected_ids()
    assert ids and _index_ids(public / "index.html") == ids
    index = (public / "index.html").read_text(encoding="utf-8")
    assert 'src="catalogue.js"' in index and (public / "catalogue.js").is_file()
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]+"', "", index)  # relative links only
    for sop_id in ids:
        page = (public / f"{sop_id}.html").read_text(encoding="utf-8")
        assert "<svg" in page and 'href="index.html"' in page
        assert f'href="{sop_id}.pdf"' in page and f'href="{sop_id}.bpmn"' in page
        assert "not yet disahkan in the case store (counts as in force)" in page  # a store without pengesahan
        assert (public / f"{sop_id}.pdf").read_bytes().startswith(b"%PDF")
        assert b"<bpmn:definitions" in (public / f"{sop_id}.bpmn").read_bytes()[:2000]
    assert "wrote" in r.err and str(len(ids)) in r.err
    assert not (tmp_path / "cases.sqlite3").exists()  # reading the pengesahan creates no store


def test_sop_site_replaces_its_own_site_and_refuses_a_file_and_a_folder_of_other_files(sop, tmp_path):
    public = tmp_path / "public"
    assert sop("site", "-o", str(public)).code == 0
    (public / "old.html").write_text("old")  # left by an earlier run: the new site replaces the folder whole
    assert sop("site", "-o", str(public)).code == 0
    assert not (public / "old.html").exists() and (public / "index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left beside

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("mine")
    a_file = tmp_path / "public.txt"
    a_file.write_text("keep")
    for target, says in ((mine, "did not write"), (a_file, "is not a folder"), (Path("/dev/null"), "is not a folder"),
                         (tmp_path / "no" / "public", "does not exist")):  # fmt: skip
        r = sop("site", "-o", str(target))
        assert r.code == 1 and r.err.startswith("error: ") and r.err.count("\n") == 1, r
        assert says in r.err
    assert (mine / "thesis.docx").read_text() == "mine" and a_file.read_text() == "keep"
    assert sop("site", "--help").code == 0


def test_the_site_shows_the_version_in_force_and_leaves_out_an_sop_with_none(staffed, db_url, tmp_path):  # noqa: F811
    run = staffed  # noqa: F811
    v1, v2 = _versions(tmp_path)  # 1.0 in force from 10 days ago, 1.1 from 2 days ago (once disahkan)
    d2 = str(v2.parent)
    public = tmp_path / "public"

    def site() -> str:
        ok(run("--sop-dir", d2, "site", "-o", str(public)))
        return (public / "pelacuran.html").read_text(encoding="utf-8")

    ok(run("sop", "sahkan", str(v1), "--for", "budi", "--on", _ago(20)))
    page = site()  # the file holds 1.1, not disahkan: the site shows 1.0, the version in force, from the store
    assert "version 1.0" in page and "in force since" in page and "800/1-Trantib/2026" in page
    assert "Camat: Budi Santoso" in page and "the SOP file holds version 1.1, not disahkan" in page
    with runner.open_store(db_url) as store:  # the web's catalogue is the same: page and downloads show 1.0
        (entry,) = [e for e in runner.catalogue(runner.Cases(store, [d2])) if e.sop.id == "pelacuran"]
    assert entry.sop.version == "1.0" and entry.public and entry.to_json()["state"] == "in-force"
    ok(run("sop", "sahkan", str(v2), "--for", "budi", "--on", _ago(3)))
    page = site()
    assert "version 1.1" in page and "800/2-Trantib/2026" in page and "holds version" not in page
    index = (public / "index.html").read_text(encoding="utf-8")
    assert "pelacuran.html" in index and "in force since" in index

    # an SOP disahkan to take force next week: not in force yet, so the public site leaves it out
    raw = yaml.safe_load(v2.read_text(encoding="utf-8"))
    raw["id"], raw["nama"] = "razia", "Razia Malam"
    raw["identity"]["tanggal_efektif"] = (TODAY + 7 * DAY).isoformat()
    (v2.parent / "razia.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ok(run("--sop-dir", d2, "sop", "sahkan", "razia", "--for", "budi"))
    r = ok(run("--sop-dir", d2, "site", "-o", str(public)))
    assert "left out razia: disahkan, in force from" in r.err
    assert not (public / "razia.html").exists() and "razia.html" not in (public / "index.html").read_text()
    assert (public / "pelacuran.html").exists()


@pytest.mark.parametrize("lang, says", [("id", "Katalog SOP"), ("en", "SOP catalogue")])
def test_the_catalogue_of_sop_serve_shows_each_sops_status_identity_and_chart(office_db, lang, says):  # noqa: F811
    office = office_db
    c = signed_in(office, "sari", lang)
    page = c.get("/sops")
    assert page.status_code == 200 and says in text(page.text)
    assert 'src="/static/catalogue.js"' in page.text and c.get("/static/catalogue.js").status_code == 200
    data = c.get("/sops?format=json").json()
    ids = [s["id"] for s in data["sops"]]
    assert ids and sorted(ids) == _expected_ids(str(SOPS))
    assert {s["state"] for s in data["sops"]} == {"not-disahkan"}
    one = c.get("/sops/pelacuran")
    assert one.status_code == 200
    shown = text(one.text)
    assert "Peraturan Daerah Kota Tangerang Nomor 8 Tahun 2005" in shown  # the identity's dasar hukum
    assert "<svg" in one.text and 'href="/sops/pelacuran/download/pdf"' in one.text
    assert json.loads(json.dumps(c.get("/sops/pelacuran?format=json").json()))["status"]
    assert c.get("/sops/tidak-ada").status_code == 404


def test_the_site_opens_in_chromium_from_file_searches_and_follows_a_link_to_a_pdf(sop, tmp_path, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    public = tmp_path / "public"
    assert sop("--lang", "id", "site", "-o", str(public)).code == 0
    ids = _expected_ids()
    browser.get((public / "index.html").as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "#sops tbody tr")
    assert len(rows) == len(ids)  # one entry per SOP
    assert "Katalog SOP" in browser.title
    browser.find_element(By.ID, "find").send_keys("pelacuran")  # the search box filters as one types
    visible = [r for r in browser.find_elements(By.CSS_SELECTOR, "#sops tbody tr") if r.is_displayed()]
    assert 1 <= len(visible) < len(rows) and "Pelarangan Pelacuran" in visible[0].text
    browser.find_element(By.ID, "find").send_keys(" zzzz-tidak-ada")
    assert browser.find_element(By.ID, "none").is_displayed()
    browser.find_element(By.ID, "find").send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)  # typed away: all again
    assert len([r for r in browser.find_elements(By.CSS_SELECTOR, "#sops tbody tr") if r.is_displayed()]) == len(ids)
    browser.find_element(By.LINK_TEXT, "Pelarangan Pelacuran").click()
    assert browser.current_url.endswith("/pelacuran.html")
    chart = browser.find_element(By.CSS_SELECTOR, ".chart svg")
    assert chart.size["width"] > 300 and chart.size["height"] > 200  # the chart is drawn, inline
    link = browser.find_element(By.LINK_TEXT, "PDF")
    assert link.get_attribute("href") == (public / "pelacuran.pdf").as_uri()  # relative: beside the page
    link.click()  # follow it: from file:// Chromium opens the PDF the link names in its viewer
    target = (public / "pelacuran.pdf").as_uri()
    end = time.monotonic() + 20
    while time.monotonic() < end and browser.current_url != target:
        time.sleep(0.1)
    assert browser.current_url == target
    assert Path(urllib.parse.urlparse(target).path).read_bytes().startswith(b"%PDF")


def test_the_catalogue_of_sop_serve_searches_in_chromium_after_a_boosted_click(tmp_path, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from test_web_browser import PASSWORD, _sign_in, _wait_for, served

    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    with runner.open_store(url) as store:
        runner.People(store).add(os_login(), "Operator Trantib")
        runner.Sessions(store).set_password(os_login(), PASSWORD, os_login(), first=True)
    with served(url) as base:
        _sign_in(browser, base, os_login(), PASSWORD)
        _wait_for(browser, "Kata sandi Anda")
        for field, value in (("old", PASSWORD), ("new", "milik-saya-1"), ("again", "milik-saya-1")):
            browser.find_element(By.ID, field).send_keys(value)
        browser.find_element(By.CSS_SELECTOR, "main button").click()
        _wait_for(browser, "menunggu saya")  # the inbox
        browser.find_element(By.LINK_TEXT, "Katalog SOP").click()  # htmx swaps the page in: its script runs too
        _wait_for(browser, "Cari SOP")
        rows = browser.find_elements(By.CSS_SELECTOR, "#sops tbody tr")
        assert len(rows) == len(_expected_ids(str(SOPS)))
        browser.find_element(By.ID, "find").send_keys("kaki lima")
        shown = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#sops tbody tr") if r.is_displayed()]
        assert len(shown) == 1 and "Penertiban Pedagang Kaki Lima" in shown[0]
        assert "1 / " in browser.find_element(By.ID, "found").text
