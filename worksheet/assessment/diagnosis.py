"""Diagnosis: the misconception a wrong answer matches, where its value tells it apart."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..documents.numbers import parse_shown
from ..engine.intervals import Unbounded, ranges
from ..engine.misconceptions import MISCONCEPTIONS, applicable
from ..errors import NumericError
from .questions import answer
from .sheets import Problem


@dataclass(frozen=True)
class Suspect:
    """The value one or more misconceptions give for a question, accepted within `tolerance`
    (their own hand computation's rounding, by the key's tolerance rule)."""

    names: tuple[str, ...]
    text: str  # as shown at the question's digits
    value: Decimal
    tolerance: Decimal

    @property
    def message(self) -> str:
        return "; or ".join(MISCONCEPTIONS[n].message for n in self.names)

    def matches(self, x: Decimal) -> bool:
        return abs(x - self.value) <= self.tolerance


def _apart(a: Decimal, ta: Decimal, b: Decimal, tb: Decimal) -> bool:
    """No answer is accepted for both: the two accepted intervals do not meet."""
    return abs(a - b) > ta + tb


def suspects(problem: Problem) -> list[list[Suspect]]:
    """Per question of the problem (in its order), the values of the misconceptions that apply,
    each distinguishable from the right answer and from every other misconception's value.
    Misconceptions that give the same shown value share one Suspect; values whose accepted
    intervals overlap another's are left out (the answer could not say which)."""
    trace = problem.trace
    found: list[dict[str, list[str]]] = [{} for _ in problem.answers]  # text -> names
    tolerances: list[dict[str, Decimal]] = [{} for _ in problem.answers]
    for m in applicable(trace.spec):
        try:
            mistaken = m.trace(trace.spec, trace.values)
            rg = ranges(mistaken, m.variation)
        except (NumericError, Unbounded):
            continue
        for n, right in enumerate(problem.answers):
            a = answer(mistaken, rg, right.quantity)
            if "10^" in a.text:  # far below the sheet's digits
                continue
            found[n].setdefault(a.text, []).append(m.name)
            tolerances[n][a.text] = max(tolerances[n].get(a.text, Decimal(0)), a.tolerance)
    out = []
    for n, right in enumerate(problem.answers):
        value = parse_shown(right.text)
        groups = [(parse_shown(text), tolerances[n][text], text, names) for text, names in found[n].items()]
        kept = []
        for v, tol, text, names in groups:
            if not _apart(v, tol, value, right.tolerance):
                continue
            if any(other != text and not _apart(v, tol, w, t) for w, t, other, _ in groups):
                continue
            kept.append(Suspect(tuple(names), text, v, tol))
        out.append(kept)
    return out


def diagnose(candidates: list[Suspect], x: Decimal | None) -> Suspect | None:
    """The suspect a wrong answer x matches, if any."""
    if x is None:
        return None
    return next((s for s in candidates if s.matches(x)), None)


def distinguishable(problem: Problem, index: int) -> list[tuple[str, Decimal, Decimal, str]]:
    """For question `index` of a problem: (misconception name, value, tolerance, one-line
    message) of every misconception whose value can be told from the right answer and the others."""
    return [(name, s.value, s.tolerance, MISCONCEPTIONS[name].message)
            for s in suspects(problem)[index] for name in s.names]
