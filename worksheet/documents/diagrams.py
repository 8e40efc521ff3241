"""Drawings of the network: one geometry computed from the layer sizes and one placement of weight
labels, rendered as the reference's ASCII figure, a Mermaid chart, the walkthrough's and the
sheet's TikZ networks and the web pages' SVG."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape
from typing import Any

from ..engine.activations import get_activation
from ..engine.calculator import StepTrace
from .notation import SUBSCRIPT_DIGITS, Neuron, layer_name, neuron, weight, weight_plain
from .numbers import fmt_given

# Weight labels only on layer pairs of at most this many connections: more could not be told
# apart, and the weight tables list every weight.
LABEL_LIMIT = 4
# Where along its edge (0 at the source, 1 at the target) a weight label may sit, in the order tried.
POSITIONS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8, 0.15, 0.85)


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


@dataclass(frozen=True)
class Geometry:
    """The neurons and edges of a network; edges in weight order (layer, then target j, then
    source i)."""

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

    def few(self, l: int) -> bool:
        """Whether the edges from column l - 1 to column l are few enough to carry their weights."""
        return self.layers[l - 1] * self.layers[l] <= LABEL_LIMIT


@cache
def geometry(layers: tuple[int, ...]) -> Geometry:
    """The geometry of a network with these layer sizes (input first)."""
    columns = tuple(tuple(Place(l, j, n + 1 - 2 * j) for j in range(1, n + 1)) for l, n in enumerate(layers))
    edges = tuple(Edge(l, i, j, columns[l - 1][i - 1].slot - columns[l][j - 1].slot)
                  for l in range(1, len(layers)) for j in range(1, layers[l] + 1) for i in range(1, layers[l - 1] + 1))
    return Geometry(tuple(layers), columns, edges)


# ---------------------------------------------------------------- label placement
# Coordinates here are a drawing's own unit (cm for TikZ, px for SVG), y upwards, the first
# column at x = 0 and the middle line at y = 0.


@dataclass(frozen=True)
class Frame:
    """The measures of one drawing."""

    dx: float  # between columns
    dy: float  # between neighbouring neurons of a column
    node_w: float  # a neuron's width (its diameter when round)
    node_h: float
    round: bool  # circles, edges meeting their borders; else boxes, edges leaving east and entering west
    label_h: float  # a weight label's height, padding included
    clearance: float  # kept free between a label and anything else


@dataclass(frozen=True)
class Box:
    """A rectangle w wide and h high centred on (x, y), turned by `angle` radians."""

    x: float
    y: float
    w: float
    h: float
    angle: float = 0.0

    def corners(self) -> list[tuple[float, float]]:
        c, s = math.cos(self.angle), math.sin(self.angle)
        return [(self.x + u * c - v * s, self.y + u * s + v * c)
                for u, v in ((-self.w / 2, -self.h / 2), (self.w / 2, -self.h / 2),
                             (self.w / 2, self.h / 2), (-self.w / 2, self.h / 2))]

    def grown(self, by: float) -> "Box":
        return Box(self.x, self.y, self.w + 2 * by, self.h + 2 * by, self.angle)

    def local(self, px: float, py: float) -> tuple[float, float]:
        """A point in the box's own axes, its centre at the origin."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        return ((px - self.x) * c + (py - self.y) * s, -(px - self.x) * s + (py - self.y) * c)


def _apart(a: Box, b: Box) -> bool:
    """Whether two boxes are disjoint: some side's direction separates their corners."""
    return _separated(_outline(a), _outline(b))


def _outline(box: Box):
    """A box's corners, the directions of its sides, its centre, and the radii of the circles
    around it and inside it, for _separated."""
    return (box.corners(), ((math.cos(box.angle), math.sin(box.angle)),
                            (math.cos(box.angle + math.pi / 2), math.sin(box.angle + math.pi / 2))),
            box.x, box.y, math.hypot(box.w, box.h) / 2, min(box.w, box.h) / 2)


