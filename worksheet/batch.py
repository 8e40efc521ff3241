"""Many variants on the machine's cores, results in input order, and Ctrl-C that stops every worker."""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items one process is faster than starting workers.
PARALLEL_FROM = 64
CHUNK = 25


def _quiet_worker() -> None:
    # Ctrl-C reaches the whole process group; the parent alone reports it, once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def ordered_map(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """[fn(x) for x in items], across processes when there are many items and several cores.
    `fn` must be a module-level function; an exception in a worker is raised here."""
    items = list(items)
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    if len(items) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    # fork: the workers start with the parent's imports and templates loaded.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_quiet_worker)
    try:
        results = list(pool.map(fn, items, chunksize=CHUNK))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results
