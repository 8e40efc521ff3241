"""The catalogue of misconceptions: each mistaken pass against the oracle with that mistake written out."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

import oracle
from oracle_mistakes import mistaken_step
from test_calculator import COMBINATIONS, first_representable, network_options
from worksheet.engine.calculator import calculate
from worksheet.engine.misconceptions import MISCONCEPTIONS, applicable
from worksheet.engine.spec import build_spec
from worksheet.errors import NumericError


def _close(what, actual, expected):
    actual = np.array(actual, dtype=float)
    expected = np.array(expected, dtype=float)
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    assert np.allclose(actual, expected, rtol=1e-9, atol=1e-11 * scale), f"{what}: {actual} != {expected}"


def check_mistake(spec, values, name):
    m = MISCONCEPTIONS[name]
    try:
        trace = m.trace(spec, values)
    except NumericError:
        return False
    ref = mistaken_step(oracle.net_from(spec, values), name)
    step = trace.first
    _close("loss terms", step.loss.terms, ref.terms)
    _close("dE/do", step.loss.dE_do, ref.dE_do)
    for l, (c, r) in enumerate(zip(step.layers, ref.layers), start=1):
        for field in ("z", "a", "error", "delta", "grad_W", "W_new"):
            _close(f"{name} layer {l} {field}", getattr(c, field), getattr(r, field))
        if c.b is not None:
            _close(f"{name} layer {l} grad_b", c.grad_b, r.grad_b)
            _close(f"{name} layer {l} b_new", c.b_new, r.b_new)
    if np.all(np.isfinite(ref.output_after)):
        _close(f"{name} output after", step.output_after, ref.output_after)
    return True


@pytest.mark.parametrize("name", sorted(MISCONCEPTIONS))
@pytest.mark.parametrize("number, combination", list(enumerate(COMBINATIONS)))
def test_each_misconception_matches_the_oracle_with_the_mistake(name, number, combination):
    hidden, out, loss = combination
    depth = 1 + number % 3
    width = 2 + number % 3
    widths = [2 + number % 2] + [width] * (depth - 1) + [width if number % 2 else 2 + (number + 1) % 3]
    found = first_representable({"layers": "-".join(map(str, widths)),
                                 "activation": ",".join([hidden] * (depth - 1) + [out]),
                                 "loss": loss, "bias": number % 2 == 0, "seed": 2000 + number, "lr": 0.5})
    assert found is not None
    spec, values, _ = found
    m = MISCONCEPTIONS[name]
    if m.unfit(spec) is not None:
        assert m not in applicable(spec)
        return
    assert check_mistake(spec, values, name)


def test_every_misconception_changes_some_answer():
    """No entry of the catalogue is the correct pass under another name."""
    from worksheet.engine.sampling import draw_problem

    spec, given_ = build_spec({"layers": "2-2-2", "activation": "sigmoid,softmax", "loss": "half_sse",
                               "bias": True, "seed": 5})
    values, trace = draw_problem(spec, given_)
    for m in applicable(spec):
        assert m.trace(spec, values).first != trace.first, m.name
    assert {m.name for m in applicable(spec)} == set(MISCONCEPTIONS)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(network_options(max_depth=4, max_width=5))
def test_random_networks_every_applicable_misconception(options):
    options = {**options, "steps": 1, "update_order": "simultaneous"}
    found = first_representable(options)
    assume(found is not None)
    spec, values, _ = found
    for m in applicable(spec):
        check_mistake(spec, values, m.name)


def test_a_misconception_changes_what_it_says_and_the_correct_pass_is_untouched():
    spec, given_ = build_spec({"layers": "2-2-2", "seed": 42})
    from worksheet.engine.sampling import draw_problem

    values, trace = draw_problem(spec, given_)
    assert calculate(spec, values) == trace
    mistaken = MISCONCEPTIONS["no_output_derivative"].trace(spec, values).first
    assert mistaken.layers[1].delta == mistaken.loss.dE_do
    assert mistaken.layers[1].delta != trace.first.layers[1].delta
    stale = MISCONCEPTIONS["stale_weights"].trace(spec, values).first
    assert stale.layers[1].delta == trace.first.layers[1].delta
    assert stale.layers[0].delta != trace.first.layers[0].delta


def test_where_a_misconception_cannot_arise_it_says_why():
    spec, _ = build_spec({"layers": "2-3", "activation": "sigmoid", "loss": "bce", "seed": 1})
    names = {m.name for m in applicable(spec)}
    assert "stale_weights" not in names and "half_forgotten" not in names and "bias_as_input" not in names
    assert MISCONCEPTIONS["half_forgotten"].unfit(spec) == "bce has no factor 1/2"
    assert MISCONCEPTIONS["transposed"].unfit(build_spec({"layers": "2-3-2", "seed": 1})[0]).startswith("a weight")
