"""Every benchmark runs through at a tiny size, so none can break unnoticed (its figures are not
checked: they mean nothing at that size)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mdcheck import skip_or_fail

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = [
    pytest.param("startup.py", marks=pytest.mark.slow),
    pytest.param("one_document.py", marks=pytest.mark.slow),
    pytest.param("exam_scale.py", marks=pytest.mark.slow),
    pytest.param("exam_pdfs.py", marks=[pytest.mark.slow, pytest.mark.tex]),
    pytest.param("html_page.py", marks=[pytest.mark.slow, pytest.mark.browser]),
    pytest.param("lms_export.py", marks=pytest.mark.slow),
    pytest.param("compare.py", marks=pytest.mark.slow),
]
REPOSITORY = BENCHMARKS.parent


def test_every_benchmark_is_tested():
    assert sorted(p.values[0] for p in SCRIPTS) == sorted(
        p.name for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_") and p.name != "bare_app.py")


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_runs_at_a_tiny_size(script, tmp_path):
    if script == "exam_pdfs.py" and shutil.which("pdflatex") is None:
        skip_or_fail("pdflatex is not installed")
    if script == "html_page.py" and shutil.which("chromium") is None:
        skip_or_fail("Debian's Chromium is not installed (apt-get install chromium)")
    env = {**os.environ, "WORKSHEET_BENCHMARK_SIZE": "tiny"}
    # compare.py compares this checkout with itself here, on the benchmarks that need no TeX or browser.
    args = [str(REPOSITORY), "--profile", "--only", "startup,one_document,exam_scale"] if script == "compare.py" else []
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("machine: ") and "cores" in result.stdout.splitlines()[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # the benchmarks write only to temporary folders
