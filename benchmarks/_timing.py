"""Shared helpers for the benchmark scripts: wall time and peak memory of whole processes, machine
facts, the floor every figure is compared with, and the size of a run.

WORKSHEET_BENCHMARK_SIZE=tiny runs every benchmark once at a tiny size: the figures mean nothing
then, but every script runs through (tests/test_benchmarks.py does this)."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TINY = os.environ.get("WORKSHEET_BENCHMARK_SIZE") == "tiny"


def sized(full, tiny):
    """`full` for a real measurement, `tiny` for a smoke run."""
    return tiny if TINY else full


def worksheet() -> list[str]:
    """The command that runs worksheet: the installed script, or this interpreter's module."""
    script = shutil.which("worksheet")
    return [script] if script else [sys.executable, "-m", "worksheet"]


def machine() -> str:
    """What a figure depends on: cores, processor, Python and the TeX engine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    tex = "no pdflatex"
    if shutil.which("pdflatex"):
        tex = subprocess.run(["pdflatex", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {tex}; "
            f"load average {load:.2f} at the start")


def wall(cmd: list[str], runs: int = 15, cwd=None, env=None) -> float:
    """Median wall time of a whole process, after one warm-up run."""
    runs = sized(runs, 1)
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor(runs: int = 15) -> float:
    """The floor of every command: a bare Typer app with worksheet's commands printing its
    version (an interpreter starting and importing Typer, nothing of worksheet's own)."""
    return wall([sys.executable, str(HERE / "bare_app.py"), "--version"], runs)


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
