"""`sop demo`: the main job of `make demo`."""

from __future__ import annotations

import re

from conftest import run_sop


def test_demo_runs_a_case_to_its_end():
    result = run_sop("demo")
    assert result.code == 0, result.err
    assert re.search(r"^status: +done$", result.out, re.M), result.out
    assert "koreksi" in result.out  # the correction loop is in the timeline
    assert "refused, as it should be" in result.err
    assert "verified" in result.err
