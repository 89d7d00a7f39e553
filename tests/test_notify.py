"""Reminders that reach people: a real SMTP server on loopback (aiosmtpd), real stores of both kinds.

A case driven into the Camat's step tells the Camat once, with the link to the case page; a sender
killed in the middle of sending leaves the message to the next run, which sends it once; a mail
server that is down never stops an action, and its messages are tried again later, less often.
"""

from __future__ import annotations

import asyncio
import email
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from conftest import ROOT, SOPS, run_sop
from starlette.testclient import TestClient
from test_web import csrf, text
from test_web_office import ADMIN, admin, office_db  # noqa: F401 - the web office, a fixture

import runner
from runner.store import open_store
from runner.store.clock import now


class Inbox:
    """What the test's mail server received; ``hold`` keeps a message in DATA until released or
    until the sender goes away (then it is not delivered: aiosmtpd cancels the handler)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.tried: list[str] = []  # the Message-ID of each message that reached DATA
        self.hold = threading.Event()
        self.held = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.tried.append(str(message["Message-ID"]))
        while self.hold.is_set():
            self.held.set()
            await asyncio.sleep(0.02)
        self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("SOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SOP_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("SOP_SMTP_TLS", "none")
    monkeypatch.setenv("SOP_SMTP_FROM", "sop@kecamatan.example")
    monkeypatch.setenv("SOP_SERVE_URL", "https://sop.kecamatan.example/")
    for name in ("SOP_NOTIFY_LANG", "SOP_NOTIFY_HOUR", "SOP_NOTIFY_LEASE", "SOP_NOTIFY_RETRY"):
        monkeypatch.delenv(name, raising=False)
    yield inbox
    inbox.hold.clear()
    controller.stop()


WIB = ZoneInfo("Asia/Jakarta")
# the case enters the Camat's step yesterday at 05:00 in the office's zone (back-dated): before the
# morning's digest hour, whatever the time the tests run at; its waktu (2 jam) ends at 07:00
ENTERED = datetime.combine(date.today() - timedelta(days=1), datetime.min.time().replace(hour=5), WIB)
DAY = ENTERED.date()


def at(t: datetime) -> str:
    return t.isoformat(timespec="minutes")


def camat_case(db_url: str, sop_path=SOPS / "pelacuran.yaml") -> str:
    """Me (the admin, also Kasi Trantib), Budi the Camat with an address, Sari the Sekcam with one,
    and a case of ``sop_path`` that entered the Camat's step at ENTERED. Returns the case id."""
    with open_store(db_url) as store:
        people = runner.People(store, [SOPS])
        me = store.login
        since = (DAY - timedelta(days=7)).isoformat()
        people.add(me, "Operator", records_for_others=True)
        people.add("budi", "Drs. Budi Santoso", email="budi@kecamatan.example")
        people.add("sari", "Sari Dewi", email="sari@kecamatan.example")
        people.grant(me, "kasi-trantib", valid_from=since)
        people.grant("budi", "camat", valid_from=since)
        people.grant("sari", "sekcam", valid_from=since)
        cases = runner.Cases(store, [SOPS])
        sop = runner.load_sop(sop_path)
        case = cases.start(
            sop, title="Laporan RW 03", attach=[runner.Attachment("Informasi Pelanggaran")],
            at=ENTERED - timedelta(minutes=10),
        )  # fmt: skip
        cases.advance(case.id, "kasi-trantib", at=ENTERED)  # into step 2, perintah-penertiban: the Camat's
        assert cases.show(case.id).row.step == "perintah-penertiban"
        return case.id


def outbox(db_url: str) -> list[runner.store.outbox.OutboxRow]:  # type: ignore[name-defined]
    with open_store(db_url) as store:
        return store.outbox()


