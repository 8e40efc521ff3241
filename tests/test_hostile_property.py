"""Random specs and options, ordinary and hostile, through every format: each gives documents or a
WorksheetError (one line at the command line), never another exception."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worksheet import api
from worksheet.engine.spec import build_spec, spec_table
from worksheet.errors import WorksheetError

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"]
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OUTPUTS = {"half_sse": ACTIVATIONS, "mse": ACTIVATIONS, "bce": ["sigmoid", "softmax"], "cross_entropy": ["softmax"]}

# Numbers as a user may write them: ordinary, at the limits, beyond them, and not numbers at all.
edge_floats = st.sampled_from([0.0, -0.0, 1e-300, 5e-324, 1e-30, 0.5, 1.0, 1e6, -1e6, 1e6 + 1, 1e200, 1e308,
                               float("inf"), float("-inf"), float("nan")])
odd_values = st.one_of(st.text(max_size=6), st.sampled_from(["1e9999", "²", "٣", "nan", "0.5", "-0", " 1 ", "1_0"]),
                       st.booleans(), st.none(), st.integers(-(10**400), 10**400), st.lists(st.integers(), max_size=2))
small = st.floats(-3, 3, allow_nan=False, width=32)
# Valid values: mostly small, now and then at the edges of what the pass can hold.
valid_number = st.one_of(small, small, small, st.floats(-1e6, 1e6),
                         st.sampled_from([0.0, -0.0, 1e-300, 5e-324, 1e6, -1e6, 700.0, -750.0]))
hostile_number = st.one_of(small, edge_floats, odd_values)
title = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=30)
# Small networks: every kind of layer and value, at a cost that lets thousands of examples run.
layers = st.lists(st.integers(1, 2), min_size=2, max_size=3)


@st.composite
def valid_options(draw):
    """Options within every limit: documents are expected, or a NumericError for values the
    pass cannot represent."""
    sizes = draw(layers)
    loss = draw(st.sampled_from(list(OUTPUTS)))
    out = draw(st.sampled_from(OUTPUTS[loss] if sizes[-1] > 1 else [a for a in OUTPUTS[loss] if a != "softmax"]
                               or ["sigmoid"]))
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=len(sizes) - 2, max_size=len(sizes) - 2))
    return {
        "seed": draw(st.one_of(st.integers(0, 1000), st.just(2**63 - 1))),
        "layers": "-".join(map(str, sizes)),
        "activation": ",".join([*hidden, out]),
        "loss": loss,
        "bias": draw(st.booleans()),
        "bias_policy": draw(st.sampled_from(["trained", "frozen"])),
        "lr": draw(st.one_of(st.floats(1e-6, 10), st.sampled_from([1e-30, 5e-324, 10.0]))),
        "leaky_slope": draw(st.floats(0.001, 0.9)),
        "steps": draw(st.sampled_from([1, 1, 1, 2])),
        "update_order": draw(st.sampled_from(["simultaneous", "sequential"])),
        "rounding": draw(st.sampled_from(["exact", "carried"])),
        "precision": draw(st.integers(2, 10)),
        "title": draw(st.one_of(st.none(), title)),
    }


hostile_options = st.fixed_dictionaries({}, optional={
    "seed": st.one_of(st.integers(0, 50), st.integers(-3, 2**64), st.text(max_size=3)),
    "layers": st.one_of(layers.map(lambda l: "-".join(map(str, l))), st.text(max_size=6),
                        st.sampled_from(["2-²-2", "2--2", "0-1", "11-2", "1-1-1-1-1-1-1-1"])),
    "activation": st.one_of(st.sampled_from(ACTIVATIONS), st.text(max_size=5)),
    "loss": st.sampled_from([*OUTPUTS, "hinge"]),
    "lr": st.one_of(st.floats(1e-6, 10), edge_floats),
    "leaky_slope": edge_floats,
    "steps": st.integers(-1, 2),
    "precision": st.integers(1, 11),
    "title": st.text(max_size=20),
})


@st.composite
def spec_files(draw, options: dict, number):
    """The table of a spec file for the network of `options`: explicit values, some of them given."""
    try:
        sizes = [int(n) for n in options["layers"].split("-")]
    except (KeyError, ValueError):
        sizes = draw(layers)
    table = {}
    vector = lambda n: st.lists(number, min_size=n, max_size=n)
    if draw(st.booleans()):
        table["input"] = draw(vector(sizes[0]))
    if draw(st.booleans()):
        n = sizes[-1]
        table["target"] = draw(st.one_of(st.lists(st.floats(0, 1), min_size=n, max_size=n),
                                         st.integers(0, n - 1).map(lambda k: [float(i == k) for i in range(n)]),
                                         vector(n)))
    for l in range(1, len(sizes)):
        if draw(st.booleans()):
            table[f"W{l}"] = draw(st.lists(vector(sizes[l - 1]), min_size=sizes[l], max_size=sizes[l]))
    return table


@st.composite
def problems(draw):
    """Options and a spec table: four in five within the limits, the rest hostile."""
    if draw(st.integers(0, 4)):
        options = draw(valid_options())
        return options, draw(spec_files(options, valid_number))
    options = draw(hostile_options)
    table = draw(spec_files(options, hostile_number))
    table.update(draw(st.dictionaries(st.sampled_from(["W01", "learning_rate", "b1", "activations", "x", "W9"]),
                                      odd_values, max_size=1)))
    return options, table


formats = st.sets(st.sampled_from(["md", "json", "tex"]), min_size=1).map(lambda s: tuple(sorted(s)))


@pytest.fixture(autouse=True, scope="module")
def few_redraws():
    """Eight redraws of a degenerate problem instead of a thousand: the same code paths, at a cost
    that lets thousands of examples run."""
    from worksheet.engine import sampling

    before, sampling.MAX_ATTEMPTS = sampling.MAX_ATTEMPTS, 8
    yield
    sampling.MAX_ATTEMPTS = before


def walkthrough(options: dict, table: dict, formats: tuple[str, ...]) -> None:
    try:
        spec, values = build_spec(options, spec_table(table, "spec file"))
        if spec.seed is None and not values.is_complete(spec):
            return
        api.render_documents(api.solve(spec, values), formats, "walkthrough")
    except WorksheetError as exc:
        assert "\n" not in str(exc) and str(exc)


@pytest.mark.slow
@settings(max_examples=2000, suppress_health_check=list(HealthCheck))
@given(problems(), formats)
def test_random_specs_through_every_format(problem, formats):
    walkthrough(*problem, formats)


@pytest.mark.slow
@settings(max_examples=200, suppress_health_check=list(HealthCheck))
@given(problems(), st.sampled_from(["forward", "loss", "output", "hidden", "full", "?"]),
       st.one_of(st.sampled_from(["1", "0.25", "100"]), st.text(max_size=4)), formats)
def test_random_sheets_through_every_format(problem, level, points, formats):
    from worksheet.assessment.sheetdocs import key_json, render_pair
    from worksheet.assessment.sheets import build_problems, sheet_context
    from worksheet.assessment.sheetspec import build_sheet_spec

    options, table = problem
    try:
        sheet = build_sheet_spec(options, level=level, points=points, problems=None, spec_path=None,
                                 default_title="Practice", full_solutions=False, data=table, where="spec file")
        drawn = build_problems(sheet, sheet.seed if sheet.seed is not None else 1)
        ctx = sheet_context(sheet, drawn, {"seed": 1, "options_hash": sheet.options_hash()})
        render_pair(ctx, "sheet-practice", "key-practice", formats)
        key_json(ctx, drawn, None)
    except WorksheetError as exc:
        assert "\n" not in str(exc) and str(exc)


@pytest.mark.slow
@pytest.mark.tex
@settings(max_examples=4, suppress_health_check=list(HealthCheck))
@given(problems())
def test_random_specs_as_pdf(problem):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    walkthrough(*problem, ("pdf",))
