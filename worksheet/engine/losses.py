"""Registry of loss functions: per-output terms as written by hand, their derivatives, and which outputs they accept."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Callable

from ..errors import SpecError


# One entry per name, made once: compared by identity, and no generated methods to make at start-up.
@dataclass(frozen=True, eq=False, repr=False)
class Loss:
    """One loss E = sum_k E_k over the outputs, in the calculator's number backend `ops`.

    `terms(ops, act, z, o, t, diff, n)` works out every E_k as a hand computation writes it and
    returns (the squares (t_k - o_k)^2, ln o_k, ln(1 - o_k), E_k), None for what the loss does not
    write; `diff` holds the written t_k - o_k and `act` is the output activation, whose stable
    logarithms exact arithmetic uses. `derivative(ops, o, t, n)` is dE/do_k. `sympy_term(o, t, n)`
    is the definition both are checked against. `combined_delta` names output activations for
    which delta = dE/dz simplifies, and `combined(ops, o, t, n)` is that stable form (sigmoid with
    bce: (o - t)/n, softmax with cross-entropy: o - t).

    For the documents: `term_form` names the shape of E_k, "squared" ((t_k - o_k)^2, times 1/2
    when `halved`, else over n), "binary_log" (-(t_k ln o_k + (1 - t_k) ln(1 - o_k))/n) or "log"
    (-t_k ln o_k); the 1/2 of a halved loss cancels the 2 of the square's derivative."""

    name: str
    title: str
    terms: Callable
    derivative: Callable
    sympy_term: Callable
    total_latex: str
    term_latex: str
    derivative_latex: str
    outputs: tuple[str, ...]  # output activations that make sense with this loss
    target_range: tuple[float, float] | None  # closed interval targets must lie in
    target_sum: float | None = None  # what the targets must sum to (a probability distribution)
    combined_delta: tuple[str, ...] = ()
    combined: Callable | None = None
    derivative_asked: bool = False  # a sheet asks dE/do_k on its own: one line of arithmetic
    term_form: str = "squared"
    halved: bool = False  # E_k carries a factor 1/2 that makes dE/do_k = o_k - t_k
    # E_k as terms (c, g, u) of c * g(u), written for the chain rule (engine/derivations.py).
    hand_terms: Callable | None = None


def _sympy():
    import sympy

    return sympy


def _squared(scale):
    """(t_k - o_k)^2 written down, then scaled: by 1/2 or by 1/n."""

    def terms(ops, act, z, o, t, diff, n):
        square = [ops.r(ops.turning(lambda v: v * v, d, (Decimal(0),))) for d in diff]
        return square, None, None, [ops.r(scale(ops, s, n)) for s in square]

    return terms


def _bce_terms(ops, act, z, o, t, diff, n):
    """ln o_k and ln(1 - o_k) written down for every output, then weighted by the targets."""
    log_o = ops.log_outputs(act, z, o)
    log_1mo = ops.log_complements(act, z, o, log_o)
    terms = [
        ops.r(-(ops.weighted(ti, lo) + ops.weighted(1 - ti, l1)) / n)
        for ti, lo, l1 in zip(t, log_o, log_1mo)
    ]
    return None, log_o, log_1mo, terms


