"""LaTeX -> PDF: pdflatex (or latexmk) in a temporary folder, sandboxed, reproducible, and ended by Ctrl-C."""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from ..documents.texescape import FALLBACK_FONTS
from ..errors import RenderError

INSTALL_HINT = (
    "install TeX Live (Debian: apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-pictures lmodern latexmk)"
)
TIMEOUT = 900  # seconds for the whole compilation; the largest network takes well under a minute
MAX_PASSES = 5  # without latexmk: reruns until the table of contents and longtable widths settle

_PDFLATEX_FLAGS = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error"]
_LUALATEX_FLAGS = ["--no-shell-escape", "--interaction=nonstopmode", "--halt-on-error"]
_DRAFT = {"pdflatex": "-draftmode", "lualatex": "--draftmode"}  # typeset, but write no PDF
LUALATEX_INSTALL_HINT = "install lualatex and its fonts (Debian: apt-get install texlive-luatex fonts-arphic-uming fonts-dejavu-core)"
_RERUN = re.compile(r"Rerun to get|Rerun LaTeX|Label\(s\) may have changed|Table widths have changed")
_NEWLABEL = re.compile(r"^\\newlabel\{([^{}]+)\}\{(.*)\}$", re.M)
_LAST_PAGE = re.compile(r"^\\gdef \\@abspage@last\{(\d+)\}$", re.M)
_UNDEFINED = re.compile(r"^LaTeX Warning: Reference `[^']*' on page \d+ undefined", re.M)
_LABEL_PAGE = re.compile(r"^\{[^{}]*\}\{(\d+)\}")

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Compiled:
    pdf: bytes
    log: str  # the last pdflatex pass's log, for checks on overfull boxes and warnings
    labels: dict[str, str] = field(default_factory=dict)  # label -> value ({}{3}), as the last pass wrote them
    passes: int = 0  # pdflatex runs (0: through latexmk)


def tex_engine(engine: str = "pdflatex") -> str | None:
    """Path of pdflatex (or `engine`), or None when it is not installed."""
    return shutil.which(engine)


def lualatex_missing(fonts: tuple[str, ...] = FALLBACK_FONTS) -> str | None:
    """What lualatex needs for names in `fonts` and this machine lacks (lualatex, or one of the
    fonts), or None."""
    if shutil.which("lualatex") is None or shutil.which("luaotfload-tool") is None:
        return "lualatex"
    for font in fonts:
        missing = _font_missing(font)
        if missing is not None:
            return missing
    return None


@functools.cache
def _font_missing(font: str) -> str | None:
    """The font, when it is not installed; looked up once per process. luaotfload finds the
    fonts fontconfig knows, and fc-list answers in 0.05 s where luaotfload-tool takes 0.3 s (it
    loads its whole font database): luaotfload-tool only where fontconfig is not installed."""
    fc_list = shutil.which("fc-list")
    command = [fc_list, "-q", f":family={font}"] if fc_list else ["luaotfload-tool", f"--find={font}"]
    try:
        found = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "lualatex"
    if fc_list:
        absent = found.returncode != 0
    else:
        absent = f'Font "{font}" found!' not in found.stdout + found.stderr
    return f"the font {font}" if absent else None


def engine_for(plain_t1: bool, pdf: bool, who: str, fonts: tuple[str, ...] = FALLBACK_FONTS) -> str:
    """The TeX engine of a document: pdflatex with T1 fonts when every text it prints can be set
    with them (`plain_t1`), otherwise lualatex with fallback `fonts`. A PDF then needs lualatex
    and those fonts: without them, one error naming `who` (the text that needs them)."""
    if plain_t1:
        return "pdflatex"
    if pdf:
        missing = lualatex_missing(fonts)
        if missing is not None:
            raise RenderError(f"{who} needs lualatex for the pdf format, and {missing} is not installed: "
                              f"{LUALATEX_INSTALL_HINT}; or use --format md")
    return "lualatex"


