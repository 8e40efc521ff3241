"""One document, whole process: `worksheet generate --seed 42 --format md,json` (target: 0.6 s)."""

from __future__ import annotations

import shutil
import sys
import tempfile

from _timing import machine, wall


def main() -> None:
    worksheet = shutil.which("worksheet") or sys.exit("worksheet is not installed")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, args in (
            ("generate --seed 42 --format md,json", ["--seed", "42", "--format", "md,json"]),
            ("generate --seed 42 --format json", ["--seed", "42", "--format", "json"]),
            ("reference --format md,json", None),
        ):
            cmd = [worksheet, "generate", *args, "--out", tmp] if args else [worksheet, "reference", "--format", "md,json", "--out", tmp]
            t = wall(cmd, runs=10)
            print(f"worksheet {label:<38} {t:.3f} s  (target 0.6 s)")


if __name__ == "__main__":
    main()
