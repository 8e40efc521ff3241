"""Simulated cohorts at every level, graded by `grade`'s own rule: students who round as the sheet
says, keep full precision, or round one digit finer get every mark; students with a mistake get
no mark on an answer their mistake moves by more than its tolerance."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from worksheet import Network, Sheet, api
from worksheet.assessment.grading import Expected, grade
from worksheet.assessment.questions import LEVELS, quantity_name, value_of
from worksheet.assessment.roster import Response
from worksheet.assessment.sheets import build_problems
from worksheet.documents.numbers import fmt
from worksheet.engine.calculator import calculate
from worksheet.engine.misconceptions import MISCONCEPTIONS
from worksheet.engine.sampling import derive_seed

# The groups of the simulated cohorts: how each student computes.
CORRECT_GROUPS = {
    "(a) rounds every intermediate": lambda spec: replace(spec, rounding="carried"),
    "(b) full precision, rounds the answers": lambda spec: replace(spec, rounding="exact"),
    "(c) rounds intermediates one digit finer": lambda spec: replace(spec, rounding="carried",
                                                                   precision=spec.precision + 1),
}
MISTAKE_GROUPS = {
    "(d) stale weights": ("stale_weights",),
    "(e) forgets sigma'": ("no_output_derivative", "no_hidden_derivative"),
    "(f) flips a sign": ("sign_flipped",),
    "(g) forgets the 1/2": ("half_forgotten",),
    "(h) net input for activation": ("net_for_activation",),
}
NETWORKS = {
    "2-2-2 sigmoid": Network(layers="2-2-2"),
    "3-3-2 tanh, sigmoid, biases": Network(layers="3-3-2", activation="tanh,sigmoid", bias=True),
}


class Tally:
    """Per group: questions asked, marks expected, marks given; per mistake: answers it moved,
    and those of them that fell within the tolerance anyway."""

    def __init__(self):
        self.rows: dict[str, list[int]] = {}
        self.moved: dict[str, list[int]] = {}

    def add(self, group: str, questions: int, expected: int, given: int) -> None:
        row = self.rows.setdefault(group, [0, 0, 0])
        row[0] += questions
        row[1] += expected
        row[2] += given

    def table(self) -> str:
        lines = ["| group | questions | marks expected | marks given |", "|---|---|---|---|"]
        lines += [f"| {g} | {q} | {e} | {m} |" for g, (q, e, m) in self.rows.items()]
        lines += ["", "| mistake | answers moved | within tolerance anyway |", "|---|---|---|"]
        lines += [f"| {g} | {n} | {w} ({100 * w / max(n, 1):.2f}%) |" for g, (n, w) in self.moved.items()]
        return "\n".join(lines)


def _responses(sid: str, labels, answers) -> list[Response]:
    return [Response(sid, label, Decimal(text), text, n) for n, (label, text) in enumerate(zip(labels, answers), 1)]


def simulate(network: Network, level: str, variants: int, tally: Tally) -> None:
    sheet = api.load_sheet(network, Sheet(level=level, problems=1), None, "Cohorts")
    for n in range(variants):
        (p,) = build_problems(sheet, derive_seed(12, f"cohort {level}", n))
        spec, values = p.trace.spec, p.trace.values
        expected = [Expected("s", "", "", label, Decimal(a.text), a.tolerance, Decimal(1),
                             quantity_name(spec, a.quantity)) for label, a in zip(p.labels, p.answers)]
        students: dict[str, object] = {g: calculate(how(spec), values) for g, how in CORRECT_GROUPS.items()}
        for group, names in MISTAKE_GROUPS.items():
            for name in names:
                m = MISCONCEPTIONS[name]
                if m.unfit(spec) is None:
                    students[f"{group}: {name}"] = m.trace(spec, values)
        for who, trace in students.items():
            answers = [fmt(value_of(trace, a.quantity), spec.precision) for a in p.answers]
            graded = grade(expected, _responses("s", p.labels, answers), "responses.csv")
            (_, points, _), = graded.students
            group = who.split(":")[0]
            if who in CORRECT_GROUPS:
                tally.add(group, len(p.answers), len(p.answers), sum(int(points[q]) for q in points))
                continue
            # An answer the mistake moves, as written, by more than its tolerance earns nothing; one
            # it moves less (or not at all) is right. Answers moved at all, and those still marked right.
            expect = 0
            moved = tally.moved.setdefault(group, [0, 0])
            for a, label, written in zip(p.answers, p.labels, answers):
                expect += abs(Decimal(written) - Decimal(a.text)) <= a.tolerance
                shift = abs(Decimal(repr(value_of(trace, a.quantity))) - Decimal(repr(a.value)))
                if shift > Decimal("1e-12") * max(1, abs(Decimal(repr(a.value)))):
                    moved[0] += 1
                    moved[1] += points[label] > 0
            tally.add(group, len(p.answers), expect, sum(int(points[q]) for q in points))


def _check(tally: Tally) -> None:
    for group, (questions, expected, given) in tally.rows.items():
        assert given == expected, (group, tally.table())
        if group in CORRECT_GROUPS:
            assert given == questions, (group, tally.table())


@pytest.mark.parametrize("level", LEVELS)
def test_a_few_variants_give_every_mark_to_correct_students(level):
    tally = Tally()
    simulate(NETWORKS["2-2-2 sigmoid"], level, 25, tally)
    _check(tally)


@pytest.mark.slow
@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("level", LEVELS)
def test_simulated_cohorts_over_500_variants(network, level, capsys):
    tally = Tally()
    simulate(NETWORKS[network], level, 500, tally)
    with capsys.disabled():
        print(f"\n{network}, level {level}, 500 variants\n{tally.table()}")
    _check(tally)