def _flags(engine: str) -> list[str]:
    if engine not in ("pdflatex", "lualatex"):
        raise ValueError(f"unknown TeX engine {engine!r}")
    return _LUALATEX_FLAGS if engine == "lualatex" else _PDFLATEX_FLAGS


def _check_engine(engine: str) -> None:
    if tex_engine(engine) is None:
        hint = LUALATEX_INSTALL_HINT if engine == "lualatex" else INSTALL_HINT
        raise RenderError(f"PDF output needs {engine}, which is not installed: {hint}; or ask for --format md,tex")


def compile_pdf(tex: str, name: str = "document.tex", timeout: float = TIMEOUT, engine: str = "pdflatex",
                files: dict[str, bytes] | None = None) -> bytes:
    """The PDF of a LaTeX document (with `files`, such as figures, beside it by their plain
    names); a RenderError (and no file anywhere) when it does not compile."""
    return compile_latex(tex, name, timeout, engine, files).pdf


@contextmanager
def _workspace(tex: str, name: str, engine: str, files: dict[str, bytes] | None = None):
    """A temporary folder holding the document as `stem`.tex and `files`; removed afterwards,
    whatever happens."""
    _check_engine(engine)
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", Path(name).stem) or "document"
    _sweep_workspaces()
    with tempfile.TemporaryDirectory(prefix=f"worksheet-tex-{os.getpid()}-") as tmp:
        folder = Path(tmp)
        (folder / f"{stem}.tex").write_bytes(tex.encode("utf-8"))
        for other, data in (files or {}).items():
            (folder / Path(other).name).write_bytes(data)
        yield folder, stem


_WORKSPACE = re.compile(r"worksheet-tex-([0-9]+)-.+")
_swept = False


def _sweep_workspaces() -> None:
    """Remove the temporary folders (sheets and keys among them) of TeX runs whose process was
    killed outright, once per process, and say so: a folder names the process that made it."""
    global _swept
    if _swept:
        return
    _swept = True
    base = Path(tempfile.gettempdir())
    found = 0
    try:
        entries = list(os.scandir(base))
    except OSError:
        return
    for entry in entries:
        m = _WORKSPACE.fullmatch(entry.name)
        if not m or not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        found += 1
    if found:
        import sys

        print(f"worksheet: note: removed {found} temporary TeX folder(s) that an interrupted run left in {base}",
              file=sys.stderr)


def compile_latex(tex: str, name: str = "document.tex", timeout: float = TIMEOUT,
                  engine: str = "pdflatex", files: dict[str, bytes] | None = None) -> Compiled:
    flags = _flags(engine)
    with _workspace(tex, name, engine, files) as (folder, stem):
        env = _environment()
        if shutil.which("latexmk") is not None:
            mode = ["-pdflua", f"-lualatex=lualatex {' '.join(flags)} %O %S"] if engine == "lualatex" else [
                "-pdf", f"-pdflatex=pdflatex {' '.join(flags)} %O %S"]
            _run(["latexmk", "-norc", *mode, f"{stem}.tex"], folder, env, timeout, stem, engine)
        else:
            for n in range(MAX_PASSES):
                _run([engine, *flags, f"{stem}.tex"], folder, env, timeout, stem, engine)
                if n >= 1 and not _RERUN.search(_read_log(folder, stem)):
                    break
        pdf = folder / f"{stem}.pdf"
        if not pdf.is_file():
            raise RenderError(f"{engine} produced no PDF for {name}")
        log = _read_log(folder, stem)
        _check_glyphs(log, name, engine)
        return Compiled(pdf.read_bytes(), log)


def compile_once(tex: str, name: str = "document.tex", engine: str = "pdflatex",
                 files: dict[str, bytes] | None = None, timeout: float = TIMEOUT) -> Compiled:
    """One pass of `engine` over a document that refers to no label, so that no later pass could
    change it; the log is the caller's to check (lualatex's missing characters among it)."""
    flags = _flags(engine)
    with _workspace(tex, name, engine, files) as (folder, stem):
        _run([engine, *flags, f"{stem}.tex"], folder, _environment(), timeout, stem, engine)
        pdf = folder / f"{stem}.pdf"
        if not pdf.is_file():
            raise RenderError(f"{engine} produced no PDF for {name}")
        return Compiled(pdf.read_bytes(), _read_log(folder, stem), passes=1)


