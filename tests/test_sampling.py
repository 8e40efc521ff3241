"""Sampling: one seed, the same numbers everywhere; documented ranges; degenerate draws redrawn."""

from __future__ import annotations

import math

import pytest

import worksheet.engine.sampling as sampling
from worksheet.engine.calculator import calculate
from worksheet.errors import NumericError, SpecError
from worksheet.engine.sampling import Stream, degeneracy, derive_seed, draw_problem, draw_values
from worksheet.engine.spec import build_spec

SPECS = [
    {"layers": "2-2-2", "activation": "sigmoid", "loss": "half_sse"},
    {"layers": "3-4-2", "activation": "tanh,sigmoid", "loss": "bce", "bias": True},
    {"layers": "4-5-3", "activation": "relu,softmax", "loss": "cross_entropy", "bias": True},
    {"layers": "2-3-3-2", "activation": "leaky_relu,tanh,tanh", "loss": "mse"},
    {"layers": "10-9-1", "activation": "linear,relu", "loss": "half_sse", "bias": True},
    {"layers": "1-6-4-2", "activation": "sigmoid,relu,linear", "loss": "mse", "bias": True},
    {"layers": "5-2-3", "activation": "tanh,softmax", "loss": "bce"},
]


def two_decimals(x: float) -> bool:
    return round(x * 100) / 100 == x and abs(x * 100 - round(x * 100)) < 1e-9


def spec_of(options: dict, seed: int):
    return build_spec({**options, "seed": seed})


# ---------------------------------------------------------------- determinism


@pytest.mark.parametrize("options", SPECS)
def test_same_seed_same_problem(options):
    spec, given = spec_of(options, 42)
    assert draw_values(spec, given, 0) == draw_values(spec, given, 0)
    assert draw_problem(spec, given) == draw_problem(*spec_of(options, 42))
    assert draw_values(spec, given, 0) != draw_values(spec, given, 1)
    assert draw_values(spec, given, 0) != draw_values(*spec_of(options, 43), 0)


def test_stream_and_derived_seeds_are_pinned():
    """Computed once and written down: a change of the stream would change every problem."""
    assert derive_seed(42, "alice") == 8616478754572268270
    assert derive_seed("exam-7", 3) == 1800403373804789367
    stream = Stream(42, 0)
    assert [stream.below(100) for _ in range(5)] == [91, 25, 77, 14, 94]


def test_derived_seeds_differ_and_fit_in_63_bits():
    seeds = {derive_seed(7, student) for student in range(500)}
    assert len(seeds) == 500
    assert all(0 <= s < 2**63 for s in seeds)
    assert derive_seed(7, "1") == derive_seed(7, 1)  # parts are joined as text


# ---------------------------------------------------------------- documented ranges


@pytest.mark.parametrize("options", SPECS)
def test_values_have_two_decimals_in_the_documented_ranges(options):
    for seed in range(25):
        spec, given = spec_of(options, seed)
        for attempt in range(3):
            v = draw_values(spec, given, attempt)
            assert all(two_decimals(x) and 0.05 <= x <= 0.99 for x in v.input)
            for l, W in enumerate(v.weights, start=1):
                fan_in = spec.layers[l - 1]
                hi = min(0.95, round(1.2 / math.sqrt(fan_in), 2))
                assert len(W) == spec.layers[l] and all(len(row) == fan_in for row in W)
                assert all(two_decimals(w) and 0.05 <= abs(w) <= hi + 1e-12 for row in W for w in row)
            if spec.bias:
                for l, b in enumerate(v.biases, start=1):
                    assert len(b) == spec.layers[l]
                    assert all(two_decimals(x) and 0.05 <= abs(x) <= 0.60 for x in b)
            else:
                assert v.biases is None
            _check_target(spec, v.target)


def _check_target(spec, target):
    out = spec.activations[-1]
    assert len(target) == spec.layers[-1]
    if out == "softmax":
        assert sorted(target) == [0.0] * (len(target) - 1) + [1.0]
    elif out == "sigmoid":
        assert set(target) <= {0.01, 0.99}
    elif out == "tanh":
        assert all(two_decimals(t) and 0.05 <= abs(t) <= 0.90 for t in target)
    else:
        assert all(two_decimals(t) and 0.05 <= t <= 0.99 for t in target)


@pytest.mark.parametrize("out, n", [("softmax", 4), ("sigmoid", 3), ("tanh", 2), ("linear", 2), ("relu", 2)])
def test_targets_by_output_activation(out, n):
    loss = "cross_entropy" if out == "softmax" else "half_sse"
    hot = set()
    for seed in range(60):
        spec, given = spec_of({"layers": f"2-{n}", "activation": out, "loss": loss}, seed)
        target = draw_values(spec, given, 0).target
        _check_target(spec, target)
        hot.add(target.index(max(target)))
    if out == "softmax":
        assert hot == set(range(n))  # every class is drawn as the hot one


def test_weights_span_both_signs_and_relu_layers_lean_positive():
    def negative_share(activation):
        ws = []
        for seed in range(40):
            spec, given = spec_of({"layers": "4-5-3", "activation": activation, "loss": "half_sse"}, seed)
            ws += [w for W in draw_values(spec, given, 0).weights for row in W for w in row]
        return sum(w < 0 for w in ws) / len(ws)

    assert 0.4 < negative_share("tanh") < 0.6
    assert 0.1 < negative_share("relu") < 0.3


