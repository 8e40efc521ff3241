"""Numbers only: a spec and its values in, every quantity of forward and backward passes out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .activations import get_activation, sigmoid
from ..errors import NumericError
from .finite import check_finite
from .losses import get_loss, log_sigmoid
from ..documents.numbers import round_decimal
from .spec import Matrix, NetworkSpec, Values, Vector

# Indices follow the seed notes: layer l (1..L), neuron j of layer l, i of layer l-1, k of
# layer l+1. W[j][i] connects neuron i of layer l-1 to neuron j of layer l.


@dataclass(frozen=True)
class LayerTrace:
    """Weight layer l: its parameters, forward values, deltas, gradients and updates."""

    l: int
    activation: str
    W: Matrix
    b: Vector | None
    a_prev: Vector  # activations of layer l-1 (the input for l = 1)
    products: Matrix  # products[j][i] = W[j][i] * a_prev[i]
    z: Vector  # net inputs
    exp_terms: tuple[float | None, ...] | None  # sigmoid: e^{-z_j}; softmax: e^{z_j - exp_shift}
    exp_shift: float | None  # softmax: what was subtracted from z before exponentiating (0 normally)
    exp_sum: float | None  # softmax: sum of exp_terms
    a: Vector  # activations
    derivative: Vector | None  # f'(z_j), element-wise activations
    jacobian: Matrix | None  # softmax: jacobian[k][j] = da_k/dz_j
    error: Vector  # dE/da_j: dE/do at the output, the sum of the paths for hidden layers
    paths: Matrix | None  # hidden: paths[j][k] = delta_k(l+1) * W(l+1)[k][j]
    W_next: Matrix | None  # hidden: the W(l+1) the paths used (updated already when sequential)
    delta_terms: Matrix | None  # softmax without cross-entropy: [j][k] = dE/do_k * da_k/dz_j
    delta: Vector  # dE/dz_j
    grad_W: Matrix
    grad_b: Vector | None
    step_W: Matrix  # lr * grad_W
    step_b: Vector | None
    W_new: Matrix
    b_new: Vector | None


@dataclass(frozen=True)
class LossTrace:
    """The loss at the output: per-output terms and their derivatives."""

    name: str
    output: Vector
    target: Vector
    diff: Vector  # t_k - o_k
    square: Vector | None  # (t_k - o_k)^2 for the squared losses
    log_o: Vector | None  # ln o_k for the cross-entropies
    log_1mo: Vector | None  # ln(1 - o_k) for bce
    terms: Vector  # E_k
    total: float
    dE_do: Vector


@dataclass(frozen=True)
class StepTrace:
    """One gradient-descent step: forward pass, loss, backward pass, update, loss after."""

    index: int  # 1-based
    input: Vector
    layers: tuple[LayerTrace, ...]
    loss: LossTrace
    output_after: Vector
    loss_after: float


@dataclass(frozen=True)
class Trace:
    """All steps of one problem."""

    spec: NetworkSpec
    values: Values
    steps: tuple[StepTrace, ...]

    @property
    def first(self) -> StepTrace:
        return self.steps[0]


# ---------------------------------------------------------------- arithmetic


class _Exact:
    """Full double precision; sums are correctly rounded (fsum), so they do not depend on order."""

    def __init__(self, precision: int):
        self.precision = precision

    def num(self, x: float):
        return float(x)

    def r(self, x):
        return x

    def stored(self, x):
        return x

    def total(self, xs):
        xs = list(xs)
        try:
            return math.fsum(xs)
        except (OverflowError, ValueError):
            # fsum raises on an overflowing partial sum or on inf - inf; the plain sum gives the
            # inf or nan instead, which the caller's finiteness check reports as a NumericError.
            return sum(xs)

    def exp(self, x):
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf

    def log(self, x):
        return math.log(x) if x > 0 else -math.inf

    def tanh(self, x):
        return math.tanh(x)


class _Carried:
    """What a student does by hand: decimal arithmetic, every result rounded to the display
    digits before it is used again, so each shown line recomputes from the numbers on it."""

    def __init__(self, precision: int):
        self.precision = precision

    def num(self, x: float) -> Decimal:
        return Decimal(repr(float(x)))

    def r(self, x) -> Decimal:
        if not isinstance(x, Decimal):
            if not math.isfinite(x):
                return x
            x = Decimal(repr(float(x)))
        elif not x.is_finite():
            return float(x)  # a float inf, as in exact mode, for the finiteness checks to report
        return self.stored(round_decimal(x, self.precision))

    def stored(self, x: Decimal) -> Decimal:
        """x, checked to survive the trip into the trace's doubles: with more than about 15
        significant digits (1e10 at 5 decimals) the document would show other digits than the
        ones the next line used."""
        if Decimal(repr(float(x))) != x:
            raise NumericError(
                f"carried rounding: {x} has more significant digits than the solution can store; "
                "use a lower --precision or --rounding exact"
            )
        return x

    def total(self, xs):
        return sum(xs, Decimal(0))

    def exp(self, x):
        try:
            return self.r(math.exp(float(x)))
        except OverflowError:
            return math.inf

    def log(self, x):
        # An output rounded to exactly 0 or 1 gives ln 0: a Decimal -inf, because t * ln(o) mixes
        # it with Decimal targets (a float -inf would be a TypeError there).
        return self.r(math.log(float(x))) if x > 0 else Decimal("-Infinity")

    def tanh(self, x):
        return self.r(math.tanh(float(x)))


def _floats(xs) -> Vector:
    return tuple(float(x) for x in xs)


def _matrix(rows) -> Matrix:
    return tuple(_floats(r) for r in rows)


def _finite(what: str, xs) -> None:
    for n, x in enumerate(xs, start=1):
        # Carried Decimals have no overflow of their own, but the trace stores floats: a Decimal
        # beyond the double range would land in it as inf.
        x = float(x)
        if not math.isfinite(x):
            raise NumericError(
                f"{what} {n} is {'infinite' if math.isinf(x) else 'not a number'}: the values are too "
                "large to represent in double precision; use smaller inputs or weights"
            )


# ---------------------------------------------------------------- forward pass


@dataclass
class _Forward:
    a_prev: list
    products: list
    z: list
    exp_terms: list | None
    exp_shift: object
    exp_sum: object
    a: list


def _activate(ops, name: str, z: list, slope) -> tuple[list, list | None, object, object]:
    """Activations of one layer, with the exponentials a hand calculation shows."""
    if name == "sigmoid":
        if isinstance(ops, _Carried):
            e = [ops.exp(-x) for x in z]
            _finite("e^{-net} of neuron", e)
            return [ops.r(1 / (1 + x)) for x in e], e, None, None
        e = [math.exp(-x) if -x < 709 else None for x in z]
        return [sigmoid(x) for x in z], e, None, None
    if name == "softmax":
        # Shift by max(z) only when e^z could overflow, or every e^z underflow to 0 and leave a
        # zero sum to divide by; hand-sized problems show plain e^{z_k}.
        top = max(z)
        shift = top if abs(top) > 50 else ops.num(0)
        e = [ops.exp(x - shift) for x in z]
        s = ops.total(e)
        return [ops.r(x / s) for x in e], e, shift, s
    if name == "tanh":
        return [ops.tanh(x) for x in z], None, None, None
    act = get_activation(name)
    return [ops.r(act.value(x, slope)) for x in z], None, None, None


def _forward_layer(ops, spec: NetworkSpec, l: int, W, b, a_prev) -> _Forward:
    products = [[ops.r(w * a) for w, a in zip(row, a_prev)] for row in W]
    z = [ops.r(ops.total(p + ([b[j]] if b is not None else []))) for j, p in enumerate(products)]
    _finite(f"net input of layer {l}, neuron", z)
    slope = ops.num(spec.leaky_slope)
    a, e, shift, s = _activate(ops, spec.activations[l - 1], z, slope)
    _finite(f"activation of layer {l}, neuron", a)
    return _Forward(list(a_prev), products, z, e, shift, s, a)


def _forward(ops, spec: NetworkSpec, x, weights, biases) -> list[_Forward]:
    out, a = [], x
    for l in range(1, spec.depth + 1):
        f = _forward_layer(ops, spec, l, weights[l - 1], biases[l - 1] if biases else None, a)
        out.append(f)
        a = f.a
    return out


# ---------------------------------------------------------------- loss


def _loss(ops, spec: NetworkSpec, last: _Forward, t) -> LossTrace:
    loss = get_loss(spec.loss)
    o, z, n = last.a, last.z, len(t)
    nn = ops.num(n)
    diff = [ops.r(ti - oi) for ti, oi in zip(t, o)]
    square = log_o = log_1mo = None
    exact = isinstance(ops, _Exact)
    if spec.loss in ("half_sse", "mse"):
        square = [ops.r(d * d) for d in diff]
        terms = [ops.r(s / 2 if spec.loss == "half_sse" else s / nn) for s in square]
    elif spec.loss == "bce":
        if exact and spec.activations[-1] == "sigmoid":
            # ln o = ln sigma(z) and ln(1 - o) = ln sigma(-z): finite even when o rounds to 0 or 1.
            log_o = [log_sigmoid(x) for x in z]
            log_1mo = [log_sigmoid(-x) for x in z]
        elif exact:  # softmax: ln o and ln(1 - o) from z, finite even where o rounds to 0 or 1
            log_o = _log_softmax(z)
            log_1mo = _log_softmax_complement(z, o, log_o)
        else:
            log_o = [ops.log(x) for x in o]
            log_1mo = [ops.log(1 - x) for x in o]
        terms = [ops.r(-(_mul0(ti, lo) + _mul0(1 - ti, l1)) / nn) for ti, lo, l1 in zip(t, log_o, log_1mo)]
    else:  # cross_entropy with softmax
        if exact:
            log_o = _log_softmax(z)
        else:
            log_o = [ops.log(x) for x in o]
        terms = [ops.r(-_mul0(ti, lo)) for ti, lo in zip(t, log_o)]
    for k, term in enumerate(terms, start=1):
        if not exact and isinstance(term, float) and math.isinf(term):
            # Not an overflow: carried rounding took an output to exactly 0 or 1, and ln to ln 0.
            raise NumericError(
                f"output {k} rounds to {float(o[k - 1]):g} at {spec.precision} decimals, where {spec.loss} "
                "takes ln 0; use --rounding exact or a higher --precision"
            )
    _finite("loss term E", terms)
    total = ops.r(ops.total(terms))
    if isinstance(total, float) and not math.isfinite(total):  # finite terms can overflow their sum
        raise NumericError(
            "the total loss is infinite: the values are too large to represent in double precision; "
            "use smaller inputs or weights"
        )
    dE_do = [ops.r(_derivative(ops, spec.loss, oi, ti, nn)) for oi, ti in zip(o, t)]
    for k, d in enumerate(dE_do, start=1):
        if isinstance(d, float) and not math.isfinite(d):
            raise NumericError(
                f"dE/do_{k} is infinite: output {k} is {float(o[k - 1])!r}, at the edge of what "
                f"{spec.loss} can differentiate; use smaller weights or inputs"
            )
    return LossTrace(
        name=spec.loss,
        output=_floats(o),
        target=_floats(t),
        diff=_floats(diff),
        square=_floats(square) if square is not None else None,
        log_o=_floats(log_o) if log_o is not None else None,
        log_1mo=_floats(log_1mo) if log_1mo is not None else None,
        terms=_floats(terms),
        total=float(total),
        dE_do=_floats(dE_do),
    )


def _log_softmax(z: list) -> list:
    """ln o_k = z_k - m - ln(sum of e^{z - m}), always about m = max(z) whatever shift the display
    used, and with log1p: a loss near 0 is then -log1p(tiny), not a difference of large numbers."""
    top = max(z)
    k_top = z.index(top)
    lse = math.log1p(math.fsum(math.exp(x - top) for k, x in enumerate(z) if k != k_top))
    return [x - top - lse for x in z]


def _log_softmax_complement(z: list, o: list, log_o: list) -> list:
    """ln(1 - o_k): log1p(-o_k) while o_k < 1/2; above, ln(sum of the other e^{z_m}) - ln(sum of
    all) = ln(sum of the others) - z_k + ln o_k, from z: 1 - o_k itself rounds to 0 where o_k is
    within 1e-16 of 1."""
    out = []
    for k, x in enumerate(o):
        if x < 0.5:
            out.append(math.log1p(-x))
            continue
        rest = [y for m, y in enumerate(z) if m != k]
        top = max(rest)
        out.append(top + math.log(math.fsum(math.exp(y - top) for y in rest)) - z[k] + log_o[k])
    return out


def _mul0(t, log_value):
    """t * ln(o) with 0 * ln(0) = 0, the limit the cross-entropies use."""
    return t * 0 if t == 0 else t * log_value


def _derivative(ops, loss: str, o, t, n):
    if loss == "half_sse":
        return o - t
    if loss == "mse":
        return 2 * (o - t) / n
    if loss == "bce":
        denom = o * (1 - o)
        return (o - t) / denom / n if denom != 0 else math.inf
    return -t / o if o != 0 else (math.inf if t != 0 else ops.num(0))


# ---------------------------------------------------------------- backward pass


def _output_delta(ops, spec: NetworkSpec, last: _Forward, loss: LossTrace, dE_do, t, n):
    """delta_k = dE/dz_k at the output, and f'(z) or the softmax Jacobian it used."""
    name = spec.activations[-1]
    o = last.a
    derivative = jacobian = delta_terms = None
    if name == "softmax":
        jacobian = [[ops.r(o[k] * ((1 if k == j else 0) - o[j])) for j in range(len(o))] for k in range(len(o))]
    else:
        derivative = _elementwise_derivative(ops, spec, name, last)
    if spec.loss == "cross_entropy":  # with softmax (enforced): delta = o - t
        delta = [ops.r(oi - ti) for oi, ti in zip(o, t)]
    elif spec.loss == "bce" and name == "sigmoid":  # the o(1 - o) of sigmoid cancels: (o - t) / n
        delta = [ops.r((oi - ti) / n) for oi, ti in zip(o, t)]
    elif name == "softmax":
        delta_terms = [[ops.r(dE_do[k] * jacobian[k][j]) for k in range(len(o))] for j in range(len(o))]
        delta = [ops.r(ops.total(row)) for row in delta_terms]
    else:
        delta = [ops.r(d * f) for d, f in zip(dE_do, derivative)]
    return delta, derivative, jacobian, delta_terms


