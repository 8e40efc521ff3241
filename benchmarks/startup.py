"""Start-up time of `worksheet --help` and `--version` against a bare Typer app (target: 1.3x)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from _timing import machine, wall

HERE = Path(__file__).resolve().parent


def main() -> None:
    worksheet = shutil.which("worksheet") or sys.exit("worksheet is not installed")
    floor = wall([sys.executable, str(HERE / "bare_app.py"), "--help"])
    print(f"machine: {machine()}")
    print(f"bare Typer app --help      {floor:.3f} s")
    for args in (["--help"], ["--version"]):
        t = wall([worksheet, *args])
        print(f"worksheet {' '.join(args):<16} {t:.3f} s  ({t / floor:.2f}x the floor; target 1.3x)")
    code = "import sys; from worksheet.cli import app; print(sorted(m for m in ('numpy','sympy','jinja2') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    print(f"heavy modules loaded by importing the CLI: {loaded}")


if __name__ == "__main__":
    main()
