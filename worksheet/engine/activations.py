"""Registry of activation functions: numeric form, SymPy definition, derivative and LaTeX."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Callable

from ..errors import SpecError


def sigmoid(z: float) -> float:
    """Logistic function, stable for large |z| (never evaluates e^{|z|})."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Activation:
    """One activation. `value(z, slope)` and `derivative(z, a, slope)` are numeric;
    `sympy_value(x, slope)` is the definition the derivative and its LaTeX come from, and
    `sympy_derivative(x, a, slope)` the textbook form of f'(x) in terms of the output a = f(x)."""

    name: str
    title: str
    symbol: str  # LaTeX for the function name, e.g. \sigma
    value: Callable[[float, float], float]
    derivative: Callable[[float, float, float], float]
    sympy_value: Callable
    sympy_derivative: Callable
    derivative_latex: str  # f'(x) in terms of the function's own output, as the reference writes it
    output_range: tuple[float, float]  # open interval the outputs lie in
    # One-line forms for inline math in tables, where GitHub would drop the \\ of a cases block.
    inline_value: str | None = None
    inline_derivative: str | None = None
    elementwise: bool = True
    output_only: bool = False


def _sympy():
    import sympy

    return sympy


def _piecewise_relu(x, slope):
    sp = _sympy()
    return sp.Piecewise((x, x > 0), (0, True))


def _piecewise_leaky(x, slope):
    sp = _sympy()
    return sp.Piecewise((x, x > 0), (slope * x, True))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            name="sigmoid",
            title="Sigmoid",
            symbol=r"\sigma",
            value=lambda z, s: sigmoid(z),
            derivative=lambda z, a, s: a * (1 - a),
            sympy_value=lambda x, s: 1 / (1 + _sympy().exp(-x)),
            sympy_derivative=lambda x, a, s: a * (1 - a),
            derivative_latex=r"\sigma(x) \cdot (1 - \sigma(x))",
            output_range=(0.0, 1.0),
        ),
        Activation(
            name="tanh",
            title="Tanh",
            symbol=r"\tanh",
            value=lambda z, s: math.tanh(z),
            derivative=lambda z, a, s: 1 - a * a,
            sympy_value=lambda x, s: _sympy().tanh(x),
            sympy_derivative=lambda x, a, s: 1 - a**2,
            derivative_latex=r"1 - \tanh^2(x)",
            output_range=(-1.0, 1.0),
        ),
        Activation(
            name="relu",
            title="ReLU",
            symbol=r"\mathrm{ReLU}",
            value=lambda z, s: z if z > 0 else 0 * z,
            # The derivative at exactly 0 is taken as 0, the convention of PyTorch and TensorFlow.
            derivative=lambda z, a, s: 1 if z > 0 else 0,
            sympy_value=_piecewise_relu,
            sympy_derivative=lambda x, a, s: _sympy().Piecewise((1, x > 0), (0, True)),
            derivative_latex=r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
            output_range=(0.0, math.inf),
            inline_value=r"\max(0, x)",
            inline_derivative=r"\mathbb{1}[x > 0]",
        ),
        Activation(
            name="leaky_relu",
            title="Leaky ReLU",
            symbol=r"\mathrm{LReLU}",
            value=lambda z, s: z if z > 0 else s * z,
            derivative=lambda z, a, s: 1 if z > 0 else s,
            sympy_value=_piecewise_leaky,
            sympy_derivative=lambda x, a, s: _sympy().Piecewise((1, x > 0), (s, True)),
            derivative_latex=r"\begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}",
            output_range=(-math.inf, math.inf),
            inline_value=r"\max(\alpha x, x)",
            inline_derivative=r"\mathbb{1}[x > 0] + \alpha \cdot \mathbb{1}[x \le 0]",
        ),
        Activation(
            name="linear",
            title="Linear (identity)",
            symbol=r"\mathrm{id}",
            value=lambda z, s: z,
            derivative=lambda z, a, s: 1,
            sympy_value=lambda x, s: x,
            sympy_derivative=lambda x, a, s: _sympy().Integer(1),
            derivative_latex="1",
            output_range=(-math.inf, math.inf),
        ),
        Activation(
            name="softmax",
            title="Softmax",
            symbol=r"\mathrm{softmax}",
            # Softmax couples the layer's neurons: the calculator evaluates it as a vector and
            # differentiates it with the full Jacobian da_k/dz_j = a_k (1[k=j] - a_j).
            value=lambda z, s: math.nan,
            derivative=lambda z, a, s: math.nan,
            sympy_value=lambda xs, s: [_sympy().exp(x) / sum(_sympy().exp(y) for y in xs) for x in xs],
            sympy_derivative=lambda x, a, s: None,
            derivative_latex=r"a_k(\mathbb{1}[k=j] - a_j)",
            output_range=(0.0, 1.0),
            elementwise=False,
            output_only=True,
        ),
    )
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise SpecError(
            f"unknown activation {name!r}; allowed: {', '.join(ACTIVATIONS)}"
        ) from None


@cache
def derivative_formula_latex(name: str) -> tuple[str, str]:
    """LaTeX of f(x) and of SymPy's derivative f'(x), for the formula sections."""
    sp = _sympy()
    act = get_activation(name)
    x, alpha = sp.symbols("x alpha")
    if not act.elementwise:
        return (r"\frac{e^{z_k}}{\sum_m e^{z_m}}", act.derivative_latex)
    f = act.sympy_value(x, alpha)
    return sp.latex(f), sp.latex(sp.diff(f, x))
