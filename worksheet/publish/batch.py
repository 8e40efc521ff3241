"""Many variants on the machine's cores, results in input order, and Ctrl-C that stops every worker."""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Callable, Iterable, TypeVar

from .. import interrupts, stages
from ..errors import SpecError

T = TypeVar("T")
R = TypeVar("R")

# Below this many items one process is faster than starting workers.
PARALLEL_FROM = 64
CHUNK = 25


def available_cores() -> int:
    """The cores this process may run on (fewer than os.cpu_count() in a container or under taskset)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def check_jobs(jobs: int | None) -> int:
    """--jobs: a count of 1 or more; None means every available core."""
    if jobs is None:
        return available_cores()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SpecError(f"jobs {jobs} is out of range; allowed: 1 or more (default: all {available_cores()} cores)")
    return jobs


def _quiet_worker() -> None:
    # Ctrl-C reaches the whole process group; the parent alone reports it, once, and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    interrupts.reset_in_worker()
    stages.forget()


def _profiled(fn: Callable[[T], R], x: T) -> tuple[R, dict[str, float]]:
    return fn(x), stages.take()


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int | None = None,
                advance: Callable[[int], None] | None = None) -> list[R]:
    """[fn(x) for x in items], across up to `jobs` processes (None: every core) when there are
    many items; the same results, in the same order, whatever `jobs` is. `fn` must be a
    module-level function; an exception in a worker is raised here. `advance(n)` is called as
    results come in."""
    items = list(items)
    step = advance or (lambda n: None)
    workers = min(check_jobs(jobs), max(1, len(items) // CHUNK))
    if len(items) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for x in items:
            results.append(fn(x))
            step(1)
        return results
    # The first item in this process: imports done and templates compiled once, here, and shared
    # with the workers by fork instead of repeated in each of them.
    results = [fn(items[0])]
    step(1)
    task = partial(_profiled, fn) if stages.ENABLED else fn
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_quiet_worker)
    try:
        for r in pool.map(task, items[1:], chunksize=CHUNK):
            if stages.ENABLED:
                r, timings = r
                stages.add(timings)
            results.append(r)
            step(1)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
    return results


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now, not after the variants they are drawing: on Ctrl-C or an error."""
    # ProcessPoolExecutor has no public way to end running calls before Python 3.14.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        p.terminate()
    for p in processes:
        p.join()
