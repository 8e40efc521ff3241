"""An exam's manifest.json: written with the exam, read to reprint, grade or protect its folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputFileError

MANIFEST = "manifest.json"
SCHEMA = "worksheet.exam/1"
PRIVATE = "The seed is the key to every student's answers: keep this file away from students."


def manifest_json(generator: str, sheet, seed: int, options_hash: str, formats: tuple[str, ...],
                  students: list[dict], files: list[str]) -> str:
    """The manifest's text: everything that regenerates the exam, and the files it wrote."""
    contents = {
        "schema": SCHEMA,
        "generator": generator,
        "private": PRIVATE,
        "title": sheet.title,
        "seed": seed,
        "options_hash": options_hash,
        "options": sheet.options(),
        "formats": list(formats),
        "students": students,
        "files": files,
    }
    return json.dumps(contents, indent=2, ensure_ascii=False) + "\n"


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of `folder`: None when there is none, {} when it is not a worksheet exam's."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else {}


def load_exam(folder: Path) -> dict[str, Any]:
    """The manifest of an exam folder, for grading."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(f"exam {folder}: no such folder")
    data = read_manifest(folder)
    if data is None:
        raise InputFileError(f"exam {folder}: no {MANIFEST}; give the folder `worksheet exam` wrote")
    if not data:
        raise InputFileError(f"exam {folder}: {MANIFEST} is not a worksheet exam manifest")
    return data


def load_manifest(path: Path, generator: str):
    """The sheet spec, students and formats (None: none recorded) an exam's manifest records,
    and a note when another version of worksheet made it."""
    from .roster import ID_PATTERN, Student
    from .sheetspec import build_sheet_spec

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(f"manifest {path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"manifest {path}: not a readable JSON file ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputFileError(f"manifest {path}: not a worksheet exam manifest (schema {SCHEMA})")
    students = []
    for n, s in enumerate(data.get("students") or [], start=1):
        if not isinstance(s, dict) or not ID_PATTERN.fullmatch(str(s.get("id", ""))):
            raise InputFileError(f"manifest {path}: student {n} has no valid id")
        students.append(Student(str(s["id"]), str(s.get("name", "")), 0))
    if not students:
        raise InputFileError(f"manifest {path}: no students")
    full = bool((data.get("options") or {}).get("full_solutions"))
    sheet = build_sheet_spec({}, level=None, points=None, problems=None, spec_path=None,
                             default_title="Backpropagation exam",
                             full_solutions=full, data=_spec_table(data), where=f"manifest {path}")
    if sheet.seed is None:
        raise InputFileError(f"manifest {path}: no exam seed")
    note = None
    if data.get("generator") != generator:
        note = (f"{path} was made by {data.get('generator')}, this is {generator}; "
                "the papers can differ from the ones handed out")
    formats = tuple(str(f) for f in data.get("formats") or [])
    return sheet, students, formats or None, note


def _spec_table(manifest: dict[str, Any]) -> dict[str, Any]:
    """A manifest's options as the table of an exam spec file, to regenerate the exam."""
    options = manifest.get("options") or {}
    problems = []
    for p in options.get("problems", []):
        network = dict(p.get("network", {}))
        table = {**network, **p.get("given", {}), "level": p.get("level"), "points": p.get("points")}
        problems.append(table)
    return {"title": options.get("title"), "seed": manifest.get("seed"), "problem": problems}