def _separated(a, b) -> bool:
    """Whether two outlines are disjoint: some side's direction separates their corners. Boxes
    whose surrounding circles are apart, or whose inner circles meet, are decided by the
    distance of their centres alone (by a margin far above rounding)."""
    (ca, sides_a, xa, ya, outer_a, inner_a), (cb, sides_b, xb, yb, outer_b, inner_b) = a, b
    distance = math.hypot(xa - xb, ya - yb)
    if distance > outer_a + outer_b + 1e-9:
        return True
    if distance < inner_a + inner_b - 1e-9:
        return False
    for ux, uy in sides_a + sides_b:
        pa, pb = [x * ux + y * uy for x, y in ca], [x * ux + y * uy for x, y in cb]
        if max(pa) <= min(pb) or max(pb) <= min(pa):
            return True
    return False


def _clear_of_circle(box: Box, cx: float, cy: float, r: float) -> bool:
    u, v = box.local(cx, cy)
    du, dv = max(abs(u) - box.w / 2, 0.0), max(abs(v) - box.h / 2, 0.0)
    return du * du + dv * dv >= r * r


def _crosses(box: Box, x1: float, y1: float, x2: float, y2: float) -> bool:
    """Whether the segment passes through the box (clipped against it, Liang-Barsky)."""
    (u1, v1), (u2, v2) = box.local(x1, y1), box.local(x2, y2)
    lo, hi = 0.0, 1.0
    sides = ((u1 - u2, u1 + box.w / 2), (u2 - u1, box.w / 2 - u1), (v1 - v2, v1 + box.h / 2), (v2 - v1, box.h / 2 - v1))
    for p, q in sides:
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            lo = max(lo, q / p)
        else:
            hi = min(hi, q / p)
    return lo < hi


@dataclass(frozen=True)
class Label:
    """Where the weight of `edge` is written: `t` along the edge, the box of its text."""

    edge: Edge
    t: float
    box: Box

    @property
    def degrees(self) -> float:
        return math.degrees(self.box.angle)


@dataclass(frozen=True)
class Layout:
    """A drawing's neurons, edges and weight labels; `labelled[l]` says whether the layer pair
    ending at column l carries its weights (index 0 unused)."""

    geo: Geometry
    frame: Frame
    centres: dict[tuple[int, int], tuple[float, float]]
    segments: dict[Edge, tuple[float, float, float, float]]
    labels: dict[Edge, Label]
    labelled: tuple[bool, ...]

    @property
    def unlabelled(self) -> list[int]:
        return [l for l in range(1, self.geo.depth + 1) if not self.labelled[l]]


def _segment(frame: Frame, a: tuple[float, float], b: tuple[float, float], to_border: bool):
    """An edge from centre a to centre b, as drawn: between the circles' borders, or from a's
    east side to b's west side."""
    (x1, y1), (x2, y2) = a, b
    if to_border:
        length = math.hypot(x2 - x1, y2 - y1)
        ux, uy, r = (x2 - x1) / length, (y2 - y1) / length, frame.node_w / 2
        return (x1 + r * ux, y1 + r * uy, x2 - r * ux, y2 - r * uy)
    return (x1 + frame.node_w / 2, y1, x2 - frame.node_w / 2, y2)


