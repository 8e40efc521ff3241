"""The network's geometry and its four drawings: ASCII, Mermaid, the walkthrough's and the sheet's TikZ."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, strategies as st

from worksheet.api import load_spec, solve
from worksheet.documents import diagrams
from worksheet.documents.diagrams import LABEL_LIMIT, Geometry, geometry
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
        assert e.labelled == (layers[e.l - 1] * layers[e.l] <= LABEL_LIMIT) == geo.labelled(e.l)


@given(layer_sizes)
def test_labels_lie_on_their_edge_inside_the_drawing(layers):
    geo = geometry(layers)
    points = _points(geo)
    top = geo.widest - 1
    for e in geo.edges:
        (x0, y0), (x1, y1) = points[(e.l - 1, e.i)], points[(e.l, e.j)]
        for pos in (float(e.label_at), float(e.label_apart)):
            assert 0 < pos < 1  # between the two neurons, on neither
            x, y = x0 + pos * (x1 - x0), y0 + pos * (y1 - y0)
            assert 0 < x < geo.depth and -top <= y <= top


def test_labels_of_crossing_edges_stay_apart_on_the_sheet():
    geo = geometry((2, 2))
    points = _points(geo)
    spots = set()
    for e in geo.edges:
        (x0, y0), (x1, y1) = points[(e.l - 1, e.i)], points[(e.l, e.j)]
        pos = float(e.label_apart)
        spots.add((x0 + pos * (x1 - x0), y0 + pos * (y1 - y0)))
    assert len(spots) == 4


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


def test_sheet_tikz_places_what_the_geometry_computed():
    spec, F, trace, neurons = _problem(seed=3, layers="2-3-1", bias=True)
    geo = geometry(spec.layers)
    d = diagrams.sheet_tikz(spec, F, trace.values, neurons)
    assert [n["at"] for col in d["columns"] for n in col] == [
        f"({p.l * 4.4:.2f}, {p.slot * 0.85:.2f})" for col in geo.columns for p in col]
    assert [(e["src"], e["dst"], e["pos"]) for e in d["edges"]] == [
        (f"(n{e.l - 1}x{e.i})", f"(n{e.l}x{e.j})", e.label_apart) for e in geo.edges]
    assert [e["label"] is not None for e in d["edges"]] == [e.labelled for e in geo.edges]


def test_sheet_draws_only_small_networks():
    spec, F, trace, neurons = _problem(seed=3, layers="5-2")
    assert not geometry(spec.layers).small
    assert diagrams.sheet_tikz(spec, F, trace.values, neurons) is None


def test_network_tikz_places_what_the_geometry_computed():
    spec, F, trace, neurons = _problem(seed=4, layers="3-2-2", bias=True)
    geo = geometry(spec.layers)
    d = diagrams.network_tikz(spec, F, trace.first, neurons)
    assert [n["at"] for col in d["columns"] for n in col["nodes"]] == [
        rf"({{{p.l}*\dx}}, {{{p.slot}*\dy/2}})" for col in geo.columns for p in col]
    assert [e["pos"] for e in d["edges"]] == [e.label_at for e in geo.edges]
    assert d["unlabelled"] == [("Input", "Hidden")]


def test_drawings_follow_a_changed_geometry(mirrored):
    spec, F, trace, neurons = _problem(seed=5, layers="2-3-2", bias=True)
    sheet = diagrams.sheet_tikz(spec, F, trace.values, neurons)
    assert sheet["columns"][0][0]["at"] == "(0.00, -0.85)"  # I1 now below I2
    assert (sheet["edges"][0]["src"], sheet["edges"][0]["dst"]) == ("(n1x3)", "(n2x2)")
    walk = diagrams.network_tikz(spec, F, trace.first, neurons)
    assert walk["columns"][1]["nodes"][0]["at"] == r"({1*\dx}, {-2*\dy/2})"
    assert walk["edges"][0]["src"].startswith("(n-1-3")
    chart = diagrams.mermaid(spec, F, trace.first, neurons).splitlines()
    assert chart[-1].startswith("  I1 -- ") and chart[-1].endswith("--> H1")


def test_mermaid_draws_every_neuron_and_edge():
    spec, F, trace, neurons = _problem(seed=6, layers="3-4-2")
    chart = diagrams.mermaid(spec, F, trace.first, neurons)
    assert len(re.findall(r"^    \w+\(\(", chart, re.M)) == sum(spec.layers)
    assert len(re.findall(r" --> ", chart)) == len(geometry(spec.layers).edges)


def test_ascii_writes_each_weight_on_its_edge():
    spec, F, trace, neurons = _problem(seed=7, layers="2-2-2")
    art = diagrams.ascii_222(F, trace.first).splitlines()
    W1 = trace.first.layers[0].W
    # Level edges on the neurons' rows, the crossing ones between them, numbered w₁..w₈.
    assert f"w₁={F.g(W1[0][0])}" in art[2] and f"w₄={F.g(W1[1][1])}" in art[-1]
    assert f"w₃={F.g(W1[1][0])}" in art[4] and f"w₂={F.g(W1[0][1])}" in art[4]
    assert art[4].index("w₃") < art[4].index("w₂")  # I1 -> H2 starts upper left
