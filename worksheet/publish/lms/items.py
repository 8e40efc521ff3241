"""The questions of every variant as an LMS asks them: plain records built from the key's data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...documents.notation import neuron, weight_plain
from ...documents.numbers import parse_shown, places_of
from ...documents.render import render_part
from . import html


@dataclass(frozen=True)
class Part:
    """One asked quantity of one variant: the key's value, its tolerance, and the interval of
    every value a hand computation can reach (the key computes it)."""

    label: str  # 1a
    name: str  # the quantity in plain text: dE/dw5
    prompt: str  # HTML
    work: str  # HTML: the key's worked lines
    key: Decimal
    tolerance: Decimal
    lo: Decimal
    hi: Decimal
    places: int  # decimal places of the key
    points: Decimal
    options: tuple[tuple[str, str], ...] = ()  # (letter, value as shown) of a multiple-choice question
    choice: str = ""  # the right option's letter


@dataclass(frozen=True)
class Problem:
    number: int
    title: str  # Problem 1: hidden layer
    data: str  # HTML: what the sheet gives
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Variant:
    ident: str  # the student's id, or seed-N on a practice sheet
    code: str  # the variant code (answers.csv's variant column), or seed N
    problems: tuple[Problem, ...]


def item_id(label: str, ident: str) -> str:
    """An identifier of one variant's question for QTI and Canvas: an XML name (ids are letters,
    digits, '.', '_' and '-')."""
    return f"q{label}-{ident}"


def plain(x: Decimal) -> str:
    """A number as every LMS reads it: a plain decimal with all its digits, no exponent."""
    if x == 0:
        return "0"
    return format(x, "f")


def quantity_name(spec, kind: str, l: int, j: int, i: int) -> str:
    """A quantity in plain text, for question names and scaled-unit prompts."""
    if kind == "E_k":
        return f"E_{j + 1}"
    if kind == "E":
        return "E_total"
    n = neuron(spec, l, j + 1).plain
    if kind == "z":
        return f"net_{n}"
    if kind == "a":
        return f"out_{n}"
    if kind in ("dE_do", "error"):
        return f"dE/dout_{n}"
    if kind == "delta":
        return f"delta_{n}"
    if kind == "grad_W":
        return f"dE/d{weight_plain(spec, l, j + 1, i + 1)}"
    if kind == "W_new":
        return f"{weight_plain(spec, l, j + 1, i + 1)}_new"
    if kind == "grad_b":
        return f"dE/db_{n}"
    if kind == "b_new":
        return f"b_{n}_new"
    raise ValueError(kind)


def problem_data(record: dict[str, Any]) -> str:
    """What a problem gives, in the words of the sheet, the key and the practice page
    (templates/_problem_data.j2), as an LMS's question text shows it (dialects/lms.j2)."""
    return render_part("_problem_data.j2", {"p": record, "dialect": "dialects/lms.j2"})


def variant(ctx: dict[str, Any], problems, ident: str, code: str) -> Variant:
    """The LMS records of one sheet context (sheets.sheet_context) and its drawn problems: the
    prompts, worked lines, values and tolerances the key shows, nothing computed again."""
    records = []
    for record, p in zip(ctx["problems"], problems):
        spec = p.trace.spec
        parts = []
        for q, a, points in zip(record["questions"], p.answers, p.points):
            k = a.quantity
            parts.append(Part(
                label=q["label"], name=quantity_name(spec, k.kind, k.l, k.j, k.i),
                prompt=html.inline(q["prompt"]), work=html.display_lines(q["answer"]["work"]),
                key=parse_shown(a.text), tolerance=a.tolerance, lo=a.interval.lo, hi=a.interval.hi,
                places=places_of(a.text), points=points,
                options=tuple((c["letter"], c["value"]) for c in q.get("choices", ())),
                choice=q["answer"].get("letter", ""),
            ))
        records.append(Problem(record["number"], f"Problem {record['number']}: {record['level_title']}",
                               problem_data(record), tuple(parts)))
    return Variant(ident, code, tuple(records))
