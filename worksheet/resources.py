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


def builtin_specs() -> dict[str, Path]:
    """The spec files shipped with worksheet, by name (reference, mazur, ...)."""
    return {path.stem: path for path in sorted(specs_dir().glob("*.toml"))}


def spec_file(spec: str | Path) -> Path:
    """A spec file given by path, or by the name of a built-in spec (`reference`), from any folder.
    A path that exists wins over a built-in spec of the same name."""
    path = Path(spec)
    if path.exists() or path.suffix or len(path.parts) != 1:
        return path
    builtin = builtin_specs()
    if str(path) not in builtin:
        from .errors import SpecError

        raise SpecError(f"spec {spec}: no such file, and no built-in spec of that name; built-in: "
                        f"{', '.join(builtin)} (worksheet specs describes them)")
    return builtin[str(path)]
