"""Registry of activation functions: numeric form, hand forms, SymPy definition, derivative and LaTeX."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Callable

from ..errors import SpecError


def sigmoid(z: float) -> float:
    """Logistic function, stable for large |z| (never evaluates e^{|z|})."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def log_sigmoid(z: float) -> float:
    """ln sigma(z) without overflow or log(0): -softplus(-z)."""
    return -math.log1p(math.exp(-z)) if z >= 0 else z - math.log1p(math.exp(z))


def log_softmax(z: list) -> list:
    """ln o_k = z_k - m - ln(sum of e^{z - m}), always about m = max(z) whatever shift the display
    used, and with log1p: a loss near 0 is then -log1p(tiny), not a difference of large numbers."""
    top = max(z)
    k_top = z.index(top)
    lse = math.log1p(math.fsum(math.exp(x - top) for k, x in enumerate(z) if k != k_top))
    return [x - top - lse for x in z]


def log_softmax_complement(z: list, o: list, log_o: list) -> list:
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


# One entry per name, made once: compared by identity, and no generated methods to make at start-up.
@dataclass(frozen=True, eq=False, repr=False)
class Activation:
    """One activation. `value(z, slope)` and `derivative(z, a, slope)` are numeric (doubles,
    decimals, or the endpoints of an interval); `sympy_value(x, slope)` is the definition the
    derivative and its LaTeX come from, and `sympy_derivative(x, a, slope)` the textbook form of
    f'(x) in terms of the output a = f(x).

    `forward(ops, z, slope, l)` is the layer as a hand computation writes it, in the number
    backend `ops` of the calculator: it returns the outputs, the exponentials written on the way
    (or None), the shift subtracted before exponentiating and the sum of the exponentials.

    `derivative_from` says what a hand computation writes f'(z) from: "output" (a polynomial in
    a = f(z), such as a(1 - a) or 1 - a^2, extreme at its ends or at `turning_points`), "input"
    (a step function of z), or "jacobian" (the layer's Jacobian, `jacobian(ops, a)`).
    `log_output(z)` and `log_complement(z, o, ln o)` give ln o and ln(1 - o) from z where that is
    better conditioned than the logarithm of o.

    For drawing problems: `targets` is the kind of target an output layer of it can reach
    ("one_hot", "near_0_or_1", "signed", "positive"); `kink_at_zero` marks a piecewise-linear
    function whose derivative jumps at z = 0 (undefined there, and small or 0 below);
    `min_width` is the fewest neurons of a layer of it.

    For the documents: `hand_value` says how a hand computation writes a = f(z):
    "exp_reciprocal" (1/(1 + e^{-z}) with e^{-z} written down), "key" (a calculator key),
    "clamp" (max(0, z)), "slope_below_zero" (alpha z below 0, z above), "identity" (a = z) or
    "normalised_exp" (e^{z_k} over the sum of the layer's exponentials); `uses_slope` marks a
    function of the leaky slope alpha; `derivative_bound` is the largest value f' takes (for
    every alpha of at most 1), so a layer of it scales an error by at most that much."""

    name: str
    title: str
    symbol: str  # LaTeX for the function name, e.g. \sigma
    value: Callable[[float, float], float]
    derivative: Callable[[float, float, float], float]
    sympy_value: Callable
    sympy_derivative: Callable
    derivative_latex: str  # f'(x) in terms of the function's own output, as the reference writes it
    output_range: tuple[float, float]  # open interval the outputs lie in
    forward: Callable
    derivative_from: str = "input"
    turning_points: tuple[Decimal, ...] = ()
    jacobian: Callable | None = None
    log_output: Callable[[list], list] | None = None
    log_complement: Callable[[list, list, list], list] | None = None
    targets: str = "positive"
    kink_at_zero: bool = False
    min_width: int = 1
    # One-line forms for inline math in tables, where GitHub would drop the \\ of a cases block.
    inline_value: str | None = None
    inline_derivative: str | None = None
    elementwise: bool = True
    output_only: bool = False
    # f'(x) as a worked step writes it, an expression tree over the output "out" with no notation
    # (documents/steps.py renders it): ("mul", "out", ("sub", 1, "out")) is out(1 - out);
    # ("step", 1, low) is 1 for a positive net input, else low.
    hand_derivative: object = 1
    hand_value: str = "identity"
    # The definition as terms (c, g, u) of c * g(u), written for the chain rule (derivations.py);
    # None for a function differentiated case by case or, for a layer function, by the quotient rule.
    hand_terms: Callable | None = None
    uses_slope: bool = False
    derivative_bound: Decimal | None = Decimal(1)

    def written_derivative(self, ops, z, a, slope):
        """f'(z) of one neuron in the backend `ops`, from what a hand computation writes it from."""
        if self.derivative_from == "output":
            return ops.turning(lambda v: self.derivative(z, v, slope), a, self.turning_points)
        return ops.increasing(lambda v: self.derivative(v, a, slope), z)


