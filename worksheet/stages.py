"""Opt-in stage timings (WORKSHEET_PROFILE=1): where a batch's time goes, printed to stderr at the end."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager

ENABLED = os.environ.get("WORKSHEET_PROFILE") == "1"
# The stages of the pipeline in print order; a stage not listed here prints after them.
ORDER = ("sampling", "calculation", "questions", "context", "rendering", "typesetting", "pdf split", "writing")

_totals: dict[str, float] = {}
_open: list[str] = []  # the stages entered and not left, innermost last
_mark = 0.0  # when the innermost stage last started counting


class _Off:
    """What `stage` returns when profiling is off: a with-block that does nothing."""

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


_OFF = _Off()


def stage(name: str):
    """`with stage("rendering"): ...` adds the block's time to the stage. Nested stages count
    exclusively: time inside an inner stage is not counted again in the outer one."""
    return _timed(name) if ENABLED else _OFF


@contextmanager
def _timed(name: str):
    global _mark
    now = time.perf_counter()
    if _open:
        _totals[_open[-1]] = _totals.get(_open[-1], 0.0) + now - _mark
    _open.append(name)
    _mark = now
    try:
        yield
    finally:
        now = time.perf_counter()
        _totals[name] = _totals.get(name, 0.0) + now - _mark
        _open.pop()
        _mark = now


def take() -> dict[str, float]:
    """The totals so far, reset: what a pool worker hands back with each result."""
    out = dict(_totals)
    _totals.clear()
    return out


def forget() -> None:
    """A forked pool worker starts with its parent's totals and open stages: drop them."""
    _totals.clear()
    _open.clear()


def add(totals: dict[str, float]) -> None:
    """Totals measured in another process (a pool worker), added to this one's."""
    for name, seconds in totals.items():
        _totals[name] = _totals.get(name, 0.0) + seconds


def report(wall: float, processes: int) -> None:
    """One line per stage on stderr: seconds of work summed over the processes, and share."""
    import resource

    work = sum(_totals.values())
    names = [n for n in ORDER if n in _totals] + sorted(n for n in _totals if n not in ORDER)
    for name in names:
        share = _totals[name] / work if work else 0.0
        print(f"worksheet: profile: {name:<12} {_totals[name]:8.3f} s {share:6.1%}", file=sys.stderr)
    print(f"worksheet: profile: {'work':<12} {work:8.3f} s in {processes} process(es); exam() wall {wall:.3f} s",
          file=sys.stderr)
    # ru_maxrss is in KiB on Linux (bytes on macOS); RUSAGE_CHILDREN holds the largest pool
    # worker or TeX run that has ended.
    unit = 2**20 if sys.platform == "darwin" else 2**10
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / unit
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / unit
    print(f"worksheet: profile: {'peak memory':<12} {own:8.1f} MB main process, {child:.1f} MB largest child",
          file=sys.stderr)
