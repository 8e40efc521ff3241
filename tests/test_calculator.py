"""The calculator, proved: the reference numbers, a NumPy oracle, finite differences and SymPy."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import oracle
from worksheet.engine.activations import ACTIVATIONS
from worksheet.api import load_spec, reference_spec_path
from worksheet.engine.calculator import Exact, LayerTrace, LossTrace, StepTrace, calculate
from worksheet.engine.finite import check_finite
from worksheet.errors import NumericError, SpecError
from worksheet.documents.export import to_json
from worksheet.engine.losses import LOSSES
from worksheet.engine.rounding import round_value
from worksheet.engine.sampling import draw_problem, draw_values
from worksheet.engine.spec import MAX_GIVEN, NetworkSpec, Values, build_spec

# Which output activation each loss accepts, written down here rather than read from the
# registry: bce needs outputs in (0, 1), cross-entropy a probability vector.
HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUTS = {
    "half_sse": (*HIDDEN, "softmax"),
    "mse": (*HIDDEN, "softmax"),
    "bce": ("sigmoid", "softmax"),
    "cross_entropy": ("softmax",),
}
COMBINATIONS = [(h, o, loss) for h in HIDDEN for loss, outs in OUTPUTS.items() for o in outs]

# Calculator (doubles) against the long-double oracle: RTOL of each value, or ATOL of the
# magnitude of the operands it was computed from (a sum that cancels keeps only that accuracy).
RTOL = 1e-10
ATOL = 1e-12


def first_representable(options: dict, attempts: int = 20):
    """Spec, values and trace of the first draw the calculator can represent. The sampler's raw
    draws (degenerate ones included: dead ReLUs, saturated outputs) are what the calculator must
    get right; NumericError is its documented answer to a draw that overflows or saturates."""
    spec, given_ = build_spec(options)
    for attempt in range(attempts):
        values = draw_values(spec, given_, attempt)
        try:
            return spec, values, calculate(spec, values)
        except NumericError:
            continue
    return None


@st.composite
def network_options(draw, max_depth: int = 6, max_width: int = 10) -> dict:
    loss = draw(st.sampled_from(sorted(OUTPUTS)))
    out = draw(st.sampled_from(OUTPUTS[loss]))
    depth = draw(st.integers(1, max_depth))
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=depth - 1, max_size=depth - 1))
    widths = draw(st.lists(st.integers(1, max_width), min_size=depth, max_size=depth))
    widths.append(draw(st.integers(2 if out == "softmax" else 1, max_width)))
    return {
        "layers": "-".join(map(str, widths)),
        "activation": ",".join([*hidden, out]),
        "loss": loss,
        "bias": draw(st.booleans()),
        "lr": draw(st.sampled_from([0.05, 0.1, 0.3, 0.5, 1.0, 2.5])),
        "leaky_slope": draw(st.sampled_from([0.01, 0.05, 0.2])),
        "seed": draw(st.integers(0, 2**32 - 1)),
        "steps": draw(st.integers(1, 3)),
        "update_order": draw(st.sampled_from(["simultaneous", "sequential"])),
        "bias_policy": draw(st.sampled_from(["trained", "frozen"])),
    }


# ---------------------------------------------------------------- (1) the reference network


def reference_trace():
    spec, given_ = build_spec({
        "layers": "2-2-2", "activation": "sigmoid", "loss": "half_sse", "bias": False, "lr": 0.5,
        "input": [0.05, 0.10], "target": [0.01, 0.99],
        "W1": [[0.15, 0.20], [0.25, 0.30]], "W2": [[0.40, 0.45], [0.50, 0.55]],
    })
    return draw_problem(spec, given_)[1]


def test_reference_network_numbers():
    step = reference_trace().first
    hidden, out = step.layers
    assert [f"{o:.5f}" for o in out.a] == ["0.60648", "0.63048"]
    assert f"{step.loss.total:.5f}" == "0.24252"
    assert f"{out.grad_W[0][0]:.5f}" == "0.07216"  # dE/dw5: w5 = W(2)[1][1], H1 -> O1
    assert f"{out.W_new[0][0]:.5f}" == "0.36392"
    assert f"{hidden.grad_W[0][0]:.3g}" == "0.000188"  # dE/dw1: w1 = W(1)[1][1], I1 -> H1


def test_shipped_reference_spec_is_the_reference_network():
    spec, given_ = load_spec(spec=reference_spec_path())
    assert draw_problem(spec, given_)[1].steps == reference_trace().steps


# ---------------------------------------------------------------- (2) oracle and finite differences


def _close(what: str, actual, expected, floor: float = 0.0, rtol: float = RTOL) -> None:
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected).astype(float)
    assert a.shape == e.shape, f"{what}: shape {a.shape}, oracle {e.shape}"
    scale = max(float(np.max(np.abs(e), initial=0.0)), floor)
    bad = ~(np.abs(a - e) <= rtol * np.abs(e) + ATOL * scale)
    assert not bad.any(), f"{what}: calculator {a[bad][:4]} vs oracle {e[bad][:4]} (scale {scale:.3g})"


def _mag(x) -> float:
    return float(np.max(np.abs(np.asarray(x, dtype=float)), initial=0.0))


def _values_of(trace, step: StepTrace) -> Values:
    """The parameters a step started from, as the problem's values."""
    return Values(
        input=trace.values.input,
        target=trace.values.target,
        weights=tuple(layer.W for layer in step.layers),
        biases=tuple(layer.b for layer in step.layers) if trace.spec.bias else None,
    )


def _loss_floor(spec, z, o, t) -> float:
    """The magnitude a loss is computed from: (t - o) is as accurate as max|o|, ln o and
    ln(1 - o) (from z) as max|z|."""
    o, t, z = (np.asarray(v, dtype=float) for v in (o, t, z))
    if spec.loss in ("half_sse", "mse"):
        return _mag(t - o) * (_mag(o) + _mag(t)) * len(o)
    return (1 + _mag(z)) * len(o)


