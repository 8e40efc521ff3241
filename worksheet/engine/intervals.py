"""Interval arithmetic on the first step: every value a hand computation with rounded steps can reach."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from .calculator import Trace
from ..documents.numbers import round_decimal, to_decimal

# Transcendental functions and quotients are evaluated to 40 digits; their interval is widened
# by this relative slack so that a value the calculator rounds from a double (within 1e-15 of
# the exact one) lies inside it even when it sits on a rounding tie.
_PREC = 40
_SLACK = Decimal("1e-12")
_TINY = Decimal("1e-30")


class Unbounded(ArithmeticError):
    """A rounded hand computation can reach a value where the problem has no finite answer
    (ln 0, a division by 0): the draw is unfit for a graded sheet."""


@dataclass(frozen=True)
class Iv:
    """The closed interval [lo, hi] of Decimals."""

    lo: Decimal
    hi: Decimal

    @staticmethod
    def point(x) -> "Iv":
        d = to_decimal(x)
        return Iv(d, d)

    def __add__(self, other: "Iv") -> "Iv":
        return Iv(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: "Iv") -> "Iv":
        return Iv(self.lo - other.hi, self.hi - other.lo)

    def __neg__(self) -> "Iv":
        return Iv(-self.hi, -self.lo)

    def __mul__(self, other: "Iv") -> "Iv":
        products = (self.lo * other.lo, self.lo * other.hi, self.hi * other.lo, self.hi * other.hi)
        return Iv(min(products), max(products))

    def __truediv__(self, other: "Iv") -> "Iv":
        if other.lo <= 0 <= other.hi:
            raise Unbounded("division by an interval that contains 0")
        return fuzz(self * Iv(1 / other.hi, 1 / other.lo))

    def contains(self, x) -> bool:
        d = to_decimal(x)
        return self.lo <= d <= self.hi


def hull(a: Iv, b: Iv) -> Iv:
    """The smallest interval holding both."""
    return Iv(min(a.lo, b.lo), max(a.hi, b.hi))


def total(ivs) -> Iv:
    lo = hi = Decimal(0)
    for iv in ivs:
        lo += iv.lo
        hi += iv.hi
    return Iv(lo, hi)


def fuzz(iv: Iv) -> Iv:
    return Iv(iv.lo - abs(iv.lo) * _SLACK - _TINY, iv.hi + abs(iv.hi) * _SLACK + _TINY)


def monotone(f, iv: Iv, increasing: bool = True) -> Iv:
    """f over [lo, hi] for a monotone f evaluated to 40 digits, widened by the slack."""
    a, b = f(iv.lo), f(iv.hi)
    return fuzz(Iv(a, b) if increasing else Iv(b, a))


# Beyond e^±1000 no double-precision value differs (e^709 overflows, e^-745 is 0), so the
# calculator's numbers are the same; clamping keeps the decimal interval within Decimal's exponent
# range and its rounding within memory (a saturated sigmoid's e^{2e12} has 10^12 digits).
_EXP_LIMIT = Decimal(1000)


def exp(iv: Iv) -> Iv:
    return monotone(lambda x: max(-_EXP_LIMIT, min(x, _EXP_LIMIT)).exp(), iv)


def ln(iv: Iv) -> Iv:
    if iv.lo <= 0:
        raise Unbounded("the logarithm of a value that can round to 0")
    return monotone(lambda x: x.ln(), iv)


def tanh(iv: Iv) -> Iv:
    def f(x: Decimal) -> Decimal:
        if abs(x) > 60:  # tanh is ±1 to far more than 40 digits
            return Decimal(1 if x > 0 else -1)
        e = (2 * x).exp()
        return (e - 1) / (e + 1)

    return monotone(f, iv)


def square(iv: Iv) -> Iv:
    if iv.lo >= 0:
        return Iv(iv.lo * iv.lo, iv.hi * iv.hi)
    if iv.hi <= 0:
        return Iv(iv.hi * iv.hi, iv.lo * iv.lo)
    return Iv(Decimal(0), max(iv.lo * iv.lo, iv.hi * iv.hi))


def a_one_minus_a(iv: Iv) -> Iv:
    """a(1 - a), the sigmoid derivative, over [lo, hi]: largest at a = 1/2."""
    f = lambda a: a * (1 - a)
    ends = (f(iv.lo), f(iv.hi))
    hi = Decimal("0.25") if iv.lo <= Decimal("0.5") <= iv.hi else max(ends)
    return Iv(min(ends), hi)


def one_minus_square(iv: Iv) -> Iv:
    """1 - a², the tanh derivative."""
    sq = square(iv)
    return Iv(1 - sq.hi, 1 - sq.lo)


class Rounder:
    """A value a student writes down: anything in the interval, rounded to the display digits
    (half away from zero; tiny values to 3 significant digits) or kept as it is."""

    def __init__(self, precision: int):
        self.precision = precision

    def __call__(self, iv: Iv) -> Iv:
        lo = min(iv.lo, round_decimal(iv.lo, self.precision))
        hi = max(iv.hi, round_decimal(iv.hi, self.precision))
        return Iv(lo, hi)


# ---------------------------------------------------------------- the first step


@dataclass(frozen=True)
class LayerRange:
    l: int
    z: tuple[Iv, ...]
    a: tuple[Iv, ...]
    derivative: tuple[Iv, ...] | None
    error: tuple[Iv, ...]  # dE/da_j: dE/do at the output, the sum of the paths for hidden layers
    paths: tuple[tuple[Iv, ...], ...] | None  # hidden: paths[j][k]
    delta: tuple[Iv, ...]
    grad_W: tuple[tuple[Iv, ...], ...]
    grad_b: tuple[Iv, ...] | None
    step_W: tuple[tuple[Iv, ...], ...]
    step_b: tuple[Iv, ...] | None
    W_new: tuple[tuple[Iv, ...], ...]
    b_new: tuple[Iv, ...] | None


@dataclass(frozen=True)
class LossRange:
    output: tuple[Iv, ...]
    diff: tuple[Iv, ...]
    terms: tuple[Iv, ...]
    total: Iv
    dE_do: tuple[Iv, ...]


@dataclass(frozen=True)
class StepRange:
    layers: tuple[LayerRange, ...]
    loss: LossRange


def ranges(trace: Trace) -> StepRange:
    """The interval of every quantity of the first step, at the trace's display precision.

    The operations and the points where a value is written down (and may be rounded) are the
    calculator's; every interval holds the exact value, the carried value of the calculator, and
    the value of any hand computation that rounds some of the intermediates and keeps others."""
    with localcontext() as ctx:
        ctx.prec = _PREC
        return _step(trace)


def _forward_layer(spec, r: Rounder, layer, W, b, a_prev):
    products = [[r(Iv.point(w) * a) for w, a in zip(row, a_prev)] for row in W]
    z = [r(total(p + ([Iv.point(b[j])] if b is not None else []))) for j, p in enumerate(products)]
    name = layer.activation
    one = Iv.point(1)
    if name == "sigmoid":
        # The calculator rounds e^{-z} before 1 / (1 + e^{-z}); exact mode does not round at all;
        # a student may as well round e^{z} and take e^{z} / (1 + e^{z}), increasing in e^{z}.
        a = []
        for x in z:
            e = r(exp(x))
            a.append(r(hull(one / (one + r(exp(-x))), fuzz(Iv(e.lo / (1 + e.lo), e.hi / (1 + e.hi))))))
    elif name == "tanh":
        # The tanh key of a calculator, or (e^{2z} - 1) / (e^{2z} + 1) with e^{2z} rounded.
        a = []
        for x in z:
            e = r(exp(x * Iv.point(2)))
            a.append(r(hull(tanh(x), fuzz(Iv((e.lo - 1) / (e.lo + 1), (e.hi - 1) / (e.hi + 1))))))
    elif name == "relu":
        a = [r(Iv(max(x.lo, Decimal(0)), max(x.hi, Decimal(0)))) for x in z]
    elif name == "leaky_relu":
        s = to_decimal(spec.leaky_slope)
        f = lambda v: v if v > 0 else s * v
        a = [r(Iv(f(x.lo), f(x.hi))) for x in z]
    elif name == "linear":
        a = [r(x) for x in z]
    else:  # softmax: o_k = e_k / (e_k + the others), increasing in e_k and decreasing in the others
        shift = Iv.point(layer.exp_shift or 0)
        e = [r(exp(x - shift)) for x in z]
        a = []
        for k, ek in enumerate(e):
            rest = total(x for m, x in enumerate(e) if m != k)
            a.append(r(fuzz(Iv(ek.lo / (ek.lo + rest.hi), ek.hi / (ek.hi + rest.lo)))))
    return z, a


def _derivative(spec, r: Rounder, name: str, z: list[Iv], a: list[Iv]) -> list[Iv]:
    if name == "sigmoid":
        return [r(a_one_minus_a(x)) for x in a]
    if name == "tanh":
        return [r(one_minus_square(x)) for x in a]
    if name in ("relu", "leaky_relu"):
        low = Decimal(0) if name == "relu" else to_decimal(spec.leaky_slope)
        # A net input that rounding can carry across 0 leaves the derivative undecided.
        return [Iv(Decimal(1) if x.lo > 0 else low, Decimal(1) if x.hi > 0 else low) for x in z]
    return [Iv.point(1) for _ in z]


def _loss(spec, r: Rounder, o: list[Iv], t: list[Decimal]) -> LossRange:
    n = Iv.point(len(t))
    tt = [Iv.point(x) for x in t]
    one = Iv.point(1)
    diff = [r(ti - oi) for ti, oi in zip(tt, o)]
    if spec.loss in ("half_sse", "mse"):
        sq = [r(square(d)) for d in diff]
        terms = [r(s * Iv.point(Decimal("0.5"))) if spec.loss == "half_sse" else r(s / n) for s in sq]
    elif spec.loss == "bce":
        terms = []
        for ti, oi in zip(tt, o):
            log_o, log_1mo = r(ln(oi)), r(ln(one - oi))
            parts = Iv(Decimal(0), Decimal(0))
            if ti.lo != 0:
                parts = parts + ti * log_o
            if ti.lo != 1:
                parts = parts + (one - ti) * log_1mo
            terms.append(r(-parts / n))
    else:  # cross_entropy
        terms = [r(-(ti * r(ln(oi)))) if ti.lo != 0 else Iv.point(0) for ti, oi in zip(tt, o)]
    loss_total = r(total(terms))
    if spec.loss == "half_sse":
        dE = [r(oi - ti) for oi, ti in zip(o, tt)]
    elif spec.loss == "mse":
        dE = [r(Iv.point(2) * (oi - ti) / n) for oi, ti in zip(o, tt)]
    elif spec.loss == "bce":
        dE = [r((oi - ti) / (oi * (one - oi)) / n) for oi, ti in zip(o, tt)]
    else:
        dE = [r(-(ti / oi)) if ti.lo != 0 else Iv.point(0) for ti, oi in zip(tt, o)]
    return LossRange(tuple(o), tuple(diff), tuple(terms), loss_total, tuple(dE))


def _step(trace: Trace) -> StepRange:
    spec = trace.spec
    r = Rounder(spec.precision)
    step = trace.first
    values = trace.values
    L = spec.depth
    a_prev = [Iv.point(x) for x in values.input]
    inputs, zs, acts = [], [], []
    for l in range(1, L + 1):
        layer = step.layers[l - 1]
        b = values.biases[l - 1] if values.biases is not None else None
        z, a = _forward_layer(spec, r, layer, values.weights[l - 1], b, a_prev)
        inputs.append(a_prev)
        zs.append(z)
        acts.append(a)
        a_prev = a
    t = [to_decimal(x) for x in values.target]
    loss = _loss(spec, r, acts[-1], t)
    lr = Iv.point(spec.lr)
    one = Iv.point(1)

    records: list = [None] * L
    new_W: list = [None] * L
    delta_next = None
    for l in range(L, 0, -1):
        W = values.weights[l - 1]
        b = values.biases[l - 1] if values.biases is not None else None
        z, a = zs[l - 1], acts[l - 1]
        name = spec.activations[l - 1]
        paths = derivative = None
        if l == L:
            error = list(loss.dE_do)
            tt = [Iv.point(x) for x in t]
            n = Iv.point(len(t))
            if spec.loss == "cross_entropy":
                delta = [r(oi - ti) for oi, ti in zip(a, tt)]
            elif spec.loss == "bce" and name == "sigmoid":
                delta = [r((oi - ti) / n) for oi, ti in zip(a, tt)]
            elif name == "softmax":
                size = len(a)
                jac = [[r(a_one_minus_a(a[k]) if k == j else -(a[k] * a[j])) for j in range(size)] for k in range(size)]
                delta = [r(total(r(error[k] * jac[k][j]) for k in range(size))) for j in range(size)]
            else:
                derivative = _derivative(spec, r, name, z, a)
                delta = [r(e * d) for e, d in zip(error, derivative)]
        else:
            W_next = values.weights[l]
            if spec.update_order == "sequential":
                W_next_iv = new_W[l]
            else:
                W_next_iv = [[Iv.point(w) for w in row] for row in W_next]
            paths = [[r(delta_next[k] * W_next_iv[k][j]) for k in range(len(delta_next))] for j in range(len(z))]
            error = [r(total(p)) for p in paths]
            derivative = _derivative(spec, r, name, z, a)
            delta = [r(e * d) for e, d in zip(error, derivative)]
        grad_W = [[r(d * x) for x in inputs[l - 1]] for d in delta]
        step_W = [[r(lr * g) for g in row] for row in grad_W]
        W_new = [[Iv.point(w) - s for w, s in zip(wr, sr)] for wr, sr in zip(W, step_W)]
        grad_b = step_b = b_new = None
        if b is not None:
            grad_b = list(delta)
            step_b = [r(lr * g) for g in grad_b]
            if spec.bias_policy == "frozen":
                b_new = [Iv.point(x) for x in b]
            else:
                b_new = [Iv.point(x) - s for x, s in zip(b, step_b)]
        new_W[l - 1] = W_new
        records[l - 1] = LayerRange(
            l=l, z=tuple(z), a=tuple(a), derivative=tuple(derivative) if derivative is not None else None,
            error=tuple(error), paths=tuple(tuple(p) for p in paths) if paths is not None else None,
            delta=tuple(delta), grad_W=tuple(tuple(g) for g in grad_W),
            grad_b=tuple(grad_b) if grad_b is not None else None,
            step_W=tuple(tuple(s) for s in step_W), step_b=tuple(step_b) if step_b is not None else None,
            W_new=tuple(tuple(w) for w in W_new), b_new=tuple(b_new) if b_new is not None else None,
        )
        delta_next = delta
    return StepRange(layers=tuple(records), loss=loss)
