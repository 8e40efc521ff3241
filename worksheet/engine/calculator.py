"""Numbers only: a spec and its values in, every quantity of forward and backward passes out.

The pass is written once against a few operations (`r` for a value written down, `total`, `exp`,
`ln`, `div`, `either` for the forms a hand computation may take, ...) of a number backend: exact
doubles, carried decimals here, intervals in intervals.py. Every backend gives the same records."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from ..errors import NumericError
from .activations import get_activation
from .finite import check_finite
from .losses import get_loss
from .rounding import round_decimal
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


# ---------------------------------------------------------------- the pass as a student may do it


# Compared by identity: nothing asks whether two passes depart alike.
@dataclass(frozen=True, eq=False)
class Variation:
    """Where the pass departs from backpropagation, one field per step a known misconception
    does otherwise (engine/misconceptions.py names and documents them). The defaults are the
    correct pass; stale weights are the spec's update_order="sequential"."""

    loss_scale: int = 1  # E_k and dE/do multiplied: 2 where the 1/2 of the loss is forgotten
    derivative_sign: int = 1  # -1: t - o written for o - t in dE/do (and in a combined delta)
    output_derivative: bool = True  # False: f'(z) or the Jacobian left out of the output delta
    hidden_derivative: bool = True  # False: f'(z) left out of the hidden deltas
    derivative_at_activation: bool = False  # f'(a) written for f'(z): the activation for the net input
    source_net: bool = False  # dE/dw_ji = delta_j * net_i: the net input for the source's activation
    drop_last_path: bool = False  # a hidden neuron's sum leaves out its path through the last neuron
    transposed: bool = False  # the paths use W(l+1)[j][k] for W(l+1)[k][j]
    jacobian_diagonal: bool = False  # softmax differentiated element-wise: o_k(1 - o_k) alone
    bias_as_input: bool = False  # dE/db_j = delta_j * b_j, the bias taken as its own input
    update_sign: int = -1  # +1: w + eta g for w - eta g
    # Values a student wrote, taken in place of the computed ones (error carried forward): pairs
    # of a quantity (kind, l, j, i) as questions.Quantity spells it, and the value as written (a
    # Decimal: what it may have been rounded from is half a unit of its last digit either way).
    pins: tuple = ()


CORRECT = Variation()


def _pin(ops, pins: dict, kind: str, l: int, xs: list) -> list:
    """xs, with the value a student wrote wherever `pins` holds one."""
    if not pins:
        return xs
    return [ops.written(pins[(kind, l, j, 0)]) if (kind, l, j, 0) in pins else x for j, x in enumerate(xs)]


def _pin_rows(ops, pins: dict, kind: str, l: int, rows: list) -> list:
    if not pins:
        return rows
    return [[ops.written(pins[(kind, l, j, i)]) if (kind, l, j, i) in pins else x for i, x in enumerate(row)]
            for j, row in enumerate(rows)]


# ---------------------------------------------------------------- number backends


