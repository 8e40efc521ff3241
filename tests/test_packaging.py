"""The wheel carries its templates and spec files: an installed worksheet works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def isolated_venv(env_dir: Path) -> Path:
    """A virtual environment of this interpreter's Python that sees none of this environment's
    packages but the dependencies: a .pth file names the site-packages folders this interpreter
    imports them from (a system's, a user's or a venv's, whichever runs pytest). Lines of a .pth
    file are added to the path as they are, so the source tree that an editable install of
    worksheet puts there (through a .pth file of its own) stays out."""
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    own = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                         check=True, capture_output=True, text=True, env=clean_env()).stdout.strip()
    folders = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()]
    (Path(own) / "worksheet-test-dependencies.pth").write_text("\n".join(folders) + "\n", encoding="utf-8")
    return python


def clean_env() -> dict[str, str]:
    """This process's environment without what would point Python at another package tree."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@pytest.mark.slow
def test_wheel_installs_and_runs_from_another_directory(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(wheels), str(ROOT)],
        check=True,
    )
    (wheel,) = wheels.glob("worksheet-*.whl")
    env_dir = tmp_path / "venv"
    python = isolated_venv(env_dir)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "--quiet", str(wheel)], check=True, env=clean_env())

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [python, "-c", "import worksheet, pathlib; print(pathlib.Path(worksheet.__file__).resolve())"],
        cwd=elsewhere, check=True, capture_output=True, text=True, env=clean_env(),
    ).stdout.strip()
    assert where.startswith(str(env_dir.resolve())), f"imported {where}, not the installed wheel"

    done = subprocess.run(
        [env_dir / "bin" / "worksheet", "reference", "--format", "md,json", "--out", "out"],
        cwd=elsewhere, capture_output=True, text=True, env=clean_env(),
    )
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "out" / "reference.md").read_bytes() == (ROOT / "output" / "reference.md").read_bytes()
    # Built-in specs by name, from a folder that holds none.
    done = subprocess.run([env_dir / "bin" / "worksheet", "generate", "--spec", "mazur", "--format", "json"],
                          cwd=elsewhere, capture_output=True, text=True, env=clean_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(elsewhere.resolve() / "output" / "mazur" / "solution.json")
    # The web page's style sheet, script and templates are in the wheel too.
    done = subprocess.run(
        [env_dir / "bin" / "worksheet", "practice", "--seed", "3", "--format", "html", "--out", "page"],
        cwd=elsewhere, capture_output=True, text=True, env=clean_env(),
    )
    assert done.returncode == 0, done.stderr
    page = (elsewhere / "page" / "practice.html").read_text(encoding="utf-8")
    assert "<style>:root {" in page and '<script>"use strict";' in page
