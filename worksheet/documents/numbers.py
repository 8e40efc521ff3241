"""The one number formatter: rounding rule, display digits, signs and LaTeX operand forms."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

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
    """Decimal places shown for x: `precision`, or more so that a tiny value (below 0.1) keeps
    3 significant digits."""
    d = to_decimal(x)
    if d == 0:
        return precision
    leading = d.copy_abs().adjusted()  # exponent of the leading digit
    if leading >= -1:  # 0.1 and above is not tiny: 0.47 at precision 2 stays 0.47
        return precision
    return max(precision, MIN_SIGNIFICANT - 1 - leading)


def _quantize(d: Decimal, places: int) -> Decimal:
    # quantize must hold every digit of its result within the context precision (28 digits by
    # default): 1e30 to 5 decimals needs 36 and would raise InvalidOperation.
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, d.adjusted() + places + 2)
        return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_decimal(x: float | Decimal, precision: int) -> Decimal:
    """Round half away from zero on the decimal value, to the display digits of x."""
    d = to_decimal(x)
    places = decimals_for(d, precision)
    rounded = _quantize(d, places)
    if rounded == 0:
        return Decimal(0).quantize(Decimal(1).scaleb(-precision))
    # Rounding can carry into a new leading digit (0.0009996 -> 0.001000): keep 3 significant.
    again = decimals_for(rounded, precision)
    if again < places:
        rounded = _quantize(d, again)
    return rounded


def round_decimal_places(x: float | Decimal, places: int) -> Decimal:
    """Round half away from zero to a fixed number of decimal places."""
    return _quantize(to_decimal(x), places)


def round_value(x: float | Decimal, precision: int) -> float:
    """The displayed value of x as a float: what carried rounding uses in the next step."""
    return float(round_decimal(x, precision))


def fmt(x: float | Decimal, precision: int) -> str:
    """A computed value as displayed: fixed decimals, tiny values with 3 significant digits,
    and values below 10^-(precision+5) in LaTeX scientific form (1.23 \\times 10^{-12})."""
    d = to_decimal(x)
    if d != 0 and d.copy_abs() < Decimal(1).scaleb(-(precision + 5)):
        r = round_decimal(d, precision)
        exponent = r.adjusted()
        mantissa = r.scaleb(-exponent).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{mantissa} \\times 10^{{{exponent}}}"
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


def parse_shown(text: str) -> Decimal:
    """The value of a displayed number: 0.14236, (-0.04246) or 1.23 \\times 10^{-12}."""
    text = text.strip().strip("()")
    if "\\times 10^{" in text:
        mantissa, _, exponent = text.partition(" \\times 10^{")
        return Decimal(mantissa).scaleb(int(exponent.rstrip("}")))
    return Decimal(text)


def places_of(text: str) -> int:
    """Decimal places of a displayed number."""
    return max(0, -parse_shown(text).as_tuple().exponent)


def fmt_difference(x: float | Decimal, operands: list[str], precision: int) -> str:
    """The result of a subtraction of shown numbers (w - eta*g) with all the digits they carry,
    so a small update stays visible: 0.15 - 0.0000941 = 0.1499059, not 0.14991."""
    places = max(decimals_for(x, precision), *(places_of(t) for t in operands))
    text = format(round_decimal_places(x, places), "f")
    return "0" + text[2:] if text.startswith("-0") and set(text[1:]) <= {"0", "."} else text


def fmt_ratio(r: float) -> str:
    """A ratio in prose: whole above 10 (383), one decimal below (3.0); half away from zero."""
    return format(round_decimal_places(r, 0 if r >= 10 else 1), "f")


def signed(text: str) -> str:
    """Prefix a plus sign to a non-negative displayed number."""
    return text if text.startswith("-") else "+" + text


def operand(text: str) -> str:
    """A displayed number substituted into a formula: negatives in parentheses, 0.5 \\times (-0.04246)."""
    return f"({text})" if text.startswith("-") else text