class Exact:
    """Full double precision; sums are correctly rounded (fsum), so they do not depend on order.
    Where a closed form is better conditioned than the hand form (the logistic function, the
    logarithm of an output), that form is used: `either` takes its first argument."""

    checked = True  # finiteness is checked and reported as a NumericError
    rounds = False  # no value is rounded when written

    def __init__(self, precision: int):
        self.precision = precision

    def num(self, x):
        return float(x)

    def scalar(self, x):
        """A constant of the spec (the leaky slope) inside the backend's functions."""
        return self.num(x)

    def written(self, x):
        """A value a student wrote down (a Decimal), as it was written."""
        return self.num(x)

    def out(self, x) -> float:
        """A value as the trace holds it."""
        return float(x)

    def vector(self, xs) -> tuple:
        """xs (a list or tuple: read again when it holds a None) as the trace stores it."""
        try:
            return tuple(map(float, xs))
        except TypeError:  # a None: what a neuron does not have
            return tuple([None if x is None else float(x) for x in xs])

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

    def shown_exp(self, x):
        """e^x as a document shows it next to the closed form: None where it overflows."""
        return math.exp(x) if x < 709 else None

    def ln(self, x):
        return math.log(x) if x > 0 else -math.inf

    def tanh(self, x):
        return math.tanh(x)

    def div(self, a, b):
        """a / b, infinite where b is 0 (the finiteness checks report it)."""
        return a / b if b != 0 else math.inf

    def div0(self, a, b):
        """a / b with 0 / 0 = 0: the limit the cross-entropies use for a zero target."""
        return a / b if b != 0 else (math.inf if a != 0 else b)

    def weighted(self, t, x):
        """t * x with 0 * x = 0 even for an infinite x (0 * ln 0 = 0)."""
        return t * 0 if t == 0 else t * x

    def either(self, closed, *hand):
        return closed()

    def increasing(self, f, x, slack: bool = False):
        """f(x) for a function increasing in x."""
        return f(x)

    def turning(self, f, x, points=()):
        """f(x) for a smooth f whose extremes lie at its ends or at the given turning points."""
        return f(x)

    def share(self, k: int, e: list, s):
        """e_k / s, s being the sum of e."""
        return e[k] / s

    def exp_shift(self, l: int, z: list):
        """Shift z by max(z) only when e^z could overflow, or every e^z underflow to 0 and
        leave a zero sum to divide by; hand-sized problems show plain e^{z_k}."""
        top = max(z)
        return top if abs(top) > 50 else self.num(0)

    def log_outputs(self, act, z: list, o: list, weights=None) -> list:
        """ln o_k, from z where the activation has a stable form (finite where o rounds to 0).
        With `weights`, a logarithm weighted by 0 is not needed (but shown all the same)."""
        return act.log_output(z) if act.log_output is not None else [self.ln(x) for x in o]

    def log_complements(self, act, z: list, o: list, log_o: list) -> list:
        """ln(1 - o_k), from z where the activation has a stable form."""
        if act.log_complement is not None:
            return act.log_complement(z, o, log_o)
        return [self.ln(1 - x) for x in o]

    def check(self, what: str, xs) -> None:
        _finite(what, xs)


class Carried(Exact):
    """What a student does by hand: decimal arithmetic, every result rounded to the display
    digits before it is used again, so each shown line recomputes from the numbers on it.
    Where there is more than one hand form, `either` takes the first of them."""

    rounds = True

    def num(self, x) -> Decimal:
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
            return math.exp(float(x))
        except OverflowError:
            return math.inf

    def shown_exp(self, x):
        return self.r(self.exp(x))

    def ln(self, x):
        # An output rounded to exactly 0 or 1 gives ln 0: a Decimal -inf, because t * ln(o) mixes
        # it with Decimal targets (a float -inf would be a TypeError there).
        return self.r(math.log(float(x))) if x > 0 else Decimal("-Infinity")

    def tanh(self, x):
        return math.tanh(float(x))

    def div(self, a, b):
        if isinstance(a, float):  # an infinite quotient already
            return a
        return super().div(a, b)

    def either(self, closed, *hand):
        return hand[0]()

    def log_outputs(self, act, z: list, o: list, weights=None) -> list:
        return [self.ln(x) for x in o]

    def log_complements(self, act, z: list, o: list, log_o: list) -> list:
        return [self.ln(1 - x) for x in o]


def _finite(what: str, xs) -> None:
    for n, x in enumerate(xs, start=1):
        # Carried Decimals have no overflow of their own, but the trace stores floats: a Decimal
        # beyond the double range would land in it as inf.
        if x is None:
            continue
        x = float(x)
        if not math.isfinite(x):
            raise NumericError(
                f"{what} {n} is {'infinite' if math.isinf(x) else 'not a number'}: the values are too "
                "large to represent in double precision; use smaller inputs or weights"
            )


def _vector(ops, xs) -> tuple:
    return ops.vector(xs)


def _matrix(ops, rows) -> tuple:
    return tuple(_vector(ops, r) for r in rows)


def _maybe(convert, ops, xs):
    return convert(ops, xs) if xs is not None else None


