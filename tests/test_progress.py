"""The progress bar: on a terminal's stderr only, after a second, and rich imported only to show it."""

from __future__ import annotations

import io
import subprocess
import sys
import time

from worksheet.publish import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_once_the_delay_has_passed(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr(progress, "DELAY", 0.05)
    with progress.Progress(True) as bar:
        task = bar.task("variants", 40)
        bar.advance(task, 10)
        deadline = time.monotonic() + 30
        while bar._bar is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert bar._bar is not None
        bar.advance(task, 30)
        bar.task("writing", 3)
    assert "variants" in screen.getvalue() and "writing" in screen.getvalue()


def test_no_bar_when_quiet_or_not_a_terminal_or_quick(monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0.05)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress.Progress(True) as bar:
        assert not bar.enabled
        bar.advance(bar.task("variants", 2), 2)
        time.sleep(0.2)
        assert bar._bar is None
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress.Progress(False) as bar:
        bar.task("variants", 2)
        time.sleep(0.2)
        assert bar._bar is None
    monkeypatch.setattr(progress, "DELAY", 60)
    with progress.Progress(True) as bar:  # ends before the delay
        bar.advance(bar.task("variants", 2), 2)
    assert bar._bar is None and screen.getvalue() == ""


def test_rich_is_not_imported_without_a_bar(tmp_path):
    code = ("import sys\nfrom worksheet import Network, api\nfrom worksheet.publish.progress import Progress\n"
            "with Progress(True) as bar:\n"
            f"    api.exam(Network(seed=1), variants=2, formats=('md',), out={str(tmp_path / 'x')!r}, progress=bar)\n"
            "print('rich' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
