"""What the LMS exports cost: a 300-variant exam in md,tex, and the same exam in md,tex with
moodle, qti and canvas, whole processes measured alternately in one run (target: the exports add
at most half the md,tex time)."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from _timing import machine, measured, sized, worksheet

VARIANTS = sized(300, 3)
RUNS = sized(5, 1)
PLAIN = "md,tex"
WITH_LMS = "md,tex,moodle,qti,canvas"
# The commands benchmarks/compare.py times in two checkouts: a label and worksheet's arguments.
COMPARED = [(f"exam --variants {VARIANTS} --level full --format {formats}",
             ["exam", "--seed", "2026", "--variants", str(VARIANTS), "--level", "full", "--format", formats, "--quiet"])
            for formats in (PLAIN, WITH_LMS)]


def exam(command: list[str], formats: str, out: Path, *extra: str) -> float:
    return measured([*command, "exam", "--seed", "2026", "--variants", str(VARIANTS), "--level", "full",
                     "--format", formats, "--quiet", "--out", str(out), *extra])[0]


def main() -> None:
    command = worksheet()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folders = (Path(tmp) / f"run-{k}" for k in range(10**6))  # every run writes a new exam folder
        exam(command, WITH_LMS, next(folders))  # warm-up: caches, byte-code
        plain, lms = [], []
        for _ in range(RUNS):  # alternately, so that a busy moment of the machine hits both
            plain.append(exam(command, PLAIN, next(folders)))
            lms.append(exam(command, WITH_LMS, next(folders)))
        a, b = statistics.median(plain), statistics.median(lms)
        folder = next(folders)
        exam(command, WITH_LMS, folder)
        sizes = ", ".join(f"{name} {(folder / name).stat().st_size / 2**20:.1f} MB"
                          for name in ("moodle.xml", "qti.zip", "canvas.zip"))
    print(f"\nworksheet exam --variants {VARIANTS} --level full --quiet   (median of {RUNS} runs each)")
    print(f"  --format {PLAIN:<26} {a:.3f} s")
    print(f"  --format {WITH_LMS:<26} {b:.3f} s")
    print(f"the three exports add {b - a:.3f} s = {(b - a) / a:.2f}x the {PLAIN} time (target: at most 0.50x)")
    print(f"files: {sizes}")


if __name__ == "__main__":
    main()
