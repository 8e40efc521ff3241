"""Registry of loss functions: per-output terms, their derivatives, and which outputs they accept."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Callable

from ..errors import SpecError


def log_sigmoid(z: float) -> float:
    """ln sigma(z) without overflow or log(0): -softplus(-z)."""
    return -math.log1p(math.exp(-z)) if z >= 0 else z - math.log1p(math.exp(z))


@dataclass(frozen=True)
class Loss:
    """One loss E = sum_k E_k over the outputs. `term(o, t, n)` is E_k, `derivative(o, t, n)` is
    dE/do_k; `sympy_term(o, t, n)` is the definition they are checked against. `combined_delta`
    names output activations for which delta = dE/dz simplifies (sigmoid with bce: (o - t)/n,
    softmax with cross-entropy: o - t) and is computed in that stable form."""

    name: str
    title: str
    term: Callable[[float, float, int], float]
    derivative: Callable[[float, float, int], float]
    sympy_term: Callable
    total_latex: str
    term_latex: str
    derivative_latex: str
    outputs: tuple[str, ...]  # output activations that make sense with this loss
    target_range: tuple[float, float] | None  # closed interval targets must lie in
    combined_delta: tuple[str, ...] = ()


def _sympy():
    import sympy

    return sympy


def _bce_term(o: float, t: float, n: int) -> float:
    return -(t * math.log(o) + (1.0 - t) * math.log(1.0 - o)) / n


def _bce_derivative(o: float, t: float, n: int) -> float:
    return (o - t) / (o * (1.0 - o)) / n


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            name="half_sse",
            title="Half sum of squared errors",
            term=lambda o, t, n: 0.5 * (t - o) ** 2,
            derivative=lambda o, t, n: o - t,
            sympy_term=lambda o, t, n: _sympy().Rational(1, 2) * (t - o) ** 2,
            total_latex=r"E_{total} = \sum_k E_k",
            term_latex=r"E_k = \frac{1}{2}(t_k - o_k)^2",
            derivative_latex=r"\frac{\partial E}{\partial o_k} = o_k - t_k",
            outputs=("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"),
            target_range=None,
        ),
        Loss(
            name="mse",
            title="Mean squared error",
            term=lambda o, t, n: (t - o) ** 2 / n,
            derivative=lambda o, t, n: 2.0 * (o - t) / n,
            sympy_term=lambda o, t, n: (t - o) ** 2 / n,
            total_latex=r"E_{total} = \sum_k E_k = \frac{1}{n}\sum_k (t_k - o_k)^2",
            term_latex=r"E_k = \frac{1}{n}(t_k - o_k)^2",
            derivative_latex=r"\frac{\partial E}{\partial o_k} = \frac{2}{n}(o_k - t_k)",
            outputs=("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"),
            target_range=None,
        ),
        Loss(
            name="bce",
            title="Binary cross-entropy",
            term=_bce_term,
            derivative=_bce_derivative,
            sympy_term=lambda o, t, n: -(t * _sympy().log(o) + (1 - t) * _sympy().log(1 - o)) / n,
            total_latex=r"E_{total} = \sum_k E_k",
            term_latex=r"E_k = -\frac{1}{n}\left[t_k \ln o_k + (1 - t_k)\ln(1 - o_k)\right]",
            derivative_latex=r"\frac{\partial E}{\partial o_k} = \frac{1}{n} \cdot \frac{o_k - t_k}{o_k(1 - o_k)}",
            outputs=("sigmoid", "softmax"),
            target_range=(0.0, 1.0),
            combined_delta=("sigmoid",),
        ),
        Loss(
            name="cross_entropy",
            title="Categorical cross-entropy",
            term=lambda o, t, n: -t * math.log(o) if t != 0 else 0.0,
            derivative=lambda o, t, n: -t / o,
            sympy_term=lambda o, t, n: -t * _sympy().log(o),
            total_latex=r"E_{total} = \sum_k E_k = -\sum_k t_k \ln o_k",
            term_latex=r"E_k = -t_k \ln o_k",
            derivative_latex=r"\frac{\partial E}{\partial o_k} = -\frac{t_k}{o_k}",
            outputs=("softmax",),
            target_range=(0.0, 1.0),
            combined_delta=("softmax",),
        ),
    )
}


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise SpecError(f"unknown loss {name!r}; allowed: {', '.join(LOSSES)}") from None


@cache
def loss_formula_latex(name: str) -> tuple[str, str]:
    """LaTeX of E_k(o_k) and of SymPy's dE_k/do_k, for the formula sections."""
    sp = _sympy()
    o, t, n = sp.symbols("o_k t_k n", positive=True)
    term = get_loss(name).sympy_term(o, t, n)
    return sp.latex(term), sp.latex(sp.simplify(sp.diff(term, o)))
