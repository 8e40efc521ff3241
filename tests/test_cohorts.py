"""Simulated cohorts: one group of students per misconception and correct students, graded over
many variants: diagnosis and error carried forward, against expectations computed here."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from worksheet import Network, Sheet, api
from worksheet.assessment.carry_forward import carried
from worksheet.assessment.diagnosis import diagnose, suspects
from worksheet.assessment.questions import shown
from worksheet.assessment.sheets import build_problems
from worksheet.engine.calculator import calculate
from worksheet.engine.misconceptions import applicable
from worksheet.engine.sampling import derive_seed

VARIANTS = 500
OPTIONS = {"layers": "2-2-2", "activation": "sigmoid", "loss": "half_sse"}


def _sigma_prime(a):
    return a * (1 - a)


def follows(q, trace, asked: dict, mine: dict) -> float:
    """The value of quantity q written from the student's own earlier answers (mine: quantity ->
    value, for the asked ones) and the given numbers, by the hand formulas of a 2-2-2 sigmoid
    network with the half sum of squared errors (no biases), in NumPy: independent of the pass."""
    s = trace.first
    x = np.array(trace.values.input)
    t = np.array(trace.values.target)
    W1, W2 = (np.array(W) for W in trace.values.weights)
    lr = trace.spec.lr
    h = 1 / (1 + np.exp(-(W1 @ x)))
    o = 1 / (1 + np.exp(-(W2 @ h)))

    def own(kind, l, j, i=0, default=None):
        return mine.get((kind, l, j, i), default)

    h = np.array([own("a", 1, j, default=h[j]) for j in range(2)])
    o = np.array([own("a", 2, k, default=o[k]) for k in range(2)])
    d2 = np.array([own("delta", 2, k, default=(o[k] - t[k]) * _sigma_prime(o[k])) for k in range(2)])
    kind, l, j, i = q
    if kind == "a":
        return (h if l == 1 else o)[j]
    if kind == "E":
        return float(np.sum(0.5 * (t - o) ** 2))
    if kind == "delta" and l == 2:
        return (o[j] - t[j]) * _sigma_prime(o[j])
    if kind == "delta":
        return float(d2 @ W2[:, j]) * _sigma_prime(h[j])
    if kind == "grad_W":
        delta = own("delta", l, j, default=d2[j] if l == 2 else None)
        if delta is None:
            delta = follows(("delta", l, j, 0), trace, asked, mine)
        return delta * (h[i] if l == 2 else x[i])
    if kind == "W_new":
        grad = own("grad_W", l, j, i)
        return (W1, W2)[l - 1][j][i] - lr * grad
    raise ValueError(kind)


@pytest.mark.slow
def test_simulated_cohorts_are_diagnosed_and_carried_forward():
    sheet = api.load_sheet(Network(**OPTIONS), Sheet(level="full", problems=1), None, "Cohorts")
    changed: dict[str, int] = {}
    diagnosed: dict[str, int] = {}
    expected_marks: dict[str, int] = {}
    given_marks: dict[str, int] = {}
    # Answers the grader credits that do not follow exactly: a mistake whose value lies within
    # the tolerance propagated from the student's own rounded answers.
    extra: dict[str, int] = {}
    # Answers a mistake moves that still fall within the right answer's tolerance (no mark lost).
    masked: dict[str, int] = {}
    for n in range(VARIANTS):
        (p,) = build_problems(sheet, derive_seed(14, "cohort", n))
        candidates = suspects(p)
        keys = [(a.quantity.kind, a.quantity.l, a.quantity.j, a.quantity.i) for a in p.answers]
        # Correct students, rounding every intermediate or only the answers: right, never diagnosed.
        for rounding in ("carried", "exact"):
            from dataclasses import replace

            student = calculate(replace(p.trace.spec, rounding=rounding), p.trace.values)
            for a, c in zip(p.answers, candidates):
                x = Decimal(shown(student, a.quantity))
                assert abs(x - Decimal(a.text)) <= a.tolerance
                assert diagnose(c, x) is None
        for m in applicable(p.trace.spec):
            mistaken = m.trace(p.trace.spec, p.trace.values)
            answers = {label: Decimal(shown(mistaken, a.quantity)) for label, a in zip(p.labels, p.answers)}
            wrong = [abs(answers[label] - Decimal(a.text)) > a.tolerance for label, a in zip(p.labels, p.answers)]
            masked[m.name] = masked.get(m.name, 0) + sum(
                not w and abs(mistaken_value(mistaken, a.quantity) - a.value) > 1e-12 * max(1.0, abs(a.value))
                for w, a in zip(wrong, p.answers))
            for (label, a), c, w in zip(zip(p.labels, p.answers), candidates, wrong):
                if w:
                    changed[m.name] = changed.get(m.name, 0) + 1
                    found = diagnose(c, answers[label])
                    diagnosed[m.name] = diagnosed.get(m.name, 0) + (found is not None and m.name in found.names)
            # Error carried forward: the marks each wrong answer earns from the student's own
            # earlier answers, by the hand formulas above.
            exact = {k: float(shown_value) for k, shown_value in
                     ((k, mistaken_value(mistaken, a.quantity)) for k, a in zip(keys, p.answers))}
            expect = set()
            for idx, (k, a) in enumerate(zip(keys, p.answers)):
                if not wrong[idx] or not any(wrong[:idx]):
                    continue
                mine = {kk: exact[kk] for kk in keys[:idx]}
                value = follows(k, p.trace, {}, mine)
                if abs(value - exact[k]) <= 1e-9 * max(1.0, abs(exact[k])):
                    expect.add(p.labels[idx])
            got = set(carried(p, answers))
            expected_marks[m.name] = expected_marks.get(m.name, 0) + len(expect)
            given_marks[m.name] = given_marks.get(m.name, 0) + len(got & expect)
            extra[m.name] = extra.get(m.name, 0) + len(got - expect)
            assert expect <= got, (n, m.name, got, expect)
    table = {name: (changed[name], diagnosed.get(name, 0), expected_marks.get(name, 0), given_marks.get(name, 0),
                    extra.get(name, 0), masked.get(name, 0)) for name in changed}
    for name, row in sorted(table.items()):
        print(f"{name}: answers changed {row[0]}, diagnosed {row[1]}, carried forward expected {row[2]}, "
              f"given {row[3]}, more {row[4]}; moved within tolerance {row[5]}")
    for name, (ch, dg, _, _, more, _) in table.items():
        assert dg >= 0.95 * ch, (name, table)
        assert more <= 0.02 * ch, (name, table)
    assert len(table) >= 8, table


def mistaken_value(trace, q):
    from worksheet.assessment.questions import value_of

    return value_of(trace, q)


DIAGNOSIS_NETWORKS = [
    {"layers": "2-3-2", "bias": True},
    {"layers": "3-4-2", "activation": "tanh", "loss": "mse", "bias": True},
    {"layers": "2-3-3", "activation": "sigmoid,softmax", "loss": "cross_entropy"},
]


@pytest.mark.slow
@pytest.mark.parametrize("options", DIAGNOSIS_NETWORKS, ids=lambda o: o["layers"])
def test_cohorts_of_a_diagnosis_exam_are_all_named_and_letters_diagnose_alike(options):
    """On an exam made with --diagnosis and --choices 4, every answer a misconception changes is
    outside the right answer's tolerance and names that misconception (by its value, and by its
    option's letter where it is one); correct students are never diagnosed."""
    from worksheet.assessment.choices import options as choice_options
    from worksheet.assessment.diagnosis import mistaken_answers

    sheet = api.load_sheet(Network(**options), Sheet(level="full", problems=1, choices=4, diagnosis=True), None, "C")
    changed = named = lettered = 0
    for n in range(200):
        (p,) = build_problems(sheet, derive_seed(14, "diagnosis", n))
        found = mistaken_answers(p)
        candidates = suspects(p, found)
        opts = choice_options(p, 4, found)
        for label, a, c, pairs, o in zip(p.labels, p.answers, candidates, found, opts):
            right = next(x for x in o if x.right)
            assert diagnose(c, Decimal(right.text)) is None
            by_text = {x.text: x for x in o}
            for name, b in pairs:
                if abs(b.value - a.value) <= 1e-9 * max(1.0, abs(a.value)):
                    continue
                changed += 1
                x = Decimal(b.text)
                assert abs(x - Decimal(a.text)) > a.tolerance, (n, label, name)
                found_here = diagnose(c, x)
                assert found_here is not None and name in found_here.names, (n, label, name)
                named += 1
                if b.text in by_text:  # the student picks this misconception's option
                    assert name in by_text[b.text].names
                    lettered += 1
    assert changed == named and changed > 500 and lettered > 0.5 * changed, (changed, named, lettered)
