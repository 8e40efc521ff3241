"""Class scale without PDFs: `worksheet exam --variants N --format md,tex --quiet`, whole process
(target: 1000 variants under 5 s on 2 cores, time linear in N, peak memory under 300 MB), and
where the time goes, stage by stage (WORKSHEET_PROFILE=1)."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _timing import machine, measured

RUNS = {10: 5, 100: 5, 1000: 3}


def exam(worksheet: str, n: int, out: Path, *extra: str, env=None) -> tuple[float, float, str]:
    return measured([worksheet, "exam", "--seed", "2026", "--variants", str(n), "--format", "md,tex", "--quiet",
                     "--out", str(out), *extra], env=env)


def main() -> None:
    worksheet = shutil.which("worksheet") or sys.exit("worksheet is not installed")
    cores = os.cpu_count()
    print(f"machine: {machine()}")
    env = {k: v for k, v in os.environ.items() if k != "WORKSHEET_PROFILE"}
    with tempfile.TemporaryDirectory() as tmp:
        folders = (Path(tmp) / f"run-{k}" for k in range(10**6))  # every run writes a new exam folder
        exam(worksheet, 10, next(folders), env=env)  # warm-up: caches, byte-code
        print(f"\nworksheet exam --variants N --format md,tex --quiet   (median of 5, 5, 3 runs; --jobs {cores})")
        print(f"{'N':>6} {'wall':>9} {'per variant':>12} {'variants/s':>11} {'peak memory':>12}")
        table = {}
        for n, runs in RUNS.items():
            results = [exam(worksheet, n, next(folders), env=env) for _ in range(runs)]
            t = statistics.median(r[0] for r in results)
            mem = max(r[1] for r in results)
            table[n] = t
            print(f"{n:>6} {t:>8.3f}s {t / n * 1000:>10.2f}ms {n / t:>11.0f} {mem:>9.1f} MB")
        marginal_low = (table[100] - table[10]) / 90 * 1000
        marginal_high = (table[1000] - table[100]) / 900 * 1000
        print(f"linearity: each variant adds {marginal_low:.2f} ms from 10 to 100 and {marginal_high:.2f} ms from "
              f"100 to 1000 (fixed cost, start-up included, about {table[10] - 10 * marginal_low / 1000:.2f} s)")
        print(f"target: 1000 variants under 5 s on 2 cores (200 a second): {table[1000]:.2f} s, "
              f"{1000 / table[1000]:.0f} a second")

        one = statistics.median(exam(worksheet, 1000, next(folders), "--jobs", "1", env=env)[0] for _ in range(3))
        print(f"1000 variants with --jobs 1: {one:.3f} s; with --jobs {cores}: {table[1000]:.3f} s "
              f"({one / table[1000]:.2f}x faster)")

        t, mem, stderr = exam(worksheet, 1000, next(folders), env={**env, "WORKSHEET_PROFILE": "1"})
        print(f"\nwhere the time goes, 1000 variants (WORKSHEET_PROFILE=1; wall {t:.3f} s, peak {mem:.1f} MB):")
        for line in stderr.splitlines():
            print("  " + line.removeprefix("worksheet: profile: "))
        print("  (stage seconds are summed over the main process and its workers; the rest of the wall time "
              "is start-up and imports)")


if __name__ == "__main__":
    main()
