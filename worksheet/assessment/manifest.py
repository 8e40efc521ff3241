"""An exam's manifest.json: written with the exam, read to reprint, grade or protect its folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import inputs
from ..errors import InputFileError, WorksheetError
from ..inputs import check_text, read_json

MANIFEST = "manifest.json"
SCHEMA = "worksheet.exam/1"
PRIVATE = "The seed is the key to every student's answers: keep this file away from students."


def manifest_json(generator: str, sheet, seed: int, options_hash: str, formats: tuple[str, ...],
                  students: list[dict], files: list[str], moodle_style: str | None = None) -> str:
    """The manifest's text: everything that regenerates the exam (the Moodle style too, when the
    moodle format was written), and the files it wrote."""
    contents = {
        "schema": SCHEMA,
        "generator": generator,
        "private": PRIVATE,
        "title": sheet.title,
        "seed": seed,
        "options_hash": options_hash,
        "options": sheet.options(),
        "formats": list(formats),
        **({"moodle_style": moodle_style} if moodle_style else {}),
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
        data = read_json(path, "manifest")
    except WorksheetError:
        return {}
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else {}


def check_manifest(data: Any, where: str) -> dict[str, Any]:
    """A manifest read from a file, its fields of the types `worksheet exam` writes: a hand-edited
    one with a field of another type, or student ids that name the same files, is refused."""
    from .roster import ID_PATTERN, MAX_ID, MAX_NAME

    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputFileError(f"{where}: not a worksheet exam manifest (schema {SCHEMA})")
    kinds = {"title": str, "options": dict, "students": list, "formats": list, "files": list, "generator": str,
             "options_hash": str}
    for key, kind in kinds.items():
        if key in data and not isinstance(data[key], kind):
            raise InputFileError(f"{where}: {key} must be a {_KIND_NAMES[kind]}")
    if "seed" not in data:
        raise InputFileError(f"{where}: no exam seed")
    inputs.seed(data["seed"], f"{where}: seed")
    options = data.get("options", {})
    problems = options.get("problems", [])
    if not isinstance(problems, list) or not all(isinstance(p, dict) for p in problems):
        raise InputFileError(f"{where}: options.problems must be a list of objects")
    for n, p in enumerate(problems, start=1):
        for key in ("network", "given"):
            if not isinstance(p.get(key, {}), dict):
                raise InputFileError(f"{where}: problem {n}: {key} must be an object")
    for key in ("formats", "files"):
        if not all(isinstance(x, str) for x in data.get(key, [])):
            raise InputFileError(f"{where}: {key} must be a list of strings")
    seen: dict[str, int] = {}
    for n, s in enumerate(data.get("students", []), start=1):
        sid = s.get("id") if isinstance(s, dict) else None
        if not isinstance(sid, str) or len(sid) > MAX_ID or not ID_PATTERN.fullmatch(sid):
            raise InputFileError(f"{where}: student {n} has no valid id")
        if sid.lower() in seen:
            raise InputFileError(f"{where}: student {n} has the id {sid!r} of student {seen[sid.lower()]} "
                                 "(ids name files, and some file systems ignore case)")
        seen[sid.lower()] = n
        name = s.get("name", "")
        check_text(name, f"{where}: the name of student {sid}", InputFileError)
        if len(name) > MAX_NAME:
            raise InputFileError(f"{where}: the name of student {sid} is longer than {MAX_NAME} characters")
    return data


_KIND_NAMES = {str: "string", dict: "object", list: "list"}


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
    return check_manifest(data, f"exam {folder}: {MANIFEST}")


def load_manifest(path: Path, generator: str):
    """The sheet spec, students and formats (None: none recorded) an exam's manifest records,
    and a note when another version of worksheet made it."""
    from .roster import Student
    from .sheetspec import build_sheet_spec

    data = check_manifest(read_json(Path(path), "manifest"), f"manifest {path}")
    students = [Student(s["id"], s.get("name", ""), 0) for s in data.get("students", [])]
    if not students:
        raise InputFileError(f"manifest {path}: no students")
    full = bool((data.get("options") or {}).get("full_solutions"))
    sheet = build_sheet_spec({}, level=None, points=None, problems=None, spec_path=None,
                             default_title="Backpropagation exam",
                             full_solutions=full, data=_spec_table(data), where=f"manifest {path}")
    if sheet.seed is None:
        raise InputFileError(f"manifest {path}: no exam seed")
    sheet = _asked(sheet, data.get("options") or {}, f"manifest {path}")
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


def _asked(sheet, options: dict[str, Any], where: str):
    """The sheet with the multiple-choice and diagnosis options the manifest records."""
    from dataclasses import replace

    from ..errors import SpecError
    from .choices import check_choices

    diagnosis = options.get("diagnosis", False)
    if not isinstance(diagnosis, bool):
        raise InputFileError(f"{where}: options.diagnosis must be true or false")
    try:
        choices = check_choices(options.get("choices", 0))
    except SpecError as exc:
        raise InputFileError(f"{where}: {exc}") from None
    return replace(sheet, choices=choices, diagnosis=diagnosis)
