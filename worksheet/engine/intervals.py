"""Interval arithmetic on the first step: every value a hand computation with rounded steps can reach."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

from . import calculator
from .calculator import StepTrace, Trace
from .rounding import MIN_SIGNIFICANT, decimals_for, kept_or_rounded, to_decimal

# Transcendental functions and quotients are evaluated to 40 digits; their interval is widened
# by this relative slack so that a value the calculator rounds from a double (within 1e-15 of
# the exact one) lies inside it even when it sits on a rounding tie.
_PREC = 40
_SLACK = Decimal("1e-12")
_TINY = Decimal("1e-30")
_ZERO = Decimal(0)


class Unbounded(ArithmeticError):
    """A rounded hand computation can reach a value where the problem has no finite answer
    (ln 0, a division by 0): the draw is unfit for a graded sheet."""


class Iv:
    """The closed interval [lo, hi] of Decimals. Plain numbers in an operation are points."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: Decimal, hi: Decimal):
        self.lo = lo
        self.hi = hi

    @staticmethod
    def point(x) -> "Iv":
        if x.__class__ is float and x:  # a given value: the few drawn ones recur in every problem
            iv = _POINTS.get(x)
            if iv is None:
                if len(_POINTS) >= _MAX_POINTS:
                    _POINTS.clear()
                d = to_decimal(x)
                iv = _POINTS[x] = Iv(d, d)
            return iv
        d = to_decimal(x)
        return Iv(d, d)

    def __repr__(self) -> str:
        return f"Iv({self.lo!r}, {self.hi!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Iv) and self.lo == other.lo and self.hi == other.hi

    def __hash__(self) -> int:
        return hash((self.lo, self.hi))

    def __add__(self, other) -> "Iv":
        if other.__class__ is not Iv:
            other = Iv.point(other)
        return Iv(self.lo + other.lo, self.hi + other.hi)

    __radd__ = __add__

    def __sub__(self, other) -> "Iv":
        if other.__class__ is not Iv:
            other = Iv.point(other)
        return Iv(self.lo - other.hi, self.hi - other.lo)

    def __rsub__(self, other) -> "Iv":
        return _iv(other) - self

    def __neg__(self) -> "Iv":
        return Iv(-self.hi, -self.lo)

    def __mul__(self, other) -> "Iv":
        if other.__class__ is not Iv:
            other = Iv.point(other)
        a, b, c, d = self.lo, self.hi, other.lo, other.hi
        if a == b and c == d:
            p = a * c
            return Iv(p, p)
        # Rounding each product is monotone, so where the signs fix which corner products are the
        # extremes, those two alone give the same ends as the smallest and largest of all four.
        if a >= 0:
            if c >= 0:
                return Iv(a * c, b * d)
            if d <= 0:
                return Iv(b * c, a * d)
        elif b <= 0:
            if c >= 0:
                return Iv(a * d, b * c)
            if d <= 0:
                return Iv(b * d, a * c)
        products = (a * c, a * d, b * c, b * d)
        return Iv(min(products), max(products))

    __rmul__ = __mul__

    def __truediv__(self, other) -> "Iv":
        other = _iv(other)
        if other.lo <= 0 <= other.hi:
            raise Unbounded("division by an interval that contains 0")
        return fuzz(self * Iv(1 / other.hi, 1 / other.lo))

    def __rtruediv__(self, other) -> "Iv":
        return _iv(other) / self


# Points of nonzero floats, made once (an interval is never changed once made; zeros are left
# out, as -0.0 equals 0.0 as a key).
_POINTS: dict[float, Iv] = {}
_MAX_POINTS = 4096


def _iv(x) -> Iv:
    return x if x.__class__ is Iv else Iv.point(x)


def _is_zero(x: Iv) -> bool:
    return x.lo == 0 and x.hi == 0


def hull(a: Iv, b: Iv) -> Iv:
    """The smallest interval holding both."""
    return Iv(min(a.lo, b.lo), max(a.hi, b.hi))


def fuzz(iv: Iv) -> Iv:
    return _widened(iv.lo, iv.hi)


def _widened(lo: Decimal, hi: Decimal) -> Iv:
    return Iv(lo - abs(lo) * _SLACK - _TINY, hi + abs(hi) * _SLACK + _TINY)


