"""Shared helpers for the benchmark scripts: wall time of whole processes, machine facts."""

from __future__ import annotations

import os
import statistics
import subprocess
import time


def machine() -> str:
    return f"{os.cpu_count()} cores"


def wall(cmd: list[str], runs: int = 15, cwd=None, env=None) -> float:
    """Median wall time of a whole process, after one warm-up run."""
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
