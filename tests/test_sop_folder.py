"""An office adds its own SOPs to sop/: the suite must not care which ones are there.

Tests that need a particular SOP read the tests' own copies (``conftest.SOPS``);
the checks every SOP of the office must pass are marked ``sop_folder`` and go
over ``conftest.OFFICE_SOPS``. Here they run on a copy of sop/ with one more
SOP, written by ``sop new`` as an admin would start one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import OFFICE_SOPS, ROOT, run_sop


@pytest.mark.slow
def test_the_sop_folder_checks_pass_with_an_sop_the_office_added(tmp_path):
    folder = tmp_path / "sop"
    shutil.copytree(OFFICE_SOPS, folder)
    shutil.copytree(ROOT / "schema", tmp_path / "schema")  # where the copies' modelines point
    made = run_sop("new", "razia-malam", cwd=tmp_path)
    assert made.code == 0, made.err
    assert (folder / "razia-malam.yaml").is_file()
    env = {**os.environ, "SOP_TEST_OFFICE_SOPS": str(folder)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "sop_folder", "-v", "-rN", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    ran = [line for line in done.stdout.splitlines() if "razia-malam" in line and "PASSED" in line]
    # every kind of folder check saw the new SOP: schema, engine, geometry, formats, BPMN, charts
    assert len(ran) >= 8, done.stdout[-3000:]
