"""The network's geometry and its four drawings: ASCII, Mermaid, the walkthrough's and the sheet's TikZ."""

from __future__ import annotations

import collections
import dataclasses
import itertools
import math
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from worksheet.api import load_spec, solve
from worksheet.documents import diagrams
from worksheet.documents.diagrams import Geometry, geometry
from worksheet.documents.notation import neuron
from worksheet.documents.numbers import Formatter
from worksheet.options import Network

layer_sizes = st.lists(st.integers(1, 10), min_size=2, max_size=7).map(tuple)


def _points(geo: Geometry):
    """Every neuron's point (column, slot) by (l, j)."""
    return {(p.l, p.j): (p.l, p.slot) for col in geo.columns for p in col}


@given(layer_sizes)
def test_every_neuron_is_placed_once_in_its_column_top_to_bottom(layers):
    geo = geometry(layers)
    assert [len(col) for col in geo.columns] == list(layers)
    for l, col in enumerate(geo.columns):
        assert [(p.l, p.j) for p in col] == [(l, j) for j in range(1, layers[l] + 1)]
        slots = [p.slot for p in col]
        assert slots == sorted(set(slots), reverse=True)  # distinct, the first neuron on top
        assert slots == [-s for s in reversed(slots)]  # centred on the middle line
        assert all(abs(s) <= geo.widest - 1 for s in slots)


@given(layer_sizes)
def test_edges_join_consecutive_layers_once_each_in_weight_order(layers):
    geo = geometry(layers)
    assert [(e.l, e.j, e.i) for e in geo.edges] == [
        (l, j, i) for l in range(1, len(layers)) for j in range(1, layers[l] + 1) for i in range(1, layers[l - 1] + 1)]
    points = _points(geo)
    for e in geo.edges:
        (x0, y0), (x1, y1) = points[(e.l - 1, e.i)], points[(e.l, e.j)]
        assert x1 == x0 + 1
        assert e.rise == y0 - y1


# ---------------------------------------------------------------- label boxes, checked by other means
# The placement tests boxes by separating axes; here two boxes meet when a corner of one lies in the
# other or two sides cross, and a box meets a circle when a corner or side comes within its radius.


def _inside(point, poly) -> bool:
    x, y = point
    signs = [(bx - ax) * (y - ay) - (by - ay) * (x - ax) for (ax, ay), (bx, by) in zip(poly, poly[1:] + poly[:1])]
    return all(s > 0 for s in signs) or all(s < 0 for s in signs)


def _cross(p, q, r, s) -> bool:
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return orient(p, q, r) * orient(p, q, s) < 0 and orient(r, s, p) * orient(r, s, q) < 0


def _meet(a, b) -> bool:
    sides = lambda poly: list(zip(poly, poly[1:] + poly[:1]))
    return (any(_inside(p, b) for p in a) or any(_inside(p, a) for p in b)
            or any(_cross(*s, *t) for s in sides(a) for t in sides(b)))


