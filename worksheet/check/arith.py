"""Arithmetic as printed: `0.59648 × 0.23866`, `\\frac{1}{1 + 0.9729}`, `σ(0.0275)`, `e^{-0.0275}`,
evaluated exactly or over every value a hand computation with rounded steps can reach."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from ..documents.expressions import EXACT_DIGITS, LARGEST, exact_tanh
from ..documents.numbers import round_decimal

_SLACK = Decimal("1e-30")
NUMBER = r"\d+(?:\.\d+)?|\.\d+"
_NUMBER = re.compile(NUMBER)
_TOKEN = re.compile(rf"\s*({NUMBER}|\\frac|\\exp|\\sigma|\\ln|\\log|\\tanh|\\eta|\\alpha|[-+*/^(){{}}e]|\S)")
_REWRITE = [
    (r"\left", ""), (r"\right", ""), (r"\bigl", ""), (r"\bigr", ""), (r"\big", ""), (r"\,", " "),
    (r"\times", "*"), (r"\cdot", "*"), ("×", "*"), ("·", "*"), ("∗", "*"), (r"\div", "/"), ("÷", "/"),
    ("−", "-"), ("σ", r"\sigma"), ("[", "("), ("]", ")"), (r"\operatorname{tanh}", r"\tanh"),
    (r"\mathrm{tanh}", r"\tanh"), (r"\mathrm{e}", "e"), (r"\mathrm{exp}", r"\exp"),
]


# What, written right after a value, multiplies it.
_JUXTAPOSED = frozenset({"(", "{", "\\frac", "\\ln", "\\log", "\\sigma", "\\tanh", "\\exp"})


class NotArithmetic(ValueError):
    """The text is not a numeric expression this module evaluates."""


@dataclass(frozen=True)
class Iv:
    lo: Decimal
    hi: Decimal


def rounded_printed(text: str, precision: int) -> bool:
    """Whether a printed number is (likely) a rounded computed value rather than an exact given one:
    it has the document's decimals, or 3 significant digits or more (0.000188)."""
    whole, _, frac = text.partition(".")
    digits = (whole + frac).lstrip("0").rstrip("0")
    return len(frac) >= precision or len(digits) >= 3


class _Eval:
    """One evaluation: `wide` widens each printed number that is a rounded value to the values
    that round to it and lets every intermediate result be rounded to `precision`."""

    def __init__(self, tokens: list[str], wide: bool, precision: int, constants: dict[str, Decimal]):
        self.toks = [*tokens, None]  # None: the end, where the reading stops
        self.constants = constants
        self.pos = 0
        self.wide = wide
        self.precision = precision
        self.ops = 0

    def peek(self) -> str | None:
        return self.toks[self.pos]

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise NotArithmetic(f"expected {expected!r}")
        self.pos += 1
        return tok

    def rounded(self, iv: Iv) -> Iv:
        self.ops += 1
        if max(abs(iv.lo), abs(iv.hi)) > LARGEST:
            raise NotArithmetic("beyond any value of a worked solution")
        if not self.wide:
            return iv
        lo = min(iv.lo, round_decimal(iv.lo, self.precision))
        hi = max(iv.hi, round_decimal(iv.hi, self.precision))
        return Iv(lo - abs(lo) * _SLACK, hi + abs(hi) * _SLACK)

    def run(self) -> Iv:
        value = self.expr()
        if self.peek() is not None:
            raise NotArithmetic("trailing text")
        return value

    def expr(self) -> Iv:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.term()
            value = self.rounded(Iv(value.lo + rhs.lo, value.hi + rhs.hi) if op == "+"
                                 else Iv(value.lo - rhs.hi, value.hi - rhs.lo))
        return value

    def term(self) -> Iv:
        value = self.unary()
        while True:
            tok = self.peek()
            if tok in ("*", "/"):
                self.take()
                rhs = self.unary()
            elif tok in _JUXTAPOSED:  # (0.05)(0.15), \frac{1}{2}(0.35563), 0.01 \ln 0.33444
                rhs = self.unary()
                tok = "*"
            else:
                return value
            value = self.rounded(_mul(value, rhs) if tok == "*" else _div(value, rhs))

    def unary(self) -> Iv:
        tok = self.peek()
        if tok == "-":
            self.take()
            v = self.unary()
            return Iv(-v.hi, -v.lo)
        if tok == "+":
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Iv:
        base = self.atom()
        if self.peek() != "^":
            return base
        self.take()
        exponent = self.exponent()
        if exponent.lo != exponent.hi or exponent.lo != exponent.lo.to_integral_value():
            raise NotArithmetic("only whole powers")
        n = int(exponent.lo)
        if n < 0:
            return self.rounded(_div(Iv(Decimal(1), Decimal(1)), _pow(base, -n)))
        return self.rounded(_pow(base, n))

    def exponent(self) -> Iv:
        if self.peek() == "{":
            self.take()
            saved, self.wide = self.wide, False  # exponents are written exactly
            value = self.expr()
            self.wide = saved
            self.take("}")
            return value
        tok = self.take()
        if tok == "-":
            tok = "-" + self.take()
        try:
            d = Decimal(tok)
        except InvalidOperation:
            raise NotArithmetic("bad exponent") from None
        return Iv(d, d)

    def group(self) -> Iv:
        opening = self.take()
        if opening not in ("(", "{"):
            raise NotArithmetic("expected a group")
        value = self.expr()
        self.take(")" if opening == "(" else "}")
        return value

    def atom(self) -> Iv:
        tok = self.peek()
        if tok is None:
            raise NotArithmetic("empty")
        if tok in ("(", "{"):
            return self.group()
        if tok == "\\frac":
            self.take()
            num = self.braced()
            den = self.braced()
            return self.rounded(_div(num, den))
        if tok == "e" or tok == "\\exp":
            self.take()
            if tok == "e":
                self.take("^")
                arg = self.exp_argument()
            else:
                arg = self.group()
            return self.rounded(_monotone(lambda x: x.exp(), arg))
        if tok in ("\\sigma", "\\tanh", "\\ln", "\\log"):
            self.take()
            arg = self.group() if self.peek() in ("(", "{") else self.unary()
            if tok == "\\sigma":
                f = lambda x: 1 / (1 + (-x).exp())
            elif tok == "\\tanh":
                f = exact_tanh
            else:
                if arg.lo <= 0:
                    raise NotArithmetic("log of a value that can be 0")
                f = lambda x: x.ln()
            return self.rounded(_monotone(f, arg))
        if tok in self.constants:  # the learning rate written as \eta
            self.take()
            return Iv(self.constants[tok], self.constants[tok])
        if _NUMBER.fullmatch(tok):
            self.take()
            d = Decimal(tok)
            if self.wide and rounded_printed(tok, self.precision):
                half = Decimal(1).scaleb(-max(0, -d.as_tuple().exponent)) / 2
                return Iv(d - half, d + half)
            return Iv(d, d)
        raise NotArithmetic(f"unexpected {tok!r}")

    def braced(self) -> Iv:
        self.take("{")
        value = self.expr()
        self.take("}")
        return value

    def exp_argument(self) -> Iv:
        if self.peek() == "{":
            return self.braced()
        return self.unary()


