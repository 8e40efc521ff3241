"""Drawings of the network: one geometry computed from the layer sizes, rendered as the reference's
ASCII figure, a Mermaid chart, the walkthrough's TikZ network and the sheet's TikZ network."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..engine.activations import get_activation
from ..engine.calculator import StepTrace
from .notation import SUBSCRIPT_DIGITS, Neuron, layer_name, weight, weight_plain

# Weight labels only on layer pairs of at most this many connections: more would overlap, and the
# weight tables list every weight.
LABEL_LIMIT = 4


@dataclass(frozen=True)
class Place:
    """Neuron j (1-based) of column l, at height `slot` in half rows: 0 is the middle line,
    positive is up, so a column of n neurons spans n - 1 down to 1 - n."""

    l: int
    j: int
    slot: int


@dataclass(frozen=True)
class Edge:
    """The connection from neuron i of column l - 1 to neuron j of column l (both 1-based)."""

    l: int
    i: int
    j: int
    rise: int  # source slot minus target slot: positive on an edge that falls to the right
    labelled: bool  # whether its weight is written on it
    label_at: str  # walkthrough: where on the edge (0 source, 1 target) its label sits
    label_apart: str  # sheet: the same, with labels of crossing edges kept away from the crossing


@dataclass(frozen=True)
class Geometry:
    """Where every neuron, edge and weight label of a network goes; edges in weight order
    (layer, then target j, then source i)."""

    layers: tuple[int, ...]
    columns: tuple[tuple[Place, ...], ...]
    edges: tuple[Edge, ...]

    @property
    def depth(self) -> int:
        return len(self.layers) - 1

    @property
    def widest(self) -> int:
        return max(self.layers)

    @property
    def small(self) -> bool:
        """Whether every neuron fits a large round node (and the sheet draws the network at all)."""
        return self.widest <= 4 and self.depth <= 3

    def labelled(self, l: int) -> bool:
        """Whether the edges from column l - 1 to column l carry their weights."""
        return self.layers[l - 1] * self.layers[l] <= LABEL_LIMIT


@cache
def geometry(layers: tuple[int, ...]) -> Geometry:
    """The geometry of a network with these layer sizes (input first)."""
    columns = tuple(tuple(Place(l, j, n + 1 - 2 * j) for j in range(1, n + 1)) for l, n in enumerate(layers))
    edges = []
    for l in range(1, len(layers)):
        n_in, n_out = layers[l - 1], layers[l]
        labelled = n_in * n_out <= LABEL_LIMIT
        for j in range(1, n_out + 1):
            for i in range(1, n_in + 1):
                rise = columns[l - 1][i - 1].slot - columns[l][j - 1].slot
                # A level edge or one of a fan carries its label in the middle; the others a
                # quarter along, or (on the sheet) near the source when falling, near the target
                # when rising, so labels of crossing edges stay apart.
                at = "0.5" if n_in == 1 or n_out == 1 or rise == 0 else "0.25"
                apart = "0.5" if rise == 0 else "0.2" if rise > 0 else "0.8"
                edges.append(Edge(l, i, j, rise, labelled, at, apart))
    return Geometry(tuple(layers), columns, tuple(edges))


# ---------------------------------------------------------------- plain text


def _mermaid_id(n: Neuron) -> str:
    return n.plain.replace(".", "_")


def _shown(F, step: StepTrace, p: Place) -> str:
    """What a neuron shows: the input value as given, or its computed activation."""
    return F.g(step.input[p.j - 1]) if p.l == 0 else F.v(step.layers[p.l - 1].a[p.j - 1])


def _given_weight(F, step: StepTrace, e: Edge) -> str:
    return F.g(step.layers[e.l - 1].W[e.j - 1][e.i - 1])


def ascii_222(F, step: StepTrace) -> str:
    """The reference's drawing of a 2-2-2 network, with this problem's numbers."""
    geo = geometry((2, 2, 2))
    left, mid, right = ([f"{kind}{str(p.j).translate(SUBSCRIPT_DIGITS)} ({_shown(F, step, p)})" for p in col]
                        for kind, col in zip("IHO", geo.columns))
    # Weights numbered w₁..w₈ in the geometry's edge order, as the reference numbers them.
    named = [(e, f"w{str(n).translate(SUBSCRIPT_DIGITS)}={_given_weight(F, step, e)}")
             for n, e in enumerate(geo.edges, start=1)]
    level, falling, rising = ([[text for e, text in named if e.l == l and test(e.rise)] for l in (1, 2)]
                              for test in (lambda r: r == 0, lambda r: r > 0, lambda r: r < 0))
    wl, wm = max(map(len, left)), max(map(len, mid))
    span = max(len(text) for _, text in named) * 2 + 6
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
        f"{left[0].ljust(wl)} {arrow(level[0][0])} {mid[0].ljust(wm)} {arrow(level[1][0])} {right[0]}",
    ]
    for a, b in zip(crossing(falling[0][0], rising[0][0]), crossing(falling[1][0], rising[1][0])):
        lines.append(f"{' ' * wl} {a} {' ' * wm} {b}".rstrip())
    lines.append(f"{left[1].ljust(wl)} {arrow(level[0][1])} {mid[1].ljust(wm)} {arrow(level[1][1])} {right[1]}")
    return "\n".join(lines)


def mermaid(spec, F, step: StepTrace, neurons) -> str:
    """The network as a Mermaid flowchart: one subgraph per layer, every weight on its edge."""
    geo = geometry(tuple(spec.layers))
    lines = ["flowchart LR"]
    for l, col in enumerate(geo.columns):
        lines.append(f'  subgraph L{l}["{layer_name(spec, l)} layer"]')
        for p in col:
            n = neurons[l][p.j - 1]
            bias = ""
            if l > 0 and step.layers[l - 1].b is not None:
                bias = f"<br/>b = {F.g(step.layers[l - 1].b[p.j - 1])}"
            lines.append(f'    {_mermaid_id(n)}(("{n.plain} = {_shown(F, step, p)}{bias}"))')
        lines.append("  end")
    for e in geo.edges:
        src, dst = _mermaid_id(neurons[e.l - 1][e.i - 1]), _mermaid_id(neurons[e.l][e.j - 1])
        lines.append(f'  {src} -- "{weight_plain(spec, e.l, e.j, e.i)} = {_given_weight(F, step, e)}" --> {dst}')
    return "\n".join(lines)


# ---------------------------------------------------------------- TikZ
# Coordinates and node references are written here whole, with their parentheses and braces, so
# the templates only place them (the LaTeX templates' delimiters are parentheses too).


def network_tikz(spec, F, step: StepTrace, neurons) -> dict[str, Any]:
    """The walkthrough's drawing: every neuron with its value (and bias), every edge, weights on
    the edges of small layer pairs. Positions are multiples of \\dx and \\dy, which TikZ sizes."""
    geo = geometry(tuple(spec.layers))
    full = geo.small
    roomy = geo.widest <= 5 or geo.depth <= 3  # small print only where rows and columns both crowd
    if full:
        dy = "2.6cm" if spec.bias else "2.4cm" if geo.widest <= 3 else "2.0cm"
    else:
        dy = f"min( {'2cm' if roomy else '1.6cm'}, 13.5cm/{geo.widest})"
    # Dense layers: edges leave and enter at the sides, so steep ones do not cross the neurons of
    # a column.
    side_out, side_in = ("", "") if full else (".east", ".west")
    columns = []
    for col in geo.columns:
        l = col[0].l
        head = {"at": rf"({{{l}*\dx}}, {{{geo.widest}*\dy/2}})", "name": layer_name(spec, l),
                "title": get_activation(step.layers[l - 1].activation).title if l > 0 else ""}
        b = step.layers[l - 1].b if l > 0 else None
        nodes = [{
            "ref": f"(n-{l}-{p.j})", "at": rf"({{{l}*\dx}}, {{{p.slot}*\dy/2}})", "sym": neurons[l][p.j - 1].value,
            "value": _shown(F, step, p),
            "bias": None if b is None else {"sym": neurons[l][p.j - 1].bias, "value": F.g(b[p.j - 1])},
        } for p in col]
        columns.append({"head": head, "nodes": nodes})
    edges = []
    for e in geo.edges:
        out, into = (side_out, side_in) if e.labelled else (".east", ".west")
        edges.append({
            "src": f"(n-{e.l - 1}-{e.i}{out})", "dst": f"(n-{e.l}-{e.j}{into})", "pos": e.label_at,
            "label": {"sym": weight(spec, e.l, e.j, e.i), "value": _given_weight(F, step, e)} if e.labelled else None,
        })
    unlabelled = [(layer_name(spec, l - 1), layer_name(spec, l)) for l in range(1, geo.depth + 1)
                  if not geo.labelled(l)]
    return {
        "full": full, "roomy": roomy, "depth": geo.depth, "dy": dy, "columns": columns,
        "edges": edges, "unlabelled": unlabelled, "all_unlabelled": len(unlabelled) == geo.depth,
    }


def sheet_tikz(spec, F, values, neurons) -> dict[str, Any] | None:
    """The sheet's drawing: inputs with their values, weights on the edges while they fit;
    nothing computed. Columns 4.4 cm apart, rows 1.7 cm; None for a network too large to draw."""
    geo = geometry(tuple(spec.layers))
    if not geo.small:
        return None
    columns = [[{
        "id": f"n{p.l}x{p.j}", "ref": f"(n{p.l}x{p.j})", "label": neurons[p.l][p.j - 1].label,
        "at": f"({p.l * 4.4:.2f}, {p.slot * 0.85:.2f})",
        "value": F.g(values.input[p.j - 1]) if p.l == 0 else None,
    } for p in col] for col in geo.columns]
    edges = [{
        "src": f"(n{e.l - 1}x{e.i})", "dst": f"(n{e.l}x{e.j})", "pos": e.label_apart,
        "label": f"{weight(spec, e.l, e.j, e.i)} = {F.g(values.weights[e.l - 1][e.j - 1][e.i - 1])}"
                 if e.labelled else None,
    } for e in geo.edges]
    heads = [{"name": layer_name(spec, l), "at": f"({l * 4.4:.2f}, {geo.widest * 0.85 + 0.3:.2f})"}
             for l in range(geo.depth + 1)]
    return {"columns": columns, "edges": edges, "heads": heads, "outputs": [n["id"] for n in columns[-1]]}