def check_step_against_oracle(spec, trace, step: StepTrace) -> None:
    """Every quantity of one step against the oracle started from the same parameters."""
    net = oracle.net_from(spec, _values_of(trace, step), np.longdouble)
    ref = oracle.step(net)
    L = spec.depth
    last, ref_last = step.layers[-1], ref.layers[-1]
    o, t = np.array(last.a), np.array(trace.values.target)

    # bce's dE/do = (o - t) / (o(1 - o)) takes 1 - o from o itself, whose last bit weighs
    # o / (1 - o) times more in 1 - o: the calculator is only that accurate near o = 1.
    with np.errstate(divide="ignore"):
        dE_do_rtol = RTOL + (1e-14 * float(np.max(o / (1 - o))) if spec.loss == "bce" else 0.0)
    dE_do_floor = _mag(ref.dE_do) + _mag(o) + _mag(t)
    _close("dE/do", step.loss.dE_do, ref.dE_do, floor=dE_do_floor, rtol=dE_do_rtol)
    loss_floor = _loss_floor(spec, last.z, o, t)
    _close("loss terms", step.loss.terms, ref.terms, floor=loss_floor)
    _close("loss total", step.loss.total, ref.total, floor=loss_floor)

    delta_floor = 0.0
    for l in range(L, 0, -1):
        c, r = step.layers[l - 1], ref.layers[l - 1]
        name = f"step {step.index} layer {l}"
        assert c.l == l and c.activation == spec.activations[l - 1]
        _close(f"{name} a_prev", c.a_prev, r.a_prev)
        _close(f"{name} products", c.products, r.products)
        _close(f"{name} z", c.z, r.z, floor=_mag(r.products) * len(c.a_prev) + _mag(c.b or 0))
        bounded = c.activation in ("sigmoid", "tanh", "softmax")
        _close(f"{name} a", c.a, r.a, floor=1.0 if bounded else _mag(r.z))
        if c.activation == "softmax":
            assert c.derivative is None
            _close(f"{name} jacobian", c.jacobian, r.jacobian, floor=1.0)
        else:
            assert c.jacobian is None
            _close(f"{name} f'(z)", c.derivative, r.derivative, floor=1.0)
        if l == L:
            _close(f"{name} dE/da", c.error, r.error, floor=dE_do_floor, rtol=dE_do_rtol)
            combined = (spec.loss, c.activation) in (("bce", "sigmoid"), ("cross_entropy", "softmax"))
            delta_floor = 1.0 if combined else _mag(ref.dE_do) * len(o)
            assert c.paths is None and c.W_next is None
        else:
            W_next = step.layers[l].W_new if spec.update_order == "sequential" else step.layers[l].W
            assert c.W_next == W_next, f"{name}: paths used the wrong W({l + 1})"
            path_floor = delta_floor * _mag(W_next)
            if spec.update_order == "sequential":  # W_next is itself a result, as accurate as W_new_floor
                path_floor += _mag(ref.layers[l].delta) * W_new_floor
            _close(f"{name} paths", c.paths, r.paths, floor=path_floor)
            _close(f"{name} dE/da", c.error, r.error, floor=path_floor * len(W_next))
            delta_floor = path_floor * len(W_next)
        _close(f"{name} delta", c.delta, r.delta, floor=delta_floor)
        grad_floor = delta_floor * _mag(c.a_prev)
        _close(f"{name} grad_W", c.grad_W, r.grad_W, floor=grad_floor)
        W_new_floor = _mag(c.W) + spec.lr * grad_floor
        _close(f"{name} W_new", c.W_new, r.W_new, floor=W_new_floor)
        if spec.bias:
            assert c.grad_b == c.delta
            _close(f"{name} grad_b", c.grad_b, r.grad_b, floor=delta_floor)
            _close(f"{name} b_new", c.b_new, r.b_new, floor=_mag(c.b) + spec.lr * delta_floor)
        else:
            assert c.b is None and c.grad_b is None and c.b_new is None
        check_exponentials(c)

    # After the update: the oracle's loss at the calculator's own new parameters (checked above),
    # so the comparison measures the forward pass and loss only.
    after_values = Values(
        input=trace.values.input,
        target=trace.values.target,
        weights=tuple(layer.W_new for layer in step.layers),
        biases=tuple(layer.b_new for layer in step.layers) if spec.bias else None,
    )
    after = oracle.forward(oracle.net_from(spec, after_values, np.longdouble), *_params(after_values))
    after_terms = oracle.loss_terms(spec.loss, spec.activations[-1], after[-1].z, after[-1].a, net.t)
    bounded = spec.activations[-1] in ("sigmoid", "tanh", "softmax")
    _close("output after update", step.output_after, after[-1].a, floor=1.0 if bounded else _mag(after[-1].z))
    _close("loss after update", step.loss_after, after_terms.sum(),
           floor=_loss_floor(spec, after[-1].z, after[-1].a, t))


def _params(values: Values):
    W = [np.array(w, dtype=np.longdouble) for w in values.weights]
    b = [np.array(v, dtype=np.longdouble) for v in values.biases] if values.biases is not None else None
    return W, b


def check_exponentials(c: LayerTrace) -> None:
    """The exponentials a hand calculation shows are the ones the activations came from."""
    if c.activation == "sigmoid":
        for z, e in zip(c.z, c.exp_terms):
            assert e == (math.exp(-z) if -z < 709 else None)
    elif c.activation == "softmax":
        top = max(c.z)
        assert c.exp_shift == (top if abs(top) > 50 else 0.0)
        assert c.exp_terms == tuple(math.exp(z - c.exp_shift) for z in c.z)
        assert c.exp_sum == math.fsum(c.exp_terms)
        _close("softmax a = e / sum", c.a, [e / c.exp_sum for e in c.exp_terms], rtol=1e-15)
    else:
        assert c.exp_terms is None and c.exp_sum is None