def _cross_entropy_terms(ops, act, z, o, t, diff, n):
    """ln o_k written down, weighted by the target: a zero target needs no logarithm."""
    log_o = ops.log_outputs(act, z, o, weights=t)
    return None, log_o, None, [ops.r(-ops.weighted(ti, lo)) for ti, lo in zip(t, log_o)]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            name="half_sse",
            halved=True,
            title="Half sum of squared errors",
            terms=_squared(lambda ops, s, n: s * ops.num(0.5)),
            derivative_asked=True,
            derivative=lambda ops, o, t, n: o - t,
            sympy_term=lambda o, t, n: _sympy().Rational(1, 2) * (t - o) ** 2,
            hand_terms=lambda o, t, n: [(_sympy().Rational(1, 2), lambda u: u**2, o - t)],
            total_latex=r"E_{total} = \sum_k E_k",
            term_latex=r"E_k = \frac{1}{2}(t_k - o_k)^2",
            derivative_latex=r"\frac{\partial E}{\partial o_k} = o_k - t_k",
            outputs=("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"),
            target_range=None,
        ),
        Loss(
            name="mse",
            title="Mean squared error",
            terms=_squared(lambda ops, s, n: s / n),
            derivative_asked=True,
            derivative=lambda ops, o, t, n: 2 * (o - t) / n,
            sympy_term=lambda o, t, n: (t - o) ** 2 / n,
            hand_terms=lambda o, t, n: [(1 / n, lambda u: u**2, o - t)],
            total_latex=r"E_{total} = \sum_k E_k = \frac{1}{n}\sum_k (t_k - o_k)^2",
            term_latex=r"E_k = \frac{1}{n}(t_k - o_k)^2",
            derivative_latex=r"\frac{\partial E}{\partial o_k} = \frac{2}{n}(o_k - t_k)",
            outputs=("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"),
            target_range=None,
        ),
        Loss(
            name="bce",
            term_form="binary_log",
            title="Binary cross-entropy",
            terms=_bce_terms,
            derivative=lambda ops, o, t, n: ops.div(ops.div(o - t, o * (1 - o)), n),
            sympy_term=lambda o, t, n: -(t * _sympy().log(o) + (1 - t) * _sympy().log(1 - o)) / n,
            hand_terms=lambda o, t, n: [
                (-t / n, _sympy().log, o),
                (-_sympy().UnevaluatedExpr(1 - t) / n, _sympy().log, 1 - o),
            ],
            total_latex=r"E_{total} = \sum_k E_k",
            term_latex=r"E_k = -\frac{1}{n}\left[t_k \ln o_k + (1 - t_k)\ln(1 - o_k)\right]",
            derivative_latex=r"\frac{\partial E}{\partial o_k} = \frac{1}{n} \cdot \frac{o_k - t_k}{o_k(1 - o_k)}",
            outputs=("sigmoid", "softmax"),
            target_range=(0.0, 1.0),
            combined_delta=("sigmoid",),
            combined=lambda ops, o, t, n: [(oi - ti) / n for oi, ti in zip(o, t)],
        ),
        Loss(
            name="cross_entropy",
            term_form="log",
            title="Categorical cross-entropy",
            terms=_cross_entropy_terms,
            derivative=lambda ops, o, t, n: ops.div0(-t, o),
            sympy_term=lambda o, t, n: -t * _sympy().log(o),
            hand_terms=lambda o, t, n: [(-t, _sympy().log, o)],
            total_latex=r"E_{total} = \sum_k E_k = -\sum_k t_k \ln o_k",
            term_latex=r"E_k = -t_k \ln o_k",
            derivative_latex=r"\frac{\partial E}{\partial o_k} = -\frac{t_k}{o_k}",
            outputs=("softmax",),
            target_range=(0.0, 1.0),
            combined_delta=("softmax",),
            combined=lambda ops, o, t, n: [oi - ti for oi, ti in zip(o, t)],
            target_sum=1.0,
        ),
    )
}


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise SpecError(f"unknown loss {name!r}; allowed: {', '.join(LOSSES)}") from None


def derivation_lines(name: str) -> list:
    """The lines from E_k of loss `name` to dE_k/do_k (engine/derivations.py), in SymPy."""
    from . import derivations

    sp = _sympy()
    o, t, n = sp.symbols("o_k t_k n", positive=True)
    loss = get_loss(name)
    start = derivations.Line("Start with the loss function", "f", (loss.term_latex.split(" = ", 1)[1],))
    return [start, *derivations.chain_lines(loss.hand_terms(o, t, n), loss.sympy_term(o, t, n), o)]


@cache
def loss_formula_latex(name: str) -> tuple[str, str]:
    """LaTeX of E_k(o_k) and of SymPy's dE_k/do_k, for the formula sections."""
    sp = _sympy()
    o, t, n = sp.symbols("o_k t_k n", positive=True)
    term = get_loss(name).sympy_term(o, t, n)
    return sp.latex(term), sp.latex(sp.simplify(sp.diff(term, o)))
