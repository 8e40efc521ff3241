"""The activation and loss registries: their mathematics against SymPy, and no branch on their names elsewhere."""

from __future__ import annotations

import ast
import math
import re
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
import sympy as sp

from worksheet.engine.activations import ACTIVATIONS
from worksheet.engine.calculator import Carried, Exact
from worksheet.engine.intervals import Intervals
from worksheet.engine.losses import LOSSES
from worksheet.engine.spec import build_spec
from worksheet.engine.sampling import draw_problem

PACKAGE = Path(__file__).resolve().parent.parent / "worksheet"
TEMPLATES = PACKAGE.parent / "templates"
REGISTRIES = {"engine/activations.py", "engine/losses.py"}
NAMES = set(ACTIVATIONS) | set(LOSSES)
_QUOTED_NAME = r"""['"](%s)['"]""" % "|".join(sorted(NAMES, key=len, reverse=True))
# A quoted name after == or !=, inside the tuple or list after `in`, or before a comparison.
TEMPLATE_COMPARISON = re.compile(
    rf"(?:==|!=|\bin\s*[(\[][^)\]]*?)\s*{_QUOTED_NAME}|{_QUOTED_NAME}\s*(?:==|!=|\bin\b|\bnot\s+in\b)"
)


def _names_in(node: ast.AST) -> list[str]:
    """Registry names a comparison operand spells out: a string, or a tuple, list or set of them."""
    if isinstance(node, ast.Constant) and node.value in NAMES:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in NAMES]
    return []


