"""A worked line's sides as expressions without notation, the arithmetic a line claims, and whether
its printed numbers give its printed results."""

from __future__ import annotations

from decimal import Decimal, Overflow, localcontext
from typing import NamedTuple

from .numbers import e_form, round_decimal_places

# An expression is a symbol, a printed number, a small integer, or an operation: a tuple of the
# operation's name and its operands, as the formula trees of documents/steps.py.
#   ("add", a, b, ...), ("sub", a, b), ("neg", a)
#   ("mul", a, b)     a product written side by side: w5 h1, 1/2 (t1 - o1)^2, o1 (1 - o1)
#   ("times", a, b)   written with a times sign: 0.56 × 0.08
#   ("dot", a, b)     written with a dot: δ_h1 · I1
#   ("frac", a, b), ("pow", a, n), ("exp", a) (e to the a), ("bracket", a) ([a])
#   ("sigma", a), ("tanh", a), ("ln", a), ("max", a, b), ("fprime", a) (f'(a))
#   ("partial", a, b) (∂a/∂b), ("sum", "k", a) (a summed over k), ("new", a) (a after the update)
#   ("eq", a, b), ("gt", a, b), ("le", a, b), ("because", a, b) (a, because b holds)
# Notation, and how operands are grouped, are the renderers' (documents/mathtext.py).


class Sym(NamedTuple):
    """A named quantity: its kind (value, net, bias, delta, weight, target, loss, eta, alpha) and
    what it is of (documents/notation.py spells it): ("net", "h1") is the net input of h1."""

    kind: str
    of: str = ""


class Num(NamedTuple):
    """A number as the formatter printed it, its scientific form as 1.23e-12."""

    text: str


def num(shown: str) -> Num:
    return Num(e_form(shown))


E_TOTAL = Sym("loss", "total")


def has_symbol(x) -> bool:
    kind = type(x)
    if kind is Sym:
        return True
    if kind is tuple:
        for part in x[1:]:  # an operation: its name, then its operands
            kind = type(part)
            if kind is Sym or (kind is tuple and has_symbol(part)):
                return True
    return False


def claims(numeric_sides) -> list[tuple[object, Num]]:
    """The arithmetic a line's sides of numbers claim, as pairs of an expression of printed numbers
    and the printed number it gives: from each side to the next, every part that became a number.
    (0.5 × 0.0041 = 0.00206 in `w - 0.5 × 0.0041 = w - 0.00206` is one.)"""
    found: list[tuple[object, Num]] = []
    for before, after in zip(numeric_sides, numeric_sides[1:]):
        _became(before, after, found)
    return found


def _became(before, after, found: list) -> None:
    if before == after:
        return
    if type(after) is Num:
        found.append((before, after))
    elif type(before) is tuple and type(after) is tuple and before[0] == after[0] and len(before) == len(after):
        for b, a in zip(before[1:], after[1:]):
            _became(b, a, found)
    else:
        raise ValueError(f"{after} does not follow from {before}")


def holds(expression, result: Num) -> bool:
    """Whether the expression, evaluated exactly, rounds to the printed result at the result's
    digits (3 significant digits for a result in scientific form)."""
    return all_hold([(expression, result)])


def all_hold(claimed: list[tuple[object, Num]]) -> bool:
    if not claimed:
        return True
    with localcontext() as ctx:
        ctx.prec = EXACT_DIGITS
        for expression, result in claimed:
            try:
                exact = _value(expression)
            except (Beyond, Overflow):  # beyond the range of a worked solution (sigma(-2e12)): saturated, shown as is
                continue
            except ArithmeticError:  # 1/0, ln 0: no number, so nothing the line shows can follow from it
                return False
            shown = Decimal(result.text)
            # The printed digits: a fixed number's decimals, as its Decimal keeps them; 3 significant
            # digits in scientific form.
            places = -shown.adjusted() + 2 if "e" in result.text else -shown.as_tuple().exponent
            if round_decimal_places(exact, places) != shown:
                return False
    return True


# Exact evaluation of printed arithmetic, here and in check/arith.py: 40 digits, and no value a
# worked solution holds beyond 1e30 (larger ones are saturated, shown as they are).
EXACT_DIGITS = 40
LARGEST = Decimal("1e30")


class Beyond(ArithmeticError):
    """A value larger than any a worked solution holds."""


class Undefined(ArithmeticError):
    """No number: the logarithm of 0, an infinite result."""


def value(x) -> Decimal:
    """The exact value of an expression of numbers, to 40 digits."""
    with localcontext() as ctx:
        ctx.prec = EXACT_DIGITS
        return _value(x)


def _value(x) -> Decimal:
    kind = type(x)
    if kind is Num:
        return Decimal(x.text)
    if kind is int:
        return Decimal(x)
    if len(x) == 3:  # most operations are binary: no list of operands
        a, b = x[1], x[2]
        result = _EVALUATE[x[0]](Decimal(a.text) if type(a) is Num else _value(a),
                                 Decimal(b.text) if type(b) is Num else _value(b))
    else:
        result = _EVALUATE[x[0]](*[Decimal(part.text) if type(part) is Num else _value(part) for part in x[1:]])
    if not result.is_finite():
        raise Undefined(x[0])
    if abs(result) > LARGEST:
        raise Beyond(x[0])
    return result


def exact_tanh(x: Decimal) -> Decimal:
    if abs(x) > 60:
        return Decimal(1 if x > 0 else -1)
    e = (2 * x).exp()
    return (e - 1) / (e + 1)


def _add(*xs: Decimal) -> Decimal:
    total = xs[0]
    for x in xs[1:]:
        total += x
    return total


_EVALUATE = {
    "add": _add,
    "sub": lambda a, b: a - b,
    "neg": lambda a: -a,
    "mul": lambda a, b: a * b,
    "times": lambda a, b: a * b,
    "dot": lambda a, b: a * b,
    "frac": lambda a, b: a / b,
    "pow": lambda a, n: a ** int(n),
    "exp": lambda a: a.exp(),
    "bracket": lambda a: a,
    "sigma": lambda a: 1 / (1 + (-a).exp()),
    "tanh": exact_tanh,
    "ln": lambda a: a.ln(),
    "max": max,
}
