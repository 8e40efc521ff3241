"""The one number formatter: rounding rule, display digits, signs and LaTeX operand forms."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# Tiny values keep at least this many significant digits, as the reference document
# prints the hidden gradient 0.000188 rather than 0.00019.
MIN_SIGNIFICANT = 3


def to_decimal(x: float | Decimal | int) -> Decimal:
    """The decimal value of a number: floats by their shortest round-tripping repr."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(x)
    if not math.isfinite(x):
        raise ValueError(f"cannot format {x!r}")
    return Decimal(repr(float(x)))


def decimals_for(x: float | Decimal, precision: int) -> int:
    """Decimal places shown for x: `precision`, or more so that a tiny value keeps 3 significant digits."""
    d = to_decimal(x)
    if d == 0:
        return precision
    leading = d.copy_abs().adjusted()  # exponent of the leading digit
    return max(precision, MIN_SIGNIFICANT - 1 - leading)


def round_decimal(x: float | Decimal, precision: int) -> Decimal:
    """Round half away from zero on the decimal value, to the display digits of x."""
    d = to_decimal(x)
    places = decimals_for(d, precision)
    rounded = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return Decimal(0).quantize(Decimal(1).scaleb(-precision))
    # Rounding can carry into a new leading digit (0.0009996 -> 0.001000): keep 3 significant.
    again = decimals_for(rounded, precision)
    if again < places:
        rounded = d.quantize(Decimal(1).scaleb(-again), rounding=ROUND_HALF_UP)
    return rounded


def round_value(x: float | Decimal, precision: int) -> float:
    """The displayed value of x as a float: what carried rounding uses in the next step."""
    return float(round_decimal(x, precision))


def fmt(x: float | Decimal, precision: int) -> str:
    """A computed value as displayed: fixed decimals, tiny values with 3 significant digits."""
    text = format(round_decimal(x, precision), "f")
    return "0" + text[2:] if text.startswith("-0") and set(text[1:]) <= {"0", "."} else text


def fmt_given(x: float | Decimal, min_decimals: int = 2) -> str:
    """A given value (input, weight, target) as written: its exact decimal, at least 2 decimals."""
    d = to_decimal(x)
    if d == d.to_integral_value() and min_decimals == 0:
        return format(d.quantize(Decimal(1)), "f")
    text = format(d.normalize(), "f")
    whole, _, frac = text.partition(".")
    frac = frac.ljust(min_decimals, "0")
    text = f"{whole}.{frac}" if frac else whole
    return "0" + text[2:] if text.startswith("-0") and set(text[1:]) <= {"0", "."} else text


def signed(text: str) -> str:
    """Prefix a plus sign to a non-negative displayed number."""
    return text if text.startswith("-") else "+" + text


def operand(text: str) -> str:
    """A displayed number substituted into a formula: negatives in parentheses, 0.5 \\times (-0.04246)."""
    return f"({text})" if text.startswith("-") else text
