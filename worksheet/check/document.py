"""`worksheet check`: read a worked solution, solve its problem, and find its slips."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputFileError, SpecError
from .verdicts import DRIFT, SLIP, Finding, check_counted

PDF_HINT = "reading a PDF needs pdftotext (poppler-utils: apt install poppler-utils, brew install poppler)"


@dataclass(frozen=True)
class Report:
    document: str
    findings: tuple[Finding, ...]  # slips, and drift when asked for (strict)
    checked: int = 0  # printed numbers compared (named values and arithmetic results)

    @property
    def slips(self) -> int:
        return sum(f.kind == SLIP for f in self.findings)

    @property
    def drift(self) -> int:
        return sum(f.kind == DRIFT for f in self.findings)

    @property
    def exit_code(self) -> int:
        """As a linter: 0 without slips, 1 with."""
        return 1 if self.slips else 0


def read_document(path: Path) -> list[str]:
    """The lines of a Markdown, LaTeX or plain-text file, or of a PDF's text layer."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    if path.suffix.lower() == ".pdf":
        tool = shutil.which("pdftotext")
        if tool is None:
            raise InputFileError(f"{path}: {PDF_HINT}")
        result = subprocess.run([tool, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True)
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputFileError(f"{path}: not a readable PDF ({message[-1] if message else 'pdftotext failed'})")
        data = result.stdout
    else:
        data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if "\x00" in text:
        raise InputFileError(f"{path}: a binary file, not a document")
    return text.splitlines()


def spec_file(name: Path | None) -> Path | None:
    """A spec file's path, or a built-in spec's name (`reference`, `mazur`)."""
    if name is None or Path(name).is_file():
        return name
    from ..resources import specs_dir

    builtin = specs_dir() / f"{name}.toml"
    if str(name).isidentifier() and builtin.is_file():
        return builtin
    known = ", ".join(sorted(p.stem for p in specs_dir().glob("*.toml")))
    raise SpecError(f"spec {str(name)!r} is neither a file nor a built-in spec ({known})")


def problem(options: dict[str, Any], spec_path: Path | None = None):
    """The trace of the problem the document solves, from the network options and a spec."""
    from ..engine.sampling import draw_problem
    from ..engine.spec import build_spec, read_spec_file

    path = spec_file(spec_path)
    spec, given = build_spec(options, read_spec_file(path) if path is not None else None)
    if spec.seed is None and not given.is_complete(spec):
        raise SpecError("give the problem: --spec FILE (or a built-in name such as reference) or --seed N")
    return draw_problem(spec, given)[1]


def check(document: Path, options: dict[str, Any], spec_path: Path | None = None, strict: bool = False) -> Report:
    """The slips of a document (and its rounding drift when `strict`)."""
    lines = read_document(document)
    trace = problem(options, spec_path)
    findings, checked = check_counted(lines, trace)
    shown = tuple(f for f in findings if strict or f.kind == SLIP)
    return Report(str(document), shown, checked)
