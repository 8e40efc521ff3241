"""The rounding rule: half away from zero on the decimal value, tiny values to 3 significant
digits; the per-precision rounders and the interval hull agree with it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worksheet.engine.rounding import (
    decimals_for,
    kept_or_rounded,
    round_decimal,
    round_decimal_places,
    round_value,
    rounder,
)


@pytest.mark.parametrize(
    "x, precision, expected",
    [
        (0.123455, 5, Decimal("0.12346")),
        (-0.123455, 5, Decimal("-0.12346")),
        (0.00018799, 5, Decimal("0.000188")),
        (0.0009996, 5, Decimal("0.00100")),
        (2.5, 2, Decimal("2.50")),
        (0.5, 2, Decimal("0.50")),  # 0.1 and above is not tiny: the precision decides
        (-2.345, 2, Decimal("-2.35")),
    ],
)
def test_round_decimal(x, precision, expected):
    rounded = round_decimal(x, precision)
    assert rounded == expected
    assert rounded.as_tuple().exponent == expected.as_tuple().exponent  # the digits shown
    assert round_value(x, precision) == float(expected)


@pytest.mark.parametrize(
    "x, precision, places",
    [(0.5, 5, 5), (0.000188, 5, 6), (0.0000941, 5, 7), (123.4, 3, 3), (0, 4, 4), (0.001, 5, 5), (0.00099, 5, 6)],
)
def test_decimals_for(x, precision, places):
    assert decimals_for(x, precision) == places


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(2, 10))
def test_rounding_is_within_half_a_unit_of_the_last_shown_digit(x, precision):
    d = Decimal(repr(x))
    rounded = round_decimal(x, precision)
    unit = Decimal(1).scaleb(rounded.as_tuple().exponent)
    assert abs(rounded - d) <= unit / 2
    if abs(rounded - d) == unit / 2 and d != 0:  # an exact tie goes away from zero
        assert abs(rounded) > abs(d)
    assert round_decimal(rounded, precision) == rounded  # rounding a shown value changes nothing
    digits = len(rounded.as_tuple().digits)
    assert rounded == 0 or -rounded.as_tuple().exponent == precision or digits == 3


decimals = st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), allow_nan=False,
                       allow_infinity=False, places=40)


@given(decimals, st.integers(0, 12))
def test_the_rounder_of_a_precision_is_round_decimal(d, precision):
    assert rounder(precision)(d) == round_decimal(d, precision)
    assert rounder(precision)(d).as_tuple().exponent == round_decimal(d, precision).as_tuple().exponent


@given(decimals, decimals, st.integers(0, 12))
def test_kept_or_rounded_holds_the_interval_and_its_rounded_ends(a, b, precision):
    lo, hi = min(a, b), max(a, b)
    new_lo, new_hi = kept_or_rounded(precision)(lo, hi)
    assert new_lo == min(lo, round_decimal(lo, precision))
    assert new_hi == max(hi, round_decimal(hi, precision))


@pytest.mark.parametrize("precision", [2, 5])
def test_kept_or_rounded_keeps_the_same_ends_when_rounding_moves_neither(precision):
    lo = hi = Decimal("0.25")
    assert kept_or_rounded(precision)(lo, hi) == (lo, hi)
    tiny = Decimal("0.000123")  # 3 significant digits need 6 places: the slow path
    assert kept_or_rounded(precision)(tiny, tiny) == (tiny, tiny)


@given(decimals, st.integers(0, 20))
def test_round_decimal_places_is_a_quantize_half_away_from_zero(d, places):
    rounded = round_decimal_places(d, places)
    unit = Decimal(1).scaleb(-places)
    assert rounded.as_tuple().exponent == -places
    assert abs(rounded - d) <= unit / 2
