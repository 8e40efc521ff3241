"""How each symbol is spelled: neurons I/H/O, weights w1..wn in the reference's order, W^{(l)}, and the
symbols of worked lines in LaTeX and in plain text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..engine.spec import NetworkSpec

ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth")
SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class Neuron:
    """Neuron j (1-based) of layer l (0 = input)."""

    l: int
    j: int
    kind: str  # "input", "hidden", "output"
    plain: str  # I1, H1, O2, H2.1 (hidden layer 2, neuron 1) with several hidden layers
    label: str  # LaTeX neuron name: I_1, H_1, H^{(2)}_1, O_1
    value: str  # LaTeX activation symbol: I_1, h_1, h^{(2)}_1, o_1
    net: str  # LaTeX net input: \text{net}_{h1}
    bias: str  # LaTeX bias: b_{h1}
    short: str  # subscript text used inside other symbols: h1, o2, h2.1


def neuron(spec: NetworkSpec, l: int, j: int) -> Neuron:
    L = spec.depth
    if l == 0:
        kind, plain, short = "input", f"I{j}", f"i{j}"
    elif l == L:
        kind, plain, short = "output", f"O{j}", f"o{j}"
    elif L == 2:
        kind, plain, short = "hidden", f"H{j}", f"h{j}"
    else:
        kind, plain, short = "hidden", f"H{l}.{j}", f"h{l}.{j}"
    return Neuron(l, j, kind, plain, *_spelled(short), short)


@cache
def _spelled(short: str) -> tuple[str, str, str, str]:
    """A neuron's label, activation, net input and bias in LaTeX, from its short name: i1, h1,
    h2.1 (hidden layer 2 of several), o1. An input has no net input or bias."""
    letter, number = short[0], short[1:]
    if letter == "i":
        return f"I_{{{number}}}", f"I_{{{number}}}", "", ""
    if "." in number:
        l, _, j = number.partition(".")
        value = f"h^{{({l})}}_{{{j}}}"
        return f"H^{{({l})}}_{{{j}}}", value, rf"\text{{net}}_{{{value}}}", f"b^{{({l})}}_{{{j}}}"
    return f"{letter.upper()}_{{{number}}}", f"{letter}_{{{number}}}", rf"\text{{net}}_{{{short}}}", f"b_{{{short}}}"


def weight_number(spec: NetworkSpec, l: int, j: int, i: int) -> int:
    """w-number of W(l)[j][i] (1-based j, i): layer by layer, row by row, as w1..w8 in the reference."""
    offset = sum(spec.layers[m] * spec.layers[m - 1] for m in range(1, l))
    return offset + (j - 1) * spec.layers[l - 1] + i


def weight(spec: NetworkSpec, l: int, j: int, i: int) -> str:
    return f"w_{{{weight_number(spec, l, j, i)}}}"


def weight_plain(spec: NetworkSpec, l: int, j: int, i: int) -> str:
    return f"w{weight_number(spec, l, j, i)}"


def weight_unicode(spec: NetworkSpec, l: int, j: int, i: int) -> str:
    """w₅, as the reference writes weights in headings."""
    return "w" + str(weight_number(spec, l, j, i)).translate(SUBSCRIPT_DIGITS)


def layer_name(spec: NetworkSpec, l: int) -> str:
    if l == 0:
        return "Input"
    if l == spec.depth:
        return "Output"
    if spec.depth == 2:
        return "Hidden"
    return f"{ORDINALS[l - 1]} Hidden"


def matrix_symbol(l: int) -> str:
    return rf"\mathbf{{W}}^{{({l})}}"


# ---------------------------------------------------------------- the symbols of a worked line

# What a symbol of a worked line (documents/expressions.py) names: `of` is a neuron's short name
# (h1, h2.1, o2, i1), a running index over the outputs (k, m), a weight's number, an output's
# number, or "total" (the loss E_total).


@cache
def tex_symbol(kind: str, of: str) -> str:
    """A worked line's symbol in LaTeX: ("net", "h1") is \\text{net}_{h1}."""
    if kind in ("value", "net") and len(of) == 1:  # a running index: o_k, \text{net}_m
        return f"o_{of}" if kind == "value" else rf"\text{{net}}_{of}"
    if kind in ("value", "net", "bias"):
        return _spelled(of)[("value", "net", "bias").index(kind) + 1]
    return _TEX[kind].format(of)


@cache
def plain_symbol(kind: str, of: str) -> str:
    """A worked line's symbol in plain text: net_h1, b_h1, δ_h1, w5, t_1, E_total, h1, I1, o_k."""
    if kind != "value":
        return _PLAIN[kind].format(of)
    if len(of) == 1:  # a running index
        return f"o_{of}"
    return "I" + of[1:] if of[0] == "i" else of  # an input is named as its neuron, I1


_TEX = {"delta": r"\delta_{{{}}}", "weight": "w_{{{}}}", "target": "t_{{{}}}", "loss": "E_{{{}}}",
        "eta": r"\eta", "alpha": r"\alpha"}
_PLAIN = {"net": "net_{}", "bias": "b_{}", "delta": "δ_{}", "weight": "w{}", "target": "t_{}", "loss": "E_{}",
          "eta": "η", "alpha": "α"}