def check_finite_differences(spec, trace) -> None:
    """The first step's gradients against central differences of the total loss. Sequential
    updates are the classic mistake: there only the output layer's gradient is the true one."""
    step = trace.first
    fd = oracle.finite_differences(oracle.net_from(spec, trace.values))
    G = max(_mag(layer.grad_W) for layer in step.layers)
    tol_abs = 1e-8 * (abs(step.loss.total) + G)
    compared = total = 0
    layers = range(spec.depth) if spec.update_order == "simultaneous" else [spec.depth - 1]
    for l in layers:
        layer, (gW, gb) = step.layers[l], fd[l]
        pairs = [(layer.grad_W, gW)] + ([(layer.grad_b, gb)] if spec.bias else [])
        for calc, diff in pairs:
            calc = np.asarray(calc, dtype=float)
            diff = np.asarray(diff, dtype=float)
            ok = ~np.isnan(diff)  # nan: the step crossed a ReLU kink
            compared += int(ok.sum())
            total += ok.size
            err = np.abs(calc - diff)[ok]
            bad = err > 1e-6 * np.abs(calc[ok]) + tol_abs
            assert not bad.any(), (
                f"layer {l + 1}: gradient {calc[ok][bad][:4]} vs finite differences {diff[ok][bad][:4]}"
            )
    assert compared >= 0.9 * total and compared > 0


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(network_options())
def test_random_networks_match_oracle_and_finite_differences(options):
    found = first_representable(options)
    assume(found is not None)
    spec, values, trace = found
    assert len(trace.steps) == spec.steps
    for step in trace.steps:
        check_step_against_oracle(spec, trace, step)
    check_finite_differences(spec, trace)


# Every valid (hidden activation, output activation, loss) triple, through the sampler proper:
# the problems the tool actually shows.
@pytest.mark.parametrize("number, combination", list(enumerate(COMBINATIONS)))
def test_sampled_problems_match_oracle_and_finite_differences(number, combination):
    hidden, out, loss = combination
    depth = 1 + number % 4  # depths and widths spread over 1-4 and 1-5 by the case number
    widths = [1 + (number * 7 + 3 * m) % 5 for m in range(depth)] + [2 + number % 3]
    acts = [hidden] * (depth - 1) + [out]
    spec, given_ = build_spec({
        "layers": "-".join(map(str, widths)), "activation": ",".join(acts), "loss": loss,
        "bias": number % 2 == 0, "seed": 1000 + number, "lr": 0.5,
    })
    values, trace = draw_problem(spec, given_)
    check_step_against_oracle(spec, trace, trace.first)
    check_finite_differences(spec, trace)


def test_oracle_tolerances_catch_a_wrong_gradient():
    """The comparisons are not vacuous: a gradient off by one part in a million fails the oracle,
    one part in 100,000 the finite differences."""
    spec, values, trace = first_representable({"layers": "3-4-2", "activation": "tanh,sigmoid", "seed": 5})
    layer = trace.first.layers[0]
    j, i = max(((j, i) for j in range(4) for i in range(3)), key=lambda ji: abs(layer.grad_W[ji[0]][ji[1]]))

    def nudged(factor):
        wrong = [list(row) for row in layer.grad_W]
        wrong[j][i] *= factor
        step = replace(trace.first, layers=(replace(layer, grad_W=tuple(map(tuple, wrong))), trace.first.layers[1]))
        return step, replace(trace, steps=(step,))

    step, _ = nudged(1 + 1e-6)
    with pytest.raises(AssertionError, match="grad_W"):
        check_step_against_oracle(spec, trace, step)
    _, broken = nudged(1 + 1e-5)
    with pytest.raises(AssertionError, match="finite differences"):
        check_finite_differences(spec, broken)


# ---------------------------------------------------------------- (3) SymPy


def _q(v: float) -> sp.Rational:
    return sp.Rational(repr(v))  # the two-decimal value exactly: 0.15 is 3/20


def _sympy_activation(name: str, z: list, slope):
    if name == "sigmoid":
        return [1 / (1 + sp.exp(-x)) for x in z]
    if name == "tanh":
        return [sp.tanh(x) for x in z]
    if name == "relu":
        return [sp.Piecewise((x, x > 0), (0, True)) for x in z]
    if name == "leaky_relu":
        return [sp.Piecewise((x, x > 0), (slope * x, True)) for x in z]
    if name == "linear":
        return list(z)
    e = [sp.exp(x) for x in z]
    return [x / sum(e) for x in e]


def _sympy_loss(name: str, o: list, t: list):
    n = len(o)
    if name == "half_sse":
        return sum(sp.Rational(1, 2) * (tk - ok) ** 2 for tk, ok in zip(t, o))
    if name == "mse":
        return sum((tk - ok) ** 2 for tk, ok in zip(t, o)) / n
    if name == "bce":
        return -sum(tk * sp.log(ok) + (1 - tk) * sp.log(1 - ok) for tk, ok in zip(t, o)) / n
    return -sum(tk * sp.log(ok) for tk, ok in zip(t, o))


SYMPY_CASES = [COMBINATIONS[(n * 23) % len(COMBINATIONS)] for n in range(16)]