def monotone(f, iv: Iv) -> Iv:
    """f over [lo, hi] for an increasing f evaluated to 40 digits, widened by the slack."""
    lo, hi = iv.lo, iv.hi
    a = f(lo)
    return _widened(a, a if hi == lo else f(hi))


# Beyond e^±1000 no double-precision value differs (e^709 overflows, e^-745 is 0), so the
# calculator's numbers are the same; clamping keeps the decimal interval within Decimal's exponent
# range and its rounding within memory (a saturated sigmoid's e^{2e12} has 10^12 digits).
_EXP_LIMIT = Decimal(1000)
# Within this the exponential is a normal double and is taken from math.exp with a bound on
# its error; beyond it, from Decimal to 40 digits (e^±1000 has no double).
_FLOAT_EXP = 700.0
_ULP = 2.0**-52  # a double's relative spacing at most


def _exp40(x: Decimal) -> Decimal:
    return max(-_EXP_LIMIT, min(x, _EXP_LIMIT)).exp()


def _exp_bounds(lo: Decimal, hi: Decimal) -> tuple[Decimal, Decimal]:
    """Exact numbers a <= e^lo and b >= e^hi, within about |x| + 16 units of a double's last
    digit of them. The double nearest x is within |x| 2^-53 of it, which moves e^x by a factor
    within 1 +- |x| 2^-53; math.exp is within a unit of its last digit (glibc: under one), and
    the product and difference below each within half a unit: the bound (|x| + 16) 2^-52 holds
    them all twice over, and one step to the next double outward covers the rounding of the
    bound itself."""
    a = float(lo)
    b = a if hi == lo else float(hi)
    if -_FLOAT_EXP <= a and b <= _FLOAT_EXP:
        ea = math.exp(a)
        eb = ea if b == a else math.exp(b)
        return (Decimal(math.nextafter(ea - ea * ((abs(a) + 16) * _ULP), 0.0)),
                Decimal(math.nextafter(eb + eb * ((abs(b) + 16) * _ULP), math.inf)))
    # Decimal's exp is correctly rounded: the next 40-digit numbers either side bracket it.
    return _exp40(lo).next_minus(), _exp40(hi).next_plus()


def _tanh_bounds(lo: Decimal, hi: Decimal) -> tuple[Decimal, Decimal]:
    """Exact numbers a <= tanh(lo) and b >= tanh(hi). The double nearest x moves tanh(x) by at
    most |x - x'| (1 - tanh^2) <= 2^-53 |tanh x| (2x / sinh 2x <= 1); math.tanh is within two
    units of its last digit (glibc): 16 units hold both twice over."""
    a, b = float(lo), float(hi)
    ta, tb = math.tanh(a), math.tanh(b)
    return (Decimal(math.nextafter(ta - abs(ta) * (16 * _ULP), -math.inf)),
            Decimal(math.nextafter(tb + abs(tb) * (16 * _ULP), math.inf)))


def _written(hull, finer):
    """The interval of a value written down, kept or rounded to the display digits: r(iv) of the
    backend, made once per precision. With `finer`, rounded to one digit more too (a student who
    keeps 6 decimals of 0.3015347 writes 0.301535, whose rounding to 5 is 0.30154, not 0.30153);
    a point written as it is stays that point."""

    def r(iv: Iv) -> Iv:
        lo, hi = hull(iv.lo, iv.hi)
        if finer is not None and not lo == hi == iv.lo:
            lo, hi = min(lo, iv.lo - finer(iv.lo)), max(hi, iv.hi + finer(iv.hi))
        return iv if lo is iv.lo and hi is iv.hi else Iv(lo, hi)

    return r


