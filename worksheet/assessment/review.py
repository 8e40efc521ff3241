"""Each student's answers reviewed against their own variant: marks, the misconception a wrong answer suggests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .diagnosis import Suspect, diagnose, suspects
from .grading import Expected, Grades
from .questions import quantity_name
from .roster import Response
from .sheets import Problem, build_problems


@dataclass(frozen=True)
class Item:
    """One question of one student's sheet."""

    label: str
    quantity: str  # dE/dw5, delta_h1, w2_new
    given: str | None  # the student's answer as written; None: unanswered
    expected: Expected
    points: Decimal  # given by the marking
    suspect: Suspect | None
    carried: str | None  # the value the student's own earlier answers lead to, where credited
    prompt: str
    work: list[str]


@dataclass(frozen=True)
class Review:
    first: Expected
    items: list[Item]
    total: Decimal


def student_problems(manifest: dict[str, Any], folder: Path, generator: str) -> dict[str, list[Problem]]:
    """Every student's problems, drawn again from the exam's options and the seed the manifest
    records for each student."""
    from .manifest import MANIFEST, load_manifest

    sheet = load_manifest(folder / MANIFEST, generator)[0]
    return {str(s["id"]): build_problems(sheet, int(s["seed"])) for s in manifest.get("students") or []}


def by_student(expected: list[Expected], responses: list[Response]):
    """The expected answers per student and label, and the responses per (student, label)."""
    sheets: dict[str, dict[str, Expected]] = {}
    for e in expected:
        sheets.setdefault(e.id, {})[e.question] = e
    ids = {sid.lower(): sid for sid in sheets}
    answered = {(ids.get(r.id.lower()), r.question.lower()): r for r in responses}
    return sheets, answered


def same_variant(p: Problem, sheet: dict[str, Expected]) -> bool:
    """Whether a problem drawn again is the one answers.csv holds (same manifest, same version)."""
    return all(label in sheet and Decimal(a.text) == sheet[label].value for label, a in zip(p.labels, p.answers))


def review(grades: Grades, expected: list[Expected], responses: list[Response],
           problems: dict[str, list[Problem]], carried: dict | None = None) -> list[Review]:
    """Per student in the grades' order: each question's answer, points and diagnosis;
    `carried` holds (student, label) -> value for answers credited by error carried forward."""
    from .sheets import sheet_context

    carried = carried or {}
    by_id, answered = by_student(expected, responses)
    out = []
    for first, points, _total in grades.students:
        sid = first.id
        sheet = by_id[sid]
        items = []
        for p, record in zip(problems.get(sid, []), _records(problems.get(sid, []), sheet_context)):
            if not same_variant(p, sheet):
                continue
            # The misconceptions' passes run only for a problem with a wrong answer.
            wrong = [points[label] != sheet[label].points and answered.get((sid, label)) is not None
                     for label in p.labels]
            candidates = suspects(p) if any(wrong) else [[] for _ in p.labels]
            for n, (label, a) in enumerate(zip(p.labels, p.answers)):
                r = answered.get((sid, label))
                value = r.value if r is not None else None
                right = points[label] == sheet[label].points
                items.append(Item(
                    label=label, quantity=quantity_name(p.trace.spec, a.quantity),
                    given=None if value is None else _given(r), expected=sheet[label], points=points[label],
                    suspect=None if right else diagnose(candidates[n], value),
                    carried=carried.get((sid, label)),
                    prompt=record["questions"][n]["prompt"], work=record["questions"][n]["answer"]["work"],
                ))
        out.append(Review(first, items, sum(points.values(), Decimal(0))))
    return out


def _given(r: Response) -> str:
    """An answer as the student gave it; a letter with the value of its option."""
    from .roster import is_letter

    text = r.text.strip()
    return f"{text.upper()} ({format(r.value, 'f')})" if is_letter(text) else text


def _records(problems: list[Problem], sheet_context) -> list[dict[str, Any]]:
    if not problems:
        return []
    from .sheetspec import SheetSpec

    sheet = SheetSpec(title="", seed=None, problems=tuple(p.source for p in problems), full_solutions=False)
    return sheet_context(sheet, problems, {"seed": 0, "options_hash": ""})["problems"]


def diagnosis_cell(r: Review) -> str:
    """grades.csv's diagnosis: label: misconception for each wrong answer that matches one."""
    return "; ".join(f"{i.label}: {' or '.join(i.suspect.names)}" for i in r.items if i.suspect is not None)


def _plain(x: Decimal) -> str:
    x = x.normalize()
    return format(x.quantize(Decimal(1)) if x == x.to_integral_value() else x, "f")


def feedback_md(r: Review, title: str, maximum: Decimal) -> str:
    """A student's feedback: their answers and marks, what each wrong answer suggests, and the
    key's worked line for every answer that did not get full marks."""
    from .sheets import md_text

    who = md_text(r.first.name) + f" ({md_text(r.first.id)})" if r.first.name else md_text(r.first.id)
    lines = [f"# {md_text(title)}: feedback", "",
             f"{who}, variant {r.first.variant}: {_plain(r.total)} of {_plain(maximum)} points.", "",
             "| question | quantity | your answer | expected | points | what it suggests |",
             "|---|---|---|---|---|---|"]
    for i in r.items:
        given = i.given if i.given is not None else "(blank)"
        suggests = i.suspect.message if i.suspect is not None else ""
        lines.append(f"| {i.label} | `{i.quantity}` | {given} | {_plain(i.expected.value)} ± "
                     f"{_plain(i.expected.tolerance)} | {_plain(i.points)} of {_plain(i.expected.points)} | "
                     f"{suggests} |")
    missed = [i for i in r.items if i.points < i.expected.points or i.carried is not None]
    if missed:
        lines += ["", "## The key's working for the answers without full marks"]
        for i in missed:
            lines += ["", f"**{i.label}.** {i.prompt}"]
            if i.suspect is not None:
                lines += ["", f"Your answer matches {i.suspect.text}, the value when {i.suspect.message}."]
            if i.carried is not None:
                lines += ["", f"It follows from your own earlier answers ({i.carried}): error carried forward."]
            for w in i.work:
                lines += ["", "$$", w, "$$"]
    return "\n".join(lines) + "\n"