# ---------------------------------------------------------------- forward pass


# A layer's forward values between two steps of the pass: compared by nothing.
@dataclass(eq=False, repr=False)
class _Forward:
    a_prev: list
    products: list
    z: list
    exp_terms: list | None
    exp_shift: object
    exp_sum: object
    a: list


def _forward_layer(ops, spec: NetworkSpec, l: int, W, b, a_prev, pins=None) -> _Forward:
    products = [[ops.r(w * a) for w, a in zip(row, a_prev)] for row in W]
    z = [ops.r(ops.total(p + [b[j]] if b is not None else p)) for j, p in enumerate(products)]
    z = _pin(ops, pins, "z", l, z)
    ops.check(f"net input of layer {l}, neuron", z)
    act = get_activation(spec.activations[l - 1])
    a, e, shift, s = act.forward(ops, z, ops.scalar(spec.leaky_slope), l)
    a = _pin(ops, pins, "a", l, a)
    ops.check(f"activation of layer {l}, neuron", a)
    return _Forward(list(a_prev), products, z, e, shift, s, a)


def _forward(ops, spec: NetworkSpec, x, weights, biases, pins=None) -> list[_Forward]:
    out, a = [], x
    for l in range(1, spec.depth + 1):
        f = _forward_layer(ops, spec, l, weights[l - 1], biases[l - 1] if biases else None, a, pins)
        out.append(f)
        a = f.a
    return out


# ---------------------------------------------------------------- loss


def _loss(ops, spec: NetworkSpec, last: _Forward, t, v: Variation = CORRECT, pins=None) -> LossTrace:
    loss = get_loss(spec.loss)
    act = get_activation(spec.activations[-1])
    o, n = last.a, ops.num(len(t))
    diff = [ops.r(ti - oi) for ti, oi in zip(t, o)]
    square, log_o, log_1mo, terms = loss.terms(ops, act, last.z, o, t, diff, n)
    if v.loss_scale != 1:
        terms = [ops.r(term * v.loss_scale) for term in terms]
    terms = _pin(ops, pins, "E_k", 0, terms)
    if ops.checked:
        for k, term in enumerate(terms, start=1):
            if ops.rounds and isinstance(term, float) and math.isinf(term):
                # Not an overflow: carried rounding took an output to exactly 0 or 1, and ln to ln 0.
                raise NumericError(
                    f"output {k} rounds to {float(o[k - 1]):g} at {spec.precision} decimals, where "
                    f"{spec.loss} takes ln 0; use --rounding exact or a higher --precision"
                )
        _finite("loss term E", terms)
    total = _pin(ops, pins, "E", 0, [ops.r(ops.total(terms))])[0]
    if ops.checked and isinstance(total, float) and not math.isfinite(total):  # finite terms can overflow their sum
        raise NumericError(
            "the total loss is infinite: the values are too large to represent in double precision; "
            "use smaller inputs or weights"
        )
    dE_do = [ops.r(loss.derivative(ops, oi, ti, n)) for oi, ti in zip(o, t)]
    if v.loss_scale * v.derivative_sign != 1:
        dE_do = [ops.r(d * (v.loss_scale * v.derivative_sign)) for d in dE_do]
    dE_do = _pin(ops, pins, "dE_do", spec.depth, dE_do)
    if ops.checked:
        for k, d in enumerate(dE_do, start=1):
            if isinstance(d, float) and not math.isfinite(d):
                raise NumericError(
                    f"dE/do_{k} is infinite: output {k} is {float(o[k - 1])!r}, at the edge of what "
                    f"{spec.loss} can differentiate; use smaller weights or inputs"
                )
    return LossTrace(
        name=spec.loss,
        output=_vector(ops, o),
        target=_vector(ops, t),
        diff=_vector(ops, diff),
        square=_maybe(_vector, ops, square),
        log_o=_maybe(_vector, ops, log_o),
        log_1mo=_maybe(_vector, ops, log_1mo),
        terms=_vector(ops, terms),
        total=ops.out(total),
        dE_do=_vector(ops, dE_do),
    )


