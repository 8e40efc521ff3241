"""The one number formatter: display digits, signs and LaTeX operand forms, after the engine's rounding rule."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.calculator import LayerTrace

from ..engine.rounding import (  # noqa: F401 (the rounding rule, importable from here too)
    MIN_SIGNIFICANT,
    decimals_for,
    round_decimal,
    round_decimal_places,
    round_value,
    rounder,
    to_decimal,
)


def fmt(x: float | Decimal, precision: int) -> str:
    """A computed value as displayed: fixed decimals, tiny values with 3 significant digits,
    and values below 10^-(precision+5) in LaTeX scientific form (1.23 \\times 10^{-12})."""
    d = x if x.__class__ is Decimal else to_decimal(x)
    if d and d.adjusted() < -(precision + 5):  # below 10^-(precision+5): scientific form
        r = round_decimal(d, precision)
        exponent = r.adjusted()
        mantissa = r.scaleb(-exponent).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{mantissa}{_TIMES_TEN}{exponent}}}"
    text = format(rounder(precision)(d), "f")
    return "0" + text[2:] if text[0] == "-" and set(text[1:]) <= _ZERO_DIGITS else text


_ZERO_DIGITS = frozenset("0.")
_TIMES_TEN = " \\times 10^{"


def e_form(shown: str) -> str:
    """A displayed number without notation: 1.23 \\times 10^{-12} as 1.23e-12, others as they are."""
    if "\\" not in shown:
        return shown
    mantissa, _, exponent = shown.partition(_TIMES_TEN)
    return f"{mantissa}e{exponent[:-1]}"


def tex_form(text: str) -> str:
    """A number in e-form as fmt displays it: 1.23e-12 as 1.23 \\times 10^{-12}."""
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}{_TIMES_TEN}{exponent}}}" if exponent else text


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
    if _TIMES_TEN in text:
        mantissa, _, exponent = text.partition(_TIMES_TEN)
        return Decimal(mantissa).scaleb(int(exponent.rstrip("}")))
    return Decimal(text)


def places_of(text: str) -> int:
    """Decimal places of a displayed number."""
    if text.strip("-.") and not text.strip(_PLAIN) and text.count(".") <= 1 and text.rfind("-") <= 0:
        # fixed decimals, as the formatter writes them: count them
        dot = text.find(".")
        return len(text) - dot - 1 if dot >= 0 else 0
    return max(0, -parse_shown(text).as_tuple().exponent)


_PLAIN = "-0123456789."


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


def recomputes(op: str, operands: list[str], result: str) -> bool:
    """Whether `result`, as shown, is the rounding of `op` applied to the shown operands."""
    xs = [parse_shown(t) for t in operands]
    if op == "mul":
        value = math.prod(xs, start=Decimal(1))
    elif op == "add":
        value = sum(xs, Decimal(0))
    elif op == "sub":
        value = xs[0] - sum(xs[1:], Decimal(0))
    elif op == "div":
        value = xs[0] / xs[1]
    else:
        raise ValueError(op)
    shown = parse_shown(result)
    places = max(0, -shown.as_tuple().exponent) if "10^" not in result else -shown.adjusted() + 2
    return round_decimal_places(value, places) == shown


# ---------------------------------------------------------------- one document's forms

FOOTNOTE = "[^exact]"


class Formatter:
    """The number forms of one document: computed, given, substituted, updated; it counts the lines
    whose shown operands do not reproduce their shown result."""

    def __init__(self, precision: int, exact: bool):
        self.p = precision
        self.exact = exact
        self.mismatches = 0
        # A document shows most computed values several times (a key's working and its answers,
        # a walkthrough's sections): each float is formatted once. Floats only: a Decimal equal
        # to a float may hold more digits than the float's shortest repr, and so round otherwise.
        self._shown: dict[float, str] = {}
        self._given: dict[float, str] = {}

    def v(self, x: float) -> str:
        """A computed value."""
        if x.__class__ is not float:
            return fmt(x, self.p)
        shown = self._shown.get(x)
        if shown is None:
            shown = self._shown[x] = fmt(x, self.p)
        return shown

    def g(self, x: float) -> str:
        """A given value, as written (each float once, as v)."""
        if x.__class__ is not float:
            return fmt_given(x)
        given = self._given.get(x)
        if given is None:
            given = self._given[x] = fmt_given(x)
        return given

    def new(self, x: float, old: str, step: str) -> str:
        """An updated parameter old - step, with the digits of both."""
        return fmt_difference(x, [old, step], self.p)

    def new_w(self, layer: LayerTrace, j: int, i: int) -> str:
        """W_new[j][i] with the digits of its update step."""
        return fmt_difference(layer.W_new[j][i], [self.v(layer.step_W[j][i])], self.p)

    def new_b(self, layer: LayerTrace, j: int) -> str:
        return fmt_difference(layer.b_new[j], [self.v(layer.step_b[j])], self.p)

    def s(self, x: float) -> str:
        return signed(self.v(x))

    def go(self, x: float) -> str:
        return operand(self.g(x))

    def short(self, x: float) -> str:
        """Three decimals for prose ("0.606 vs 0.01")."""
        return fmt(x, 3)

    def note(self, op: str, operands: list[str], result: str) -> str:
        """The footnote marker when the shown operands do not reproduce the shown result."""
        return self.mark(recomputes(op, operands, result))

    def mark(self, recomputed: bool | None) -> str:
        """The footnote marker for a line that does not recompute (None: nothing to recompute)."""
        if recomputed is not False:
            return ""
        self.mismatches += 1
        return " " + FOOTNOTE
