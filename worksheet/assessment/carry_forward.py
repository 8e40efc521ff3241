"""Error carried forward: a later answer marked against the student's own earlier answers."""

from __future__ import annotations

from decimal import Decimal

from ..engine.calculator import Variation, calculate
from ..engine.intervals import Unbounded, ranges
from ..errors import NumericError
from .grading import Expected, Grades
from .questions import Quantity, answer
from .roster import Response
from .sheets import Problem


def _key(q: Quantity) -> tuple:
    return (q.kind, q.l, q.j, q.i)


def depends_on(problem: Problem) -> list[list[str]]:
    """Per question, the labels of the earlier answers its value is computed from: those whose
    value, moved while every other earlier answer stays as it is, moves it."""
    trace = problem.trace
    base = [answer_value(trace, a.quantity) for a in problem.answers]
    out = []
    for n, a in enumerate(problem.answers):
        found = []
        for m in range(n):
            pins = tuple((_key(e.quantity), e.value + (1 if k == m else 0)) for k, e in enumerate(problem.answers[:n]))
            try:
                other = calculate(trace.spec, trace.values, Variation(pins=pins))
            except NumericError:
                found.append(problem.labels[m])
                continue
            if answer_value(other, a.quantity) != base[n]:
                found.append(problem.labels[m])
        out.append(found)
    return out


def answer_value(trace, q: Quantity) -> float:
    from .questions import value_of

    return value_of(trace, q)


def carried(problem: Problem, given: dict[str, Decimal | None]) -> dict[str, tuple[str, Decimal]]:
    """The answers wrong against the key that are right given the student's own earlier answers:
    label -> (the value they lead to, its tolerance). Every earlier answer the student gave is
    taken as written, the problem recomputed from them, and the tolerance propagated in interval
    arithmetic as for the key."""
    trace = problem.trace
    pins: list = []
    wrong_before = False
    out = {}
    for label, a in zip(problem.labels, problem.answers):
        x = given.get(label)
        right = x is not None and abs(x - Decimal(a.text)) <= a.tolerance
        if x is not None and not right and wrong_before:
            v = Variation(pins=tuple(pins))
            try:
                own = calculate(trace.spec, trace.values, v)
                b = answer(own, ranges(own, v), a.quantity)
            except (NumericError, Unbounded):
                b = None
            if b is not None and "10^" not in b.text and abs(x - Decimal(b.text)) <= b.tolerance:
                out[label] = (b.text, b.tolerance)
        if x is not None:
            pins.append((_key(a.quantity), x))
            wrong_before = wrong_before or not right
    return out


def credit(grades: Grades, expected: list[Expected], responses: list[Response],
           problems: dict[str, list[Problem]], fraction: Decimal) -> tuple[Grades, dict]:
    """The grades with `fraction` of a question's points for every answer carried forward, and
    (student, label) -> the value it was marked against and the earlier wrong answers it uses."""
    from dataclasses import replace

    from .review import by_student, same_variant

    sheets, answered = by_student(expected, responses)
    credited: dict = {}
    students = []
    missed = dict(grades.missed)
    for first, points, _total in grades.students:
        sid = first.id
        points = dict(points)
        for p in problems.get(sid, []):
            if not same_variant(p, sheets[sid]):
                continue
            given = {label: getattr(answered.get((sid, label)), "value", None) for label in p.labels}
            found = carried(p, given)
            deps = dict(zip(p.labels, depends_on(p))) if found else {}
            for label, (text, _tol) in found.items():
                points[label] = sheets[sid][label].points * fraction
                wrong = [d for d in deps[label] if points[d] < sheets[sid][d].points]
                credited[(sid, label)] = f"{text}, from your {', '.join(wrong)}" if wrong else text
                missed[label] -= 1
        students.append((first, points, sum(points.values(), Decimal(0))))
    return replace(grades, students=students, missed=missed), credited
