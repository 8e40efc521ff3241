"""LaTeX -> PDF: pdflatex (through latexmk when installed) in a temporary folder, sandboxed and reproducible."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderError

INSTALL_HINT = (
    "install TeX Live (Debian: apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-pictures lmodern latexmk)"
)
TIMEOUT = 900  # seconds for the whole compilation; the largest network takes well under a minute
MAX_PASSES = 5  # without latexmk: reruns until the table of contents and longtable widths settle

_PDFLATEX_FLAGS = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error"]
_RERUN = re.compile(r"Rerun to get|Rerun LaTeX|Label\(s\) may have changed|Table widths have changed")


@dataclass(frozen=True)
class Compiled:
    pdf: bytes
    log: str  # the last pdflatex pass's log, for checks on overfull boxes and warnings


def tex_engine() -> str | None:
    """Path of pdflatex, or None when no TeX engine is installed."""
    return shutil.which("pdflatex")


def compile_pdf(tex: str, name: str = "document.tex", timeout: float = TIMEOUT) -> bytes:
    """The PDF of a LaTeX document; a RenderError (and no file anywhere) when it does not compile."""
    return compile_latex(tex, name, timeout).pdf


def compile_latex(tex: str, name: str = "document.tex", timeout: float = TIMEOUT) -> Compiled:
    if tex_engine() is None:
        raise RenderError(f"PDF output needs pdflatex, which is not installed: {INSTALL_HINT}; "
                          "or ask for --format md,tex")
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", Path(name).stem) or "document"
    with tempfile.TemporaryDirectory(prefix="worksheet-tex-") as tmp:
        folder = Path(tmp)
        (folder / f"{stem}.tex").write_bytes(tex.encode("utf-8"))
        env = _environment()
        if shutil.which("latexmk") is not None:
            _run(["latexmk", "-norc", "-pdf", f"-pdflatex=pdflatex {' '.join(_PDFLATEX_FLAGS)} %O %S",
                  f"{stem}.tex"], folder, env, timeout, stem)
        else:
            for n in range(MAX_PASSES):
                _run(["pdflatex", *_PDFLATEX_FLAGS, f"{stem}.tex"], folder, env, timeout, stem)
                if n >= 1 and not _RERUN.search(_read_log(folder, stem)):
                    break
        pdf = folder / f"{stem}.pdf"
        if not pdf.is_file():
            raise RenderError(f"pdflatex produced no PDF for {name}")
        return Compiled(pdf.read_bytes(), _read_log(folder, stem))


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        # kpathsea's paranoid mode: no reading or writing outside the temporary folder and the
        # TeX tree (no absolute paths, no .. and no dot files), and no shell escape at all.
        openin_any="p", openout_any="p", shell_escape="f",
        # Reproducible output: pdfTeX takes every date from here (the template also omits them).
        SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1",
        # Unwrapped log lines, so an error's message and its l.NNN line are read whole.
        max_print_line="10000", error_line="254", half_error_line="238",
    )
    return env


def _run(command: list[str], folder: Path, env: dict[str, str], timeout: float, stem: str) -> None:
    # A session of its own, so a timeout ends pdflatex as well as latexmk.
    proc = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RenderError(f"pdflatex did not finish within {timeout:g} seconds") from None
    if proc.returncode != 0:
        raise RenderError(_failure(_read_log(folder, stem), output.decode("utf-8", "replace")))


def _read_log(folder: Path, stem: str) -> str:
    log = folder / f"{stem}.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


def _failure(log: str, output: str) -> str:
    """The first TeX error of the log: its '! ...' line and the l.NNN line that locates it."""
    lines = log.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("! "):
            where = next((m.group(0) for m in map(re.compile(r"^l\.\d+.*").match, lines[n + 1:n + 40]) if m), None)
            return f"pdflatex failed: {line}" + (f" ({where.strip()})" if where else "")
    tail = [line for line in output.splitlines() if line.strip()][-1:] or ["no log written"]
    return f"pdflatex failed: {tail[0].strip()}"
