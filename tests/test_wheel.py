"""The wheel carries schema/, templates/, sop/ and the catalogues, and the code finds them there."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import ROOT, SOPS


def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("sop_runner-*.whl")
    import zipfile

    assert "runner/store/postgres.sql" in zipfile.ZipFile(wheel).namelist()  # the PostgreSQL write path

    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies come from the test environment; its editable .pth is not read from there.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "mine.yaml").write_bytes((SOPS / "pkl.yaml").read_bytes())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOP_PATH")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")

    def sop(*args):
        return subprocess.run([str(fresh / "bin" / "sop"), *args], cwd=outside, env=env, capture_output=True, text=True)

    where = subprocess.run(
        [str(python), "-c", "import runner; print(runner.__file__)"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(fresh))
    validated = sop("validate", "mine.yaml")
    assert validated.returncode == 0, validated.stderr
    assert validated.stderr == "1 file(s) valid\n"  # SOP_LANG=en, as every test
    assert sop("--lang", "id", "validate", "mine.yaml").stderr == "1 berkas valid\n"  # the catalogue travels
    assert sop("--lang", "id", "--help").stdout.startswith("Penggunaan: sop")  # and click's
    assert "Kegiatan" in sop("--lang", "id", "show", "pkl").stdout
    shown = sop("show", "pelacuran")
    assert shown.returncode == 0, shown.stderr
    assert "Pelarangan Pelacuran".upper() in shown.stdout
    listed = sop("list", "--json")
    assert str(fresh) in listed.stdout  # the shipped SOPs come from inside the installed package