def _place_pair(geo: Geometry, frame: Frame, l: int, centres, segments, widths) -> dict[Edge, Label] | None:
    """Labels for the edges into column l, each clear of every neuron and of the other labels and,
    where the pair allows it, of the other edges (a label hides what runs beneath it); None if no
    such placement exists. Labels stay between the two columns, so pairs cannot meet."""
    edges = [e for e in geo.edges if e.l == l]
    nodes = [centres[(m, p.j)] for m in (l - 1, l) for p in geo.columns[m]]
    left, right = (l - 1) * frame.dx, l * frame.dx
    half = frame.clearance / 2

    def spots(e: Edge, avoid_edges: bool, sloped: bool) -> list[Label]:
        """The positions on e clear of the neurons (and of the other edges), in POSITIONS order."""
        x1, y1, x2, y2 = segments[e]
        angle = math.atan2(y2 - y1, x2 - x1) if sloped else 0.0
        found = []
        for t in POSITIONS:
            box = Box(x1 + t * (x2 - x1), y1 + t * (y2 - y1), widths[e], frame.label_h, angle)
            xs = [x for x, _ in box.grown(half).corners()]
            if min(xs) <= left or max(xs) >= right:
                continue
            if frame.round:
                clear = all(_clear_of_circle(box.grown(half), cx, cy, frame.node_w / 2 + half) for cx, cy in nodes)
            else:
                clear = all(_apart(box.grown(half), Box(cx, cy, frame.node_w, frame.node_h).grown(half))
                            for cx, cy in nodes)
            if clear and not (avoid_edges and any(_crosses(box, *segments[o]) for o in edges if o != e)):
                found.append(Label(e, t, box))
        return found

    # Level edges first (they take the middle), then the shallow, then the steep ones; the first
    # combination whose labels are pairwise apart, by depth-first search. Labels turn with their
    # edges where they can; level labels take less height on steep edges.
    order = sorted(edges, key=lambda e: (abs(e.rise), e.j, e.i))
    for sloped, avoid_edges in ((True, True), (True, False), (False, True), (False, False)):
        options = [[(label, _outline(label.box.grown(half))) for label in spots(e, avoid_edges, sloped)]
                   for e in order]
        chosen: list[Label] = []

        def extend(domains: list) -> bool:
            """Depth-first over the first domain's labels in order; the later domains keep only
            the labels apart from every chosen one, and a choice that empties one is dropped at
            once. The first placement found is the plain search's, found sooner."""
            if not domains:
                return True
            for label, outline in domains[0]:
                rest = [[o for o in domain if _separated(outline, o[1])] for domain in domains[1:]]
                if all(rest):
                    chosen.append(label)
                    if extend(rest):
                        return True
                    chosen.pop()
            return False

        if extend(options):
            by_edge = {label.edge: label for label in chosen}
            return {e: by_edge[e] for e in edges}
    return None


def signed(label: str) -> str:
    """A label `name = value` as wide as it would be with a negative value: labels are placed for
    this width, so that every variant of a network, whatever its weights' signs, has its labels
    in the same places (and the placement is searched once)."""
    name, sep, value = label.rpartition(" = ")
    return f"{name}{sep}-{value.lstrip('-')}" if sep else label


def layout(layers: tuple[int, ...], frame: Frame, width_of) -> Layout:
    """Positions of everything in a drawing of these layers; `width_of(edge)` is the width of
    that edge's label (padding included; see signed()). Layer pairs with few edges carry labels
    where every label finds a clear place; the others show the edges only."""
    return _layout(layers, frame, tuple(width_of(e) for e in geometry(layers).edges))


@lru_cache(maxsize=512)
def _layout(layers: tuple[int, ...], frame: Frame, label_widths: tuple[float, ...]) -> Layout:
    """layout() for the labels' widths in the order of the edges: the variants of one network
    mostly share them (a weight's digits and sign set its width), and so share the search."""
    geo = geometry(layers)
    width_of = dict(zip(geo.edges, label_widths)).__getitem__
    centres = {(p.l, p.j): (p.l * frame.dx, p.slot * frame.dy / 2) for col in geo.columns for p in col}
    labelled = [False]
    labels: dict[Edge, Label] = {}
    segments = {}
    for l in range(1, geo.depth + 1):
        pair = [e for e in geo.edges if e.l == l]
        for e in pair:
            segments[e] = _segment(frame, centres[(l - 1, e.i)], centres[(l, e.j)], frame.round)
        placed = None
        if geo.few(l):
            placed = _place_pair(geo, frame, l, centres, segments, {e: width_of(e) for e in pair})
        labelled.append(placed is not None)
        labels.update(placed or {})
    return Layout(geo, frame, centres, segments, labels, tuple(labelled))


# ---------------------------------------------------------------- text widths
# A label's width is estimated from its characters with Computer Modern's widths in em (digits
# 0.5, the relation = with its spaces 1.33), subscripts at TeX's script sizes, and small sizes
# wider in proportion (CM's optical sizes: a 6 pt digit is 0.61 em). The estimates lean wide, so a
# label never outgrows its box; test_diagrams measures them against TeX's own.
_TEX_EM = {".": 0.28, ",": 0.28, "(": 0.39, ")": 0.39, "=": 1.34, "-": 0.78, "+": 1.34, " ": 0.0}
_TEX_EM.update({d: 0.5 for d in "0123456789"})
_SCRIPT_PT = {10: 7, 8: 6, 7: 5, 6: 5, 5: 5}
_OPTICAL = {10: 1.0, 8: 1.06, 7: 1.14, 6: 1.22, 5: 1.36}


