"""Drawings of the network for the walkthrough: the reference's ASCII figure and a Mermaid chart."""

from __future__ import annotations

from ..engine.calculator import StepTrace
from .notation import Neuron, layer_name, weight_plain


def _mermaid_id(n: Neuron) -> str:
    return n.plain.replace(".", "_")


def ascii_222(F, step: StepTrace) -> str:
    """The reference's drawing of a 2-2-2 network, with this problem's numbers."""
    W1, W2 = step.layers[0].W, step.layers[1].W
    x, h, o = step.input, step.layers[0].a, step.layers[1].a
    left = [f"I₁ ({F.g(x[0])})", f"I₂ ({F.g(x[1])})"]
    mid = [f"H₁ ({F.v(h[0])})", f"H₂ ({F.v(h[1])})"]
    right = [f"O₁ ({F.v(o[0])})", f"O₂ ({F.v(o[1])})"]
    e1 = [f"w{s}={F.g(w)}" for s, w in zip("₁₂₃₄", (W1[0][0], W1[0][1], W1[1][0], W1[1][1]))]
    e2 = [f"w{s}={F.g(w)}" for s, w in zip("₅₆₇₈", (W2[0][0], W2[0][1], W2[1][0], W2[1][1]))]
    wl, wm = max(map(len, left)), max(map(len, mid))
    span = max(map(len, e1 + e2)) * 2 + 6
    height = 7

    def arrow(label: str) -> str:
        pad = span - len(label) - 1
        return "─" * (pad // 2) + label + "─" * (pad - pad // 2) + "→"

    def crossing(upper_to_lower: str, lower_to_upper: str) -> list[str]:
        # ╲ runs from the upper neuron on the left to the lower one on the right, ╱ the other way.
        rows = []
        for r in range(height):
            line = [" "] * span
            c = round(r * (span - 2) / (height - 1))
            if c == span - 2 - c:
                line[c] = "╳"
            else:
                line[c] = "╲"
                line[span - 2 - c] = "╱"
            rows.append("".join(line))
        gap = span - len(upper_to_lower) - len(lower_to_upper) - 4
        rows.insert(1, "  " + upper_to_lower + " " * gap + lower_to_upper + "  ")
        return rows

    lines = [
        "Input Layer".ljust(wl + span + 2) + "Hidden Layer".ljust(wm + span + 2) + "Output Layer",
        "",
        f"{left[0].ljust(wl)} {arrow(e1[0])} {mid[0].ljust(wm)} {arrow(e2[0])} {right[0]}",
    ]
    for a, b in zip(crossing(e1[2], e1[1]), crossing(e2[2], e2[1])):
        lines.append(f"{' ' * wl} {a} {' ' * wm} {b}".rstrip())
    lines.append(f"{left[1].ljust(wl)} {arrow(e1[3])} {mid[1].ljust(wm)} {arrow(e2[3])} {right[1]}")
    return "\n".join(lines)


def mermaid(spec, F, step: StepTrace, neurons) -> str:
    """The network as a Mermaid flowchart: one subgraph per layer, every weight on its edge."""
    lines = ["flowchart LR"]
    for l, row in enumerate(neurons):
        lines.append(f'  subgraph L{l}["{layer_name(spec, l)} layer"]')
        for n in row:
            if l == 0:
                val = F.g(step.input[n.j - 1])
            else:
                val = F.v(step.layers[l - 1].a[n.j - 1])
            bias = ""
            if l > 0 and step.layers[l - 1].b is not None:
                bias = f"<br/>b = {F.g(step.layers[l - 1].b[n.j - 1])}"
            lines.append(f'    {_mermaid_id(n)}(("{n.plain} = {val}{bias}"))')
        lines.append("  end")
    for layer in step.layers:
        l = layer.l
        for j in range(len(layer.W)):
            for i in range(len(layer.W[j])):
                src, dst = _mermaid_id(neurons[l - 1][i]), _mermaid_id(neurons[l][j])
                lines.append(f'  {src} -- "{weight_plain(spec, l, j + 1, i + 1)} = {F.g(layer.W[j][i])}" --> {dst}')
    return "\n".join(lines)