@pytest.mark.slow
@pytest.mark.parametrize("number, combination", list(enumerate(SYMPY_CASES)))
def test_gradients_equal_sympy_exact_differentiation(number, combination):
    hidden, out, loss = combination
    depth = 1 + number % 3
    widths = [1 + (number + m) % 3 for m in range(depth)] + [2 + number % 2]
    spec, given_ = build_spec({
        "layers": "-".join(map(str, widths)), "activation": ",".join([hidden] * (depth - 1) + [out]),
        "loss": loss, "bias": number % 2 == 1, "seed": 77 + number, "leaky_slope": 0.05,
    })
    values, trace = draw_problem(spec, given_)
    subs, symbols = {}, []
    a = [_q(x) for x in values.input]
    for l in range(1, depth + 1):
        W = [[sp.Symbol(f"w{l}_{j}_{i}") for i in range(widths[l - 1])] for j in range(widths[l])]
        b = [sp.Symbol(f"b{l}_{j}") for j in range(widths[l])] if spec.bias else [0] * widths[l]
        for j, row in enumerate(W):
            for i, s in enumerate(row):
                subs[s] = _q(values.weights[l - 1][j][i])
                symbols.append((s, trace.first.layers[l - 1].grad_W[j][i]))
        if spec.bias:
            for j, s in enumerate(b):
                subs[s] = _q(values.biases[l - 1][j])
                symbols.append((s, trace.first.layers[l - 1].grad_b[j]))
        z = [sum(W[j][i] * a[i] for i in range(widths[l - 1])) + b[j] for j in range(widths[l])]
        a = _sympy_activation(spec.activations[l - 1], z, _q(spec.leaky_slope))
    E = _sympy_loss(loss, a, [_q(x) for x in values.target])
    # Differentiated exactly; evaluated at the exact values carried to 50 digits (evalf on the
    # nested exact exponentials would take seconds per network).
    at = {s: sp.Float(v, 50) for s, v in subs.items()}
    assert float(E.subs(at)) == pytest.approx(trace.first.loss.total, rel=1e-12)
    exact = [float(sp.diff(E, s).subs(at)) for s, _ in symbols]
    scale = max(abs(g) for g in exact)
    for (s, calc), g in zip(symbols, exact):
        assert abs(calc - g) <= 1e-12 * abs(g) + 1e-15 * scale, f"dE/d{s}: {calc} vs SymPy {g}"


POINTS = [-2.5, -0.3, 0.7, 3.1]
ELEMENTWISE = [name for name, act in ACTIVATIONS.items() if act.elementwise]


def test_registries_hold_exactly_the_documented_names():
    assert set(ACTIVATIONS) == {*HIDDEN, "softmax"}
    assert set(LOSSES) == set(OUTPUTS)
    for name, outs in OUTPUTS.items():
        assert set(LOSSES[name].outputs) == set(outs)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_value_and_derivative_match_sympy(name):
    act = ACTIVATIONS[name]
    x = sp.Symbol("x", real=True)
    slope = 0.05
    f = act.sympy_value(x, sp.Rational(1, 20))
    df = sp.diff(f, x)
    for p in POINTS:
        value = act.value(p, slope)
        assert value == pytest.approx(float(f.subs(x, sp.Float(p, 30))), rel=1e-14, abs=1e-15)
        assert act.derivative(p, value, slope) == pytest.approx(float(df.subs(x, sp.Float(p, 30))), rel=1e-13)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_textbook_derivative_is_the_derivative(name):
    act = ACTIVATIONS[name]
    x = sp.Symbol("x", real=True)
    alpha = sp.Symbol("alpha", positive=True)
    f = act.sympy_value(x, alpha)
    textbook = act.sympy_derivative(x, f, alpha)
    assert sp.simplify(textbook - sp.diff(f, x)) == 0
    for p in POINTS:  # and pointwise, where simplify could be lenient with Piecewise
        at = {x: sp.Rational(repr(p)), alpha: sp.Rational(1, 20)}
        assert abs(sp.N((textbook - sp.diff(f, x)).subs(at), 40)) < 1e-35


def test_softmax_registry_matches_sympy_and_the_calculator_jacobian():
    act = ACTIVATIONS["softmax"]
    assert act.output_only and not act.elementwise
    xs = sp.symbols("x1:4")
    f = act.sympy_value(list(xs), None)
    point = {x: v for x, v in zip(xs, (sp.Rational(3, 10), sp.Rational(-7, 10), sp.Rational(11, 10)))}
    a = [sp.N(fk.subs(point), 30) for fk in f]
    assert sum(a) == pytest.approx(1, abs=1e-28)
    for k in range(3):
        for j in range(3):
            textbook = a[k] * ((1 if k == j else 0) - a[j])
            assert sp.N(sp.diff(f[k], xs[j]).subs(point), 30) == pytest.approx(textbook, abs=1e-28)
    spec, given_ = build_spec({"layers": "1-3", "activation": "softmax", "loss": "half_sse", "bias": True,
                         "input": [1.0], "target": [0.2, 0.3, 0.5], "W1": [[0.3], [-0.7], [1.1]],
                         "b1": [0.0, 0.0, 0.0]})
    layer = calculate(spec, draw_problem(spec, given_)[0]).first.layers[0]
    for k in range(3):
        assert layer.a[k] == pytest.approx(float(a[k]), rel=1e-14)
        for j in range(3):
            exact = float(sp.N(sp.diff(f[k], xs[j]).subs(point), 30))
            assert layer.jacobian[k][j] == pytest.approx(exact, rel=1e-13)


LOSS_POINTS = [(0.3, 0.0), (0.62, 1.0), (0.05, 0.01), (0.93, 0.99), (0.4, 0.4)]


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_term_and_derivative_match_sympy(name):
    # In double precision, with ln o taken of o itself (the linear activation has no log form).
    loss = LOSSES[name]
    ops, act = Exact(5), ACTIVATIONS["linear"]
    o, t = sp.symbols("o t", positive=True)
    n = 3
    term = loss.sympy_term(o, t, n)
    dterm = sp.diff(term, o)
    for po, pt in LOSS_POINTS:
        at = {o: sp.Rational(repr(po)), t: sp.Rational(repr(pt))}
        terms = loss.terms(ops, act, [None], [po], [pt], [pt - po], float(n))[-1]
        assert terms[0] == pytest.approx(float(sp.N(term.subs(at), 30)), rel=1e-14, abs=1e-16)
        derivative = loss.derivative(ops, po, pt, float(n))
        assert derivative == pytest.approx(float(sp.N(dterm.subs(at), 30)), rel=1e-13, abs=1e-16)