@lru_cache(maxsize=4096)
def tex_width(math_text: str, size_pt: int) -> float:
    """Width in pt of inline math as the templates write it (symbols with _{..} and ^{..}) at a
    font size of 10, 8 or 6 pt. Kept for the texts seen last: a weight's label recurs in many
    variants of a network."""
    width, sizes, k = 0.0, [size_pt], 0
    while k < len(math_text):
        ch = math_text[k]
        k += 1
        if ch in "_^" and math_text[k:k + 1] == "{":
            sizes.append(_SCRIPT_PT[sizes[-1]])
            k += 1
        elif ch == "{":
            sizes.append(sizes[-1])
        elif ch == "}":
            sizes.pop()
        elif ch == "\\":  # a command's name (text, cdot) is not printed; its argument is
            while k < len(math_text) and math_text[k].isalpha():
                k += 1
        else:
            width += _TEX_EM.get(ch, 0.75) * sizes[-1] * _OPTICAL[sizes[-1]]
    return width * 1.05 + 1


PT = 2.54 / 72.27  # one TeX point in cm


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


def mermaid(spec, F, step: StepTrace, neurons, labelled: tuple[bool, ...]) -> str:
    """The network as a Mermaid flowchart: one subgraph per layer, weights on the edges of the
    layer pairs the TikZ drawing labels too (`labelled[l]`)."""
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
        if labelled[e.l]:
            lines.append(f'  {src} -- "{weight_plain(spec, e.l, e.j, e.i)} = {_given_weight(F, step, e)}" --> {dst}')
        else:
            lines.append(f"  {src} --> {dst}")
    return "\n".join(lines)


# ---------------------------------------------------------------- TikZ
# Everything is placed at absolute coordinates in cm, written here whole with their parentheses
# (the LaTeX templates' delimiters are parentheses too); TikZ only draws.


def _at(x: float, y: float) -> str:
    return f"({x:.3f}, {y:.3f})"


def _tikz_labels(lay: Layout, text_of) -> list[dict[str, Any]]:
    return [{"ref": f"(w-{e.l}-{e.j}-{e.i})", "at": _at(lab.box.x, lab.box.y), "rotate": f"{lab.degrees:.2f}",
             "text": text_of(e)} for e, lab in lay.labels.items()]


def _walk_frame(geo: Geometry, full: bool, roomy: bool, bias: bool, lines: list[list[tuple[str, float]]]) -> Frame:
    """The walkthrough drawing's measures. `lines` are the widest node's lines (math, size in pt);
    a node grows to hold them, as TikZ would, and the rows part to keep the nodes apart."""
    dx = min(4.6, 14.5 / geo.depth)
    text_w = max(tex_width(text, size) for node in lines for text, size in node) * PT
    if full:
        dy = 2.6 if bias else 2.4 if geo.widest <= 3 else 2.0
        # \small lines 12 pt apart, 1.5 pt more below the name, a \scriptsize bias line.
        text_h = (26 + (12 if bias else 0)) * PT
        size = max(1.5, math.hypot(text_w, text_h) + 3 * PT)
        return Frame(dx, max(dy, size + 0.4), size, size, True, 11 * PT, 0.05)
    dy = min(2.0 if roomy else 1.6, 13.5 / geo.widest)
    pitch, sep = (9.5, 2) if roomy else (7, 1.5)
    w = max(1.2 if roomy else 0.95, text_w + 2 * sep * PT)
    h = max(1.1 if roomy else 0.9, ((2 + bias) * pitch + 4 + 2 * sep) * PT)
    return Frame(dx, max(dy, h + 0.3), w, h, False, (8 if roomy else 6.5) * PT, 0.04)


