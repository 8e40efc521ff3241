"""A progress bar on stderr for a batch that takes more than a second (rich, imported only to show one)."""

from __future__ import annotations

import sys
import threading

DELAY = 1.0  # seconds: a batch that ends sooner shows no bar at all


class Progress:
    """Tasks of a batch (variants, typesetting, writing) with their counts. The bar appears once
    DELAY has passed, and only when `wanted` and stderr is a terminal: never with --quiet, in a
    pipe, a log file or a test. It writes nothing but stderr; the files are the same either way."""

    def __init__(self, wanted: bool):
        self.enabled = wanted and _is_terminal(sys.stderr)
        self._tasks: list[list] = []  # [description, total, completed, the bar's task id]
        self._lock = threading.Lock()
        self._bar = None
        self._timer = None
        self._closed = False

    def task(self, description: str, total: int) -> int:
        """A new task of `total` steps; its number, for advance()."""
        with self._lock:
            self._tasks.append([description, total, 0, None])
            if self._bar is not None:
                self._add(self._tasks[-1])
            elif self.enabled and self._timer is None and not self._closed:
                # The clock starts with the first task: the fork of the process pool that follows
                # happens before the bar's threads exist.
                self._timer = threading.Timer(DELAY, self._show)
                self._timer.daemon = True
                self._timer.start()
            return len(self._tasks) - 1

    def advance(self, task: int, steps: int = 1) -> None:
        with self._lock:
            entry = self._tasks[task]
            entry[2] += steps
            if self._bar is not None:
                self._bar.update(entry[3], completed=entry[2])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        with self._lock:
            if self._closed:
                return
            self._bar = Bar(TextColumn("{task.description:<11}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                            transient=True)
            for entry in self._tasks:
                self._add(entry)
            self._bar.start()

    def _add(self, entry: list) -> None:
        entry[3] = self._bar.add_task(entry[0], total=entry[1], completed=entry[2])


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False
