"""The one number formatter: display digits, signs and LaTeX operand forms, after the engine's rounding rule."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..engine.rounding import (  # noqa: F401 (the rounding rule, importable from here too)
    MIN_SIGNIFICANT,
    decimals_for,
    round_decimal,
    round_decimal_places,
    round_value,
    to_decimal,
)


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