def network_tikz(spec, F, step: StepTrace, neurons) -> dict[str, Any]:
    """The walkthrough's drawing: every neuron with its value (and bias), every edge, weights on
    the edges of the layer pairs where they fit."""
    geo = geometry(tuple(spec.layers))
    full = geo.small
    roomy = geo.widest <= 5 or geo.depth <= 3  # small print only where rows and columns both crowd
    node_pt, label_pt = (10, 8) if full else (8, 8) if roomy else (6, 6)
    nodes = {}
    for col in geo.columns:
        for p in col:
            l = p.l
            b = step.layers[l - 1].b if l > 0 else None
            n = neurons[l][p.j - 1]
            nodes[(l, p.j)] = {
                "ref": f"(n-{l}-{p.j})", "sym": n.value, "value": _shown(F, step, p),
                "bias": None if b is None else {"sym": n.bias, "value": F.g(b[p.j - 1])},
            }
    lines = [[(r["sym"], node_pt), (r["value"], node_pt)]
             + ([] if r["bias"] is None else
                [(f"{r['bias']['sym']} = {r['bias']['value']}", 8) if full else (f"b = {r['bias']['value']}", node_pt)])
             for r in nodes.values()]
    frame = _walk_frame(geo, full, roomy, spec.bias, lines)

    def label_text(e: Edge) -> str:
        return f"{weight(spec, e.l, e.j, e.i)} = {_given_weight(F, step, e)}"

    inner = 1 if full else 0.5
    lay = layout(geo.layers, frame, lambda e: (tex_width(signed(label_text(e)), label_pt) + 2 * inner) * PT)
    columns = []
    for col in geo.columns:
        l = col[0].l
        head = {"at": _at(l * frame.dx, geo.widest * frame.dy / 2), "name": layer_name(spec, l),
                "title": get_activation(step.layers[l - 1].activation).title if l > 0 else ""}
        columns.append({"head": head, "nodes": [dict(nodes[(l, p.j)], at=_at(*lay.centres[(l, p.j)])) for p in col]})
    edges = []
    for e in geo.edges:
        out, into = ("", "") if full and lay.labelled[e.l] else (".east", ".west")
        edges.append({"src": f"(n-{e.l - 1}-{e.i}{out})", "dst": f"(n-{e.l}-{e.j}{into})"})
    unlabelled = [(layer_name(spec, l - 1), layer_name(spec, l)) for l in lay.unlabelled]
    return {
        "full": full, "roomy": roomy, "depth": geo.depth, "columns": columns, "edges": edges,
        "labels": _tikz_labels(lay, label_text), "node_w": f"{frame.node_w:.3f}cm", "node_h": f"{frame.node_h:.3f}cm",
        "unlabelled": unlabelled, "all_unlabelled": len(unlabelled) == geo.depth, "labelled": lay.labelled,
    }


SHEET_LABEL_PT = 8  # \scriptsize in the 11 pt exam class


def sheet_frame() -> Frame:
    """The sheet drawing's measures: columns 4.4 cm apart, rows 1.7 cm, circles 10 mm."""
    return Frame(4.4, 1.7, 1.0 + 0.8 * PT, 1.0 + 0.8 * PT, True, 11 * PT, 0.05)


def sheet_tikz(spec, F, values, neurons) -> dict[str, Any] | None:
    """The sheet's drawing: inputs with their values, weights on the edges while they fit;
    nothing computed. None for a network too large to draw."""
    geo = geometry(tuple(spec.layers))
    if not geo.small:
        return None

    def label_text(e: Edge) -> str:
        return f"{weight(spec, e.l, e.j, e.i)} = {F.g(values.weights[e.l - 1][e.j - 1][e.i - 1])}"

    frame = sheet_frame()
    lay = layout(geo.layers, frame, lambda e: (tex_width(signed(label_text(e)), SHEET_LABEL_PT) + 2) * PT)
    columns = [[{
        "id": f"n{p.l}x{p.j}", "ref": f"(n{p.l}x{p.j})", "label": neurons[p.l][p.j - 1].label,
        "at": _at(*lay.centres[(p.l, p.j)]), "value": F.g(values.input[p.j - 1]) if p.l == 0 else None,
    } for p in col] for col in geo.columns]
    edges = [{"src": f"(n{e.l - 1}x{e.i})", "dst": f"(n{e.l}x{e.j})"} for e in geo.edges]
    heads = [{"name": layer_name(spec, l), "at": _at(l * frame.dx, geo.widest * frame.dy / 2 + 0.3)}
             for l in range(geo.depth + 1)]
    # Its height on the page, at most: the rows, the layer names above them.
    height = f"{(geo.widest - 1) * frame.dy + frame.node_h + 0.8:.2f}cm"
    return {"columns": columns, "edges": edges, "labels": _tikz_labels(lay, label_text), "heads": heads,
            "outputs": [n["id"] for n in columns[-1]], "height": height}


