"""On PostgreSQL the database itself enforces who may act: real roles, set up as the README says.

Four roles are created for the test (an owner, a group of clerks, two clerks)
with names of their own, and dropped with everything they own at the end,
leaving the server as it was.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from conftest import PG_URL, ROOT, run_sop

from runner import open_store

pytestmark = pytest.mark.skipif(not PG_URL, reason="SOP_TEST_PG_URL is not set")


def _readme_sql() -> list[str]:
    """The SQL blocks of the README's PostgreSQL section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Several clerks on PostgreSQL", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


def _url(role: str, schema: str) -> str:
    base = PG_URL.split("://", 1)[1].split("@", 1)[-1]  # host:port/db
    return f"postgresql://{role}@{base}?options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_roles():
    """An owner, a clerks group and two clerks (a: Plh. Camat; b: no post), set up by the README's SQL."""
    import psycopg

    tag = f"sop_t{uuid.uuid4().hex[:10]}"
    names = {"schema": tag, "owner": f"{tag}_owner", "clerks": f"{tag}_clerks", "a": f"{tag}_a", "b": f"{tag}_b"}
    roles_sql, grants_sql, clerk_sql = _readme_sql()

    def fill(sql: str, clerk: str = "") -> str:
        sql = re.sub(r"\bsop_owner\b", names["owner"], sql)
        sql = re.sub(r"\bsop_clerks\b", names["clerks"], sql)
        sql = re.sub(r"\bbudi\b", clerk, sql)
        return re.sub(r"\bsop\b", names["schema"], sql)

    with psycopg.connect(PG_URL, autocommit=True) as su:
        su.execute(fill(roles_sql))
        for clerk in ("a", "b"):
            su.execute(fill(clerk_sql, names[clerk]))
    try:
        owner = _url(names["owner"], names["schema"])
        with open_store(owner, create=True):  # the owner makes the tables (the README: its first registration)
            pass
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute(fill(grants_sql))
        yield names
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as su:
            su.execute(f"DROP SCHEMA IF EXISTS {names['schema']} CASCADE")
            for role in ("a", "b", "clerks", "owner"):
                su.execute(f"DROP OWNED BY {names[role]}")
                su.execute(f"DROP ROLE {names[role]}")
        with psycopg.connect(PG_URL, autocommit=True) as su:
            left = su.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE %s", (f"{tag}%",)).fetchone()
            assert left == (0,)


