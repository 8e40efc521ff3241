"""Multiple choice: each question's options from the misconceptions' values, their letters, and letters read back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..documents.numbers import parse_shown
from ..engine.sampling import Stream
from ..errors import InputFileError, SpecError
from .diagnosis import changes, mistaken_answers, three_apart
from .grading import Expected
from .questions import Answer
from .roster import Response, is_letter
from .sheets import Problem

MIN_CHOICES = 2
MAX_CHOICES = 6
LETTERS = "ABCDEF"
# Where too few misconceptions give a value of their own, filled options are tried: the sign
# flipped, twice and half the answer, then up to this many steps either side of it.
_FILL_STEPS = 24


@dataclass(frozen=True)
class Option:
    """One option of a question: its letter, the value as shown, and where it comes from (the
    misconceptions that give it; none for the right answer and for a filled option)."""

    letter: str
    text: str
    right: bool
    names: tuple[str, ...] = ()


def check_choices(n: int | None) -> int:
    """The number of options a question offers; 0 (none asked for) for open answers."""
    if n is None or n == 0:
        return 0
    if isinstance(n, bool) or not isinstance(n, int) or not MIN_CHOICES <= n <= MAX_CHOICES:
        raise SpecError(f"choices {n!r} is out of range; allowed: {MIN_CHOICES} to {MAX_CHOICES} "
                        f"(options A to {LETTERS[MAX_CHOICES - 1]}), or leave --choices out for open answers")
    return n


def options(problem: Problem, n: int, found_answers=None) -> list[list[Option]]:
    """Per question of the problem, its n options in a seeded order: the right answer, the
    values of the misconceptions that change it (in catalogue order, each at least three
    tolerances from the right answer and from every option before it; misconceptions shown alike
    share one), then filled values where those are too few."""
    found_answers = mistaken_answers(problem) if found_answers is None else found_answers
    out = []
    for label, right, pairs in zip(problem.labels, problem.answers, found_answers):
        kept: list[tuple[str, Decimal, Decimal, tuple[str, ...]]] = [
            (right.text, parse_shown(right.text), right.tolerance, ())]
        for text, tolerance, names in _groups(right, pairs):
            if len(kept) == n:
                break
            v = parse_shown(text)
            if all(three_apart(v, tolerance, w, tw) for _, w, tw, _ in kept):
                kept.append((text, v, tolerance, names))
        for text in _fills(right):
            if len(kept) == n:
                break
            v = parse_shown(text)
            if all(three_apart(v, right.tolerance, w, tw) for _, w, tw, _ in kept):
                kept.append((text, v, right.tolerance, ()))
        order = _shuffled(len(kept), Stream("choices", problem.trace.spec.seed, label))
        out.append([Option(LETTERS[place], kept[k][0], k == 0, kept[k][3]) for place, k in enumerate(order)])
    return out


def _groups(right: Answer, pairs: list[tuple[str, Answer]]) -> list[tuple[str, Decimal, tuple[str, ...]]]:
    """The values of the misconceptions that change the answer, one per shown value, with the
    widest tolerance and every name that gives it, in catalogue order."""
    groups: dict[str, tuple[Decimal, tuple[str, ...]]] = {}
    for name, a in pairs:
        if changes(right, a) and a.text != right.text:
            tolerance, names = groups.get(a.text, (a.tolerance, ()))
            groups[a.text] = (max(tolerance, a.tolerance), (*names, name))
    return [(text, tolerance, names) for text, (tolerance, names) in groups.items()]


def _fills(right: Answer) -> list[str]:
    """Values to fill with, at the answer's digits: -x, 2x, x/2, then x + d, x - d, x + 2d, ...
    with d a quarter of |x| or four tolerances, whichever is larger."""
    x = parse_shown(right.text)
    unit = Decimal(1).scaleb(x.as_tuple().exponent)
    step = max(abs(x) / 4, 4 * right.tolerance, unit).quantize(unit)
    values = [-x, 2 * x, x / 2, *(x + sign * k * step for k in range(1, _FILL_STEPS) for sign in (1, -1))]
    return [_plain(v.quantize(unit)) for v in values]


def _plain(x: Decimal) -> str:
    return format(abs(x) if x == 0 else x, "f")


def _shuffled(n: int, stream: Stream) -> list[int]:
    """0..n-1 in the order of a Fisher-Yates shuffle drawn from `stream`."""
    order = list(range(n))
    for k in range(n - 1, 0, -1):
        m = stream.below(k + 1)
        order[k], order[m] = order[m], order[k]
    return order


# ---------------------------------------------------------------- sheets and keys


def add_choices(ctx: dict[str, Any], problems: list[Problem], n: int) -> dict[str, Any]:
    """The sheet's context with each question's options (`choices`: letter and value) and the
    key's letter (`answer.letter`)."""
    records = []
    for record, p in zip(ctx["problems"], problems):
        questions = []
        for q, opts in zip(record["questions"], options(p, n)):
            letter = next(o.letter for o in opts if o.right)
            questions.append({**q, "choices": [{"letter": o.letter, "value": o.text} for o in opts],
                              "answer": {**q["answer"], "letter": letter}})
        records.append({**record, "questions": questions})
    return {**ctx, "problems": records, "choices": n}


def options_cell(question: dict[str, Any]) -> str:
    """answers.csv's record of a question's options: "A 0.14236; B -0.04246; ..."."""
    return "; ".join(f"{c['letter']} {c['value']}" for c in question["choices"])


def read_options_cell(text: str, where: str) -> dict[str, Decimal]:
    """The options of answers.csv's cell, letter -> value."""
    out = {}
    for part in (p.strip() for p in text.split(";") if p.strip()):
        letter, _, value = part.partition(" ")
        try:
            out[letter.upper()] = Decimal(value.strip())
        except ArithmeticError:
            raise InputFileError(f"{where}: option {part!r} is not a letter and a number") from None
    return out


def resolve_letters(expected: list[Expected], responses: list[Response], responses_path: Path) -> list[Response]:
    """The responses with every letter answer read as the value of that option (the same marks
    as typing the value): a letter on an open question, or beyond a question's options, is an
    error naming the line."""
    by_key = {(e.id.lower(), e.question.lower()): e for e in expected}
    out = []
    for r in responses:
        if not is_letter(r.text):
            out.append(r)
            continue
        where = f"responses {responses_path} line {r.line}"
        e = by_key.get((r.id.lower(), r.question.lower()))
        if e is None:  # the marking names the unknown student or question
            out.append(r)
            continue
        if not e.options:
            raise InputFileError(f"{where}: question {e.question} is not multiple choice; give a number, not "
                                 f"{r.text.strip()!r}")
        letters = read_options_cell(e.options, f"answers, student {e.id}, question {e.question}")
        letter = r.text.strip().upper()
        if letter not in letters:
            raise InputFileError(f"{where}: question {e.question} has no option {letter}; "
                                 f"allowed: {', '.join(letters)}")
        out.append(replace(r, value=letters[letter]))
    return out
