"""The interval backend: every operation holds every value its operands can give, the
exponential and tanh taken from doubles with a bound on their error hold the exact values, and
a written value is the hull of kept and rounded."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worksheet.engine.intervals import Iv, Unbounded, _exp_bounds, _tanh_bounds, _written, hull
from worksheet.engine.rounding import kept_or_rounded, round_decimal

# Arguments as the pass meets them: net inputs and their negatives, with 40 digits, up to the
# clamp; and the points where doubles give out.
arguments = st.decimals(min_value=Decimal(-750), max_value=Decimal(750), allow_nan=False, allow_infinity=False,
                        places=30)


def _exact_exp(x: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return x.exp()


def _exact_tanh(x: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        if abs(x) < Decimal("1e-10"):  # e^{2x} - 1 would cancel every digit
            return x - x**3 / 3
        if abs(x) > 100:
            return Decimal(1 if x > 0 else -1) - (-2 * abs(x)).exp() * (1 if x > 0 else -1)
        e = (2 * x).exp()
        return (e - 1) / (e + 1)


@given(arguments)
def test_the_exponential_of_a_point_is_bracketed_closely(x):
    with localcontext() as ctx:
        ctx.prec = 40
        lo, hi = _exp_bounds(x, x)
    exact = _exact_exp(x)
    assert lo <= exact <= hi
    if abs(x) <= 700:
        assert hi - lo <= exact * Decimal("1e-12")  # far inside the slack every interval gets


@given(arguments, arguments)
def test_the_exponential_of_an_interval_holds_both_ends(a, b):
    lo, hi = min(a, b), max(a, b)
    with localcontext() as ctx:
        ctx.prec = 40
        low, high = _exp_bounds(lo, hi)
    assert low <= _exact_exp(lo) and _exact_exp(hi) <= high


@given(st.decimals(min_value=Decimal(-60), max_value=Decimal(60), allow_nan=False, allow_infinity=False,
                   places=30))
def test_tanh_is_bracketed(x):
    lo, hi = _tanh_bounds(x, x)
    exact = _exact_tanh(x)
    assert lo <= exact <= hi


@pytest.mark.parametrize("x", ["0", "1e-300", "-1e-300", "20", "-20", "1e6"])
def test_tanh_at_the_edges_of_doubles(x):
    x = Decimal(x)
    lo, hi = _tanh_bounds(x, x)
    exact = _exact_tanh(x) if abs(x) < 1000 else Decimal(1)
    assert lo <= exact <= hi
    assert -1 - Decimal("1e-14") <= lo and hi <= 1 + Decimal("1e-14")


points = st.decimals(min_value=Decimal(-10), max_value=Decimal(10), allow_nan=False, allow_infinity=False, places=6)


@given(points, points, points, points)
def test_products_hold_every_corner(a, b, c, d):
    x, y = Iv(min(a, b), max(a, b)), Iv(min(c, d), max(c, d))
    product = x * y
    for p in (x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi):
        assert product.lo <= p <= product.hi
    assert product.lo in {x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi}


@given(points, points, points, points)
def test_sums_differences_and_hulls(a, b, c, d):
    x, y = Iv(min(a, b), max(a, b)), Iv(min(c, d), max(c, d))
    assert (x + y) == Iv(x.lo + y.lo, x.hi + y.hi)
    assert (x - y) == Iv(x.lo - y.hi, x.hi - y.lo)
    h = hull(x, y)
    assert h.lo <= min(x.lo, y.lo) and h.hi >= max(x.hi, y.hi)


def test_a_quotient_by_an_interval_around_zero_is_unbounded():
    with pytest.raises(Unbounded):
        Iv(Decimal(1), Decimal(2)) / Iv(Decimal(-1), Decimal(1))


@given(points, points, st.integers(2, 8))
def test_a_written_value_is_kept_or_rounded(a, b, precision):
    r = _written(kept_or_rounded(precision), None)
    iv = Iv(min(a, b), max(a, b))
    out = r(iv)
    assert out.lo == min(iv.lo, round_decimal(iv.lo, precision))
    assert out.hi == max(iv.hi, round_decimal(iv.hi, precision))
    if out.lo == iv.lo and out.hi == iv.hi:
        assert out is iv  # nothing moved: the same interval, no copy


def test_a_written_value_rounded_one_digit_finer_is_inside():
    """0.3015347 kept to 6 decimals is 0.301535, which rounds to 0.30154 at 5: the interval of the
    written value reaches it; a point written as it is stays that point."""
    half = Decimal("0.000005")
    r = _written(kept_or_rounded(5), lambda x: half)
    x = Decimal("0.3015347")
    out = r(Iv(x, x))
    assert out.lo == x - half and out.hi == x + half  # both roundings of x, to 5 and 6 digits, inside
    assert round_decimal(out.hi, 5) == Decimal("0.30154")
    exact = Decimal("0.25")
    point = Iv(exact, exact)
    assert r(point) is point


def test_a_piecewise_derivative_whose_net_input_may_have_either_sign_is_widened():
    """Where a leaky-ReLU neuron's net input may have either sign, its derivative's bounds are the
    slope and the integer 1 (ReLU: the integers 0 and 1); each is widened by half a unit of the
    digit after those displayed, as any written value is."""
    from worksheet.api import load_spec, solve
    from worksheet.engine.intervals import Intervals
    from worksheet.options import Network

    spec, given = load_spec(Network(seed=6, layers="2-3-2", precision=2, activation="leaky_relu,tanh", loss="mse"))
    ops = Intervals(solve(spec, given))
    leaky = ops.r(Iv(Decimal("0.01"), 1))
    assert leaky.lo < Decimal("0.01") and leaky.hi == Decimal("1.0005")
    relu = ops.r(Iv(0, 1))
    assert relu.lo == Decimal("-0.0005") and relu.hi == Decimal("1.0005")


def test_a_practice_sheet_whose_leaky_relu_net_input_rounds_to_zero_is_made():
    """The sheet that stopped with a traceback: a hidden net input of 2-decimal practice rounds
    to 0.00, so its derivative may be 1 or the slope."""
    from worksheet.api import practice
    from worksheet.options import Network, Sheet

    network = Network(seed=6, layers="2-3-2", precision=2, bias=True, activation="leaky_relu,tanh", loss="mse")
    docs = practice(network, Sheet(level="output"), formats=("md",))
    assert "key.md" in docs.files and "practice.md" in docs.files