def test_the_database_refuses_a_clerk_without_the_post(pg_roles):
    import psycopg

    owner, a, b = (_url(pg_roles[k], pg_roles["schema"]) for k in ("owner", "a", "b"))

    def sop(url, *args):
        return run_sop("--db", url, *args)

    # the owner registers first (and is the admin), then the clerks; a is Plh. Camat, b holds no post
    assert sop(owner, "people", "add", pg_roles["owner"], "--nama", "Pemilik", "--record-for-others").code == 0
    assert sop(owner, "people", "add", pg_roles["a"], "--nama", "Sari Dewi").code == 0
    assert sop(owner, "people", "add", pg_roles["b"], "--nama", "Joko").code == 0
    assert sop(owner, "post", "grant", pg_roles["owner"], "kasi-trantib", "--from", "2020-01-01").code == 0
    assert sop(owner, "post", "grant", pg_roles["a"], "camat", "--acting", "plh", "--from", "2020-01-01").code == 0
    cid = sop(owner, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    assert sop(owner, "case", "advance", cid, "--as", "kasi-trantib").code == 0
    hours_ago = (datetime.now(timezone.utc) - timedelta(hours=3)).isoformat()
    other = sop(owner, "case", "start", "pelacuran", "--at", hours_ago).out.strip()

    def state(url):
        with psycopg.connect(url, autocommit=True) as conn:
            return [conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("cases", "events", "posts")]

    before = state(owner)

    # b, straight at the tables with psycopg: no right to write them at all
    with psycopg.connect(b, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO events (case_id, seq, at, action, step, role, operator, data, prev_hash, hash)"
                " VALUES (%s, 99, '2026-01-01', 'advance', 'x', 'camat', 'b', '{}', '', '')",
                (cid,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE cases SET step = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO posts (login, pelaksana, valid_from, granted_by, granted_at) VALUES (current_user, 'camat', '2020-01-01', 'b', 'x')"
            )
        # ... and through the function, the database refuses: b holds no post
        seq = conn.execute("SELECT seq FROM cases WHERE id = %s", (cid,)).fetchone()[0]
        with pytest.raises(psycopg.errors.RaiseException, match="does not hold the post 'camat'"):
            conn.execute(
                "SELECT sop_act(%s, %s, %s, 'advance', 'camat', NULL, NULL, '{\"documents\":[]}',"
                " now()::text, false, NULL, '[]', '{}', '{}', '{}')",
                (uuid.uuid4().hex, cid, seq),
            )
        with pytest.raises(psycopg.errors.RaiseException, match="not an admin"):
            conn.execute("SELECT sop_grant_post(current_user, 'camat', NULL, NULL, '2020-01-01', NULL)")

    # b through sop: refused, one line, exit 1
    refused = sop(b, "case", "advance", cid, "--as", "camat")
    assert refused.code == 1 and refused.err.count("\n") == 1
    assert f"{pg_roles['b']} does not hold the post 'camat'" in refused.err
    assert state(owner) == before

    # a, who holds the post, forging with psql: a jump the step does not allow, another step's pelaksana
    with psycopg.connect(a, autocommit=True) as conn:
        args = "'[]', '{}', '{}', '{}'"
        seq = conn.execute("SELECT seq FROM cases WHERE id = %s", (cid,)).fetchone()[0]
        with pytest.raises(psycopg.errors.RaiseException, match="not a decision"):
            conn.execute(
                f"SELECT sop_act(%s, %s, %s, 'advance', 'camat', 'disetujui', NULL, '{{\"documents\":[]}}',"
                f" now()::text, false, NULL, {args})",
                (uuid.uuid4().hex, cid, seq),
            )
        with pytest.raises(psycopg.errors.RaiseException, match="is done by"):
            conn.execute(
                f"SELECT sop_act(%s, %s, 1, 'advance', 'camat', NULL, NULL, '{{\"documents\":[]}}',"
                f" now()::text, false, NULL, {args})",
                (uuid.uuid4().hex, other),
            )
        with pytest.raises(psycopg.errors.RaiseException, match="server's clock"):  # back-dating, unmarked
            conn.execute(
                f"SELECT sop_act(%s, %s, 1, 'attach', NULL, NULL, NULL, '{{\"documents\":[]}}',"
                f" (now() - interval '1 hour')::text, false, NULL, {args})",
                (uuid.uuid4().hex, other),
            )
        with pytest.raises(psycopg.errors.RaiseException, match="has not the right"):
            conn.execute(
                f"SELECT sop_act(%s, %s, %s, 'attach', NULL, NULL, NULL, '{{\"documents\":[]}}',"
                f" now()::text, false, %s, {args})",
                (uuid.uuid4().hex, cid, seq, pg_roles["owner"]),
            )
    assert state(owner) == before

    # a through sop: done, and the history says who held the post, acting, and who recorded it
    assert sop(a, "case", "advance", cid, "--as", "camat").code == 0
    history = json.loads(sop(a, "case", "history", cid, "--json").out)
    last = history[-1]
    assert (last["role"], last["holder"], last["acting"], last["recorder"]) == (
        "camat",
        pg_roles["a"],
        "plh",
        pg_roles["a"],
    )
    assert last["authenticated"] is True and last["holder_label"] == "Plh. Camat: Sari Dewi"
    table = run_sop("--db", a, "case", "history", cid, env={"COLUMNS": "250"}).out
    assert "Plh. Camat: Sari Dewi" in table
    assert sop(b, "case", "verify").code == 0  # a clerk can read and verify everything


def _staffed(pg_roles):
    """The owner (admin, kasi-trantib), a (Plh. Camat: post id returned) and b (no post), and a case at camat's step."""
    import psycopg

    owner = _url(pg_roles["owner"], pg_roles["schema"])
    assert run_sop("--db", owner, "people", "add", pg_roles["owner"], "--nama", "Pemilik").code == 0
    assert run_sop("--db", owner, "people", "add", pg_roles["a"], "--nama", "Sari Dewi").code == 0
    assert run_sop("--db", owner, "people", "add", pg_roles["b"], "--nama", "Joko").code == 0
    assert run_sop("--db", owner, "post", "grant", pg_roles["owner"], "kasi-trantib", "--from", "2020-01-01").code == 0
    assert (
        run_sop("--db", owner, "post", "grant", pg_roles["a"], "camat", "--acting", "plh", "--from", "2020-01-01").code
        == 0
    )
    cid = run_sop("--db", owner, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran").out.strip()
    assert run_sop("--db", owner, "case", "advance", cid, "--as", "kasi-trantib").code == 0
    with psycopg.connect(owner, autocommit=True) as conn:
        (post,) = conn.execute("SELECT id FROM posts WHERE login = %s", (pg_roles["a"],)).fetchone()
    return owner, cid, post


_ADVANCE = (
    "SELECT sop_act(%s, %s, %s, 'advance', 'camat', NULL, NULL, '{\"documents\":[]}', %s, false, NULL, '[]',"
    " '{}', '{}', '{}')"
)


def _events(url, cid):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT seq, action FROM events WHERE case_id = %s ORDER BY seq", (cid,)).fetchall()


def test_a_clerk_cannot_freeze_the_clock_across_the_end_of_their_post(pg_roles):
    """now() inside the functions would be the start of the clerk's transaction: the post is checked at the server's
    clock of the moment of writing, and a snapshot older than the call is refused."""
    import psycopg

    owner, cid, post = _staffed(pg_roles)
    a = _url(pg_roles["a"], pg_roles["schema"])
    before = _events(owner, cid)
    with psycopg.connect(a) as clerk:  # a transaction opened while a still held the post
        (frozen,) = clerk.execute("SELECT now()::text").fetchone()
        (seq,) = clerk.execute("SELECT seq FROM cases WHERE id = %s", (cid,)).fetchone()
        assert run_sop("--db", owner, "post", "end", str(post)).code == 0  # the admin ends it, meanwhile
        with pytest.raises(psycopg.errors.RaiseException, match="held the post 'camat'"):
            clerk.execute(_ADVANCE, (uuid.uuid4().hex, cid, seq, frozen))
    # the same with a snapshot taken before the post ended: refused whatever the snapshot shows
    with psycopg.connect(a) as clerk:
        clerk.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        (frozen,) = clerk.execute("SELECT now()::text").fetchone()
        with pytest.raises(psycopg.errors.RaiseException, match="READ COMMITTED"):
            clerk.execute(_ADVANCE, (uuid.uuid4().hex, cid, seq, frozen))
    assert _events(owner, cid) == before
    assert run_sop("--db", owner, "case", "verify").code == 0


def test_a_clerk_holding_locks_stops_nobody_beyond_the_timeout(pg_roles):
    """sop-runner's own locks are rows only the owner can lock; a case held in an open transaction is refused after
    the functions' own lock timeout (whatever the waiting session set), naming who holds it."""
    import time

    import psycopg

    owner, cid, post = _staffed(pg_roles)
    a, b = (_url(pg_roles[k], pg_roles["schema"]) for k in ("a", "b"))
    with psycopg.connect(b, autocommit=True) as squatter:
        # the advisory keys the functions used to take, held at session level: nobody waits for them now
        squatter.execute("SELECT pg_advisory_lock(hashtext('sop-runner:people'))")
        squatter.execute("SELECT pg_advisory_lock(hashtext('sop-runner:pelacuran'))")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            squatter.execute("SELECT * FROM locks FOR UPDATE")
        with squatter.transaction():  # a refused call holds nothing afterwards
            with pytest.raises(psycopg.errors.RaiseException, match="not an admin"):
                squatter.execute("SELECT sop_grant_post(current_user, 'camat', NULL, NULL, '2020-01-01', NULL)")
        started = time.monotonic()
        slow = {"SOP_PG_LOCK_TIMEOUT": "2s"}
        assert run_sop("--db", owner, "people", "add", f"{pg_roles['b']}x", "--nama", "X", env=slow).code == 0
        assert (
            run_sop("--db", owner, "post", "grant", pg_roles["b"], "camat", "--from", "2031-01-01", env=slow).code == 0
        )
        assert run_sop("--db", owner, "case", "start", "pelacuran", env=slow).code == 0
        assert time.monotonic() - started < 30

        # a, who holds the post, writes an action in a transaction and keeps it open, every timeout switched off
        with psycopg.connect(a) as holder:
            holder.execute("SET lock_timeout = 0")
            holder.execute("SET statement_timeout = 0")
            seq, available = holder.execute("SELECT seq, available FROM cases WHERE id = %s", (cid,)).fetchone()
            holder.execute(
                "SELECT sop_act(%s, %s, %s, 'attach', NULL, NULL, NULL, '{\"documents\":[]}', clock_timestamp()::text,"
                " false, NULL, %s, '{}', '{}', '{}')",
                (uuid.uuid4().hex, cid, seq, available),
            )
            holder.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
            # the owner, with no lock timeout of their own: the function's (5s) ends the wait, naming a
            started = time.monotonic()
            waiting = _with_options(owner, "-c lock_timeout=0 -c statement_timeout=0")
            refused = run_sop("--db", waiting, "case", "cancel", cid, "--reason", "x")
            waited = time.monotonic() - started
            assert refused.code == 1 and refused.err.count("\n") == 1, refused
            assert f"another clerk ({pg_roles['a']}) is changing case {cid}" in refused.err
            assert 4 < waited < 20
            other = run_sop(
                "--db", owner, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran"
            ).out.strip()  # the rest of the store works
            assert run_sop("--db", owner, "case", "advance", other, "--as", "kasi-trantib").code == 0
            holder.rollback()
    assert run_sop("--db", owner, "case", "cancel", cid, "--reason", "x").code == 0


def _with_options(url: str, options: str) -> str:
    return url.replace("?options=", "?options=" + quote(options + " "), 1)


def _readme_blocks() -> list[tuple[str, str]]:
    """(language, text) of every code block of the README's PostgreSQL section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Several clerks on PostgreSQL", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(sql|sh)\n(.*?)```", section, re.S)


def test_the_readme_set_up_works_as_written_command_by_command(tmp_path):
    """Fresh roles; every block of the README run as it stands, by the role it is meant for."""
    import shlex

    import psycopg

    tag = f"sop_t{uuid.uuid4().hex[:10]}"
    names = {"sop_owner": f"{tag}_owner", "sop_clerks": f"{tag}_clerks", "budi": f"{tag}_budi", "sop": tag}
    base = PG_URL.split("://", 1)[1].split("@", 1)[-1]  # host:port/db

    def fill(text: str) -> str:
        text = text.replace("HOST/DB", base).replace("search_path%3Dsop'", f"search_path%3D{names['sop']}'")
        for name in ("sop_owner", "sop_clerks", "budi"):
            text = re.sub(rf"(?<![\w-]){name}(?![\w-])", names[name], text)
        return text

    def fill_sql(text: str) -> str:  # no command named sop here: every word sop is the schema
        return re.sub(r"(?<![\w-])sop(?![\w-])", names["sop"], fill(text))

    blocks = _readme_blocks()
    assert [lang for lang, _ in blocks] == ["sql", "sh", "sql", "sql", "sh"]
    (_, roles), (_, first), (_, grants), (_, clerk), (_, admin) = blocks
    env: dict[str, str] = {}

    def shell(block: str, role_env: dict[str, str]) -> None:
        for line in fill(block).splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            if words[0] == "export":
                key, value = words[1].split("=", 1)
                role_env[key] = value
                continue
            assert words[0] == "sop", line
            result = run_sop(*words[1:], env=role_env)
            assert result.code == 0, (line, result)

    try:
        with psycopg.connect(PG_URL, autocommit=True) as su:
            su.execute(fill_sql(roles))
        shell(first.splitlines()[0], env)  # the owner's SOP_DB
        # before anything exists, the hint names the database login, not this machine's
        hint = run_sop("people", "list", env=env)
        assert f"sop people add {names['sop_owner']} --nama" in hint.err, hint
        shell(first, env)  # the owner creates the tables by registering the first admin
        with psycopg.connect(env["SOP_DB"], autocommit=True) as owner:
            owner.execute(fill_sql(grants))
        with psycopg.connect(PG_URL, autocommit=True) as su:
            su.execute(fill_sql(clerk))
        shell(admin, env)  # the owner, an admin, registers budi and grants the post
        budi = {"SOP_DB": f"postgresql://{names['budi']}@{base}"}  # search_path from ALTER ROLE
        assert run_sop("people", "list", env=budi).code == 0
        assert run_sop("case", "start", "pelacuran", env=env).code == 0  # an admin registers the SOP version
        cid = run_sop("case", "start", "pelacuran", "--attach", "Informasi Pelanggaran", env=budi)
        assert cid.out.strip() == "pelacuran-2", cid
        # an admin who is not the owner keeps a checkpoint through sop_checkpoint
        refused = run_sop("audit", "checkpoint", "-o", str(tmp_path / "a.json"), env=budi)
        assert refused.code == 1 and "not an admin" in refused.err
        assert run_sop("people", "set", names["budi"], "--admin", env=env).code == 0
        taken = run_sop("audit", "checkpoint", "-o", str(tmp_path / "b.json"), env=budi)
        assert taken.code == 0, taken
        with psycopg.connect(env["SOP_DB"], autocommit=True) as owner:
            assert owner.execute("SELECT count(*) FROM checkpoints").fetchone() == (1,)
        with psycopg.connect(budi["SOP_DB"], autocommit=True) as conn:  # and never the table itself
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO checkpoints VALUES ('x', 'y', 'z')")
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as su:
            su.execute(f"DROP SCHEMA IF EXISTS {tag} CASCADE")
            for role in ("budi", "sop_clerks", "sop_owner"):
                if su.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (names[role],)).fetchone():
                    su.execute(f"DROP OWNED BY {names[role]}")
                    su.execute(f"DROP ROLE {names[role]}")


def test_attachments_are_read_only_by_those_the_rule_lets_and_every_read_is_kept(pg_roles):
    """UU PDP: a clerk with no post in the SOP cannot read a case's attachments with psql."""
    import psycopg

    owner, cid, _post = _staffed(pg_roles)
    scan = ROOT / "README.md"  # any file: its content stands for a citizen's ID scan
    assert run_sop("--db", owner, "case", "attach", cid, "KTP Pelapor", str(scan)).code == 0
    a, b = (_url(pg_roles[k], pg_roles["schema"]) for k in ("a", "b"))
    with psycopg.connect(b, autocommit=True) as conn:
        seq = conn.execute("SELECT seq FROM documents WHERE case_id = %s AND name = 'KTP Pelapor'", (cid,)).fetchone()[
            0
        ]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT content FROM documents")
        with pytest.raises(psycopg.errors.RaiseException, match="may not read its attachments|holds no post"):
            conn.execute("SELECT sop_read_document(%s, %s, 'KTP Pelapor')", (cid, seq))
    assert run_sop("--db", b, "case", "verify").code == 0  # verifying needs no right to read the contents
    with psycopg.connect(a, autocommit=True) as conn:  # the Plh. Camat holds a post of the SOP today
        (content,) = conn.execute("SELECT sop_read_document(%s, %s, 'KTP Pelapor')", (cid, seq)).fetchone()
    assert bytes(content) == scan.read_bytes()
    with psycopg.connect(owner, autocommit=True) as conn:
        reads = conn.execute("SELECT login FROM document_reads WHERE case_id = %s", (cid,)).fetchall()
    assert reads == [(pg_roles["a"],)]


def test_the_database_refuses_a_cancel_by_an_anggota(pg_roles):
    """b holds only Anggota: the database refuses its cancel, through sop and straight through sop_act;
    a, Plh. Camat, cancels a case at the Camat's step, but not one at the Kasi Trantib's."""
    import psycopg

    owner, cid, _post = _staffed(pg_roles)  # cid stands at camat's step
    a, b = (_url(pg_roles[k], pg_roles["schema"]) for k in ("a", "b"))
    assert run_sop("--db", owner, "post", "grant", pg_roles["b"], "anggota", "--from", "2020-01-01").code == 0
    at_kasi = run_sop("--db", owner, "case", "start", "pelacuran").out.strip()
    before = _events(owner, cid)

    refused = run_sop("--db", b, "case", "cancel", cid, "--reason", "saya batalkan")
    assert refused.code == 1 and refused.err.count("\n") == 1, refused
    assert f"{pg_roles['b']} may not cancel case {cid}" in refused.err and "camat" in refused.err
    with psycopg.connect(b, autocommit=True) as conn:
        seq = conn.execute("SELECT seq FROM cases WHERE id = %s", (cid,)).fetchone()[0]
        with pytest.raises(psycopg.errors.RaiseException, match="may not cancel case"):
            conn.execute(
                "SELECT sop_act(%s, %s, %s, 'cancel', NULL, NULL, 'x', '{\"documents\":[]}', clock_timestamp()::text,"
                " false, NULL, '[\"informasi pelanggaran\"]', '{}', '{}', '{}')",
                (uuid.uuid4().hex, cid, seq),
            )
    assert run_sop("--db", a, "case", "cancel", at_kasi, "--reason", "x").code == 1
    assert _events(owner, cid) == before

    assert run_sop("--db", a, "case", "cancel", cid, "--reason", "laporan ganda").code == 0
    last = json.loads(run_sop("--db", a, "case", "history", cid, "--json").out)[-1]
    assert (last["action"], last["holder"], last["note"]) == ("cancel", pg_roles["a"], "laporan ganda")
    assert run_sop("--db", owner, "case", "cancel", at_kasi, "--reason", "x").code == 0  # the administrator
    assert run_sop("--db", b, "case", "verify").code == 0


def test_the_database_lets_only_the_signers_post_sahkan(pg_roles, tmp_path):
    """The pengesahan goes through sop_sahkan: b, holding no Camat post, is refused by the database (also
    straight through the function); a, Plh. Camat, signs, and the store then starts only that version."""
    import psycopg
    import yaml

    owner, _cid, _post = _staffed(pg_roles)
    a, b = (_url(pg_roles[k], pg_roles["schema"]) for k in ("a", "b"))
    raw = yaml.safe_load((ROOT / "tests" / "data" / "sop" / "pelacuran.yaml").read_text(encoding="utf-8"))
    today = datetime.now(timezone.utc).astimezone(timezone(timedelta(hours=7))).date()
    raw["identity"].update(tanggal_efektif=today.isoformat(), nomor="800/9/2026", disahkan_oleh={"jabatan": "Camat"})
    raw["version"] = "2.0"
    folder = tmp_path / "sop"
    folder.mkdir()
    path = folder / "pelacuran.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")

    refused = run_sop("--db", b, "sop", "sahkan", str(path))
    assert refused.code == 1 and f"{pg_roles['b']} does not hold the post 'camat'" in refused.err, refused
    from runner import load_sop

    sop = load_sop(path)
    with psycopg.connect(b, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="does not hold the post 'camat'"):
            conn.execute(
                "SELECT sop_sahkan('pelacuran', %s, %s, %s, NULL, NULL, NULL, %s)",
                (sop.digest, sop.version, sop.canonical, today.isoformat()),
            )
        with pytest.raises(psycopg.errors.RaiseException, match="names no signer"):  # the facts: the definition's own
            conn.execute(
                "SELECT sop_sahkan('pelacuran', digest, version, body, NULL, NULL, NULL, '2026-01-01') FROM definitions LIMIT 1"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO pengesahan (sop, version, digest, tanggal_efektif, jabatan, signer, signed_on,"
                " recorded_by, recorded_at) SELECT sop, version, digest, '2020-01-01', 'camat', current_user,"
                " '2020-01-01', current_user, '' FROM definitions LIMIT 1"
            )
        assert conn.execute("SELECT count(*) FROM pengesahan").fetchone() == (0,)

    signed = run_sop("--db", a, "sop", "sahkan", str(path), "--json")
    assert signed.code == 0, signed
    row = json.loads(signed.out)
    assert (row["signer"], row["acting"], row["version"]) == (pg_roles["a"], "plh", "2.0")
    old = run_sop("--db", owner, "case", "start", "pelacuran")  # the shipped 1.0: no longer in force
    assert old.code == 1 and "version 1.0 of SOP pelacuran is not in force" in old.err, old
    assert run_sop("--db", owner, "--sop-dir", str(folder), "case", "start", "pelacuran").code == 0
    shown = json.loads(run_sop("--db", b, "--sop-dir", str(folder), "sop", "status", "pelacuran", "--json").out)
    versions = {v["version"]: v for v in shown[0]["versions"]}
    assert shown[0]["in_force"] == "2.0" and versions["2.0"]["signed_by"] == "Plh. Camat: Sari Dewi"
    assert versions["1.0"]["state"] == "not-disahkan"
    assert run_sop("--db", b, "case", "verify").code == 0


def test_the_database_refuses_a_void_by_one_who_may_not(pg_roles):
    """b (Anggota) may not void a's advance at the Camat's step: refused by sop_void, also called by hand
    with a forged target; a, who recorded it and holds the post, voids it, and verify replays the void."""
    import psycopg

    owner, cid, _post = _staffed(pg_roles)
    a, b = (_url(pg_roles[k], pg_roles["schema"]) for k in ("a", "b"))
    assert run_sop("--db", owner, "post", "grant", pg_roles["b"], "anggota", "--from", "2020-01-01").code == 0
    assert run_sop("--db", a, "case", "advance", cid, "--as", "camat").code == 0  # event 3, at the camat's step
    before = _events(owner, cid)
    refused = run_sop("--db", b, "case", "void", cid, "--reason", "bukan")
    assert refused.code == 1 and f"{pg_roles['b']} may not void event #3 of case {cid}" in refused.err, refused
    with psycopg.connect(b, autocommit=True) as conn:
        seq = conn.execute("SELECT seq FROM cases WHERE id = %s", (cid,)).fetchone()[0]
        with pytest.raises(psycopg.errors.RaiseException, match="is not its last action that stands"):
            conn.execute(
                "SELECT sop_void(%s, %s, %s, 'x', '{\"documents\": [], \"voids\": 2}', clock_timestamp()::text, false,"
                " NULL, 'open', 'terima-laporan', NULL, NULL, '[]')",
                (uuid.uuid4().hex, cid, seq),
            )
    assert _events(owner, cid) == before

    assert run_sop("--db", a, "case", "void", cid, "--reason", "salah langkah").code == 0
    history = json.loads(run_sop("--db", a, "case", "history", cid, "--json").out)
    assert [(h["action"], h["voids"], h["voided_by"]) for h in history[2:]] == [("advance", None, 4), ("void", 3, None)]
    shown = json.loads(run_sop("--db", a, "case", "show", cid, "--json").out)
    assert shown["step"]["id"] == "perintah-penertiban"
    assert run_sop("--db", b, "case", "verify").code == 0
