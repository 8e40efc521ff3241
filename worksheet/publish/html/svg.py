"""The network as an SVG drawing: neurons in columns, weighted edges, the inputs' values."""

from __future__ import annotations

from html import escape

from ...documents.notation import layer_name, neuron, weight_plain
from ...documents.numbers import fmt_given

COLUMN = 210  # horizontal distance between layers
ROW = 78  # vertical distance between neurons of a layer
RADIUS = 21
MARGIN_X = 84  # room for the input values left of the first column
TOP = 44  # room for the layer names
MAX_LABELLED_EDGES = 4  # a layer with more edges than this lists its weights in the tables only
# A weight label's box, from the 13 px label font (page.css): digits and letters about 7.5 px wide,
# plus the 4 px halo drawn around them; the text's baseline sits 5 px above the edge point.
CHAR_WIDTH = 7.5
LABEL_HEIGHT = 16
HALO = 2
# Where along its edge a label may sit, in the order tried: the middle, then away from it, where
# edges crossing between the same two layers do not meet.
POSITIONS = (0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.25, 0.75)


def _y(count: int, j: int, widest: int) -> float:
    """Centre of neuron j (0-based) of a layer of `count`, the layers centred on the widest."""
    return TOP + ROW / 2 + (widest - count) * ROW / 2 + j * ROW


def _label_box(lx: float, ly: float, text: str) -> tuple[float, float, float, float]:
    """left, top, right, bottom of a label centred at lx with its baseline 5 px above ly."""
    half = len(text) * CHAR_WIDTH / 2 + HALO
    return (lx - half, ly - 5 - LABEL_HEIGHT + 3, lx + half, ly - 5 + 3)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _clear_of_circles(box, centres) -> bool:
    """Whether no neuron circle reaches into the box (the circle's bounding square, a margin on)."""
    return not any(_overlaps(box, (cx - RADIUS - 2, cy - RADIUS - 2, cx + RADIUS + 2, cy + RADIUS + 2))
                   for cx, cy in centres)


def place_labels(edges, centres) -> list[tuple[float, float]]:
    """A point for each edge's label ((x1, y1, x2, y2, text) each): the first position along the
    edge whose box meets no label placed before and no circle, else the middle. Deterministic:
    edges are placed in the order given."""
    boxes: list[tuple[float, float, float, float]] = []
    points = []
    for x1, y1, x2, y2, text in edges:
        choice = None
        for t in POSITIONS:
            lx, ly = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
            box = _label_box(lx, ly, text)
            if _clear_of_circles(box, centres) and not any(_overlaps(box, b) for b in boxes):
                choice = (lx, ly, box)
                break
        if choice is None:
            lx, ly = x1 + (x2 - x1) / 2, y1 + (y2 - y1) / 2
            choice = (lx, ly, _label_box(lx, ly, text))
        boxes.append(choice[2])
        points.append(choice[:2])
    return points


def network_svg(spec, values, caption: str) -> str:
    """The drawing of `spec` with the given inputs and weights; edge labels while a layer is small."""
    widest = max(spec.layers)
    width = MARGIN_X + spec.depth * COLUMN + MARGIN_X // 2
    height = TOP + widest * ROW
    x = [MARGIN_X + l * COLUMN for l in range(spec.depth + 1)]
    out = [
        f'<svg class="net" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(caption)}">',
        f"<title>{escape(caption)}</title>",
    ]
    for l in range(spec.depth + 1):
        out.append(f'<text class="head" x="{x[l]}" y="{TOP - 22}">{escape(layer_name(spec, l))}</text>')
    centres = [(x[l], _y(count, j, widest)) for l, count in enumerate(spec.layers) for j in range(count)]
    edges = []
    for l in range(1, spec.depth + 1):
        n_in, n_out = spec.layers[l - 1], spec.layers[l]
        labelled = n_in * n_out <= MAX_LABELLED_EDGES
        for j in range(n_out):
            for i in range(n_in):
                x1, y1 = x[l - 1] + RADIUS, _y(n_in, i, widest)
                x2, y2 = x[l] - RADIUS, _y(n_out, j, widest)
                out.append(f'<line x1="{x1}" y1="{y1:g}" x2="{x2}" y2="{y2:g}"/>')
                if labelled:
                    text = f"{weight_plain(spec, l, j + 1, i + 1)} = {fmt_given(values.weights[l - 1][j][i])}"
                    edges.append((x1, y1, x2, y2, text))
    for (lx, ly), (*_, text) in zip(place_labels(edges, centres), edges):
        out.append(f'<text class="w" x="{lx:g}" y="{ly - 5:g}">{escape(text)}</text>')
    for l, count in enumerate(spec.layers):
        for j in range(count):
            y = _y(count, j, widest)
            out.append(f'<circle cx="{x[l]}" cy="{y:g}" r="{RADIUS}"/>')
            out.append(f'<text class="n" x="{x[l]}" y="{y + 5:g}">{escape(neuron(spec, l, j + 1).plain)}</text>')
            if l == 0:
                value = fmt_given(values.input[j])
                out.append(f'<text class="v" x="{x[l] - RADIUS - 8}" y="{y + 5:g}">{escape(value)}</text>')
    out.append("</svg>")
    return "".join(out)


def network_caption(spec) -> str:
    """What the drawing shows, for a screen reader."""
    sizes = "-".join(map(str, spec.layers))
    return (f"Network {sizes}: {spec.layers[0]} inputs, {spec.layers[-1]} outputs, every neuron connected to "
            "every neuron of the next layer")
