"""Worked steps: one record per hand computation, free of notation, shared by walkthrough and keys."""

from __future__ import annotations

import pytest

from worksheet.api import load_spec, solve
from worksheet.options import Network
from worksheet.documents.numbers import Formatter, parse_shown
from worksheet.documents.steps import derivative_step, shown_input, tex_formula, tex_substituted

CASES = [
    dict(seed=42),
    dict(seed=5, layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True),
    dict(seed=11, layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce", leaky_slope=0.1),
    dict(seed=15, layers="2-2-2", rounding="carried", precision=3),
    dict(seed=12, layers="2-2", activation="linear", loss="mse"),
]


def _steps(options):
    spec, given = load_spec(Network(**options))
    trace = solve(spec, given)
    F = Formatter(spec.precision, spec.rounding == "exact")
    # A softmax layer has a Jacobian, not a derivative per neuron: no such step.
    for layer in (layer for layer in trace.first.layers if layer.derivative is not None):
        for j in range(len(layer.a)):
            yield F, layer, j, derivative_step(F, layer, j)


def _leaves(x):
    if isinstance(x, tuple):
        for part in x:
            yield from _leaves(part)
    elif x is not None:
        yield str(x)


@pytest.mark.parametrize("options", CASES, ids=lambda o: str(o["seed"]))
def test_derivative_steps_carry_no_notation(options):
    for _, _, _, step in _steps(options):
        fields = [step.what, *_leaves(step.formula), *step.operands, step.result, step.net]
        for text in filter(None, fields):
            assert "$" not in text and "\\" not in text, (step, text)


@pytest.mark.parametrize("options", CASES, ids=lambda o: str(o["seed"]))
def test_derivative_steps_say_whether_they_recompute(options):
    for F, layer, j, step in _steps(options):
        assert step.result == F.v(layer.derivative[j])
        if step.formula == ("mul", "out", ("sub", 1, "out")):
            a, one_minus = (parse_shown(x) for x in step.operands)
            # In carried mode every line recomputes from what it shows, up to the last digit.
            assert abs(a * one_minus - parse_shown(step.result)) <= parse_shown("0.5e-%d" % options.get("precision", 5))
            if not F.exact:
                assert step.recomputes
        elif step.net is not None:
            assert step.recomputes is None
            assert step.positive == (layer.z[j] > 0)
            assert (parse_shown(step.result) == 1) == step.positive


def test_formulas_render_in_tex_math():
    options = dict(seed=7, layers="3-4-2", activation="tanh,sigmoid", loss="half_sse", bias=True)
    seen = set()
    for _, _, _, step in _steps(options):
        if step.formula == ("mul", "out", ("sub", 1, "out")):
            assert tex_formula(step, "o_{1}") == "o_{1}(1 - o_{1})"
            assert tex_substituted(step) == rf"{step.operands[0]} \times {step.operands[1]}"
        else:
            # An output with a superscript takes the exponent on a group: parentheses in the
            # walkthrough, braces in the keys.
            assert tex_formula(step, "h^{(2)}_{1}") == "1 - (h^{(2)}_{1})^2"
            assert tex_formula(step, "h^{(2)}_{1}", power="brace") == "1 - {h^{(2)}_{1}}^2"
        seen.add(step.formula)
    assert len(seen) == 2


def test_shown_input_is_given_for_the_inputs_and_computed_above():
    spec, given = load_spec(Network(seed=42))
    trace = solve(spec, given)
    F = Formatter(spec.precision, True)
    first, second = trace.first.layers[:2]
    assert shown_input(F, first, 0) == F.g(first.a_prev[0])
    assert shown_input(F, second, 0) == F.v(second.a_prev[0])


@pytest.mark.parametrize("update_order", ["simultaneous", "sequential"])
def test_error_path_steps_multiply_what_they_show(update_order):
    from worksheet.documents.steps import error_path_step

    spec, given = load_spec(Network(seed=17, layers="2-3-2", update_order=update_order, rounding="carried"))
    trace = solve(spec, given)
    F = Formatter(spec.precision, False)
    layer, nxt = trace.first.layers[0], trace.first.layers[1]
    for j in range(len(layer.a)):
        for k in range(len(nxt.delta)):
            step = error_path_step(F, spec.update_order, layer, nxt, j, k)
            assert step.formula == ("mul", "delta", "w") and step.recomputes
            delta, w = step.operands
            assert delta == F.v(nxt.delta[k])
            # Simultaneous order substitutes the weight as given; sequential the updated one.
            assert w == (F.g(layer.W_next[k][j]) if update_order == "simultaneous" else F.v(layer.W_next[k][j]))
            assert "\\" not in step.result + delta + w


def test_a_derivative_step_as_a_key_line():
    from worksheet.documents.expressions import Num, Sym
    from worksheet.documents.steps import Worked, hand_formula, substituted

    options = dict(seed=7, layers="3-4-2", activation="tanh,sigmoid", loss="half_sse", bias=True)
    for _, layer, j, step in _steps(options):
        out = Sym("value", "h1")
        if step.formula == ("mul", "out", ("sub", 1, "out")):
            assert hand_formula(step, out) == ("mul", out, ("sub", 1, out))
            assert substituted(step) == ("times", Num(step.operands[0]), Num(step.operands[1]))
        else:
            assert hand_formula(step, out) == ("sub", 1, ("pow", out, 2))
            assert substituted(step) == ("sub", 1, ("pow", Num(step.operands[0]), 2))
        line = Worked((("fprime", Sym("net", "h1")), hand_formula(step, out), substituted(step), Num(step.result)))
        assert line.numeric == (False, False, True, True)
        assert line.claims == [(substituted(step), Num(step.result))]
        assert line.tex().startswith(r"f'(\text{net}_{h1}) = ") and line.tex().endswith(" = " + step.result)


def test_a_key_line_recomputes_when_every_claim_holds():
    from worksheet.documents.expressions import Num, Sym
    from worksheet.documents.steps import Worked

    w = Sym("weight", "5")
    def update(product, step: str, new: str) -> Worked:
        return Worked((("new", w), ("sub", Num("0.56"), product), ("sub", Num("0.56"), Num(step)), Num(new)))

    product = ("times", Num("0.5"), Num("0.00114"))
    assert update(product, "0.00057", "0.55943").recomputes
    assert not update(product, "0.000572", "0.559428").recomputes  # 0.5 x 0.00114 is 0.00057
    assert not update(product, "0.00057", "0.55942").recomputes
    assert Worked((("new", w), Num("0.55943"))).recomputes  # nothing claimed