# ---------------------------------------------------------------- (4) carried rounding


def D(x) -> Decimal:
    return Decimal(repr(float(x)))


def check_carried(spec, trace) -> None:
    """Every stored quantity is the displayed rounding of its operation applied, in decimal
    arithmetic, to the already-rounded operands stored beside it."""
    p = spec.precision

    def r(x) -> float:
        return round_value(x, p)

    lr, slope = D(spec.lr), D(spec.leaky_slope)
    t = [D(v) for v in trace.values.target]
    n = Decimal(len(t))
    for s, step in enumerate(trace.steps):
        if s > 0:  # each step starts from the previous step's new parameters
            prev = trace.steps[s - 1]
            assert [layer.W for layer in step.layers] == [layer.W_new for layer in prev.layers]
            assert [layer.b for layer in step.layers] == [layer.b_new for layer in prev.layers]
            assert prev.loss_after == step.loss.total
        a_prev = step.input
        for c in step.layers:
            assert c.a_prev == a_prev
            for j, row in enumerate(c.W):
                for i, w in enumerate(row):
                    assert c.products[j][i] == r(D(w) * D(a_prev[i]))
                bias = [D(c.b[j])] if c.b is not None else []
                assert c.z[j] == r(sum([D(x) for x in c.products[j]] + bias, Decimal(0)))
            _check_carried_activation(c, r, slope)
            a_prev = c.a

        last = step.layers[-1]
        o = [D(v) for v in last.a]
        loss = step.loss
        assert loss.diff == tuple(r(tk - ok) for tk, ok in zip(t, o))
        if spec.loss in ("half_sse", "mse"):
            assert loss.square == tuple(r(D(d) * D(d)) for d in loss.diff)
            div = Decimal(2) if spec.loss == "half_sse" else n
            assert loss.terms == tuple(r(D(q) / div) for q in loss.square)
        elif spec.loss == "bce":
            assert loss.log_o == tuple(_rlog(ok, r) for ok in o)
            assert loss.log_1mo == tuple(_rlog(1 - ok, r) for ok in o)
            assert loss.terms == tuple(
                r(-(_xlog(tk, lo) + _xlog(1 - tk, l1)) / n) for tk, lo, l1 in zip(t, loss.log_o, loss.log_1mo)
            )
        else:
            assert loss.log_o == tuple(_rlog(ok, r) for ok in o)
            assert loss.terms == tuple(r(-_xlog(tk, lo)) for tk, lo in zip(t, loss.log_o))
        assert loss.total == r(sum((D(e) for e in loss.terms), Decimal(0)))
        expected_dE_do = {
            "half_sse": lambda ok, tk: ok - tk,
            "mse": lambda ok, tk: 2 * (ok - tk) / n,
            "bce": lambda ok, tk: (ok - tk) / (ok * (1 - ok)) / n,
            "cross_entropy": lambda ok, tk: -tk / ok if ok != 0 else Decimal(0),  # o = 0 only where t = 0
        }[spec.loss]
        assert loss.dE_do == tuple(r(expected_dE_do(ok, tk)) for ok, tk in zip(o, t))
        assert last.error == loss.dE_do

        # Output delta.
        if spec.loss == "cross_entropy":
            assert last.delta == tuple(r(ok - tk) for ok, tk in zip(o, t))
        elif spec.loss == "bce" and last.activation == "sigmoid":
            assert last.delta == tuple(r((ok - tk) / n) for ok, tk in zip(o, t))
        elif last.activation == "softmax":
            m = len(o)
            assert last.jacobian == tuple(
                tuple(r(o[k] * ((1 if k == j else 0) - o[j])) for j in range(m)) for k in range(m)
            )
            assert last.delta_terms == tuple(
                tuple(r(D(loss.dE_do[k]) * D(last.jacobian[k][j])) for k in range(m)) for j in range(m)
            )
            assert last.delta == tuple(r(sum((D(x) for x in row), Decimal(0))) for row in last.delta_terms)
        else:
            assert last.delta == tuple(r(D(d) * D(f)) for d, f in zip(loss.dE_do, last.derivative))

        # Hidden deltas: paths, their sums, times f'(z).
        for l in range(spec.depth - 1, 0, -1):
            c, nxt = step.layers[l - 1], step.layers[l]
            W_next = nxt.W_new if spec.update_order == "sequential" else nxt.W
            assert c.W_next == W_next
            assert c.paths == tuple(
                tuple(r(D(nxt.delta[k]) * D(W_next[k][j])) for k in range(len(nxt.delta))) for j in range(len(c.z))
            )
            assert c.error == tuple(r(sum((D(x) for x in row), Decimal(0))) for row in c.paths)
            assert c.delta == tuple(r(D(e) * D(f)) for e, f in zip(c.error, c.derivative))

        # Gradients and updates. w - lr*g itself is not rounded: the difference of the two
        # shown numbers is exact, so a small update is not rounded away.
        for c in step.layers:
            for j, d in enumerate(c.delta):
                assert c.grad_W[j] == tuple(r(D(d) * D(a)) for a in c.a_prev)
                assert c.step_W[j] == tuple(r(lr * D(g)) for g in c.grad_W[j])
                assert c.W_new[j] == tuple(float(D(w) - D(st_)) for w, st_ in zip(c.W[j], c.step_W[j]))
            if c.b is not None:
                assert c.grad_b == c.delta
                assert c.step_b == tuple(r(lr * D(g)) for g in c.grad_b)
                if spec.bias_policy == "frozen":
                    assert c.b_new == c.b
                else:
                    assert c.b_new == tuple(float(D(b) - D(st_)) for b, st_ in zip(c.b, c.step_b))


