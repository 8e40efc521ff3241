"""The wheel carries its templates and spec files: an installed worksheet works from any folder."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_runs_from_another_directory(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(wheels), str(ROOT)],
        check=True,
    )
    (wheel,) = wheels.glob("worksheet-*.whl")
    # The dependencies (Jinja2, SymPy, Typer) come from this interpreter's site-packages; the
    # package itself only from the wheel.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)], check=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [python, "-c", "import worksheet, pathlib; print(pathlib.Path(worksheet.__file__).resolve())"],
        cwd=elsewhere, check=True, capture_output=True, text=True,
    ).stdout.strip()
    assert where.startswith(str(env_dir.resolve())), f"imported {where}, not the installed wheel"

    done = subprocess.run(
        [env_dir / "bin" / "worksheet", "reference", "--format", "md,json", "--out", "out"],
        cwd=elsewhere, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "out" / "reference.md").read_bytes() == (ROOT / "output" / "reference.md").read_bytes()

    # The web page's style sheet, script and templates are in the wheel too.
    done = subprocess.run(
        [env_dir / "bin" / "worksheet", "practice", "--seed", "3", "--format", "html", "--out", "page"],
        cwd=elsewhere, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    page = (elsewhere / "page" / "practice.html").read_text(encoding="utf-8")
    assert "<style>:root {" in page and '<script>"use strict";' in page