# ---------------------------------------------------------------- SVG
# The web pages' drawing: px, 15 px text, weights in 13 px text with a 2 px halo (page.css).
SVG_MARGIN_X = 84  # room for the input values left of the first column
SVG_TOP = 44  # room for the layer names
SVG_RADIUS = 21
SVG_CHAR = 7.5  # a 13 px character's width, leaning wide
SVG_FRAME = Frame(210, 78, 2 * SVG_RADIUS + 2, 2 * SVG_RADIUS + 2, True, 18, 2)


def svg_label_width(text: str) -> float:
    return len(text) * SVG_CHAR + 4


def network_svg(spec, values, caption: str) -> str:
    """The drawing of `spec` with the given inputs and weights; weights on the edges where they fit."""
    geo = geometry(tuple(spec.layers))

    def label_text(e: Edge) -> str:
        return f"{weight_plain(spec, e.l, e.j, e.i)} = {fmt_given(values.weights[e.l - 1][e.j - 1][e.i - 1])}"

    lay = layout(geo.layers, SVG_FRAME, lambda e: svg_label_width(signed(label_text(e))))
    width = SVG_MARGIN_X + geo.depth * SVG_FRAME.dx + SVG_MARGIN_X // 2
    height = SVG_TOP + geo.widest * SVG_FRAME.dy

    def x(v: float) -> str:
        return f"{SVG_MARGIN_X + v:g}"

    def y(v: float) -> str:  # the drawing's y is up, the page's down
        return f"{SVG_TOP + geo.widest * SVG_FRAME.dy / 2 - v:g}"

    out = [
        f'<svg class="net" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(caption)}">',
        f"<title>{escape(caption)}</title>",
    ]
    for l in range(geo.depth + 1):
        out.append(f'<text class="head" x="{x(l * SVG_FRAME.dx)}" y="{SVG_TOP - 22}">'
                   f"{escape(layer_name(spec, l))}</text>")
    for e in geo.edges:
        x1, y1, x2, y2 = lay.segments[e]
        out.append(f'<line x1="{x(x1)}" y1="{y(y1)}" x2="{x(x2)}" y2="{y(y2)}"/>')
    for e, lab in lay.labels.items():
        # Turned with its edge, centred on it: the baseline 0.35 em below the centre.
        out.append(f'<text class="w" transform="translate({x(lab.box.x)} {y(lab.box.y)}) rotate({-lab.degrees:.2f})" '
                   f'y="4.5">{escape(label_text(e))}</text>')
    for col in geo.columns:
        for p in col:
            cx, cy = lay.centres[(p.l, p.j)]
            out.append(f'<circle cx="{x(cx)}" cy="{y(cy)}" r="{SVG_RADIUS}"/>')
            out.append(f'<text class="n" x="{x(cx)}" y="{y(cy - 5)}">{escape(neuron(spec, p.l, p.j).plain)}</text>')
            if p.l == 0:
                out.append(f'<text class="v" x="{x(cx - SVG_RADIUS - 8)}" y="{y(cy - 5)}">'
                           f"{escape(fmt_given(values.input[p.j - 1]))}</text>")
    out.append("</svg>")
    return "".join(out)


def network_caption(spec) -> str:
    """What the drawing shows, for a screen reader."""
    sizes = "-".join(map(str, spec.layers))
    return (f"Network {sizes}: {spec.layers[0]} inputs, {spec.layers[-1]} outputs, every neuron connected to "
            "every neuron of the next layer")