def _rlog(x: Decimal, r) -> float:
    return r(math.log(x)) if x > 0 else -math.inf


def _xlog(t: Decimal, log_value: float) -> Decimal:
    return Decimal(0) if t == 0 else t * D(log_value)


def _check_carried_activation(c: LayerTrace, r, slope: Decimal) -> None:
    z = [D(v) for v in c.z]
    if c.activation == "sigmoid":
        assert c.exp_terms == tuple(r(math.exp(-float(x))) for x in z)
        assert c.a == tuple(r(1 / (1 + D(e))) for e in c.exp_terms)
        assert c.derivative == tuple(r(D(a) * (1 - D(a))) for a in c.a)
    elif c.activation == "tanh":
        assert c.a == tuple(r(math.tanh(x)) for x in z)
        assert c.derivative == tuple(r(1 - D(a) * D(a)) for a in c.a)
    elif c.activation == "relu":
        assert c.a == tuple(r(x) if x > 0 else 0.0 for x in z)
        assert c.derivative == tuple(1.0 if x > 0 else 0.0 for x in z)
    elif c.activation == "leaky_relu":
        assert c.a == tuple(r(x if x > 0 else slope * x) for x in z)
        assert c.derivative == tuple(1.0 if x > 0 else r(slope) for x in z)
    elif c.activation == "linear":
        assert c.a == c.z
        assert c.derivative == tuple(1.0 for _ in z)
    else:  # softmax
        top = max(z)
        shift = top if abs(top) > 50 else Decimal(0)
        assert c.exp_shift == float(shift)
        assert c.exp_terms == tuple(r(math.exp(float(x - shift))) for x in z)
        total = sum((D(e) for e in c.exp_terms), Decimal(0))
        assert c.exp_sum == float(total)
        assert c.a == tuple(r(D(e) / total) for e in c.exp_terms)


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(network_options(max_depth=4, max_width=5), st.integers(2, 8))
def test_carried_rounding_recomputes_from_the_shown_numbers(options, precision):
    found = first_representable({**options, "rounding": "carried", "precision": precision})
    assume(found is not None)
    spec, values, trace = found
    check_carried(spec, trace)


def test_carried_check_is_not_vacuous():
    spec, values, trace = first_representable({"layers": "2-3-2", "activation": "tanh,sigmoid",
                                               "rounding": "carried", "seed": 3, "bias": True})
    check_carried(spec, trace)
    layer = trace.first.layers[0]
    nudged = replace(layer, z=(layer.z[0] + 10.0 ** -spec.precision, *layer.z[1:]))
    broken = replace(trace, steps=(replace(trace.first, layers=(nudged, trace.first.layers[1])),))
    with pytest.raises(AssertionError):
        check_carried(spec, broken)


@pytest.mark.parametrize("seed", range(40))
def test_carried_results_stay_close_to_exact(seed):
    combo = COMBINATIONS[(seed * 11) % len(COMBINATIONS)]
    hidden, out, loss = combo
    spec, given_ = build_spec({"layers": "3-3-2", "activation": f"{hidden},{out}", "loss": loss, "bias": True,
                         "seed": seed, "rounding": "carried", "precision": 5})
    values, carried = draw_problem(spec, given_)
    exact = calculate(replace(spec, rounding="exact"), values)
    # Each rounding is at most 0.5e-5; a handful of them compound through two layers, so
    # results agree to a few units of the last shown digit.
    tol = 1e-4
    c, e = carried.first, exact.first
    assert c.loss.total == pytest.approx(e.loss.total, abs=tol, rel=tol)
    assert c.loss_after == pytest.approx(e.loss_after, abs=tol, rel=tol)
    for lc, le in zip(c.layers, e.layers):
        np.testing.assert_allclose(lc.a, le.a, atol=tol, rtol=tol)
        np.testing.assert_allclose(lc.delta, le.delta, atol=tol, rtol=tol)
        np.testing.assert_allclose(lc.grad_W, le.grad_W, atol=tol, rtol=tol)
        np.testing.assert_allclose(lc.W_new, le.W_new, atol=tol, rtol=tol)


# ---------------------------------------------------------------- (5) update order, bias policy, steps

THREE_LAYERS = {"layers": "2-3-3-2", "activation": "tanh,sigmoid,sigmoid", "loss": "half_sse", "bias": True,
                "seed": 11, "lr": 0.5}


def test_sequential_paths_use_the_updated_next_weights():
    spec, given_ = build_spec({**THREE_LAYERS, "update_order": "sequential"})
    values, trace = draw_problem(spec, given_)
    step = trace.first
    for l in (1, 2):
        assert step.layers[l - 1].W_next == step.layers[l].W_new != step.layers[l].W
    check_step_against_oracle(spec, trace, step)
    simultaneous = calculate(replace(spec, update_order="simultaneous"), values).first
    assert simultaneous.layers[-1] == step.layers[-1]  # the output layer does not depend on the order
    assert simultaneous.layers[0].grad_W != step.layers[0].grad_W
    for l in (1, 2):
        assert simultaneous.layers[l - 1].W_next == simultaneous.layers[l].W


def test_frozen_bias_keeps_biases_but_computes_their_gradient():
    spec, given_ = build_spec({**THREE_LAYERS, "bias_policy": "frozen", "steps": 2})
    values, trace = draw_problem(spec, given_)
    trained = calculate(replace(spec, bias_policy="trained"), values)
    for step in trace.steps:
        for layer in step.layers:
            assert layer.b_new == layer.b == values.biases[layer.l - 1]
            assert layer.grad_b == layer.delta
            assert any(g != 0 for g in layer.grad_b)
        check_step_against_oracle(spec, trace, step)
    assert trace.first.layers[0].grad_b == trained.first.layers[0].grad_b
    assert trace.first.layers[0].b_new != trained.first.layers[0].b_new