def _distance(point, poly) -> float:
    if _inside(point, poly):
        return 0.0
    best = math.inf
    for (ax, ay), (bx, by) in zip(poly, poly[1:] + poly[:1]):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((point[0] - ax) * dx + (point[1] - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(point[0] - ax - t * dx, point[1] - ay - t * dy))
    return best


def _square(cx, cy, w, h):
    return [(cx - w / 2, cy - h / 2), (cx + w / 2, cy - h / 2), (cx + w / 2, cy + h / 2), (cx - w / 2, cy + h / 2)]


def _check_clear(lay, where):
    """No two label boxes meet; no label box meets a neuron; every label lies between its columns."""
    frame = lay.frame
    boxes = [(e, lab.box.corners()) for e, lab in lay.labels.items()]
    for (e, a), (f, b) in itertools.combinations(boxes, 2):
        assert not _meet(a, b), (where, e, f)
    for e, poly in boxes:
        assert (e.l - 1) * frame.dx < min(x for x, _ in poly) and max(x for x, _ in poly) < e.l * frame.dx, (where, e)
        for (l, j), (cx, cy) in lay.centres.items():
            if frame.round:
                assert _distance((cx, cy), poly) >= frame.node_w / 2, (where, e, l, j)
            else:
                assert not _meet(poly, _square(cx, cy, frame.node_w, frame.node_h)), (where, e, l, j)
        lab = lay.labels[e]
        x1, y1, x2, y2 = lay.segments[e]
        assert (lab.box.x, lab.box.y) == pytest.approx((x1 + lab.t * (x2 - x1), y1 + lab.t * (y2 - y1)))


def _kind(layers) -> str:
    """Which walkthrough frame network_tikz gives these layers."""
    geo = geometry(layers)
    return "full" if geo.small else "roomy" if geo.widest <= 5 or geo.depth <= 3 else "tight"


def _layouts(layers):
    """Every drawing of these layers, with the widest labels and node contents the default
    precision writes: the walkthrough's (with and without biases), the sheet's and the SVG."""
    kind = _kind(layers)
    pt = 6 if kind == "tight" else 8
    label = (diagrams.tex_width("w_{400} = -0.99", pt) + 2) * diagrams.PT
    for bias in (False, True):
        if kind == "full":
            lines = [[("h^{(3)}_{10}", 10), ("-0.99999", 10)] + [("b^{(3)}_{10} = -0.99", 8)] * bias]
        else:
            lines = [[("h^{(3)}_{10}", pt), ("-0.99999", pt)] + [("b = -0.99", pt)] * bias]
        frame = diagrams._walk_frame(geometry(layers), kind == "full", kind != "tight", bias, lines)
        yield f"walk {kind} bias={bias}", diagrams.layout(layers, frame, lambda e: label)
    if kind == "full":
        sheet_label = (diagrams.tex_width("w_{400} = -0.99", 8) + 2) * diagrams.PT
        yield "sheet", diagrams.layout(layers, diagrams.sheet_frame(), lambda e: sheet_label)
    yield "svg", diagrams.layout(layers, diagrams.SVG_FRAME, lambda e: diagrams.svg_label_width("w400 = -0.99"))


def _shapes():
    """Every shape of depth 1 and 2 with widths 1 to 10; at depth 3 and 4, every pair of widths at
    every layer position, the other layers 1 wide and 10 wide (the drawings' measures follow the
    widest layer)."""
    for depth in (1, 2):
        yield from itertools.product(range(1, 11), repeat=depth + 1)
    for depth in (3, 4):
        for position in range(depth):
            for a, b in itertools.product(range(1, 11), repeat=2):
                for filler in (1, 10):
                    yield (filler,) * position + (a, b) + (filler,) * (depth - 1 - position)


@pytest.mark.slow
def test_no_label_meets_another_label_or_a_neuron_in_any_shape():
    labelled = collections.Counter()
    for layers in _shapes():
        for name, lay in _layouts(layers):
            _check_clear(lay, (name, layers))
            for l in range(1, len(layers)):
                labelled[(name, lay.labelled[l])] += 1
                assert not lay.labelled[l] or geometry(layers).few(l)
    # The fallback is the exception: most pairs of at most four edges keep their labels.
    for name in {name for name, _ in labelled}:
        assert labelled[(name, True)] > 0, name
    print(sorted(labelled.items()))


# ---------------------------------------------------------------- the drawings render the geometry


def _problem(**options):
    spec, given_ = load_spec(Network(**options))
    trace = solve(spec, given_)
    F = Formatter(spec.precision, spec.rounding == "exact")
    neurons = [[neuron(spec, l, j + 1) for j in range(n)] for l, n in enumerate(spec.layers)]
    return spec, F, trace, neurons


def _mirrored(geo: Geometry) -> Geometry:
    """The same network upside down, its edges in reverse order: a geometry no drawing could
    produce without reading it."""
    columns = tuple(tuple(dataclasses.replace(p, slot=-p.slot) for p in col) for col in geo.columns)
    return dataclasses.replace(geo, columns=columns, edges=tuple(reversed(geo.edges)))


@pytest.fixture
def mirrored(monkeypatch):
    real = diagrams.geometry
    monkeypatch.setattr(diagrams, "geometry", lambda layers: _mirrored(real(layers)))


def _at(point) -> str:
    return f"({point[0]:.3f}, {point[1]:.3f})"


def test_sheet_tikz_places_what_the_layout_computed():
    spec, F, trace, neurons = _problem(seed=3, layers="2-3-1", bias=True)
    lay = diagrams.layout(spec.layers, diagrams.sheet_frame(), lambda e: 1.6)
    d = diagrams.sheet_tikz(spec, F, trace.values, neurons)
    assert [n["at"] for col in d["columns"] for n in col] == [
        f"({p.l * 4.4:.3f}, {p.slot * 0.85:.3f})" for col in lay.geo.columns for p in col]
    assert [(e["src"], e["dst"]) for e in d["edges"]] == [
        (f"(n{e.l - 1}x{e.i})", f"(n{e.l}x{e.j})") for e in lay.geo.edges]
    assert [w["ref"] for w in d["labels"]] == ["(w-2-1-1)", "(w-2-1-2)", "(w-2-1-3)"]  # 3-1 is few, 2-3 is not
    assert all(w["text"].startswith("w_{") for w in d["labels"])


def test_sheet_draws_only_small_networks():
    spec, F, trace, neurons = _problem(seed=3, layers="5-2")
    assert not geometry(spec.layers).small
    assert diagrams.sheet_tikz(spec, F, trace.values, neurons) is None


def test_network_tikz_places_what_the_layout_computed():
    spec, F, trace, neurons = _problem(seed=4, layers="3-2-2", bias=True)
    d = diagrams.network_tikz(spec, F, trace.first, neurons)
    points = [float(v) for col in d["columns"] for n in col["nodes"] for v in n["at"].strip("()").split(", ")]
    dy = points[1]  # I1 sits on slot 2, one row above the middle
    assert points == pytest.approx([v for col in geometry(spec.layers).columns for p in col
                                    for v in (p.l * min(4.6, 14.5 / 2), p.slot * dy / 2)], abs=1e-3)
    assert d["unlabelled"] == [("Input", "Hidden")] and d["labelled"] == (False, False, True)
    assert len(d["labels"]) == 4
    # Labelled edges run between the circles' borders, the others from side to side.
    assert [e["src"] for e in d["edges"]][-4:] == ["(n-1-1)", "(n-1-2)", "(n-1-1)", "(n-1-2)"]
    assert d["edges"][0] == {"src": "(n-0-1.east)", "dst": "(n-1-1.west)"}


def test_drawings_follow_a_changed_geometry(mirrored):
    spec, F, trace, neurons = _problem(seed=5, layers="2-3-2", bias=True)
    sheet = diagrams.sheet_tikz(spec, F, trace.values, neurons)
    assert sheet["columns"][0][0]["at"] == "(0.000, -0.850)"  # I1 now below I2
    assert (sheet["edges"][0]["src"], sheet["edges"][0]["dst"]) == ("(n1x3)", "(n2x2)")
    walk = diagrams.network_tikz(spec, F, trace.first, neurons)
    assert float(walk["columns"][1]["nodes"][0]["at"].split(", ")[1].rstrip(")")) < 0  # H1 at the bottom
    assert walk["edges"][0]["src"].startswith("(n-1-3")
    chart = diagrams.mermaid(spec, F, trace.first, neurons, walk["labelled"]).splitlines()
    assert chart[-1] == "  I1 --> H1"


def test_mermaid_draws_every_neuron_and_edge_and_labels_the_pairs_asked():
    spec, F, trace, neurons = _problem(seed=6, layers="3-4-2")
    chart = diagrams.mermaid(spec, F, trace.first, neurons, (False, True, False))
    assert len(re.findall(r"^    \w+\(\(", chart, re.M)) == sum(spec.layers)
    assert len(re.findall(r" --> ", chart)) == len(geometry(spec.layers).edges)
    assert len(re.findall(r' -- "w\d+ = ', chart)) == 12


def test_mermaid_of_a_large_network_has_no_weight_labels():
    spec, F, trace, neurons = _problem(seed=6, layers="4-6-6-3")
    walk = diagrams.network_tikz(spec, F, trace.first, neurons)
    chart = diagrams.mermaid(spec, F, trace.first, neurons, walk["labelled"])
    assert walk["all_unlabelled"] and ' -- "' not in chart


def test_ascii_writes_each_weight_on_its_edge():
    spec, F, trace, neurons = _problem(seed=7, layers="2-2-2")
    art = diagrams.ascii_222(F, trace.first).splitlines()
    W1 = trace.first.layers[0].W
    # Level edges on the neurons' rows, the crossing ones between them, numbered w₁..w₈.
    assert f"w₁={F.g(W1[0][0])}" in art[2] and f"w₄={F.g(W1[1][1])}" in art[-1]
    assert f"w₃={F.g(W1[1][0])}" in art[4] and f"w₂={F.g(W1[0][1])}" in art[4]
    assert art[4].index("w₃") < art[4].index("w₂")  # I1 -> H2 starts upper left


# ---------------------------------------------------------------- as TeX typesets them


def _typeset_boxes(tex: str, tmp_path: Path, name: str):
    """The network drawing of a LaTeX document, typeset alone with its preamble: every weight
    label's four corners and every neuron's centre and half sizes, in cm, as TikZ placed them."""
    preamble = tex[:tex.index(r"\begin{document}")]
    start = tex.index("\\begin{tikzpicture}[\n  neuron/.style")
    picture = tex[start:tex.index(r"\end{tikzpicture}", start)]
    labels = re.findall(r"\\node\[wlabel[^\]]*\] \(([^)]+)\)", picture)
    neurons = re.findall(r"\\node\[neuron\] \(([^)]+)\)", picture)
    probes = []
    for ref in labels:
        for corner in ("north west", "north east", "south east", "south west"):
            probes.append(rf"\path ({ref}.{corner}); \pgfgetlastxy{{\x}}{{\y}}\typeout{{AT {ref} {corner}: \x, \y}}")
    for ref in neurons:
        for anchor in ("center", "east", "north"):
            probes.append(rf"\path ({ref}.{anchor}); \pgfgetlastxy{{\x}}{{\y}}\typeout{{AT {ref} {anchor}: \x, \y}}")
    body = picture + "\n".join(probes) + "\n\\end{tikzpicture}\n"
    source = tmp_path / f"{name}.tex"
    source.write_text(preamble + "\\begin{document}\n" + body + "\\end{document}\n", encoding="utf-8")
    engine = "lualatex" if "fontspec" in preamble else "pdflatex"
    subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", source.name], cwd=tmp_path,
                   capture_output=True, check=True, timeout=300)
    log = (tmp_path / f"{name}.log").read_text(errors="replace")
    found = {(ref, anchor): (float(x) / 28.4528, float(y) / 28.4528)  # pt to cm
             for ref, anchor, x, y in re.findall(r"^AT (\S+) ([a-z ]+): (-?[\d.]+)pt, (-?[\d.]+)pt$", log, re.M)}
    corners = [[found[(ref, c)] for c in ("north west", "north east", "south east", "south west")] for ref in labels]
    nodes = [(found[(ref, "center")], found[(ref, "east")][0] - found[(ref, "center")][0],
              found[(ref, "north")][1] - found[(ref, "center")][1]) for ref in neurons]
    return corners, nodes, "circle" in picture[:400]


