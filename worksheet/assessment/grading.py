"""Grading: students' responses against an exam's answers.csv, each within its tolerance."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import InputFileError
from ..inputs import parse_decimal
from .spreadsheet import uncell, write_rows
from .roster import Response

ANSWERS = "answers.csv"
ANSWER_COLUMNS = ("id", "name", "variant", "question", "quantity", "expected", "tolerance", "points")
READ_COLUMNS = tuple(c for c in ANSWER_COLUMNS if c != "quantity")  # exams made before it was recorded
CHOICE_COLUMNS = ("choice", "options")  # multiple-choice exams only: the key's letter, every option


@dataclass(frozen=True)
class Expected:
    id: str
    name: str
    variant: str
    question: str
    value: Decimal
    tolerance: Decimal
    points: Decimal
    quantity: str = ""  # dE/dw5, delta_h1, w2_new
    choice: str = ""  # the key's letter, on a multiple-choice exam
    options: str = ""  # its options: "A 0.14236; B -0.04246; ..."


def answers_csv(rows: list[Expected]) -> str:
    more = any(r.choice for r in rows)
    return write_rows([*ANSWER_COLUMNS, *(CHOICE_COLUMNS if more else ())], [
        [r.id, r.name, r.variant, r.question, r.quantity, _plain(r.value), _plain(r.tolerance), _plain(r.points),
         *((r.choice, r.options) if more else ())]
        for r in rows])


def _plain(x: Decimal) -> str:
    return format(x, "f")


def read_answers(folder: Path) -> list[Expected]:
    from .roster import columns, read_rows

    path = Path(folder) / ANSWERS
    header, rows = read_rows(path, "answers")
    col = columns(header, READ_COLUMNS, path, "answers")
    quantity = header.index("quantity") if "quantity" in header else None
    optional = {c: header.index(c) for c in CHOICE_COLUMNS if c in header}
    out = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        where = f"answers {path} line {line}"
        value, tol, pts = (parse_decimal(row[col[c]], f"{where}: {c}") for c in ("expected", "tolerance", "points"))
        if tol < 0 or pts < 0:
            raise InputFileError(f"{where}: tolerance and points must not be negative")
        sid, question = (uncell(row[col[c]].strip()) for c in ("id", "question"))
        if not sid or not question:
            raise InputFileError(f"{where}: the {'id' if not sid else 'question'} is empty")
        key = (sid.lower(), question.lower())
        if key in seen:
            raise InputFileError(f"{where}: student {sid}, question {question} is already on line {seen[key]}")
        seen[key] = line
        name = uncell(row[quantity].strip()) if quantity is not None and quantity < len(row) else ""
        choice, options = (uncell(row[optional[c]].strip()) if c in optional and optional[c] < len(row) else ""
                           for c in CHOICE_COLUMNS)
        out.append(Expected(sid, uncell(row[col["name"]].strip()), uncell(row[col["variant"]].strip()),
                            question, value, tol, pts, name, choice, options))
    if not out:
        raise InputFileError(f"answers {path}: no answers below the header; regenerate the exam")
    return out


@dataclass(frozen=True)
class Grades:
    questions: list[str]  # labels in sheet order
    students: list[tuple[Expected, dict[str, Decimal], Decimal]]  # first row, points per question, total
    maximum: Decimal
    missed: dict[str, int]  # label -> students without the points (wrong or unanswered)
    unanswered: dict[str, int]
    without_responses: list[str]


def grade(expected: list[Expected], responses: list[Response], responses_path: Path) -> Grades:
    """Points per student and question: full points when |answer - expected| <= tolerance."""
    by_student: dict[str, dict[str, Expected]] = {}
    for e in expected:
        by_student.setdefault(e.id, {})[e.question] = e
    # Ids and labels match whatever their case (a spreadsheet may write 1A): ids are unique
    # regardless of case (see roster.py) and labels are lower case.
    ids = {sid.lower(): sid for sid in by_student}
    answered: dict[tuple[str, str], Response] = {}
    for r in responses:
        where = f"responses {responses_path} line {r.line}"
        sid = ids.get(r.id.lower())
        if sid is None:
            raise InputFileError(f"{where}: no student {r.id!r} in the exam")
        label = r.question.lower()
        if label not in by_student[sid]:
            labels = ", ".join(by_student[sid])
            raise InputFileError(
                f"{where}: no question {r.question!r} on the sheet of student {sid} (questions: {labels})")
        if (sid, label) in answered:
            raise InputFileError(f"{where}: student {sid}, question {label} is already answered on line "
                                 f"{answered[(sid, label)].line}")
        answered[(sid, label)] = r
    questions = list(next(iter(by_student.values())))
    rows = []
    missed = {q: 0 for q in questions}
    unanswered = {q: 0 for q in questions}
    without = []
    maximum = sum((e.points for e in next(iter(by_student.values())).values()), Decimal(0))
    for sid, sheet in by_student.items():
        points = {}
        any_response = False
        for label, e in sheet.items():
            r = answered.get((sid, label))
            right = r is not None and r.value is not None and abs(r.value - e.value) <= e.tolerance
            any_response = any_response or (r is not None and r.value is not None)
            points[label] = e.points if right else Decimal(0)
            if not right and label in missed:
                missed[label] += 1
                if r is None or r.value is None:
                    unanswered[label] += 1
        if not any_response:
            without.append(sid)
        first = next(iter(sheet.values()))
        rows.append((first, points, sum(points.values(), Decimal(0))))
    return Grades(questions, rows, maximum, missed, unanswered, without)


def grades_csv(g: Grades, diagnoses: dict[str, str] | None = None) -> str:
    """One row per student; with `diagnoses` (id -> text), a last column naming the misconception
    each wrong answer matches."""
    extra = ["diagnosis"] if diagnoses is not None else []
    rows = []
    for first, points, total in g.students:
        cells = [_plain(points.get(q, Decimal(0))) for q in g.questions]
        more = [diagnoses.get(first.id, "")] if diagnoses is not None else []
        rows.append([first.id, first.name, first.variant, *cells, _plain(total), _plain(g.maximum), *more])
    return write_rows(["id", "name", "variant", *g.questions, "total", "max", *extra], rows)


def summary(g: Grades) -> list[str]:
    """A few lines for the terminal: the mean, and the questions most students missed."""
    n = len(g.students)
    totals = [t for _, _, t in g.students]
    mean = sum(totals, Decimal(0)) / n
    share = mean / g.maximum * 100 if g.maximum else Decimal(0)
    lines = [f"{n} students, {len(g.questions)} questions, {_plain(g.maximum)} points: "
             f"mean {mean:.2f} ({share:.0f}%), lowest {_plain(min(totals))}, highest {_plain(max(totals))}"]
    ranked = sorted((q for q in g.questions if g.missed[q]), key=lambda q: (-g.missed[q], g.questions.index(q)))
    if ranked:
        shown = []
        for q in ranked[:5]:
            blank = f", {g.unanswered[q]} unanswered" if g.unanswered[q] else ""
            shown.append(f"{q} ({g.missed[q]} of {n}{blank})")
        lines.append("most missed: " + "; ".join(shown))
    else:
        lines.append("every question answered right by every student")
    if g.without_responses:
        ids = ", ".join(g.without_responses[:5]) + (" ..." if len(g.without_responses) > 5 else "")
        lines.append(f"no responses from {len(g.without_responses)} student(s): {ids}")
    return lines


def check_output(path: Path, exam_dir: Path, responses: Path, manifest: dict) -> None:
    """The grades file may not replace what grading reads (answers.csv, manifest.json, the
    responses) nor a file of the exam: after that the exam could not be graded again."""
    from .examdir import MANIFEST

    exam_dir = Path(exam_dir)
    inputs = [exam_dir / ANSWERS, exam_dir / MANIFEST, Path(responses)]
    inputs += [exam_dir / rel for rel in manifest.get("files", []) if isinstance(rel, str) and rel != "grades.csv"]
    target = Path(path).resolve()
    for source in inputs:
        same = source.resolve() == target
        if not same and source.exists() and target.exists():
            same = os.path.samefile(source, target)
        if same:
            raise InputFileError(f"--out {path} is {source}, an input of grading; choose another file for the grades")
