"""Worked steps: what a line computes, its formula, its operands and result as printed, and whether
it recomputes from what it shows; built once for the walkthrough and the answer keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..engine.activations import get_activation
from ..engine.calculator import LayerTrace
from .expressions import Sym, all_hold, claims, has_symbol, num
from .mathtext import plain, tex
from .numbers import operand, parse_shown, recomputes

# A formula is an expression tree over named quantities and small integers, with no notation in it:
#   ("mul", "out", ("sub", 1, "out"))  is  out (1 - out)
#   ("sub", 1, ("pow", "out", 2))      is  1 - out^2
#   ("step", 1, 0) / ("step", 1, "alpha")  is 1 for a positive net input, else 0 (or alpha)
#   1                                  is the constant 1


@dataclass(frozen=True)
class Step:
    what: str
    formula: object
    operands: tuple[str, ...]
    result: str
    # Whether the operands as printed give the result as printed; None for a choice between cases.
    recomputes: bool | None
    # For a choice between cases: the net input as printed and whether it is positive.
    net: str | None = None
    positive: bool | None = None


def shown_input(F, layer: LayerTrace, i: int) -> str:
    """a_prev[i] as a solution substitutes it: inputs as given, activations as computed."""
    return F.g(layer.a_prev[i]) if layer.l == 1 else F.v(layer.a_prev[i])


PRODUCT = ("mul", "out", ("sub", 1, "out"))
SQUARE = ("sub", 1, ("pow", "out", 2))


def derivative_step(F, layer: LayerTrace, j: int) -> Step:
    """The activation's derivative f'(net_j), as the registry says a hand computation writes it."""
    form = get_activation(layer.activation).hand_derivative
    a, der = F.v(layer.a[j]), F.v(layer.derivative[j])
    if form == PRODUCT:
        # 1 - a is not in the calculator's trace: exact mode rounds the exact 1 - a, carried mode
        # subtracts the shown (carried) a, as a hand computation would.
        one_minus = F.v(1 - layer.a[j]) if F.exact else F.v(1 - float(parse_shown(a)))
        return Step("derivative", form, (a, one_minus), der, recomputes("mul", [a, one_minus], der))
    if form == SQUARE:
        squared = str(parse_shown(a) * parse_shown(a))
        return Step("derivative", form, (a,), der, recomputes("sub", ["1", squared], der))
    if isinstance(form, tuple) and form[0] == "step":
        return Step("derivative", form, (), der, None, net=F.v(layer.z[j]), positive=layer.z[j] > 0)
    return Step("derivative", form, (), der, None)


def error_path_step(F, update_order: str, layer: LayerTrace, nxt: LayerTrace, j: int, k: int) -> Step:
    """One path of a hidden neuron's error: delta_k of the next layer times the weight w_kj."""
    dk = F.v(nxt.delta[k])
    # Sequential order uses the next layer's weights already updated: computed, not given.
    wk = F.g(layer.W_next[k][j]) if update_order == "simultaneous" else F.v(layer.W_next[k][j])
    p = F.v(layer.paths[j][k])
    return Step("error path", ("mul", "delta", "w"), (dk, wk), p, recomputes("mul", [dk, wk], p))


# ---------------------------------------------------------------- TeX math (Markdown and LaTeX)


def _power_base(sym: str, style: str) -> str:
    """A symbol that takes an exponent: h^{(2)}_{1} needs a group, or it would have two."""
    if "^" not in sym:
        return sym
    return f"({sym})" if style == "paren" else f"{{{sym}}}"


def tex_formula(step: Step, out: str, power: str = "paren") -> str:
    """The step's formula in TeX math, with `out` for the neuron's output."""
    f = step.formula
    if f == PRODUCT:
        return f"{out}(1 - {out})"
    if f == SQUARE:
        return f"1 - {_power_base(out, power)}^2"
    if isinstance(f, tuple) and f[0] == "step":
        low = r"\alpha" if f[2] == "alpha" else str(f[2])
        return rf"\begin{{cases}} 1 & z > 0 \\ {low} & z \le 0 \end{{cases}}"
    return str(f)


def tex_substituted(step: Step) -> str:
    """The formula with the printed operands in place of the quantities."""
    f = step.formula
    if f == PRODUCT:
        return rf"{operand(step.operands[0])} \times {operand(step.operands[1])}"
    if f == SQUARE:
        return rf"1 - {operand(step.operands[0])}^2"
    return str(f)


def tex_side(step: Step) -> str:
    """The case a net input falls in: "> 0" or "\\le 0"."""
    return "> 0" if step.positive else r"\le 0"


# ---------------------------------------------------------------- worked lines of a key


def hand_formula(step: Step, out: Sym):
    """The step's formula as an expression (documents/expressions.py), `out` for the neuron's output."""
    def put(f):
        if f == "out":
            return out
        return (f[0], *map(put, f[1:])) if isinstance(f, tuple) else f

    return put(step.formula)


def substituted(step: Step):
    """The formula with the printed operands, as an expression: a × (1 - a) with 1 - a worked out."""
    if step.formula == PRODUCT:
        return ("times", num(step.operands[0]), num(step.operands[1]))
    if step.formula == SQUARE:
        return ("sub", 1, ("pow", num(step.operands[0]), 2))
    return step.formula


@dataclass(frozen=True)
class Worked:
    """One worked line of an answer key: its sides, left to right, as expressions (the symbol, its
    formula, the formula with the printed numbers, ..., the printed result). The line recomputes
    when every claim its numbers make holds: each part that becomes a printed number, evaluated
    exactly, rounds to that number at its digits."""

    sides: tuple
    # What the line works out where a key may show it elsewhere too (a delta's error or dE/do):
    # a key shows each such value once.
    what: object = None

    @cached_property
    def numeric(self) -> tuple[bool, ...]:
        """Which sides are made of numbers only."""
        return tuple(not has_symbol(side) for side in self.sides)

    @property
    def claims(self) -> list:
        return claims([side for side, numeric in zip(self.sides, self.numeric) if numeric])

    @property
    def recomputes(self) -> bool:
        return all_hold(self.claims)

    def tex(self) -> str:
        """The line in TeX math, as the Markdown and LaTeX dialects and the HTML pages show it."""
        # The sides with symbols are the same in every variant of a sheet: written once.
        return " = ".join([tex(side) if numeric else _symbolic_tex(side)
                           for side, numeric in zip(self.sides, self.numeric)])

    def plain(self) -> str:
        """The line in plain Unicode text."""
        return " = ".join([plain(side) for side in self.sides])


_symbolic_tex = lru_cache(maxsize=4096)(tex)