# ---------------------------------------------------------------- hand forms of the layers


def _sigmoid_forward(ops, z: list, slope, l: int):
    """The calculator writes e^{-z} and takes 1 / (1 + e^{-z}); a student may as well write e^{z}
    and take e^{z} / (1 + e^{z}), increasing in e^{z}. Exact mode takes the stable closed form."""
    e = [ops.shown_exp(-x) for x in z]
    ops.check("e^{-net} of neuron", e)
    a = [
        ops.r(ops.either(
            lambda: sigmoid(x),
            lambda: 1 / (1 + ex),
            lambda: ops.increasing(lambda u: u / (1 + u), ops.r(ops.exp(x)), slack=True),
        ))
        for x, ex in zip(z, e)
    ]
    return a, e, None, None


def _tanh_forward(ops, z: list, slope, l: int):
    """The tanh key of a calculator, or (e^{2z} - 1) / (e^{2z} + 1) with e^{2z} written down."""
    a = [
        ops.r(ops.either(
            lambda: math.tanh(x),
            lambda: ops.tanh(x),
            lambda: ops.increasing(lambda u: (u - 1) / (u + 1), ops.r(ops.exp(x * 2)), slack=True),
        ))
        for x in z
    ]
    return a, None, None, None


def _piecewise_forward(value):
    """A piecewise-linear activation, increasing in z: its value, written."""

    def forward(ops, z: list, slope, l: int):
        return [ops.r(ops.increasing(lambda v: value(v, slope), x)) for x in z], None, None, None

    return forward


def _softmax_forward(ops, z: list, slope, l: int):
    """e_k = e^{z_k - shift} written down, o_k = e_k / (sum of e): increasing in e_k and
    decreasing in the others."""
    shift = ops.exp_shift(l, z)
    e = [ops.r(ops.exp(x - shift)) for x in z]
    s = ops.total(e)
    return [ops.r(ops.share(k, e, s)) for k in range(len(e))], e, shift, s


def _softmax_jacobian(ops, a: list) -> list:
    """da_k/dz_j = a_k (1[k = j] - a_j): a_k(1 - a_k) on the diagonal."""
    return [
        [ops.r(ops.turning(lambda v: v * (1 - v), a[k], (_HALF,)) if k == j else a[k] * (0 - a[j]))
         for j in range(len(a))]
        for k in range(len(a))
    ]


_HALF = Decimal("0.5")


def _relu(z, slope):
    return z if z > 0 else 0 * z


def _leaky_relu(z, slope):
    return z if z > 0 else slope * z