@pytest.mark.parametrize("rounding", ["exact", "carried"])
def test_steps_continue_from_the_previous_update(rounding):
    spec, given_ = build_spec({**THREE_LAYERS, "steps": 4, "rounding": rounding})
    values, trace = draw_problem(spec, given_)
    assert [s.index for s in trace.steps] == [1, 2, 3, 4]
    for prev, nxt in zip(trace.steps, trace.steps[1:]):
        assert [layer.W for layer in nxt.layers] == [layer.W_new for layer in prev.layers]
        assert [layer.b for layer in nxt.layers] == [layer.b_new for layer in prev.layers]
        assert prev.loss_after == nxt.loss.total
        assert prev.output_after == nxt.layers[-1].a
    one = calculate(replace(spec, steps=1), values)
    assert one.first == trace.first
    if rounding == "exact":
        for step, ref in zip(trace.steps, oracle.steps(oracle.net_from(spec, values, np.longdouble), 4)):
            _close(f"step {step.index} loss", step.loss.total, ref.total, floor=1.0)
            _close(f"step {step.index} W_new", step.layers[0].W_new, ref.W_new[0], floor=1.0)
        assert trace.steps[-1].loss_after < trace.first.loss.total


# ---------------------------------------------------------------- (6) numerical stability


def _walk_floats(obj):
    """Every number stored in a trace."""
    if isinstance(obj, float):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for x in obj:
            yield from _walk_floats(x)
    elif isinstance(obj, (StepTrace, LayerTrace, LossTrace)):
        for f in fields(obj):
            if f.name not in ("log_o", "log_1mo"):  # checked beside their coefficients
                yield from _walk_floats(getattr(obj, f.name))


@dataclass(frozen=True)
class _Record:
    spec: object
    numbers: tuple
    nested: object = None


@pytest.mark.parametrize("numbers, names", [
    ((0.5, -1.25, 3), None),
    ((1e308, 1e308, -1e308), None),  # a sum that overflows, of finite numbers only
    ((10**400, 0.5), None),  # an integer beyond a float: never a fault
    ((Decimal("NaN"), "text", None, 2.0), None),  # numbers of other kinds are not floats
    ((0.5, math.inf), "numbers[2] is infinite"),
    ((math.nan,), "numbers[1] is not a number"),
    (((0.5, 1.0), (math.inf, -math.inf)), "numbers[2][1] is infinite"),
    ((None, (1.0, "x", -math.inf)), "numbers[2][3] is infinite"),
])
def test_check_finite_finds_the_first_fault_anywhere(numbers, names):
    """check_finite looks at every float of a trace once, a tuple of numbers at a time, and names
    the first that is infinite or not a number; what is only too large to add up is no fault."""
    record = _Record(spec=math.nan, numbers=numbers, nested=_Record(spec=None, numbers=(1.0, 2.0)))
    if names is None:
        check_finite(record)
    else:
        with pytest.raises(NumericError, match=re.escape(names)):
            check_finite(record)
    deep = _Record(spec=None, numbers=(), nested=_Record(spec=None, numbers=(0.0, math.inf)))
    with pytest.raises(NumericError, match=re.escape("nested.numbers[2] is infinite")):
        check_finite(deep)


LARGE = [
    # (activations, loss, weight magnitude, input magnitude)
    (("sigmoid", "sigmoid"), "half_sse", 50, 1), (("sigmoid", "sigmoid"), "half_sse", 500, 1),
    (("tanh", "tanh"), "mse", 500, 1), (("tanh", "sigmoid"), "bce", 50, 1),
    (("relu", "linear"), "half_sse", 500, 1), (("leaky_relu", "linear"), "mse", 500, 10),
    (("linear", "softmax"), "cross_entropy", 50, 1), (("linear", "softmax"), "cross_entropy", 500, 1),
    (("relu", "softmax"), "bce", 500, 1), (("sigmoid", "softmax"), "half_sse", 500, 1),
    (("linear", "sigmoid"), "bce", 500, 1), (("linear", "linear"), "half_sse", 1e5, 1e5),
    (("linear", "linear"), "half_sse", 1e200, 1e100), (("relu", "relu"), "mse", 1e200, 1e200),
    (("tanh", "linear"), "mse", 1e300, 1e300), (("linear", "softmax"), "cross_entropy", 1e200, 1e10),
]


@pytest.mark.parametrize("rounding", ["exact", "carried"])
@pytest.mark.parametrize("acts, loss, w, x", LARGE)
def test_large_values_give_finite_numbers_or_a_numeric_error(acts, loss, w, x, rounding):
    out = acts[-1]
    target = [1.0, 0.0] if out == "softmax" else [0.99, 0.01] if out == "sigmoid" else [0.5, -0.5]
    try:
        spec, given_ = build_spec({
            "layers": "2-3-2", "activation": ",".join(acts), "loss": loss, "bias": True, "rounding": rounding,
            "input": [x, -0.7 * x], "target": target,
            "W1": [[w, -w], [-w, 0.5 * w], [0.3 * w, w]], "b1": [w, -w, 0.1],
            "W2": [[w, -0.4 * w, 0.2 * w], [-w, w, 0.7 * w]], "b2": [0.1, -w],
        })
    except SpecError as exc:  # given values beyond what a worked solution shows
        assert max(w, x) > MAX_GIVEN and "out of range" in str(exc)
        return
    values = draw_values(spec, given_, 0)
    try:
        trace = calculate(spec, values)
    except NumericError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return
    numbers = list(_walk_floats(trace.steps))
    assert numbers and all(math.isfinite(v) for v in numbers)
    for step in trace.steps:
        logs = [(step.loss.log_o, values.target), (step.loss.log_1mo, [1 - tk for tk in values.target])]
        for log_values, weights in logs:
            for lv, weight in zip(log_values or (), weights):
                # Carried rounding can round an output to exactly 0 or 1: ln 0 = -inf is then the
                # honest value, and only where the loss multiplies it by 0. Exact mode has none.
                assert math.isfinite(lv) or (rounding == "carried" and lv == -math.inf and weight == 0)
    assert json.loads(to_json(trace))["loss"]["total"] == trace.first.loss.total