def _elementwise_derivative(ops, spec: NetworkSpec, name: str, f: _Forward) -> list:
    act = get_activation(name)
    slope = ops.num(spec.leaky_slope)
    return [ops.r(act.derivative(z, a, slope)) for z, a in zip(f.z, f.a)]


def _step(ops, spec: NetworkSpec, index: int, x, t, weights, biases) -> tuple[StepTrace, list, list | None]:
    lr = ops.num(spec.lr)
    n = ops.num(len(t))
    fwd = _forward(ops, spec, x, weights, biases)
    loss = _loss(ops, spec, fwd[-1], t)
    dE_do = [ops.num(d) if isinstance(ops, _Carried) else d for d in loss.dE_do]

    L = spec.depth
    new_W: list = [None] * L
    new_b: list = [None] * L
    records: list = [None] * L
    delta_next = W_next_used = None
    for l in range(L, 0, -1):
        f = fwd[l - 1]
        W = weights[l - 1]
        b = biases[l - 1] if biases else None
        paths = delta_terms = jacobian = derivative = None
        if l == L:
            delta, derivative, jacobian, delta_terms = _output_delta(ops, spec, f, loss, dE_do, t, n)
            error = dE_do
        else:
            # Sequential order is the classic mistake: the paths use W(l+1) already updated.
            W_next_used = new_W[l] if spec.update_order == "sequential" else weights[l]
            paths = [
                [ops.r(delta_next[k] * W_next_used[k][j]) for k in range(len(delta_next))]
                for j in range(len(f.z))
            ]
            error = [ops.r(ops.total(p)) for p in paths]
            derivative = _elementwise_derivative(ops, spec, spec.activations[l - 1], f)
            delta = [ops.r(e * d) for e, d in zip(error, derivative)]
        _finite(f"delta of layer {l}, neuron", delta)
        grad_W = [[ops.r(d * a) for a in f.a_prev] for d in delta]
        step_W = [[ops.r(lr * g) for g in row] for row in grad_W]
        # w - eta*g is exact in carried decimals: no rounding, so a small update is not lost.
        W_new = [[ops.stored(w - s) for w, s in zip(wr, sr)] for wr, sr in zip(W, step_W)]
        grad_b = step_b = b_new = None
        if b is not None:
            grad_b = list(delta)
            step_b = [ops.r(lr * g) for g in grad_b]
            b_new = list(b) if spec.bias_policy == "frozen" else [ops.stored(bi - s) for bi, s in zip(b, step_b)]
        new_W[l - 1], new_b[l - 1] = W_new, b_new
        records[l - 1] = LayerTrace(
            l=l,
            activation=spec.activations[l - 1],
            W=_matrix(W),
            b=_floats(b) if b is not None else None,
            a_prev=_floats(f.a_prev),
            products=_matrix(f.products),
            z=_floats(f.z),
            exp_terms=tuple(None if e is None else float(e) for e in f.exp_terms) if f.exp_terms is not None else None,
            exp_shift=float(f.exp_shift) if f.exp_shift is not None else None,
            exp_sum=float(f.exp_sum) if f.exp_sum is not None else None,
            a=_floats(f.a),
            derivative=_floats(derivative) if derivative is not None else None,
            jacobian=_matrix(jacobian) if jacobian is not None else None,
            error=_floats(error),
            paths=_matrix(paths) if paths is not None else None,
            W_next=_matrix(W_next_used) if paths is not None else None,
            delta_terms=_matrix(delta_terms) if delta_terms is not None else None,
            delta=_floats(delta),
            grad_W=_matrix(grad_W),
            grad_b=_floats(grad_b) if grad_b is not None else None,
            step_W=_matrix(step_W),
            step_b=_floats(step_b) if step_b is not None else None,
            W_new=_matrix(W_new),
            b_new=_floats(b_new) if b_new is not None else None,
        )
        delta_next = delta
    new_biases = new_b if biases else None
    after = _forward(ops, spec, x, new_W, new_biases)
    loss_after = _loss(ops, spec, after[-1], t)
    step = StepTrace(
        index=index,
        input=_floats(x),
        layers=tuple(records),
        loss=loss,
        output_after=_floats(after[-1].a),
        loss_after=loss_after.total,
    )
    return step, new_W, new_biases


def calculate(spec: NetworkSpec, values: Values) -> Trace:
    """Every quantity of `spec.steps` gradient-descent steps on one sample."""
    ops = _Carried(spec.precision) if spec.rounding == "carried" else _Exact(spec.precision)
    x = [ops.num(v) for v in values.input]
    t = [ops.num(v) for v in values.target]
    weights = [[[ops.num(w) for w in row] for row in W] for W in values.weights]
    biases = [[ops.num(v) for v in b] for b in values.biases] if values.biases is not None else None
    steps = []
    for s in range(1, spec.steps + 1):
        step, weights, biases = _step(ops, spec, s, x, t, weights, biases)
        steps.append(step)
    trace = Trace(spec=spec, values=values, steps=tuple(steps))
    check_finite(trace)
    return trace