def test_a_reminder_arrives_when_a_case_enters_the_camats_step(db_url, smtp, sop):
    case_id = camat_case(db_url)
    done = sop("--db", db_url, "notify", "--json", "--at", at(ENTERED + timedelta(minutes=1)))
    assert done.code == 0, done.err
    report = json.loads(done.out)
    assert (report["added"], report["sent"], report["pending"]) == (1, 1, 0)
    [message] = smtp.messages
    assert message["To"] == "budi@kecamatan.example" and message["From"] == "sop@kecamatan.example"
    assert case_id in message["Subject"] and "perintah-penertiban" in message["Subject"]
    body = message.get_content()
    assert f"https://sop.kecamatan.example/cases/{case_id}" in body
    assert "Drs. Budi Santoso" in body and "Camat" in body and "Laporan RW 03" in body
    assert "Tenggat waktu" in body  # the office's language, whatever the shell speaks
    again = sop("--db", db_url, "notify", "--json", "--at", at(ENTERED + timedelta(minutes=2)))
    assert again.code == 0 and json.loads(again.out)["added"] == 0  # a second run, and a third: nothing more
    assert sop("--db", db_url, "notify", "--at", at(ENTERED + timedelta(minutes=3))).code == 0
    assert len(smtp.messages) == 1
    [row] = outbox(db_url)
    assert row.sent_at is not None and row.attempts == 1 and row.message_id == message["Message-ID"]


def test_the_sekcam_is_not_told_of_the_camats_step_nor_a_person_without_an_address(db_url, smtp, sop):
    camat_case(db_url)
    with open_store(db_url) as store:
        people = runner.People(store, [SOPS])
        people.set_email("budi", None)
    soon = at(ENTERED + timedelta(minutes=1))
    done = sop("--db", db_url, "notify", "--at", soon)
    assert done.code == 0, done.err
    assert smtp.messages == [] and "budi" in done.err
    with open_store(db_url) as store:
        runner.People(store, [SOPS]).set_email("budi", "budi@kecamatan.example")
        assert runner.Cases(store).verify() == []  # the address changes are in the people chain, and it holds
    assert sop("--db", db_url, "notify", "--at", soon).code == 0
    assert [m["To"] for m in smtp.messages] == ["budi@kecamatan.example"]


SOON = at(ENTERED + timedelta(minutes=1))