@pytest.mark.parametrize("w", [50, 500])
def test_saturated_sigmoid_and_softmax_stay_finite(w):
    """Bounded activations at large net inputs: no error at all, and the numbers are right."""
    for acts, loss in ((("sigmoid", "sigmoid"), "half_sse"), (("tanh", "softmax"), "cross_entropy")):
        target = [0.0, 1.0] if acts[-1] == "softmax" else [0.99, 0.01]
        spec, given_ = build_spec({
            "layers": "2-2-2", "activation": ",".join(acts), "loss": loss, "input": [1.0, 0.5],
            "target": target, "W1": [[w, -w], [-w, w]], "W2": [[w, 0.5], [-0.5, -w]],
        })
        values, trace = draw_problem(spec, given_)
        assert all(math.isfinite(v) for v in _walk_floats(trace.steps))
        check_step_against_oracle(spec, trace, trace.first)


def test_softmax_whose_net_inputs_all_underflow():
    """e^z of every output underflows to 0 when all z < -745: shifting by max(z) keeps the sum."""
    for rounding in ("exact", "carried"):
        spec, given_ = build_spec({"layers": "1-2", "activation": "softmax", "loss": "cross_entropy",
                             "rounding": rounding, "input": [1.0], "target": [1.0, 0.0],
                             "W1": [[-800.0], [-803.0]]})
        trace = calculate(spec, draw_problem(spec, given_)[0])
        layer = trace.first.layers[0]
        assert layer.exp_shift == -800.0
        assert layer.a[0] == pytest.approx(1 / (1 + math.exp(-3)), rel=1e-4)
        assert trace.first.loss.total == pytest.approx(math.log1p(math.exp(-3)), rel=1e-4)


@pytest.mark.parametrize("rounding", ["exact", "carried"])
def test_overflowing_sums_are_a_numeric_error(rounding):
    # Values beyond the spec's limit (MAX_GIVEN), given to the calculator directly.
    spec = NetworkSpec(layers=(2, 1), activations=("linear",), loss="half_sse", rounding=rounding)
    for W1 in (((1e10, -1e10),), ((1e8, 1e8),)):  # inf - inf, and an overflowing partial sum
        with pytest.raises(NumericError):
            calculate(spec, Values(input=(1e300, 1e300), target=(1.0,), weights=(W1,), biases=None))


def test_bce_output_rounded_to_one_in_carried_mode_is_a_numeric_error():
    spec, given_ = build_spec({"layers": "2-1", "activation": "sigmoid", "loss": "bce", "rounding": "carried",
                         "input": [1.0, 1.0], "target": [0.01], "W1": [[10.0, 10.0]]})
    with pytest.raises(NumericError, match="output 1 rounds to 1 at 5 decimals"):
        calculate(spec, draw_values(spec, given_, 0))
    exact = calculate(replace(spec, rounding="exact"), draw_values(spec, given_, 0))
    assert exact.first.loss.total == pytest.approx(0.99 * 20 + math.log1p(math.exp(-20)), rel=1e-12)


def test_carried_values_beyond_a_doubles_digits_are_a_numeric_error():
    """The trace stores doubles: a carried value with 18 significant digits would be shown with
    other digits than the ones the next line used."""
    options = {"layers": "1-1", "activation": "linear", "loss": "half_sse", "input": [123456.789],
               "target": [1.0], "W1": [[9876.54321]], "lr": 1e-6, "precision": 8}
    # A target beyond the spec's limit (MAX_GIVEN), given to the calculator directly.
    target = (1219326311.0,)
    spec, given_ = build_spec({**options, "rounding": "carried"})
    with pytest.raises(NumericError, match="more significant digits"):
        calculate(spec, replace(draw_values(spec, given_, 0), target=target))
    spec, given_ = build_spec({**options, "rounding": "carried", "precision": 2})
    check_carried(spec, calculate(spec, replace(draw_values(spec, given_, 0), target=target)))


def test_tiny_cross_entropy_loss_keeps_its_digits():
    """A loss near 0 is -log1p(tiny), not the difference of two large numbers."""
    spec, given_ = build_spec({"layers": "1-2", "activation": "softmax", "loss": "cross_entropy",
                         "input": [1.0], "target": [1.0, 0.0], "W1": [[45.0], [10.0]]})
    trace = calculate(spec, draw_problem(spec, given_)[0])
    exact = float(sp.N(sp.log(1 + sp.exp(-35)), 30))
    assert trace.first.loss.total == pytest.approx(exact, rel=1e-14)


# ---------------------------------------------------------------- (7) determinism


@settings(max_examples=25)
@given(network_options(max_depth=3, max_width=4))
def test_same_seed_and_options_give_identical_values(options):
    first = first_representable(options)
    again = first_representable(dict(options))
    assume(first is not None)
    assert first[1] == again[1]
    assert first[2] == again[2]


def _generate(tmp: Path, hashseed: str) -> bytes:
    out = tmp / f"out-{hashseed}"
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    subprocess.run(
        [sys.executable, "-m", "worksheet", "generate", "--seed", "42", "--format", "json", "--out", str(out)],
        check=True, env=env, capture_output=True, cwd=tmp,
    )
    assert sorted(p.name for p in out.iterdir()) == ["solution.json"]
    return (out / "solution.json").read_bytes()


@pytest.mark.slow
def test_cli_output_is_byte_identical_across_hash_seeds(tmp_path):
    a = _generate(tmp_path, "0")
    b = _generate(tmp_path, "4242")
    assert a == b
    assert json.loads(a)["seed"] == 42
