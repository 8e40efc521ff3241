"""The one number formatter: display digits (the rounding rule itself is in test_rounding.py), given
values as written, negatives parenthesized in formulas."""

from __future__ import annotations

from decimal import Decimal

import pytest

from worksheet.documents.numbers import e_form, fmt, fmt_given, operand, parse_shown, signed, tex_form


@pytest.mark.parametrize(
    "x, precision, shown",
    [
        (0.123455, 5, "0.12346"),  # half away from zero on the decimal value 0.123455
        (-0.123455, 5, "-0.12346"),
        (0.123454999, 5, "0.12345"),
        (2.675, 2, "2.68"),  # the double is 2.67499999...; its decimal value 2.675 rounds up
        (1.005, 2, "1.01"),
        (-1.005, 2, "-1.01"),
        (0.5, 5, "0.50000"),
        (0.60647773220672, 5, "0.60648"),
        (0.00018799, 5, "0.000188"),  # tiny values keep 3 significant digits
        (0.000188255, 5, "0.000188"),
        (-0.0000941277, 5, "-0.0000941"),
        (0.0009996, 5, "0.00100"),  # rounding carries into a new leading digit: still 3 significant
        (0.00099949, 5, "0.000999"),
        (0.0012345, 5, "0.00123"),
        (0.012345, 5, "0.01235"),  # 4 significant digits already within the 5 places
        (1e-12, 5, r"1.00 \times 10^{-12}"),  # far below the precision: scientific form
        (0, 5, "0.00000"),
        (0.0, 3, "0.000"),
        (-0.0, 5, "0.00000"),  # never "-0.00000"
        (123.456789, 3, "123.457"),
        (-7, 2, "-7.00"),
        (0.3, 10, "0.3000000000"),
        (0.47, 2, "0.47"),  # 0.1 and above is not tiny: precision decides
        (0.047, 2, "0.0470"),  # below 0.1, at least 3 significant digits
        (4.7, 2, "4.70"),
        (1e23, 5, "100000000000000000000000.00000"),  # more digits than Decimal's default context holds
        (-1.5e30, 2, "-1500000000000000000000000000000.00"),
        (Decimal("0.1234549"), 5, "0.12345"),
        (Decimal("-0.000123456"), 5, "-0.000123"),
    ],
)
def test_fmt(x, precision, shown):
    assert fmt(x, precision) == shown


@pytest.mark.parametrize(
    "x, min_decimals, shown",
    [
        (0.5, 2, "0.50"),
        (0.15, 2, "0.15"),
        (-0.05, 2, "-0.05"),
        (0.125, 2, "0.125"),  # a given value is shown exactly, never rounded
        (1, 2, "1.00"),
        (100.0, 2, "100.00"),
        (-0.0, 2, "0.00"),
        (3.0, 0, "3"),
        (0.25, 0, "0.25"),
        (1e-7, 2, "0.0000001"),
        (Decimal("0.10"), 2, "0.10"),
        (0.99, 3, "0.990"),
    ],
)
def test_fmt_given(x, min_decimals, shown):
    assert fmt_given(x, min_decimals) == shown


@pytest.mark.parametrize(
    "text, substituted",
    [("-0.04246", "(-0.04246)"), ("0.5", "0.5"), ("0.00000", "0.00000"), ("-1", "(-1)"), ("12.5", "12.5")],
)
def test_operand_parenthesizes_negatives(text, substituted):
    assert operand(text) == substituted


def test_operand_of_a_formatted_negative_zero_has_no_parentheses():
    assert operand(fmt(-0.0, 5)) == "0.00000"
    assert operand(fmt(-1e-15, 5)) == r"(-1.00 \times 10^{-15})"  # tiny, not zero: 3 significant digits


@pytest.mark.parametrize("text, shown", [("0.5", "+0.5"), ("-0.5", "-0.5"), ("0.00000", "+0.00000")])
def test_signed(text, shown):
    assert signed(text) == shown


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_values_cannot_be_formatted(bad):
    with pytest.raises(ValueError, match="cannot format"):
        fmt(bad, 5)


@pytest.mark.parametrize(
    "x, text",
    [(1.2345e-12, r"1.23 \times 10^{-12}"), (-3e-80, r"-3.00 \times 10^{-80}"), (2.5e-10, "0.000000000250")],
)
def test_far_below_the_precision_scientific_form(x, text):
    from worksheet.documents.numbers import parse_shown

    assert fmt(x, 5) == text
    assert float(parse_shown(text)) == pytest.approx(x, rel=5e-3)


@pytest.mark.parametrize("shown, e", [
    ("0.14236", "0.14236"), ("-0.04246", "-0.04246"), ("1.23 \\times 10^{-12}", "1.23e-12"),
    ("-4.50 \\times 10^{-11}", "-4.50e-11"),
])
def test_a_displayed_number_in_e_form_and_back(shown, e):
    assert e_form(shown) == e
    assert tex_form(e) == shown
    assert Decimal(e) == parse_shown(shown)