# ---------------------------------------------------------------- backward pass


def _output_delta(ops, spec: NetworkSpec, last: _Forward, dE_do, t, n, v: Variation = CORRECT):
    """delta_k = dE/dz_k at the output, and f'(z) or the Jacobian it used."""
    act = get_activation(spec.activations[-1])
    loss = get_loss(spec.loss)
    o = last.a
    derivative = jacobian = delta_terms = None
    if act.elementwise:
        derivative = _derivatives(ops, spec, act, last, v, spec.depth)
    else:
        jacobian = act.jacobian(ops, o)
    if not v.output_derivative:
        delta = list(dE_do)
    elif jacobian is not None and v.jacobian_diagonal:
        delta = [ops.r(dE_do[k] * jacobian[k][k]) for k in range(len(o))]
    elif act.name in loss.combined_delta:  # the activation's derivative cancels: a stable form
        scale = v.loss_scale * v.derivative_sign
        delta = [ops.r(d if scale == 1 else d * scale) for d in loss.combined(ops, o, t, n)]
    elif jacobian is not None:
        delta_terms = [[ops.r(dE_do[k] * jacobian[k][j]) for k in range(len(o))] for j in range(len(o))]
        delta = [ops.r(ops.total(row)) for row in delta_terms]
    else:
        delta = [ops.r(d * f) for d, f in zip(dE_do, derivative)]
    return delta, derivative, jacobian, delta_terms


def _derivatives(ops, spec: NetworkSpec, act, f: _Forward, v: Variation = CORRECT, l: int = 0) -> list:
    slope = ops.scalar(spec.leaky_slope)
    if v.derivative_at_activation:  # f'(a) = f'(z) evaluated at z = a, from f(a)
        fa = act.forward(ops, list(f.a), slope, l)[0]
        return [ops.r(act.written_derivative(ops, a, b, slope)) for a, b in zip(f.a, fa)]
    return [ops.r(act.written_derivative(ops, z, a, slope)) for z, a in zip(f.z, f.a)]