class Intervals:
    """The interval backend of the calculator's pass. Every value written down may be rounded
    to the display digits (half away from zero; tiny values to 3 significant digits), to one
    digit more, or kept as it is; where a hand computation has more than one form, any of them may be taken. Softmax
    shifts its exponentials as the trace it brackets did."""

    checked = False  # an unbounded value raises Unbounded where it arises
    rounds = True

    def __init__(self, trace: Trace, finer: bool = True):
        self.precision = trace.spec.precision
        self.half_finer = Decimal(1).scaleb(-self.precision - 1) / 2 if finer else _ZERO
        # From this leading digit up, values are displayed with the precision's decimals.
        self.lowest = min(-1, MIN_SIGNIFICANT - 1 - self.precision)
        self.r = _written(kept_or_rounded(self.precision), self._finer if finer else None)
        self.shifts = [layer.exp_shift for layer in trace.first.layers]

    def num(self, x) -> Iv:
        return _iv(x)

    def written(self, x: Decimal) -> Iv:
        """A value a student wrote down: what they rounded to it, or kept, lies within half a
        unit of its last digit."""
        half = Decimal(1).scaleb(x.as_tuple().exponent) / 2
        return Iv(x - half, x + half)

    def scalar(self, x) -> Decimal:
        return to_decimal(x)

    def out(self, x) -> Iv:
        return x

    def vector(self, xs) -> tuple:
        return tuple(xs)

    def _finer(self, x: Decimal | int) -> Decimal:
        """Half a unit of the digit after the last one x is displayed with. A piecewise
        derivative's bounds are the integers 0 and 1 when the net input may have either sign."""
        if not x or not self.half_finer or type(x) is int or x.adjusted() >= self.lowest:
            return self.half_finer
        return Decimal(1).scaleb(-decimals_for(x, self.precision) - 1) / 2

    def stored(self, x: Iv) -> Iv:
        return x

    def total(self, ivs) -> Iv:
        lo = hi = _ZERO
        for iv in ivs:
            lo += iv.lo
            hi += iv.hi
        return Iv(lo, hi)

    def exp(self, iv: Iv) -> Iv:
        return _widened(*_exp_bounds(iv.lo, iv.hi))

    def shown_exp(self, iv: Iv) -> Iv:
        return self.r(self.exp(iv))

    def ln(self, iv: Iv) -> Iv:
        if iv.lo <= 0:
            raise Unbounded("the logarithm of a value that can round to 0")
        return self.r(monotone(Decimal.ln, iv))

    def tanh(self, iv: Iv) -> Iv:
        return _widened(*_tanh_bounds(iv.lo, iv.hi))

    def div(self, a: Iv, b) -> Iv:
        return a / b

    def div0(self, a: Iv, b) -> Iv:
        return Iv.point(0) if _is_zero(a) else a / b

    def weighted(self, t: Iv, x: Iv | None) -> Iv:
        return Iv.point(0) if _is_zero(t) else t * x

    def either(self, closed, *hand) -> Iv:
        out = hand[0]()
        for form in hand[1:]:
            out = hull(out, form())
        return out

    def increasing(self, f, iv: Iv, slack: bool = False) -> Iv:
        return monotone(f, iv) if slack else Iv(f(iv.lo), f(iv.hi))

    def turning(self, f, iv: Iv, points=()) -> Iv:
        values = [f(iv.lo), f(iv.hi)]
        values += [f(p) for p in points if iv.lo <= p <= iv.hi]
        return Iv(min(values), max(values))

    def share(self, k: int, e: list, s) -> Iv:
        ek = e[k]
        rest = self.total(x for m, x in enumerate(e) if m != k)
        return fuzz(Iv(ek.lo / (ek.lo + rest.hi), ek.hi / (ek.hi + rest.lo)))

    def exp_shift(self, l: int, z: list) -> Iv:
        return Iv.point(self.shifts[l - 1] or 0)

    def log_outputs(self, act, z: list, o: list, weights=None) -> list:
        if weights is None:
            return [self.ln(x) for x in o]
        return [None if _is_zero(t) else self.ln(x) for x, t in zip(o, weights)]

    def log_complements(self, act, z: list, o: list, log_o: list) -> list:
        return [self.ln(1 - x) for x in o]

    def check(self, what: str, xs) -> None:
        """Nothing to check: an interval that reaches no finite value raises where it arises."""


def ranges(trace: Trace, v: calculator.Variation = calculator.CORRECT, finer: bool = True) -> StepTrace:
    """The interval of every quantity of the first step, at the trace's display precision.

    The operations and the points where a value is written down (and may be rounded) are the
    calculator's; every interval holds the exact value, the carried value of the calculator, and
    the value of any hand computation that rounds some of the intermediates and keeps others;
    with `finer` (answers graded), also one that rounds them to one digit more than displayed."""
    ops = Intervals(trace, finer)
    with localcontext() as ctx:
        ctx.prec = _PREC
        x, t, weights, biases = calculator.given(ops, trace.values)
        record, _, _ = calculator.step(ops, trace.spec, 1, x, t, weights, biases, after=False, v=v)
        return record
