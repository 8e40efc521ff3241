"""The CSV files an instructor gives (roster, responses), read strictly: one error names the file and line."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import InputFileError
from ..inputs import check_text, parse_decimal, read_bytes

MAX_ID = 64
MAX_NAME = 200
# Ids name files (sheets/<id>.pdf) and PDF destinations: letters, digits, '.', '_', '-'.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Student:
    id: str
    name: str
    line: int  # where the student is in the roster (0 for --variants)


def read_rows(path: Path, what: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows of a UTF-8 CSV file, each row with its line number."""
    raw = read_bytes(path, what)
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet's byte order mark is not part of the header
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(f"{what} {path} line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                             "save the file as CSV UTF-8") from None
    if not text.strip():
        raise InputFileError(f"{what} {path}: the file is empty; expected a header line")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not row or all(not cell.strip() for cell in row):
                continue  # blank lines (a trailing one, or ,,, from a spreadsheet)
            if header is None:
                header = [cell.strip().lower() for cell in row]
                header_line = start
                continue
            if len(row) != len(header):
                raise InputFileError(
                    f"{what} {path} line {start}: {len(row)} fields, but the header on line {header_line} "
                    f"has {len(header)}"
                )
            rows.append((start, row))
    except csv.Error as exc:
        raise InputFileError(f"{what} {path} line {reader.line_num}: not valid CSV ({exc})") from None
    if header is None:
        raise InputFileError(f"{what} {path}: the file is empty; expected a header line")
    return header, rows


def columns(header: list[str], required: tuple[str, ...], path: Path, what: str) -> dict[str, int]:
    missing = [c for c in required if c not in header]
    if missing:
        raise InputFileError(
            f"{what} {path} line 1: no {' or '.join(repr(c) for c in missing)} column; the header needs "
            f"{', '.join(required)} (found: {', '.join(h or '(empty)' for h in header)})"
        )
    dupes = sorted({c for c in required if header.count(c) > 1})
    if dupes:
        raise InputFileError(f"{what} {path} line 1: the column {dupes[0]!r} appears twice")
    return {c: header.index(c) for c in required}


def _clean(text: str, where: str, field: str) -> str:
    value = unicodedata.normalize("NFC", text.strip())
    check_text(value, f"{where}: the {field}", InputFileError)
    return value


def read_roster(path: Path) -> list[Student]:
    """Students in roster order. Columns `id` and `name` are required, others are ignored."""
    header, rows = read_rows(path, "roster")
    col = columns(header, ("id", "name"), path, "roster")
    seen: dict[str, tuple[str, int]] = {}
    students = []
    for line, row in rows:
        where = f"roster {path} line {line}"
        sid = _clean(row[col["id"]], where, "id")
        name = _clean(row[col["name"]], where, "name")
        if not sid:
            raise InputFileError(f"{where}: the id is empty")
        if len(sid) > MAX_ID or not ID_PATTERN.fullmatch(sid):
            raise InputFileError(
                f"{where}: id {sid!r} is not allowed; ids name files, so use up to {MAX_ID} letters, digits, "
                "'.', '_' or '-', starting with a letter or digit"
            )
        if sid.lower() in seen:
            first, line_first = seen[sid.lower()]
            also = "" if first == sid else f" as {first!r} (ids name files, and some file systems ignore case)"
            raise InputFileError(f"{where}: id {sid!r} is already on line {line_first}{also}")
        if not name:
            raise InputFileError(f"{where}: student {sid} has no name")
        if len(name) > MAX_NAME:
            raise InputFileError(f"{where}: the name of student {sid} is longer than {MAX_NAME} characters")
        seen[sid.lower()] = (sid, line)
        students.append(Student(sid, name, line))
    if not students:
        raise InputFileError(f"roster {path}: no students below the header")
    return students


def numbered(count: int) -> list[Student]:
    """Students 1..N for `--variants N`, without names: each writes their own on the sheet."""
    return [Student(str(n), "", 0) for n in range(1, count + 1)]


@dataclass(frozen=True)
class Response:
    id: str
    question: str
    value: Decimal | None  # None: unanswered
    text: str
    line: int


def is_letter(text: str) -> bool:
    """An answer of one letter, A to Z in either case: an option of a multiple-choice question."""
    text = text.strip()
    return len(text) == 1 and "A" <= text.upper() <= "Z"


def read_responses(path: Path) -> list[Response]:
    """Rows of (id, question, value); a blank value is an unanswered question."""
    header, rows = read_rows(path, "responses")
    col = columns(header, ("id", "question", "value"), path, "responses")
    seen: dict[tuple[str, str], int] = {}
    out = []
    for line, row in rows:
        where = f"responses {path} line {line}"
        sid = row[col["id"]].strip()
        question = row[col["question"]].strip()
        text = row[col["value"]].strip()
        if not sid or not question:
            raise InputFileError(f"{where}: the {'id' if not sid else 'question'} is empty")
        key = (sid, question)
        if key in seen:
            raise InputFileError(f"{where}: student {sid}, question {question} is already answered on line {seen[key]}")
        seen[key] = line
        # A letter answers a multiple-choice question; grading reads it as its option's value.
        value = parse_decimal(text, f"{where}: value") if text and not is_letter(text) else None
        out.append(Response(sid, question, value, text, line))
    return out
