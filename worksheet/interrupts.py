"""Interrupts: SIGINT, SIGTERM and SIGHUP end a run the same way, and its message says what was written."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from pathlib import Path

# The signals a user or a system sends to end a run; each becomes an exception, so every
# `finally` (temporary folders, TeX runs) does its work before the process ends.
SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

received: list[int] = []  # the signal that ended the run, if one did
committed: list[Path] = []  # what was written whole before it arrived


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the process is, like Ctrl-C's KeyboardInterrupt."""


def _raise(signum: int, frame) -> None:
    received.append(signum)
    raise Interrupted(signum) if signum != signal.SIGINT else KeyboardInterrupt()


def install() -> None:
    """Turn SIGINT, SIGTERM and SIGHUP into exceptions in this process (the command line does this;
    a library caller keeps its own handlers)."""
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup's SIGHUP stays ignored
            signal.signal(signum, _raise)


def reset_in_worker() -> None:
    """A forked worker ends at once on SIGTERM or SIGHUP: it holds no files, its parent does."""
    for signum in SIGNALS:
        if signum != signal.SIGINT:
            signal.signal(signum, signal.SIG_DFL)


@contextmanager
def held():
    """Signals held back for a few renames that must all happen or none; one that arrives
    meanwhile is raised right after."""
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, set(SIGNALS))
    try:
        yield
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, set(SIGNALS))


def exit_code() -> int:
    """128 plus the signal's number, as shells report it (130 for Ctrl-C). Also clears CPython's
    mark of an unhandled Ctrl-C: code run from a string (dataclasses and namedtuple make their
    methods so, on import) that a KeyboardInterrupt leaves sets it even when the interrupt is
    caught later, and at exit the interpreter would then kill itself with SIGINT instead of
    returning this code. Running a string clears the mark."""
    exec("pass")
    return 128 + (received[-1] if received else signal.SIGINT)


def message() -> str:
    """What an interrupted run left: nothing, or files written whole before the signal."""
    if not committed:
        return "interrupted; no partial files were left"
    shown = ", ".join(str(p) for p in committed[:3]) + (" ..." if len(committed) > 3 else "")
    return f"interrupted after writing {shown}, which {'is' if len(committed) == 1 else 'are'} complete"