def _mul(a: Iv, b: Iv) -> Iv:
    if a.lo == a.hi and b.lo == b.hi:  # two points (an exact evaluation): one product
        p = a.lo * b.lo
        return Iv(p, p)
    p = (a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi)
    return Iv(min(p), max(p))


def _div(a: Iv, b: Iv) -> Iv:
    if b.lo <= 0 <= b.hi:
        raise NotArithmetic("division by a value that can be 0")
    return _mul(a, Iv(1 / b.hi, 1 / b.lo))


def _pow(a: Iv, n: int) -> Iv:
    ends = (a.lo ** n, a.hi ** n)
    lo, hi = min(ends), max(ends)
    if n % 2 == 0 and a.lo < 0 < a.hi:
        lo = Decimal(0)
    return Iv(lo, hi)


def _monotone(f, iv: Iv) -> Iv:
    if iv.lo == iv.hi:  # a point (an exact evaluation): one exp, sigma or log
        a = f(iv.lo)
        return Iv(a, a)
    a, b = f(iv.lo), f(iv.hi)
    return Iv(min(a, b), max(a, b))


def tokens(text: str) -> list[str]:
    for old, new in _REWRITE:
        text = text.replace(old, new)
    out = [m.group(1) for m in _TOKEN.finditer(text)]
    return out


def evaluate(text: str, wide: bool = False, precision: int = 5, constants: dict[str, Decimal] | None = None) -> Iv:
    """The value of a printed expression: exactly (a point, to 40 digits), or with `wide` every
    value reachable from its printed numbers; `constants` gives symbols their values (\\eta: the
    learning rate). Raises NotArithmetic for anything else, and for a lone number (nothing to check)."""
    toks = tokens(text)
    with localcontext() as ctx:
        ctx.prec = EXACT_DIGITS
        ev = _Eval(toks, wide, precision, constants or {})
        try:
            value = ev.run()
        except ArithmeticError as exc:  # the decimal module's overflow, invalid operation, ...
            raise NotArithmetic(str(exc)) from None
    if ev.ops == 0:
        raise NotArithmetic("no operation")
    return value


def is_arithmetic(text: str, constants: dict[str, Decimal] | None = None) -> bool:
    try:
        evaluate(text, constants=constants)
    except NotArithmetic:
        return False
    return True
