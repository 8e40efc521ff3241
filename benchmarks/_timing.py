"""Shared helpers for the benchmark scripts: wall time and peak memory of whole processes, machine facts."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
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


def measured(cmd: list[str], cwd=None, env=None) -> tuple[float, float, str]:
    """Wall time, peak memory (MB) and stderr of one whole process. The memory is ru_maxrss of
    the resource usage that wait4 reports for the child: what getrusage(RUSAGE_CHILDREN) would
    hold for it alone, the largest resident size of the process and of any process it waited
    for (its pool workers, its TeX runs)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {stderr.decode(errors='replace')}")
    unit = 2**20 if sys.platform == "darwin" else 2**10
    return elapsed, usage.ru_maxrss / unit, stderr.decode("utf-8", "replace")
