"""Worked lines as expressions: the arithmetic a line claims comes from its sides of numbers, and
holds when the exact value rounds to the printed result; evaluation agrees with the checker's
independent parser of printed arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from worksheet.check.arith import NotArithmetic, evaluate
from worksheet.documents.expressions import E_TOTAL, Num, Sym, claims, has_symbol, holds, num, value
from worksheet.documents.mathtext import tex

W5 = Sym("weight", "5")


def test_a_printed_number_keeps_its_digits_and_loses_its_notation():
    assert num("0.14236") == Num("0.14236")
    assert num("-0.04246") == Num("-0.04246")
    assert num("1.23 \\times 10^{-12}") == Num("1.23e-12")
    assert value(num("1.23 \\times 10^{-12}")) == Decimal("1.23e-12")


def test_symbols_make_a_side_symbolic():
    assert has_symbol(("mul", Sym("eta"), ("partial", E_TOTAL, W5)))
    assert has_symbol(("frac", ("exp", ("sub", Sym("net", "o1"), Num("60.0"))), 1))
    assert not has_symbol(("sub", Num("0.56"), ("times", Num("0.5"), Num("0.00114"))))
    assert not has_symbol(1)


def test_an_update_line_claims_its_step_then_its_difference():
    w, product, step, new = Num("0.56"), ("times", Num("0.5"), Num("0.00114")), Num("0.000572"), Num("0.559428")
    sides = [("sub", w, product), ("sub", w, step), new]
    assert claims(sides) == [(product, step), (("sub", w, step), new)]
    # The line: 0.5 x 0.00114 is 0.00057, not 0.000572.
    assert not holds(product, step)
    assert holds(product, Num("0.00057"))


def test_an_error_line_claims_each_path_and_their_sum():
    paths = [("times", Num("0.09824"), Num("-0.10")), ("times", Num("0.04788"), Num("-0.41"))]
    printed = [Num("-0.00982"), Num("-0.01963")]
    sides = [("add", *paths), ("add", *printed), Num("-0.02946")]
    assert claims(sides) == [(paths[0], printed[0]), (paths[1], printed[1]), (("add", *printed), Num("-0.02946"))]
    assert all(holds(e, r) for e, r in claims(sides)[:2])
    assert not holds(("add", *printed), Num("-0.02946"))  # -0.02945: the footnoted line of the key


def test_a_side_that_does_not_follow_from_the_one_before_is_an_error():
    with pytest.raises(ValueError):
        claims([("add", Num("1"), Num("2")), ("times", Num("1"), Num("2"))])
    assert claims([Num("0.5"), Num("0.5")]) == []


@pytest.mark.parametrize("expression, result, expected", [
    (("sigma", Num("0.09200")), "0.52298", True),
    (("frac", 1, ("add", 1, Num("0.91211"))), "0.52298", True),
    (("exp", Num("-0.09200")), "0.91211", True),
    (("tanh", Num("-0.5")), "-0.46212", True),
    (("max", ("times", Num("0.01"), Num("-0.3")), Num("-0.3")), "-0.00300", True),
    (("neg", ("times", Num("1.00"), ("ln", Num("0.54778")))), "0.60188", True),
    (("neg", ("times", Num("1.00"), ("ln", Num("0.54778")))), "0.60189", False),  # computed from 0.5477796...
    (("mul", ("frac", 1, 2), ("pow", ("sub", Num("0.76"), Num("-0.42580")), 2)), "0.70306", True),
    (("times", Num("2.1e-9"), Num("3")), "6.30e-9", True),
    (("times", Num("2.1e-9"), Num("3")), "6.31e-9", False),
    # Beyond any worked value (saturated): nothing to check.
    (("exp", Num("100")), "1.00000", True),
    # No number at all (a sheet redraws such a problem): the printed result cannot follow.
    (("ln", Num("0")), "1.00000", False),
    (("frac", 1, Num("0")), "1.00000", False),
])
def test_a_claim_holds_when_the_exact_value_rounds_to_the_printed_result(expression, result, expected):
    assert holds(expression, Num(result)) is expected


@pytest.mark.parametrize("expression", [
    ("sub", Num("-0.63"), ("times", Num("0.5"), Num("-0.00412"))),
    ("add", ("times", Num("-0.10"), Num("0.52298")), ("times", Num("0.53"), Num("0.73435")), Num("-0.07")),
    ("frac", 1, ("add", 1, ("exp", Num("-1.01680")))),
    ("dot", ("frac", 1, 2), ("frac", ("sub", Num("0.3"), Num("0.01")), ("times", Num("0.3"), ("sub", 1, Num("0.3"))))),
    ("neg", ("frac", Num("0.5"), Num("0.3"))),
    ("neg", ("times", Num("1.00"), ("ln", Num("0.54778")))),
    ("neg", ("mul", ("frac", 1, 3), ("bracket", ("add", ("mul", Num("0.01"), ("ln", Num("0.49"))),
                                                       ("mul", Num("0.99"), ("ln", ("sub", 1, Num("0.49")))))))),
    ("mul", ("frac", 2, 2), ("sub", Num("-0.02430"), Num("0.97"))),
    ("sub", 1, ("pow", Num("-0.46212"), 2)),
    ("tanh", Num("0.3")),
    ("times", Num("1.23e-12"), Num("-2")),
])
def test_evaluation_agrees_with_the_checker_reading_the_tex(expression):
    assert _close(value(expression), evaluate(tex(expression)).lo)


def _close(a: Decimal, b: Decimal) -> bool:
    # Both work to 40 digits; the checker divides by multiplying with the reciprocal, one rounding more.
    return abs(a - b) <= abs(b) * Decimal("1e-36")


def test_the_checker_reads_every_operation_a_key_evaluates():
    from worksheet.documents.expressions import _EVALUATE

    x = Num("0.3")
    samples = {
        "add": ("add", x, x), "sub": ("sub", x, x), "neg": ("neg", x), "times": ("times", x, x),
        "dot": ("dot", x, x), "mul": ("mul", ("frac", 1, 2), ("sub", 1, x)), "frac": ("frac", x, x),
        "pow": ("pow", x, 2), "exp": ("exp", x), "bracket": ("bracket", x), "sigma": ("sigma", x),
        "tanh": ("tanh", x), "ln": ("ln", x),
    }
    assert set(samples) == set(_EVALUATE) - {"max"}  # no max() in the checker; a clamp's line always recomputes
    for op, inner in samples.items():
        expression = ("add", Num("0.1"), inner)  # a lone number or group is nothing to check
        try:
            assert _close(value(expression), evaluate(tex(expression)).lo), op
        except NotArithmetic:
            pytest.fail(f"the checker cannot read {tex(expression)}")