def step(ops, spec: NetworkSpec, index: int, x, t, weights, biases, after: bool = True,
         v: Variation = CORRECT):
    """One gradient-descent step in the backend `ops`: its record, and the new weights and
    biases. Without `after`, the forward pass with the new parameters is left out; `v` is the
    pass as a misconception does it."""
    lr = ops.num(spec.lr)
    n = ops.num(len(t))
    pins = dict(v.pins)
    fwd = _forward(ops, spec, x, weights, biases, pins)
    loss = _loss(ops, spec, fwd[-1], t, v, pins)
    # The rounded dE/do as the trace holds it: carried decimals come back through their doubles.
    dE_do = [ops.num(d) for d in loss.dE_do]

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
            delta, derivative, jacobian, delta_terms = _output_delta(ops, spec, f, dE_do, t, n, v)
            delta = _pin(ops, pins, "delta", l, delta)
            error = dE_do
        else:
            # Sequential order is the classic mistake: the paths use W(l+1) already updated.
            W_next_used = new_W[l] if spec.update_order == "sequential" else weights[l]
            paths = [
                [ops.r(delta_next[k] * (W_next_used[j][k] if v.transposed else W_next_used[k][j]))
                 for k in range(len(delta_next))]
                for j in range(len(f.z))
            ]
            kept = len(delta_next) - 1 if v.drop_last_path else len(delta_next)
            error = _pin(ops, pins, "error", l, [ops.r(ops.total(p[:kept])) for p in paths])
            derivative = _derivatives(ops, spec, get_activation(spec.activations[l - 1]), f, v, l)
            delta = [ops.r(e * d) for e, d in zip(error, derivative)] if v.hidden_derivative else list(error)
            delta = _pin(ops, pins, "delta", l, delta)
        ops.check(f"delta of layer {l}, neuron", delta)
        source = fwd[l - 2].z if v.source_net and l > 1 else f.a_prev
        grad_W = _pin_rows(ops, pins, "grad_W", l, [[ops.r(d * a) for a in source] for d in delta])
        step_W = [[ops.r(lr * g) for g in row] for row in grad_W]
        # w - eta*g is exact in carried decimals: no rounding, so a small update is not lost.
        W_new = _pin_rows(ops, pins, "W_new", l,
                          [[ops.stored(_update(w, s, v)) for w, s in zip(wr, sr)] for wr, sr in zip(W, step_W)])
        grad_b = step_b = b_new = None
        if b is not None:
            grad_b = [ops.r(d * bi) for d, bi in zip(delta, b)] if v.bias_as_input else list(delta)
            grad_b = _pin(ops, pins, "grad_b", l, grad_b)
            step_b = [ops.r(lr * g) for g in grad_b]
            b_new = (list(b) if spec.bias_policy == "frozen"
                     else [ops.stored(_update(bi, s, v)) for bi, s in zip(b, step_b)])
            b_new = _pin(ops, pins, "b_new", l, b_new)
        new_W[l - 1], new_b[l - 1] = W_new, b_new
        records[l - 1] = LayerTrace(
            l=l,
            activation=spec.activations[l - 1],
            W=_matrix(ops, W),
            b=_maybe(_vector, ops, b),
            a_prev=_vector(ops, f.a_prev),
            products=_matrix(ops, f.products),
            z=_vector(ops, f.z),
            exp_terms=_maybe(_vector, ops, f.exp_terms),
            exp_shift=ops.out(f.exp_shift) if f.exp_shift is not None else None,
            exp_sum=ops.out(f.exp_sum) if f.exp_sum is not None else None,
            a=_vector(ops, f.a),
            derivative=_maybe(_vector, ops, derivative),
            jacobian=_maybe(_matrix, ops, jacobian),
            error=_vector(ops, error),
            paths=_maybe(_matrix, ops, paths),
            W_next=_matrix(ops, W_next_used) if paths is not None else None,
            delta_terms=_maybe(_matrix, ops, delta_terms),
            delta=_vector(ops, delta),
            grad_W=_matrix(ops, grad_W),
            grad_b=_maybe(_vector, ops, grad_b),
            step_W=_matrix(ops, step_W),
            step_b=_maybe(_vector, ops, step_b),
            W_new=_matrix(ops, W_new),
            b_new=_maybe(_vector, ops, b_new),
        )
        delta_next = delta
    new_biases = new_b if biases else None
    output_after = loss_after = None
    if after:
        fwd_after = _forward(ops, spec, x, new_W, new_biases)
        output_after = _vector(ops, fwd_after[-1].a)
        loss_after = _loss(ops, spec, fwd_after[-1], t, v).total
    record = StepTrace(
        index=index,
        input=_vector(ops, x),
        layers=tuple(records),
        loss=loss,
        output_after=output_after,
        loss_after=loss_after,
    )
    return record, new_W, new_biases


def _update(w, s, v: Variation):
    """w - eta*g, or w + eta*g where the misconception adds the step."""
    return w + s if v.update_sign > 0 else w - s


def given(ops, values: Values):
    """The given numbers in the backend: input, target, weights, biases."""
    x = [ops.num(v) for v in values.input]
    t = [ops.num(v) for v in values.target]
    weights = [[[ops.num(w) for w in row] for row in W] for W in values.weights]
    biases = [[ops.num(v) for v in b] for b in values.biases] if values.biases is not None else None
    return x, t, weights, biases


def calculate(spec: NetworkSpec, values: Values, v: Variation = CORRECT) -> Trace:
    """Every quantity of `spec.steps` gradient-descent steps on one sample (as the
    misconception `v` computes them, where given)."""
    ops = Carried(spec.precision) if spec.rounding == "carried" else Exact(spec.precision)
    x, t, weights, biases = given(ops, values)
    steps = []
    for s in range(1, spec.steps + 1):
        record, weights, biases = step(ops, spec, s, x, t, weights, biases, v=v)
        steps.append(record)
    trace = Trace(spec=spec, values=values, steps=tuple(steps))
    check_finite(trace)
    return trace
