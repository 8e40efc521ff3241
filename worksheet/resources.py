"""Where the shipped templates and spec files are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # A wheel carries the folders inside the package (hatchling force-include);
    # a source checkout or editable install has them at the top of the repository.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"worksheet is installed without its {name}/ folder")


def templates_dir() -> Path:
    return _find("templates")


def specs_dir() -> Path:
    return _find("specs")