def test_given_values_are_kept_and_the_rest_drawn():
    spec, given = build_spec({"layers": "2-2-2", "seed": 5, "input": [0.3, 0.7], "W2": [[0.1, 0.2], [0.3, 0.4]]})
    v = draw_values(spec, given, 0)
    assert v.input == (0.3, 0.7)
    assert v.weights[1] == ((0.1, 0.2), (0.3, 0.4))
    assert v.weights[0] != v.weights[1] and all(two_decimals(w) for row in v.weights[0] for w in row)


def test_complete_values_need_no_seed_and_are_used_as_given():
    options = {"layers": "2-2", "input": [0.5, -0.25], "target": [0.2, 0.8], "W1": [[0.1, 0.0], [0.0, 0.1]]}
    spec, given = build_spec(options)
    assert spec.seed is None
    values, trace = draw_problem(spec, given)
    assert values.weights == (((0.1, 0.0), (0.0, 0.1)),)
    assert trace.first.layers[0].W == values.weights[0]


def test_missing_values_without_a_seed_is_a_spec_error():
    spec, given = build_spec({"layers": "2-2", "input": [0.5, 0.5]})
    with pytest.raises(SpecError, match="--seed"):
        draw_problem(spec, given)


# ---------------------------------------------------------------- degenerate draws


RELU_SPECS = [
    {"layers": "3-4-4-2", "activation": "relu,relu,linear", "loss": "half_sse"},
    {"layers": "2-5-3", "activation": "relu,sigmoid", "loss": "bce", "bias": True},
    {"layers": "4-6-6-6-2", "activation": "leaky_relu,relu,relu,softmax", "loss": "cross_entropy"},
]


@pytest.mark.parametrize("options", RELU_SPECS)
def test_drawn_problems_are_not_degenerate(options):
    redrawn = 0
    for seed in range(30):
        spec, given = spec_of(options, seed)
        values, trace = draw_problem(spec, given)
        step = trace.first
        for layer in step.layers:
            if layer.activation in ("relu", "leaky_relu"):
                assert all(z != 0 for z in layer.z), "a ReLU net input is exactly 0"
            assert all(d != 0 for d in layer.delta), "a neuron has every gradient 0"
            for j, d in enumerate(layer.delta):
                assert any(g != 0 for g in layer.grad_W[j])
        assert degeneracy(trace) is None
        first = calculate(spec, draw_values(spec, given, 0))
        if degeneracy(first) is not None:
            redrawn += 1
            assert values != draw_values(spec, given, 0)
    assert redrawn > 0  # the redraw path was taken, not just never needed


def test_redraw_takes_the_first_fit_attempt():
    spec, given = spec_of(RELU_SPECS[0], 1)
    values, _ = draw_problem(spec, given)
    attempt = next(a for a in range(100) if degeneracy(calculate(spec, draw_values(spec, given, a))) is None)
    assert attempt > 0
    assert values == draw_values(spec, given, attempt)


def test_draws_that_saturate_are_redrawn_not_an_error():
    """A draw whose output saturates to exactly 1 (bce has no finite dE/do there) is redrawn."""
    redrawn = 0
    for seed in range(40):
        spec, given = build_spec({"layers": "2-3-1", "activation": "linear,sigmoid", "loss": "bce",
                                  "seed": seed, "input": [40.0, 40.0]})
        values, trace = draw_problem(spec, given)
        assert degeneracy(trace) is None
        try:
            calculate(spec, draw_values(spec, given, 0))
        except NumericError:
            redrawn += 1
            assert values != draw_values(spec, given, 0)
    assert redrawn > 0


def test_given_values_that_always_saturate_report_the_numeric_error():
    spec, given = build_spec({"layers": "2-2-1", "activation": "linear,sigmoid", "loss": "bce", "seed": 1,
                              "input": [1e6, 1e6]})
    with pytest.raises(NumericError, match="dE/do_1"):
        draw_problem(spec, given)


def test_given_values_with_no_fit_draw_are_shown_as_they_are():
    # Zero weights into a ReLU layer put every net input at the kink, whatever is drawn: the
    # user's own values leave no better draw, so the first one is shown.
    spec, given = build_spec({"layers": "2-2-1", "activation": "relu,sigmoid", "seed": 3,
                              "W1": [[0.0, 0.0], [0.0, 0.0]]})
    values, trace = draw_problem(spec, given)
    assert degeneracy(trace) == "a net input of layer 1 is 0, where the derivative is undefined"
    assert values == draw_values(spec, given, 0)


def test_options_with_no_fit_draw_are_a_spec_error(monkeypatch):
    monkeypatch.setattr(sampling, "MAX_ATTEMPTS", 3)
    options = RELU_SPECS[0]

    def unfit(seed):
        spec, given = spec_of(options, seed)
        return all(degeneracy(calculate(spec, draw_values(spec, given, a))) for a in range(3))

    seed = next(s for s in range(200) if unfit(s))
    spec, given = spec_of(options, seed)
    reason = degeneracy(calculate(spec, draw_values(spec, given, 0)))
    with pytest.raises(SpecError, match=r"no usable problem in 3 draws") as info:
        draw_problem(spec, given)
    assert reason in str(info.value)