def _notify_process(db_url: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "runner", "--db", db_url, "notify", "--at", SOON],
        cwd=ROOT,
        env={**os.environ, "SOP_LANG": "en", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_sender_killed_mid_send_leaves_the_message_to_the_next_run_which_sends_it_once(
    db_url, smtp, sop, monkeypatch
):
    case_id = camat_case(db_url)
    monkeypatch.setenv("SOP_NOTIFY_LEASE", "2")
    smtp.hold.set()
    sender = _notify_process(db_url, {})
    try:
        assert smtp.held.wait(30), "the sender never reached DATA"
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        if sender.poll() is None:
            sender.kill()
    assert sender.returncode == -signal.SIGKILL
    smtp.hold.clear()
    time.sleep(0.2)
    assert smtp.messages == []  # the server never answered its DATA: not delivered
    [row] = outbox(db_url)
    assert row.sent_at is None and row.attempts == 1 and row.lease_until is not None
    held = sop("--db", db_url, "notify", "--json", "--at", SOON)  # the dead sender's lease still holds it
    assert held.code == 0 and json.loads(held.out)["sent"] == 0 and smtp.messages == []
    time.sleep(2.2)  # the lease runs out
    done = sop("--db", db_url, "notify", "--json", "--at", SOON)
    assert done.code == 0, done.err
    assert json.loads(done.out)["sent"] == 1
    [message] = smtp.messages
    assert f"/cases/{case_id}" in message.get_content()
    assert smtp.tried == [row.message_id, row.message_id]  # the same message, recognisably
    assert sop("--db", db_url, "notify", "--at", SOON).code == 0 and len(smtp.messages) == 1
    [row] = outbox(db_url)
    assert row.sent_at is not None and row.attempts == 2


def test_a_mail_server_that_is_down_blocks_no_action_and_is_tried_again_with_backoff(db_url, sop, monkeypatch):
    closed = free_port()  # nobody listens there
    monkeypatch.setenv("SOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SOP_SMTP_PORT", str(closed))
    monkeypatch.setenv("SOP_SMTP_TLS", "none")
    monkeypatch.setenv("SOP_NOTIFY_RETRY", "1")
    case_id = camat_case(db_url)
    down = sop("--db", db_url, "notify", "--at", SOON)
    assert down.code == 1 and down.err.startswith("error: ") and down.err.count("\n") == 1, down
    assert "1 message(s) wait in the outbox" in down.err
    [row] = outbox(db_url)
    assert row.sent_at is None and row.attempts == 1 and "Connection" in (row.error or "")
    first_wait = datetime.fromisoformat(row.next_at) - now()
    assert timedelta(0) < first_wait <= timedelta(seconds=1)
    # the action goes on as ever, the mail server down or not
    assert sop("--db", db_url, "case", "advance", case_id, "--as", "camat", "--for", "budi").code == 0
    time.sleep(1.1)
    assert sop("--db", db_url, "notify").code == 1  # now: the Camat's step done, the Kasi's entered
    rows = {r.kind: r for r in outbox(db_url)}
    assert rows["step"].attempts == 2
    assert datetime.fromisoformat(rows["step"].next_at) - now() > timedelta(seconds=1)  # twice as long now
    inbox = Inbox()  # the server is back
    controller = Controller(inbox, hostname="127.0.0.1", port=closed)
    controller.start()
    try:
        time.sleep(2.1)
        done = sop("--db", db_url, "notify", "--json", "--at", SOON)
        assert done.code == 0, done.err
        assert [m["To"] for m in inbox.messages] == ["budi@kecamatan.example"]
    finally:
        controller.stop()


def test_the_morning_digest_goes_once_a_day_to_each_person_and_the_pengawas_gets_the_overdue_list(
    db_url, smtp, sop, tmp_path
):
    text = (SOPS / "pelacuran.yaml").read_text(encoding="utf-8")
    watched = tmp_path / "pelacuran.yaml"
    watched.write_text(text.replace("\npelaksana:\n", "\npengawas: [sekcam]\npelaksana:\n", 1), encoding="utf-8")
    case_id = camat_case(db_url, watched)
    early = sop("--db", db_url, "notify", "--at", f"{DAY}T06:30", "--json")
    assert early.code == 0, early.err
    assert [m["To"] for m in smtp.messages] == ["budi@kecamatan.example"]  # the step entered; no digest before 07:00
    smtp.messages.clear()
    morning = sop("--db", db_url, "notify", "--at", f"{DAY}T07:10", "--json")
    assert json.loads(morning.out)["sent"] == 2, morning
    by = {m["To"]: m for m in smtp.messages}
    digest, late = by["budi@kecamatan.example"], by["sari@kecamatan.example"]
    assert digest["Subject"].startswith("Langkah Anda") and "1 terlambat" in digest["Subject"], digest["Subject"]
    assert case_id in digest.get_content() and f"/cases/{case_id}" in digest.get_content()
    assert case_id in late.get_content() and "Sekcam" in late.get_content()
    later = sop("--db", db_url, "notify", "--at", f"{DAY}T11:00", "--json")
    assert json.loads(later.out)["added"] == 0 and len(smtp.messages) == 2  # once a day
    next_day = sop("--db", db_url, "notify", "--at", f"{DAY + timedelta(days=1)}T07:05", "--json")
    assert json.loads(next_day.out)["added"] == 2 and len(smtp.messages) == 4
    kinds = sorted(r.kind for r in outbox(db_url))
    assert kinds == ["digest", "digest", "overdue", "overdue", "step"]


def test_without_a_mail_server_messages_wait_in_the_outbox(db_url, sop, monkeypatch):
    monkeypatch.delenv("SOP_SMTP_HOST", raising=False)
    camat_case(db_url)
    waiting = sop("--db", db_url, "notify", "--at", SOON)
    assert waiting.code == 1 and "SOP_SMTP_HOST" in waiting.err and waiting.err.count("\n") == 1
    [row] = outbox(db_url)
    assert row.sent_at is None and row.attempts == 0  # never claimed without a server to send to


@pytest.mark.parametrize(
    "variable, value", [("SOP_SMTP_TLS", "maybe"), ("SOP_SMTP_PORT", "99999"), ("SOP_NOTIFY_HOUR", "7 pagi")]
)
def test_a_setting_that_cannot_be_one_is_refused_by_name(variable, value, sop, monkeypatch, tmp_path):
    monkeypatch.setenv("SOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv(variable, value)
    done = sop("--db", f"sqlite:///{tmp_path / 'c.sqlite3'}", "notify")
    assert done.code == 1 and done.err.startswith(f"error: {variable} is '{value}'") and done.err.count("\n") == 1


# --- the person's e-mail -------------------------------------------------------------------


def test_a_persons_email_is_added_listed_changed_and_refused_when_it_is_none(db_url, sop):
    with open_store(db_url) as store:
        me = store.login
    assert sop("--db", db_url, "people", "add", me, "--nama", "Operator", "--email", "op@kantor.example").code == 0
    bad = sop("--db", db_url, "people", "add", "budi", "--nama", "Budi", "--email", "budi at kantor")
    assert bad.code == 1 and bad.err.startswith("error: 'budi at kantor' is not an e-mail address"), bad
    assert bad.err.count("\n") == 1
    listed = json.loads(sop("--db", db_url, "people", "list", "--json").out)
    assert [(p["login"], p["email"]) for p in listed] == [(me, "op@kantor.example")]
    assert sop("--db", db_url, "people", "set", me, "--email", "baru@kantor.example").code == 0
    for wrong in ("a@b@c", "a b@c", "a@b\x07", "@c", "a@"):
        assert sop("--db", db_url, "people", "set", me, "--email", wrong).code == 1, wrong
    shown = sop("--db", db_url, "people", "list")
    assert "baru@kantor.example" in shown.out
    assert sop("--db", db_url, "people", "set", me, "--email", "").code == 0  # none
    assert json.loads(sop("--db", db_url, "people", "list", "--json").out)[0]["email"] is None
    verified = sop("--db", db_url, "case", "verify")
    assert verified.code == 0, verified


def test_on_postgresql_the_database_refuses_a_bad_address_itself(pg_url):
    with open_store(pg_url) as store:
        runner.People(store, [SOPS]).add(store.login, "Operator")
        with pytest.raises(runner.Refused) as found:
            store.add_person(store.login, "budi", "Budi", None, False, False, "budi at kantor")
        assert found.value.kind == "bad-email"
        with pytest.raises(runner.Refused):
            store.set_email(store.login, store.login, "a@b c")
        assert store.person(store.login).email is None  # type: ignore[union-attr]


def test_on_postgresql_a_clerk_changes_only_their_own_address_and_sends_no_reminders(pg_url):
    """A clerk's role (SELECT on the tables, EXECUTE on the functions, as the README grants) may set
    their own e-mail, not another's, and may not fill or send the outbox: the functions refuse."""
    import uuid

    import psycopg
    from conftest import PG_URL

    clerk = f"sop_t{uuid.uuid4().hex[:10]}"
    schema = pg_url.rsplit("search_path%3D", 1)[1]
    base = PG_URL.split("://", 1)[1].split("@", 1)[-1]
    clerk_url = f"postgresql://{clerk}@{base}?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_URL, autocommit=True) as su:
        su.execute(f"CREATE ROLE {clerk} LOGIN")
    try:
        with open_store(pg_url) as store:
            people = runner.People(store, [SOPS])
            people.add(store.login, "Operator", email="op@kantor.example")
            people.add(clerk, "Joko")
            owner = store.login
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {clerk}")
            conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {clerk}")
            conn.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {clerk}")
        mine = run_sop("--db", clerk_url, "people", "set", clerk, "--email", "joko@kantor.example")
        assert mine.code == 0, mine
        other = run_sop("--db", clerk_url, "people", "set", owner, "--email", "palsu@contoh.example")
        assert other.code == 1 and "may change only their own e-mail address" in other.err, other
        with psycopg.connect(clerk_url, autocommit=True) as conn:
            with pytest.raises(psycopg.errors.RaiseException, match="may not send reminders"):
                conn.execute(
                    "SELECT sop_outbox_enqueue('k', 'step', %s, 'op@kantor.example', NULL, 's', 'b', '<m@x>')", (owner,)
                )
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE outbox SET sent_at = 'x'")
        sent = run_sop(
            "--db", clerk_url, "notify", env={"SOP_SMTP_HOST": "127.0.0.1", "SOP_SMTP_PORT": str(free_port())}
        )
        assert sent.code == 1 and sent.err.startswith("error: ") and "may not send reminders" in sent.err, sent
        with open_store(pg_url) as store:
            assert store.person(clerk).email == "joko@kantor.example"  # type: ignore[union-attr]
            assert store.person(owner).email == "op@kantor.example"  # type: ignore[union-attr]
            assert store.outbox() == []
            assert runner.Cases(store).verify() == []
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as su:
            su.execute(f"DROP OWNED BY {clerk}")
            su.execute(f"DROP ROLE {clerk}")


# --- on the web ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang, bad", [("id", "bukan alamat e-mail"), ("en", "is not an e-mail address")])
def test_the_people_page_keeps_each_persons_email_and_refuses_one_that_is_none(office_db, lang, bad):  # noqa: F811
    c = admin(office_db, lang)
    page = c.get("/people")
    assert page.status_code == 200 and 'action="/people/sari/email"' in page.text
    token = csrf(page.text)
    r = c.post("/people/sari/email", data={"csrf": token, "email": "sari@kecamatan.example"})
    assert r.status_code == 303
    r = c.post("/people/add", data={"csrf": token, "login": "eko", "nama": "Eko", "email": "eko@kecamatan.example"})
    assert r.status_code == 303
    listed = {p["login"]: p["email"] for p in c.get("/people?format=json").json()["people"]}
    assert listed["sari"] == "sari@kecamatan.example" and listed["eko"] == "eko@kecamatan.example"
    assert 'value="sari@kecamatan.example"' in c.get("/people").text
    r = c.post("/people/budi/email", data={"csrf": token, "email": "budi di kantor"})
    assert r.status_code == 403 and bad in text(r.text)
    r = c.post("/people/sari/email", data={"csrf": token, "email": ""})  # none
    assert r.status_code == 303
    with open_store(office_db) as store:
        assert store.person("sari").email is None and store.person("budi").email is None  # type: ignore[union-attr]


def test_sop_serve_sends_the_reminders_in_the_background(db_url, smtp, monkeypatch):
    monkeypatch.setenv("SOP_NOTIFY_HOUR", "00:00")  # the digest at any hour the test runs
    monkeypatch.setenv("SOP_NOTIFY_WINDOW_HOURS", "1")  # and the step's own message, of yesterday, no more
    camat_case(db_url)
    with TestClient(runner.create_app(db_url, [str(SOPS)])):  # the app's lifespan: its background runs
        deadline = time.monotonic() + 20
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    [digest] = smtp.messages  # Budi's of today: the Camat's step of yesterday is overdue
    assert digest["To"] == "budi@kecamatan.example" and "pelacuran-1" in digest.get_content()
