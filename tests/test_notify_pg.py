"""Reminders on PostgreSQL through the README's web gateway: sop serve's background runs as the gateway,
which writes the outbox only through its functions, with the grants the README gives."""

from __future__ import annotations

import os
import re

import pytest
from conftest import PG_URL, ROOT, run_sop
from test_notify import smtp  # noqa: F401 - the loopback SMTP server, a fixture
from test_pg_roles import pg_roles  # noqa: F401 - what the gateway stands on
from test_web_pg import gateway  # noqa: F401 - the README's web gateway on PostgreSQL, a fixture

import runner
from runner.store import open_store

pytestmark = pytest.mark.skipif(not PG_URL, reason="SOP_TEST_PG_URL is not set")


def _readme_reminder_grants() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reminders that reach people", 1)[1].split("\n## ", 1)[0]
    [grants] = re.findall(r"```sql\n(.*?)```", section, re.S)
    return grants


def test_on_postgresql_the_web_gateway_sends_the_reminders_with_the_readmes_grants(gateway, smtp):  # noqa: F811 - the fixtures imported above
    import psycopg

    gw = gateway
    assert run_sop("--db", gw["owner_url"], "people", "set", gw["a"], "--email", "sari@kecamatan.example").code == 0
    before = run_sop("--db", gw["url"], "notify", env=dict(os.environ))
    assert before.code == 1 and "permission denied" in before.err, before  # nothing granted yet: said, nothing sent
    grants = re.sub(r"\bsop_web\b", gw["web"], _readme_reminder_grants())
    with psycopg.connect(gw["owner_url"], autocommit=True) as conn:
        conn.execute(re.sub(r"\bsop\.", gw["schema"] + ".", grants))
    done = run_sop("--db", gw["url"], "notify", "--json", env=dict(os.environ))
    assert done.code == 0, done
    step = [m for m in smtp.messages if gw["case"] in m["Subject"]]
    assert step and {m["To"] for m in smtp.messages} == {"sari@kecamatan.example"}
    assert "Plh. Camat" in step[0].get_content() and f"/cases/{gw['case']}" in step[0].get_content()
    with open_store(gw["owner_url"]) as store:
        assert all(r.sent_at for r in store.outbox()) and runner.Cases(store).verify() == []
