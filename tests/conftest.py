"""Shared fixtures: real SQLite files, and a real PostgreSQL when SOP_TEST_PG_URL is set.

Each PostgreSQL test gets a schema of its own (through the connection's
search_path) and drops it afterwards, so the database is left as it was.
Tests speak English unless they ask for Indonesian (``--lang id`` or
``set_language("id")``), whatever the machine's locale says.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from runner.cli import main
from runner.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("SOP_TEST_PG_URL")
# The tests' own SOPs (copies of the shipped ones, frozen): what a test that needs a particular
# SOP reads, and what an id (`pelacuran`) finds first. An office edits and adds SOPs in sop/.
SOPS = ROOT / "tests" / "data" / "sop"
# The folder the SOP-folder checks (marked `sop_folder`: every SOP validates, renders, exports,
# runs) go over: the office's sop/, or the folder SOP_TEST_OFFICE_SOPS names (test_sop_folder.py).
OFFICE_SOPS = Path(os.environ.get("SOP_TEST_OFFICE_SOPS") or ROOT / "sop")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Keep the user's data, cache and state (crash logs) folders out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))  # crash logs (user_log_dir) stay out of ~ too
    monkeypatch.delenv("SOP_DB", raising=False)
    monkeypatch.setenv("SOP_PATH", str(SOPS))  # ids find the tests' own SOPs before the office's sop/
    monkeypatch.setenv("SOP_LANG", "en")
    monkeypatch.chdir(ROOT)
    set_language(None)  # what the environment says: English, unless a test asks otherwise
    yield home
    set_language(None)


def _pg_schema_url():
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    return schema, url


def _drop_schema(schema):
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty case store of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("SOP_TEST_PG_URL is not set")
    schema, url = _pg_schema_url()
    try:
        yield url
    finally:
        _drop_schema(schema)


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL store, for what only PostgreSQL does."""
    if not PG_URL:
        pytest.skip("SOP_TEST_PG_URL is not set")
    schema, url = _pg_schema_url()
    try:
        yield url
    finally:
        _drop_schema(schema)


@pytest.fixture
def store(db_url):
    from runner.store import open_store

    with open_store(db_url) as s:
        yield s


@pytest.fixture
def cases(store):
    from runner import Cases

    return Cases(store)


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def sop(capsys):
    """Run the ``sop`` command in this process: sop("case", "show", "x") -> Result."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_sop(*args: str, env: dict | None = None, cwd: Path | None = None, timeout: float = 60) -> Result:
    """Run ``sop`` as a separate process, as a clerk would (in English unless ``env`` says otherwise)."""
    full_env = {**os.environ, "SOP_LANG": "en", **(env or {})}
    p = subprocess.run(
        [sys.executable, "-m", "runner", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=timeout,
    )
    return Result(p.returncode, p.stdout, p.stderr)


def need(tool: str, package: str) -> str:
    """The path of the program ``tool``. Where it is missing the test skips, naming the Debian
    ``package``; under CI=true it fails instead (.ci/run installs it: tools/need.sh)."""
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed: .ci/run installs the Debian package {package}")
        pytest.skip(f"{tool} is not installed (Debian package {package}; .ci/run installs it)")
    return found


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say once how many tests skipped for want of PostgreSQL, and how to run them."""
    if PG_URL:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "SOP_TEST_PG_URL" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} PostgreSQL tests skipped: set SOP_TEST_PG_URL=postgresql://USER@HOST:5432/DB"
            " (a database where the tests may create and drop schemas and roles) to run them, as .ci/run does"
        )