@pytest.mark.tex
@pytest.mark.slow
@pytest.mark.parametrize("options", [
    dict(seed=5, layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True),
    dict(seed=1, layers="2-2-2"),
    dict(seed=2, layers="1-4-1", bias=True, precision=8),
    dict(seed=3, layers="8-2-2", bias=True),
    dict(seed=4, layers="6-2-2-1-2-2", activation="tanh"),
    dict(seed=6, layers="2-2-2-2", bias=True, activation="leaky_relu,leaky_relu,sigmoid"),
])
def test_typeset_labels_meet_no_other_label_and_no_neuron(options, tmp_path):
    """What the geometry promises, measured on TeX's own boxes: the walkthrough's drawing and the
    practice sheet's."""
    import worksheet
    from worksheet import api

    docs = [api.generate(worksheet.Network(**options), formats=("tex",), out=tmp_path).files["walkthrough.tex"]]
    if geometry(tuple(int(n) for n in options["layers"].split("-"))).small:
        practice = api.practice(worksheet.Network(**options), worksheet.Sheet(problems=1), formats=("tex",),
                                out=tmp_path)
        docs.append(practice.files["practice.tex"])
    labels_seen = 0
    for k, data in enumerate(docs):
        corners, nodes, round_nodes = _typeset_boxes(data.decode("utf-8"), tmp_path, f"drawing{k}")
        labels_seen += len(corners)
        for a, b in itertools.combinations(corners, 2):
            assert not _meet(a, b), (options, k)
        for poly in corners:
            for (cx, cy), half_w, half_h in nodes:
                if round_nodes:
                    assert _distance((cx, cy), poly) >= half_w, (options, k)
                else:
                    assert not _meet(poly, _square(cx, cy, 2 * half_w, 2 * half_h)), (options, k)
    assert labels_seen > 0 or options["layers"] == "6-2-2-1-2-2"
