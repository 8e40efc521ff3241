"""Stage timings: exclusive time per stage, off unless WORKSHEET_PROFILE=1, and the exam's report."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from worksheet import stages


def test_nested_stages_count_exclusively(monkeypatch):
    clock = iter([0.0, 2.0, 5.0, 6.0])  # outer starts, inner starts, inner ends, outer ends
    monkeypatch.setattr(stages.time, "perf_counter", lambda: next(clock))
    monkeypatch.setattr(stages, "ENABLED", True)
    stages.take()
    with stages.stage("outer"):
        with stages.stage("inner"):
            pass
    # The outer stage's own time leaves the inner one out: 2 + 1 seconds, not 6.
    assert stages.take() == {"outer": 3.0, "inner": 3.0}
    assert stages.take() == {}


def test_off_by_default_and_nothing_recorded(monkeypatch):
    monkeypatch.setattr(stages, "ENABLED", False)
    stages.take()
    with stages.stage("rendering"):
        pass
    assert stages.take() == {}


@pytest.mark.slow
def test_the_exam_reports_every_stage_with_its_workers(tmp_path):
    env = {**os.environ, "WORKSHEET_PROFILE": "1"}
    result = subprocess.run([sys.executable, "-m", "worksheet", "exam", "--seed", "1", "--variants", "80",
                             "--format", "md,tex", "--jobs", "2", "--out", str(tmp_path / "x")],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("worksheet: profile: ") for line in lines)
    named = [line.split()[2] for line in lines]
    assert named[:6] == ["sampling", "calculation", "questions", "context", "rendering", "writing"]
    assert "in 2 process(es)" in lines[-2] and "MB main process" in lines[-1]
    # Without the variable, nothing on stderr (the other tests check that throughout).
    quiet = subprocess.run([sys.executable, "-m", "worksheet", "exam", "--seed", "1", "--variants", "80",
                            "--format", "md,tex", "--out", str(tmp_path / "y")],
                           capture_output=True, text=True, timeout=300,
                           env={k: v for k, v in os.environ.items() if k != "WORKSHEET_PROFILE"})
    assert quiet.returncode == 0 and quiet.stderr == ""
