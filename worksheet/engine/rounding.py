"""The rounding rule: half away from zero on the decimal value, tiny values to 3 significant digits."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

# Tiny values keep at least this many significant digits, as the reference document
# prints the hidden gradient 0.000188 rather than 0.00019.
MIN_SIGNIFICANT = 3

# quantize must hold every digit of its result within the context precision: 1e30 to 5
# decimals needs 36 digits, more than the default 28. One context wide enough for every double
# serves all roundings; a wider value gets a context of its own.
_WIDE = Context(prec=800, rounding=ROUND_HALF_UP)
_UNITS = [Decimal(1).scaleb(-places) for places in range(400)]  # 10^-places, what quantize rounds to


def to_decimal(x: float | Decimal | int) -> Decimal:
    """The decimal value of a number: floats by their shortest round-tripping repr."""
    if x.__class__ is float and x - x == 0:  # finite: the common case first
        return Decimal(repr(x))
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
    if not d:
        return precision
    leading = d.adjusted()  # exponent of the leading digit
    if leading >= -1:  # 0.1 and above is not tiny: 0.47 at precision 2 stays 0.47
        return precision
    return max(precision, MIN_SIGNIFICANT - 1 - leading)


def _quantize(d: Decimal, places: int) -> Decimal:
    unit = _UNITS[places] if 0 <= places < len(_UNITS) else Decimal(1).scaleb(-places)
    digits = d.adjusted() + places + 2
    context = _WIDE if digits <= _WIDE.prec else Context(prec=digits, rounding=ROUND_HALF_UP)
    return context.quantize(d, unit)


def round_decimal(x: float | Decimal, precision: int) -> Decimal:
    """Round half away from zero on the decimal value, to the display digits of x."""
    d = x if type(x) is Decimal else to_decimal(x)
    if not d:
        return _quantize(d.copy_abs(), precision)
    leading = d.adjusted()  # exponent of the leading digit
    if leading >= -1:
        return _quantize(d, precision)
    places = max(precision, MIN_SIGNIFICANT - 1 - leading)
    rounded = _quantize(d, places)  # 3 significant digits at least: never 0
    # Rounding can carry into a new leading digit (0.0009996 -> 0.001000): keep 3 significant.
    if places > precision and rounded.adjusted() > leading:
        again = decimals_for(rounded, precision)
        if again < places:
            rounded = _quantize(d, again)
    return rounded


def rounder(precision: int):
    """round_decimal(d, precision) for Decimals, as one function with the precision built in:
    the same results, for the interval arithmetic and the formatter that round every value they
    write. One function per precision, made once."""
    made = _ROUNDERS.get(precision)
    if made is None:
        if not 0 <= precision < len(_UNITS) - MIN_SIGNIFICANT:
            return lambda d: round_decimal(d, precision)
        made = _ROUNDERS[precision] = _rounder(precision)
    return made


_ROUNDERS: dict = {}


def _rounder(precision: int):
    unit = _UNITS[precision]
    quantize = _WIDE.quantize  # the context's method: quicker than Decimal.quantize(context=...)
    widest = _WIDE.prec - precision - 2 - MIN_SIGNIFICANT  # leading digits that fit _WIDE

    def round_to_display(d: Decimal) -> Decimal:
        if d.__class__ is not Decimal:
            return round_decimal(d, precision)
        if d:
            leading = d.adjusted()
            if -1 <= leading < widest:
                return quantize(d, unit)
            if MIN_SIGNIFICANT - 1 - len(_UNITS) < leading < -1:
                places = MIN_SIGNIFICANT - 1 - leading
                if places <= precision:
                    return quantize(d, unit)
                rounded = quantize(d, _UNITS[places])
                if rounded.adjusted() == leading:  # no carry into a new leading digit
                    return rounded
        return round_decimal(d, precision)

    return round_to_display


def kept_or_rounded(precision: int):
    """(lo, hi) -> the smallest (lo', hi') holding both [lo, hi] and [round(lo), round(hi)]: where
    a value of [lo, hi] lies when it is kept or rounded to the display digits (rounding is
    monotone). Ends whose rounding is the plain quantize take it without a call each."""
    one = rounder(precision)
    if not 0 <= precision < len(_UNITS) - MIN_SIGNIFICANT:
        return lambda lo, hi: _hull(lo, hi, one(lo), one(hi))
    unit = _UNITS[precision]
    quantize = _WIDE.quantize
    widest = _WIDE.prec - precision - 2 - MIN_SIGNIFICANT
    # Below 0.1 a value keeps 3 significant digits; down to this leading digit they are within
    # the precision's decimals, so the plain quantize is its rounding too.
    lowest = min(-1, MIN_SIGNIFICANT - 1 - precision)

    def hull(lo: Decimal, hi: Decimal) -> tuple[Decimal, Decimal]:
        if lo.__class__ is Decimal is hi.__class__ and lo and hi:
            low = lo.adjusted()
            if lowest <= low < widest:
                if hi is lo:
                    a = quantize(lo, unit)
                    return (lo, a) if lo < a else (lo, lo) if lo == a else (a, lo)
                high = hi.adjusted()
                if lowest <= high < widest:
                    a = quantize(lo, unit)
                    b = quantize(hi, unit)
                    return lo if lo <= a else a, hi if hi >= b else b
        return _hull(lo, hi, one(lo), one(hi))

    return hull


def _hull(lo: Decimal, hi: Decimal, a: Decimal, b: Decimal) -> tuple[Decimal, Decimal]:
    return lo if lo <= a else a, hi if hi >= b else b


def round_decimal_places(x: float | Decimal, places: int) -> Decimal:
    """Round half away from zero to a fixed number of decimal places."""
    d = x if x.__class__ is Decimal else to_decimal(x)
    if 0 <= places < len(_UNITS) and d and d.adjusted() + places + 2 <= _WIDE.prec:
        return _WIDE.quantize(d, _UNITS[places])  # _quantize's common case without its call
    return _quantize(d, places)


def round_value(x: float | Decimal, precision: int) -> float:
    """The displayed value of x as a float: what carried rounding uses in the next step."""
    return float(round_decimal(x, precision))
