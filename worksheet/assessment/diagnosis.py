"""Diagnosis: the misconception a wrong answer matches, where its value tells it apart."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..documents.numbers import parse_shown
from ..engine.intervals import Unbounded, ranges
from ..engine.misconceptions import MISCONCEPTIONS, applicable
from ..errors import NumericError
from .questions import Answer, answer
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


# The answers of the last problems asked about, by identity: the redraw check and the options of
# a multiple-choice sheet ask about the same problem one after the other. Each entry keeps its
# problem alive, so an id is not reused while it is here.
_RECENT: dict[int, tuple[Problem, list]] = {}
_RECENT_SIZE = 16


def mistaken_answers(problem: Problem) -> list[list[tuple[str, Answer]]]:
    """Per question of the problem (in its order), (misconception name, the answer its pass
    gives) for every misconception that applies and runs, in catalogue order; answers far below
    the sheet's digits (shown with 10^) are left out."""
    recent = _RECENT.get(id(problem))
    if recent is not None and recent[0] is problem:
        return recent[1]
    out = _mistaken_answers(problem)
    if len(_RECENT) >= _RECENT_SIZE:
        del _RECENT[next(iter(_RECENT))]
    _RECENT[id(problem)] = (problem, out)
    return out


def _mistaken_answers(problem: Problem) -> list[list[tuple[str, Answer]]]:
    trace = problem.trace
    out: list[list[tuple[str, Answer]]] = [[] for _ in problem.answers]
    for m in applicable(trace.spec):
        try:
            mistaken = m.trace(trace.spec, trace.values)
            rg = ranges(mistaken, m.variation)
        except (NumericError, Unbounded):
            continue
        for n, right in enumerate(problem.answers):
            a = answer(mistaken, rg, right.quantity)
            if "10^" not in a.text:
                out[n].append((m.name, a))
    return out


def suspects(problem: Problem, found_answers: list[list[tuple[str, Answer]]] | None = None) -> list[list[Suspect]]:
    """Per question of the problem (in its order), the values of the misconceptions that apply,
    each distinguishable from the right answer and from every other misconception's value.
    Misconceptions that give the same shown value share one Suspect; values whose accepted
    intervals overlap another's are left out (the answer could not say which)."""
    found: list[dict[str, list[str]]] = [{} for _ in problem.answers]  # text -> names
    tolerances: list[dict[str, Decimal]] = [{} for _ in problem.answers]
    for n, pairs in enumerate(mistaken_answers(problem) if found_answers is None else found_answers):
        for name, a in pairs:
            found[n].setdefault(a.text, []).append(name)
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


def changes(right: Answer, mistaken: Answer) -> bool:
    """Whether a misconception's pass moves a question's value at all (beyond the last bits of a
    double): an unchanged value is no mistake to find."""
    return abs(mistaken.value - right.value) > 1e-9 * max(1.0, abs(right.value))


def three_apart(a: Decimal, ta: Decimal, b: Decimal, tb: Decimal) -> bool:
    """Two options of a multiple-choice question: at least three tolerances (the larger) apart."""
    return abs(a - b) >= 3 * max(ta, tb)


def collision(problem: Problem, apart=_apart,
              found_answers: list[list[tuple[str, Answer]]] | None = None) -> str | None:
    """The first question whose misconception values cannot be told apart, by `apart`, from the
    right answer or from each other (a misconception that leaves a value as it is aside; values
    shown alike count as one), as "1d: no_output_derivative"; None when every one can."""
    found_answers = mistaken_answers(problem) if found_answers is None else found_answers
    for label, right, pairs in zip(problem.labels, problem.answers, found_answers):
        value = parse_shown(right.text)
        # Grouped by the shown value, each with the widest tolerance of its misconceptions, as
        # suspects() groups them; a misconception that leaves the value as it is widens the
        # right answer's tolerance instead.
        tolerance = right.tolerance
        groups: dict[str, tuple[Decimal, Decimal, str]] = {}
        for name, a in pairs:
            if not changes(right, a):
                tolerance = max(tolerance, a.tolerance) if a.text == right.text else tolerance
                continue
            v, tv, first = groups.get(a.text, (parse_shown(a.text), a.tolerance, name))
            groups[a.text] = (v, max(tv, a.tolerance), first)
        for text, (v, tv, name) in groups.items():
            if not apart(v, tv, value, tolerance):
                return f"{label}: {name}"
            for other, (w, tw, other_name) in groups.items():
                if other < text and not apart(v, tv, w, tw):
                    return f"{label}: {other_name} and {name}"
    return None
