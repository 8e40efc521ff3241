"""Class scale without PDFs: `worksheet exam --variants N --format md,tex --quiet`, whole process
(target: 1000 variants under 5 s on 2 cores, time linear in N, peak memory under 300 MB), and
where the time goes, stage by stage (WORKSHEET_PROFILE=1)."""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from _timing import floor, machine, measured, sized, worksheet

RUNS = sized({10: 5, 100: 5, 1000: 3}, {2: 1, 3: 1, 4: 1})  # variants: runs
# The commands benchmarks/compare.py times in two checkouts: a label and worksheet's arguments.
LARGE = max(RUNS)
COMPARED = [(f"exam --variants {LARGE} --format md,tex", ["exam", "--seed", "2026", "--variants", str(LARGE),
                                                        "--format", "md,tex", "--quiet"]),
            (f"exam --variants {LARGE} --format md,tex --jobs 1", ["exam", "--seed", "2026", "--variants",
                                                                 str(LARGE), "--format", "md,tex", "--quiet",
                                                                 "--jobs", "1"])]


def exam(command: list[str], n: int, out: Path, *extra: str, env=None) -> tuple[float, float, str]:
    return measured([*command, "exam", "--seed", "2026", "--variants", str(n), "--format", "md,tex", "--quiet",
                     "--out", str(out), *extra], env=env)


def main() -> None:
    command = worksheet()
    cores = os.cpu_count()
    print(f"machine: {machine()}")
    base = floor(10)
    print(f"floor: bare Typer app --version {base:.3f} s")
    small, middle, large = RUNS
    env = {k: v for k, v in os.environ.items() if k != "WORKSHEET_PROFILE"}
    with tempfile.TemporaryDirectory() as tmp:
        folders = (Path(tmp) / f"run-{k}" for k in range(10**6))  # every run writes a new exam folder
        exam(command, small, next(folders), env=env)  # warm-up: caches, byte-code
        runs = ", ".join(map(str, RUNS.values()))
        print(f"\nworksheet exam --variants N --format md,tex --quiet   (median of {runs} runs; --jobs {cores})")
        print(f"{'N':>6} {'wall':>9} {'floor x':>8} {'per variant':>12} {'variants/s':>11} {'peak memory':>12}")
        table = {}
        for n, runs in RUNS.items():
            results = [exam(command, n, next(folders), env=env) for _ in range(runs)]
            t = statistics.median(r[0] for r in results)
            mem = max(r[1] for r in results)
            table[n] = t
            print(f"{n:>6} {t:>8.3f}s {t / base:>7.1f}x {t / n * 1000:>10.2f}ms {n / t:>11.0f} {mem:>9.1f} MB")
        marginal_low = (table[middle] - table[small]) / (middle - small) * 1000
        marginal_high = (table[large] - table[middle]) / (large - middle) * 1000
        print(f"linearity: each variant adds {marginal_low:.2f} ms from {small} to {middle} and {marginal_high:.2f} ms "
              f"from {middle} to {large} (fixed cost, start-up included, about "
              f"{table[small] - small * marginal_low / 1000:.2f} s)")
        print(f"target: 1000 variants under 5 s on 2 cores (200 a second): {large} variants {table[large]:.2f} s, "
              f"{large / table[large]:.0f} a second")

        one = statistics.median(exam(command, large, next(folders), "--jobs", "1", env=env)[0]
                                for _ in range(sized(3, 1)))
        print(f"{large} variants with --jobs 1: {one:.3f} s; with --jobs {cores}: {table[large]:.3f} s "
              f"({one / table[large]:.2f}x faster)")

        t, mem, stderr = exam(command, large, next(folders), env={**env, "WORKSHEET_PROFILE": "1"})
        print(f"\nwhere the time goes, {large} variants (WORKSHEET_PROFILE=1; wall {t:.3f} s, peak {mem:.1f} MB):")
        for line in stderr.splitlines():
            print("  " + line.removeprefix("worksheet: profile: "))
        print("  (stage seconds are summed over the main process and its workers; the rest of the wall time "
              "is start-up and imports)")


if __name__ == "__main__":
    main()
