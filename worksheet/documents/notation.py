"""How each symbol is spelled: neurons I/H/O, weights w1..wn in the reference's order, W^{(l)}."""

from __future__ import annotations

from dataclasses import dataclass

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
        return Neuron(l, j, "input", f"I{j}", f"I_{{{j}}}", f"I_{{{j}}}", "", "", f"i{j}")
    if l == L:
        return Neuron(
            l, j, "output", f"O{j}", f"O_{{{j}}}", f"o_{{{j}}}",
            rf"\text{{net}}_{{o{j}}}", f"b_{{o{j}}}", f"o{j}",
        )
    if L == 2:
        return Neuron(
            l, j, "hidden", f"H{j}", f"H_{{{j}}}", f"h_{{{j}}}",
            rf"\text{{net}}_{{h{j}}}", f"b_{{h{j}}}", f"h{j}",
        )
    return Neuron(
        l, j, "hidden", f"H{l}.{j}", f"H^{{({l})}}_{{{j}}}", f"h^{{({l})}}_{{{j}}}",
        rf"\text{{net}}_{{h^{{({l})}}_{{{j}}}}}", f"b^{{({l})}}_{{{j}}}", f"h{l}.{j}",
    )


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
