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


def _y(count: int, j: int, widest: int) -> float:
    """Centre of neuron j (0-based) of a layer of `count`, the layers centred on the widest."""
    return TOP + ROW / 2 + (widest - count) * ROW / 2 + j * ROW


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
    labels = []
    for l in range(1, spec.depth + 1):
        n_in, n_out = spec.layers[l - 1], spec.layers[l]
        labelled = n_in * n_out <= MAX_LABELLED_EDGES
        for j in range(n_out):
            for i in range(n_in):
                x1, y1 = x[l - 1] + RADIUS, _y(n_in, i, widest)
                x2, y2 = x[l] - RADIUS, _y(n_out, j, widest)
                out.append(f'<line x1="{x1}" y1="{y1:g}" x2="{x2}" y2="{y2:g}"/>')
                if labelled:
                    # Labels of crossing edges away from the crossing, as on the printed sheet:
                    # near the source on a falling edge, near the target on a rising one.
                    t = 0.5 if y1 == y2 else 0.3 if y2 > y1 else 0.7
                    lx, ly = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                    text = f"{weight_plain(spec, l, j + 1, i + 1)} = {fmt_given(values.weights[l - 1][j][i])}"
                    labels.append(f'<text class="w" x="{lx:g}" y="{ly - 5:g}">{escape(text)}</text>')
    out.extend(labels)
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
