"""One document, whole process: `worksheet generate --seed 42 --format md,json` (target: 0.6 s),
beside the floor measured in the same run (a bare Typer app printing its version); and the
README's first command, Markdown and PDF, when pdflatex is installed."""

from __future__ import annotations

import shutil
import tempfile

from _timing import floor, machine, wall, worksheet

# The commands benchmarks/compare.py times in two checkouts: a label and worksheet's arguments.
COMPARED = [
    ("generate --seed 42 --format md,json", ["generate", "--seed", "42", "--format", "md,json"]),
    ("generate --seed 42 --format json", ["generate", "--seed", "42", "--format", "json"]),
    ("reference --format md,json", ["reference", "--format", "md,json"]),
]


def main() -> None:
    command = worksheet()
    print(f"machine: {machine()}")
    base = floor(10)
    print(f"floor: bare Typer app --version {base:.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for label, args in COMPARED:
            t = wall([*command, *args, "--out", tmp], runs=10)
            print(f"worksheet {label:<38} {t:.3f} s = {t / base:5.2f}x the floor  (target 0.6 s)")
        if shutil.which("pdflatex"):
            t = wall([*command, "generate", "--seed", "42", "--out", tmp], runs=3)
            print(f"worksheet {'generate --seed 42 (md and pdf)':<38} {t:.3f} s = {t / base:5.2f}x the floor")


if __name__ == "__main__":
    main()