def compile_seeded(tex: str, name: str = "document.tex", labels: dict[str, str] | None = None,
                   pages: int | None = None, first_pass: Callable[[dict[str, str]], None] | None = None,
                   timeout: float = TIMEOUT, engine: str = "pdflatex",
                   files: dict[str, bytes] | None = None) -> Compiled:
    """The PDF of a document by pdflatex (or `engine`: lualatex) alone, with `files` beside it as
    for compile_pdf, in ONE pass when `labels` gives the value of every label it refers to
    (label -> what \\newlabel records for it: {}{3} for page 3) and `pages` its page count: the
    pass starts from an .aux that defines them, as the last of latexmk's passes starts from the
    .aux of the pass before. When the pass writes other values, or refers to a label not given,
    it runs again from the .aux it wrote, until that stops changing: the same fixed point as
    latexmk's, so the same bytes. Without `labels`, two passes or more. `first_pass` is called
    with the labels the first pass wrote."""
    flags = _flags(engine)
    with _workspace(tex, name, engine, files) as (folder, stem):
        aux = folder / f"{stem}.aux"
        seeded = None
        if labels:
            lines = ["\\relax ", *(f"\\newlabel{{{k}}}{{{v}}}" for k, v in labels.items())]
            if pages is not None:
                lines.append(f"\\gdef \\@abspage@last{{{pages}}}")
            seeded = "\n".join(lines) + "\n"
            aux.write_text(seeded, encoding="utf-8")
        env = _environment()
        before = seeded  # the .aux the pass starts from (None: none)
        for n in range(1, MAX_PASSES + 1):
            # A pass from no .aux is never the last (there is nothing to compare its .aux with):
            # it writes the .aux alone, no PDF.
            draft = [_DRAFT[engine]] if before is None else []
            _run([engine, *flags, *draft, f"{stem}.tex"], folder, env, timeout, stem, engine)
            written = aux.read_text(encoding="utf-8", errors="replace") if aux.is_file() else ""
            log = _read_log(folder, stem)
            found = dict(_NEWLABEL.findall(written))
            if n == 1 and first_pass is not None:
                first_pass(found)
            if seeded is not None and before is seeded:
                # From the given labels: right when the pass wrote the same values for them and
                # the same page count, and referred to no label left out.
                last = _LAST_PAGE.search(written)
                done = (all(found.get(k) == v for k, v in labels.items()) and not _UNDEFINED.search(log)
                        and (pages is None or (last is not None and int(last.group(1)) == pages)))
            else:
                done = written == before  # latexmk's test: the .aux did not change
            if done:
                break
            before = written
        else:
            raise RenderError(f"the cross-references of {name} did not settle in {MAX_PASSES} {engine} passes")
        pdf = folder / f"{stem}.pdf"
        if not pdf.is_file():
            raise RenderError(f"{engine} produced no PDF for {name}")
        _check_glyphs(log, name, engine)
        return Compiled(pdf.read_bytes(), log, found, n)


def label_page(value: str) -> int | None:
    """The page of a label's value as \\newlabel records it ({1}{3}: page 3)."""
    m = _LABEL_PAGE.match(value)
    return int(m.group(1)) if m else None


def each(fn: Callable[[T], R], items: Iterable[T], workers: int, on_stop: Callable[[], None] | None = None) -> list[R]:
    """[fn(x) for x in items] on `workers` threads, for TeX runs (each its own process). On
    Ctrl-C or an error, every TeX run still going is ended and every thread has finished, its
    temporary folder removed, before this returns; `on_stop` is called first, to release items
    that wait for another one."""
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    items = list(items)
    if workers < 2 or len(items) < 2:
        return [fn(x) for x in items]
    pool = ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="worksheet-tex")
    futures = []
    try:
        for x in items:
            futures.append(pool.submit(fn, x))
        wait(futures, return_when=FIRST_EXCEPTION)
        return [f.result() for f in futures]
    except BaseException:
        for f in futures:
            f.cancel()
        if on_stop is not None:
            on_stop()
        # A thread may start its next pass between two kills: kill until every thread is done.
        while not all(f.done() for f in futures):
            stop_all()
            wait(futures, timeout=0.05)
        raise
    finally:
        pool.shutdown(wait=True)