def name_branches(source: str) -> list[tuple[int, str]]:
    """(line, name) of every comparison against an activation or loss name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                found += [(node.lineno, name) for name in _names_in(operand)]
    return found


def test_the_scan_finds_a_branch_on_a_name():
    source = 'if name == "sigmoid":\n    pass\nx = 1 if loss in ("half_sse", "mse") else 2\nok = kind == "z"\n'
    assert name_branches(source) == [(1, "sigmoid"), (3, "half_sse"), (3, "mse")]


def template_name_branches(source: str) -> list[tuple[int, str]]:
    """(line, name) of every Jinja comparison against an activation or loss name in quotes."""
    return [
        (source.count("\n", 0, m.start()) + 1, m.group(1) or m.group(2))
        for m in TEMPLATE_COMPARISON.finditer(source)
    ]


def test_the_template_scan_finds_a_branch_on_a_name():
    source = (
        "((* if a.name == 'sigmoid' *))\n((* elif a.name in ('relu', 'leaky_relu') *))\n"
        "((( 'x' if \"bce\" != loss.name ))) ((* if 'tanh' in acts *))\n"
        "((* if s.kind == 'exp_reciprocal' *)) the sigmoid in 'softmax' (( d.code('mse') ))\n"
    )
    assert template_name_branches(source) == [(1, "sigmoid"), (2, "relu"), (3, "bce"), (3, "tanh")]


def test_no_template_branches_on_an_activation_or_loss_name():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.j2")):
        template = path.relative_to(TEMPLATES).as_posix()
        offenders += [f"{template}:{line} {name}" for line, name in template_name_branches(path.read_text("utf-8"))]
    assert offenders == [], "templates branch on registry names: " + ", ".join(offenders)


def test_no_module_branches_on_an_activation_or_loss_name():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module in REGISTRIES:
            continue
        offenders += [f"{module}:{line} {name}" for line, name in name_branches(path.read_text("utf-8"))]
    assert not offenders, "branches on registry names outside the registries: " + ", ".join(offenders)


# ---------------------------------------------------------------- the mathematics against SymPy

POINTS = [-2.3, -0.41, 0.0, 0.37, 1.9]
ELEMENTWISE = sorted(name for name, act in ACTIVATIONS.items() if act.elementwise)


def _sympy_value(name: str, z: float, slope: float) -> float:
    x = sp.Symbol("x", real=True)
    f = ACTIVATIONS[name].sympy_value(x, sp.Rational(repr(slope)))
    return float(sp.N(f.subs(x, sp.Rational(repr(z))), 30))


class _Trace:
    """What the interval backend reads of a trace: the precision and the softmax shifts."""

    def __init__(self, precision: int, shift: float | None = None):
        self.spec = type("Spec", (), {"precision": precision})()
        self.first = type("Step", (), {"layers": [type("Layer", (), {"exp_shift": shift})()]})()


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_every_backend_of_a_layer_gives_the_sympy_value(name):
    act, slope = ACTIVATIONS[name], 0.1
    exact = act.forward(Exact(10), POINTS, slope, 1)[0]
    carried = act.forward(Carried(10), [Decimal(repr(z)) for z in POINTS], Decimal("0.1"), 1)[0]
    ops = Intervals(_Trace(10))
    with localcontext() as ctx:
        ctx.prec = 40
        ranges = act.forward(ops, [ops.num(z) for z in POINTS], Decimal("0.1"), 1)[0]
    for z, e, c, iv in zip(POINTS, exact, carried, ranges):
        value = _sympy_value(name, z, slope)
        assert e == pytest.approx(value, rel=1e-15, abs=1e-300)
        assert float(c) == pytest.approx(value, abs=1e-10)  # every hand form written to 10 decimals
        assert iv.lo <= Decimal(repr(value)) <= iv.hi and iv.hi - iv.lo < Decimal("1e-9")


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_the_written_derivative_is_the_sympy_derivative(name):
    act, slope = ACTIVATIONS[name], 0.1
    x = sp.Symbol("x", real=True)
    df = sp.diff(act.sympy_value(x, sp.Rational(1, 10)), x)
    ops = Exact(10)
    for z in POINTS:
        if z == 0 and act.kink_at_zero:
            continue
        a = act.value(z, slope)
        written = act.written_derivative(ops, z, a, slope)
        assert written == pytest.approx(float(sp.N(df.subs(x, sp.Rational(repr(z))), 30)), rel=1e-14, abs=1e-300)


def test_derivative_from_says_what_the_derivative_is_written_from():
    # "output": f' is a function of a = f(z) alone, as the documents write o(1 - o) and 1 - o^2.
    x, a = sp.symbols("x a", real=True)
    for name, act in ACTIVATIONS.items():
        if act.derivative_from == "output":
            f = act.sympy_value(x, 0)
            assert sp.simplify(sp.diff(f, x) - act.sympy_derivative(x, a, 0).subs(a, f)) == 0
            assert sp.simplify(act.derivative(None, a, None) - act.sympy_derivative(x, a, 0)) == 0
        else:
            assert act.derivative_from in ("input", "jacobian")
            assert (act.derivative_from == "jacobian") == (not act.elementwise)


def test_hand_value_names_the_form_of_the_definition():
    x, alpha = sp.symbols("x alpha", real=True)
    forms = {
        "exp_reciprocal": 1 / (1 + sp.exp(-x)),
        "clamp": sp.Piecewise((x, x > 0), (0, True)),
        "slope_below_zero": sp.Piecewise((x, x > 0), (alpha * x, True)),
        "identity": x,
    }
    for name, act in ACTIVATIONS.items():
        if not act.elementwise:
            assert act.hand_value == "normalised_exp"
            zs = sp.symbols("z1:4", real=True)
            for z, o in zip(zs, act.sympy_value(list(zs), alpha)):
                assert sp.simplify(o - sp.exp(z) / sum(sp.exp(y) for y in zs)) == 0
        elif act.hand_value == "key":  # a function a calculator has a key for
            assert isinstance(act.sympy_value(x, alpha), sp.Function)
        else:
            assert sp.simplify(act.sympy_value(x, alpha) - forms[act.hand_value]) == 0, name


def test_uses_slope_and_derivative_bound_follow_from_the_definition():
    x, alpha = sp.symbols("x alpha", real=True)
    for name, act in ACTIVATIONS.items():
        if not act.elementwise:
            assert act.derivative_bound is None and not act.uses_slope
            continue
        f = act.sympy_value(x, alpha)
        assert act.uses_slope == (alpha in f.free_symbols), name
        df = sp.diff(f, x).subs(alpha, sp.Rational(1, 10))
        # the supremum over a grid that includes the turning points and both far ends
        grid = [sp.Rational(k, 4) for k in range(-80, 81)]
        top = max(float(sp.N(df.subs(x, z), 30)) for z in grid if not (z == 0 and act.kink_at_zero))
        assert top == pytest.approx(float(act.derivative_bound), abs=1e-12), name


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_term_form_is_the_shape_of_the_definition(loss_name):
    loss = LOSSES[loss_name]
    o, t, n = sp.symbols("o t n", positive=True)
    forms = {
        "squared": (t - o) ** 2 * (sp.Rational(1, 2) if loss.halved else 1 / n),
        "binary_log": -(t * sp.log(o) + (1 - t) * sp.log(1 - o)) / n,
        "log": -t * sp.log(o),
    }
    assert sp.simplify(loss.sympy_term(o, t, n) - forms[loss.term_form]) == 0
    assert not loss.halved or loss.term_form == "squared"


@pytest.mark.parametrize("loss_name", sorted(name for name, loss in LOSSES.items() if loss.combined_delta))
def test_combined_deltas_are_the_chain_rule(loss_name):
    loss = LOSSES[loss_name]
    for out in loss.combined_delta:
        act = ACTIVATIONS[out]
        zs = sp.symbols("z1:4", real=True)
        target = [sp.Rational(1, 10), sp.Rational(7, 10), sp.Rational(2, 10)]
        outputs = act.sympy_value(list(zs), 0) if not act.elementwise else [act.sympy_value(z, 0) for z in zs]
        n = len(zs)
        E = sum(loss.sympy_term(o, t, n) for o, t in zip(outputs, target))
        at = {z: sp.Rational(v) for z, v in zip(zs, ("0.3", "-1.2", "0.8"))}
        o = [float(sp.N(o.subs(at), 30)) for o in outputs]
        combined = loss.combined(Exact(10), o, [float(t) for t in target], float(n))
        for z, d in zip(zs, combined):
            assert d == pytest.approx(float(sp.N(sp.diff(E, z).subs(at), 30)), rel=1e-13)


def test_drawn_one_hot_targets_sum_as_the_loss_requires():
    spec, given = build_spec({"layers": "2-3-2", "activation": "tanh,softmax", "loss": "cross_entropy", "seed": 3})
    values, trace = draw_problem(spec, given)
    assert math.fsum(values.target) == LOSSES["cross_entropy"].target_sum
    assert all(layer.activation in ACTIVATIONS for layer in trace.first.layers)


# ---------------------------------------------------------------- derivations written by hand


def _line_values(line):
    """Every expression a derivation line writes, as a SymPy value."""
    from worksheet.engine.derivations import Products, Written

    return [e.value() if isinstance(e, (Products, Written)) else sp.sympify(e).doit() for e in line.rhs
            if not isinstance(e, str)]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_every_line_of_an_activation_derivation_is_the_function_or_its_derivative(name):
    from worksheet.engine.activations import derivation_lines

    x, alpha = sp.symbols("x alpha")
    f = ACTIVATIONS[name].sympy_value(x, alpha)
    lines = derivation_lines(name)
    assert lines and lines[-1].lhs == "df"
    for line in lines:
        expected = f if line.lhs == "f" else sp.diff(f, x)
        for value in _line_values(line):
            assert sp.simplify((value - expected).rewrite(sp.exp)) == 0, (name, line.what)


def test_the_softmax_derivation_is_its_jacobian():
    from worksheet.engine.activations import derivation_lines
    from worksheet.engine.derivations import symbols_of_quotient

    zs = sp.symbols("z1:4", real=True)
    outputs = ACTIVATIONS["softmax"].sympy_value(list(zs), 0)
    ek, ej, S, one, ok, oj = symbols_of_quotient()
    lines = [line for line in derivation_lines("softmax") if line.lhs == "df"]
    assert lines
    for k in range(3):
        for j in range(3):
            at = {ek: sp.exp(zs[k]), ej: sp.exp(zs[j]), S: sum(sp.exp(z) for z in zs), one: int(k == j),
                  ok: outputs[k], oj: outputs[j]}
            for line in lines:
                for value in _line_values(line):
                    assert sp.simplify(value.subs(at) - sp.diff(outputs[k], zs[j])) == 0


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_every_line_of_a_loss_derivation_is_the_term_or_its_derivative(loss_name):
    from worksheet.engine.losses import derivation_lines

    loss = LOSSES[loss_name]
    o, t, n = sp.symbols("o_k t_k n", positive=True)
    term = loss.sympy_term(o, t, n)
    lines = derivation_lines(loss_name)
    assert [line.what for line in lines][0] == "Start with the loss function" and lines[-1].lhs == "df"
    for line in lines:
        expected = term if line.lhs == "f" else sp.diff(term, o)
        for value in _line_values(line):
            assert sp.simplify(value - expected) == 0, (loss_name, line.what)