def _identity(z, slope):
    return z


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
            hand_value="exp_reciprocal", derivative_bound=Decimal("0.25"),
            title="Sigmoid",
            symbol=r"\sigma",
            value=lambda z, s: sigmoid(z),
            derivative=lambda z, a, s: a * (1 - a),
            sympy_value=lambda x, s: 1 / (1 + _sympy().exp(-x)),
            sympy_derivative=lambda x, a, s: a * (1 - a),
            derivative_latex=r"\sigma(x) \cdot (1 - \sigma(x))",
            output_range=(0.0, 1.0),
            forward=_sigmoid_forward,
            derivative_from="output",
            turning_points=(_HALF,),
            log_output=lambda z: [log_sigmoid(x) for x in z],
            log_complement=lambda z, o, log_o: [log_sigmoid(-x) for x in z],
            targets="near_0_or_1",
            hand_derivative=("mul", "out", ("sub", 1, "out")),
            # sigma(x) = (1 + e^{-x})^{-1}
            hand_terms=lambda x, s: [(1, lambda u: u**-1, 1 + _sympy().exp(-x))],
        ),
        Activation(
            name="tanh",
            hand_value="key",
            title="Tanh",
            symbol=r"\tanh",
            value=lambda z, s: math.tanh(z),
            derivative=lambda z, a, s: 1 - a * a,
            sympy_value=lambda x, s: _sympy().tanh(x),
            sympy_derivative=lambda x, a, s: 1 - a**2,
            derivative_latex=r"1 - \tanh^2(x)",
            output_range=(-1.0, 1.0),
            forward=_tanh_forward,
            derivative_from="output",
            turning_points=(Decimal(0),),
            targets="signed",
            hand_derivative=("sub", 1, ("pow", "out", 2)),
            # tanh(x) = 1 - 2 (e^{2x} + 1)^{-1}, the form the calculator's e^{2z} steps use
            hand_terms=lambda x, s: [(1, None, None), (-2, lambda u: u**-1, _sympy().exp(2 * x) + 1)],
        ),
        Activation(
            name="relu",
            hand_value="clamp",
            title="ReLU",
            symbol=r"\mathrm{ReLU}",
            value=_relu,
            # The derivative at exactly 0 is taken as 0, the convention of PyTorch and TensorFlow.
            derivative=lambda z, a, s: 1 if z > 0 else 0,
            sympy_value=_piecewise_relu,
            sympy_derivative=lambda x, a, s: _sympy().Piecewise((1, x > 0), (0, True)),
            derivative_latex=r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
            output_range=(0.0, math.inf),
            forward=_piecewise_forward(_relu),
            kink_at_zero=True,
            inline_value=r"\max(0, x)",
            inline_derivative=r"\mathbb{1}[x > 0]",
            hand_derivative=("step", 1, 0),
        ),
        Activation(
            name="leaky_relu",
            hand_value="slope_below_zero", uses_slope=True,
            title="Leaky ReLU",
            symbol=r"\mathrm{LReLU}",
            value=_leaky_relu,
            derivative=lambda z, a, s: 1 if z > 0 else s,
            sympy_value=_piecewise_leaky,
            sympy_derivative=lambda x, a, s: _sympy().Piecewise((1, x > 0), (s, True)),
            derivative_latex=r"\begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}",
            output_range=(-math.inf, math.inf),
            forward=_piecewise_forward(_leaky_relu),
            kink_at_zero=True,
            inline_value=r"\max(\alpha x, x)",
            inline_derivative=r"\mathbb{1}[x > 0] + \alpha \cdot \mathbb{1}[x \le 0]",
            hand_derivative=("step", 1, "alpha"),
        ),
        Activation(
            name="linear",
            title="Linear (identity)",
            symbol=r"\mathrm{id}",
            value=_identity,
            derivative=lambda z, a, s: 1,
            sympy_value=lambda x, s: x,
            sympy_derivative=lambda x, a, s: _sympy().Integer(1),
            derivative_latex="1",
            output_range=(-math.inf, math.inf),
            forward=_piecewise_forward(_identity),
        ),
        Activation(
            name="softmax",
            hand_value="normalised_exp", derivative_bound=None,
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
            forward=_softmax_forward,
            derivative_from="jacobian",
            jacobian=_softmax_jacobian,
            log_output=log_softmax,
            log_complement=log_softmax_complement,
            targets="one_hot",
            min_width=2,
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


def derivation_lines(name: str) -> list:
    """The lines from the definition of activation `name` to the derivative a student uses
    (engine/derivations.py), in SymPy."""
    from . import derivations

    sp = _sympy()
    act = get_activation(name)
    x, alpha = sp.symbols("x alpha")
    if not act.elementwise:
        return derivations.quotient_lines()
    f = act.sympy_value(x, alpha)
    if act.hand_terms is None:
        return derivations.case_lines(f, x)
    lines = derivations.chain_lines(act.hand_terms(x, alpha), f, x)
    if act.derivative_from == "output":
        lines.append(derivations.output_form_line(act.hand_terms(x, alpha), lambda a: act.sympy_derivative(x, a, alpha)))
    return lines


@cache
def derivative_formula_latex(name: str) -> tuple[str, str]:
    """LaTeX of f(x) and of SymPy's derivative f'(x), for the formula sections."""
    sp = _sympy()
    act = get_activation(name)
    x, alpha = sp.symbols("x alpha")
    if not act.elementwise:
        return (r"\frac{e^{z_k}}{\sum_m e^{z_m}}", act.derivative_latex)
    f = act.sympy_value(x, alpha)
    # A function a calculator has a key for (tanh) is shown in exponentials, as it is computed by hand.
    return sp.latex(f.rewrite(sp.exp)), sp.latex(sp.diff(f, x))