_running: set[int] = set()  # process groups of the TeX runs going on now
_running_lock = threading.Lock()


def stop_all() -> None:
    """End every TeX run going on now (they run in sessions of their own, out of reach of Ctrl-C)."""
    with _running_lock:
        groups = list(_running)
    for pid in groups:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        # kpathsea's paranoid mode: no reading or writing outside the temporary folder and the
        # TeX tree (no absolute paths, no .. and no dot files), and no shell escape at all.
        openin_any="p", openout_any="p", shell_escape="f",
        # Reproducible output: pdfTeX and LuaTeX take every date from here (the template also omits them).
        SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1",
        # Unwrapped log lines, so an error's message and its l.NNN line are read whole.
        max_print_line="10000", error_line="254", half_error_line="238",
    )
    # A locale that always exists: lualatex stops when the one in the environment is not installed
    # ("Unable to read environment locale"), and TeX reads its UTF-8 input whatever the locale.
    for key in [k for k in env if k.startswith("LC_") or k in ("LANG", "LANGUAGE")]:
        del env[key]
    env["LC_ALL"] = "C"
    return env


def _run(command: list[str], folder: Path, env: dict[str, str], timeout: float, stem: str,
         engine: str = "pdflatex") -> None:
    # A session of its own, so a timeout ends pdflatex as well as latexmk.
    proc = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    with _running_lock:
        _running.add(proc.pid)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise RenderError(f"{engine} did not finish within {timeout:g} seconds") from None
    except BaseException:
        # Ctrl-C: the TeX run did not get the signal (its own session), so it is ended here,
        # before its temporary folder is removed.
        _kill(proc)
        raise
    finally:
        with _running_lock:
            _running.discard(proc.pid)
    if proc.returncode != 0:
        raise RenderError(_failure(_read_log(folder, stem), output.decode("utf-8", "replace"), engine))


_MISSING = re.compile(r"Missing character: There is no (.+?) \(U\+([0-9A-F]+)\)")


def missing_glyph(log: str) -> tuple[str, str] | None:
    """The first character no font had in a lualatex log, and its code point (hex), or None."""
    m = _MISSING.search(log)
    return (m.group(1), m.group(2)) if m else None


def _check_glyphs(log: str, name: str, engine: str) -> None:
    """LuaTeX only warns when no font has a character and leaves it out of the PDF: an error here,
    so no name is printed with letters missing."""
    missing = missing_glyph(log) if engine == "lualatex" else None
    if missing:
        raise glyph_error(name, missing)


def glyph_error(what: str, missing: tuple[str, str]) -> RenderError:
    """The error for a character (and its code point) that no installed font has, in `what`."""
    char, code = missing
    return RenderError(f"{what}: no installed font has the character {char} (U+{code}), so the PDF would "
                       "leave it out; use --format md,tex, or spell the name without it")


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def _read_log(folder: Path, stem: str) -> str:
    log = folder / f"{stem}.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


def _failure(log: str, output: str, engine: str = "pdflatex") -> str:
    """The first TeX error of the log: its '! ...' line and the l.NNN line that locates it."""
    lines = log.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("! "):
            where = next((m.group(0) for m in map(re.compile(r"^l\.\d+.*").match, lines[n + 1:n + 40]) if m), None)
            return f"{engine} failed: {line}" + (f" ({where.strip()})" if where else "")
    tail = [line for line in output.splitlines() if line.strip()][-1:] or ["no log written"]
    return f"{engine} failed: {tail[0].strip()}"
