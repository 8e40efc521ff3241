"""The Markdown walkthrough, checked by its consumers: MathJax, a Markdown parser, and arithmetic."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from mdcheck import check_anchors, check_display_blocks, check_github_math, check_math, check_tables

from worksheet.api import load_spec, reference_spec_path, render_documents, solve
from worksheet.documents.export import solution
from worksheet import Network, write

ROOT = Path(__file__).resolve().parent.parent

# A spread of networks: every activation and loss, biases, depth, width, the options.
SPREAD = [
    dict(seed=42),
    dict(seed=7, layers="3-4-2", activation="tanh,sigmoid", loss="half_sse", bias=True, lr=0.3),
    dict(seed=5, layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True),
    dict(seed=11, layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce", leaky_slope=0.1),
    dict(seed=12, layers="2-2", activation="linear", loss="mse"),
    dict(seed=13, layers="1-1", activation="sigmoid"),
    dict(seed=14, layers="2-3-3", activation="sigmoid,softmax", loss="mse", bias=True),
    dict(seed=15, layers="2-2-2", rounding="carried"),
    dict(seed=16, layers="3-2-2", activation="relu,linear", bias=True, bias_policy="frozen"),
    dict(seed=17, layers="2-2-2", update_order="sequential"),
    dict(seed=18, layers="2-2-2", steps=3, rounding="carried", precision=4),
    dict(seed=19, layers="4-10-3", activation="tanh,softmax", loss="bce"),
    dict(seed=20, layers="10-10-10-10-10-10-10", activation="sigmoid"),
    dict(seed=21, layers="2-4-4-4-2", activation="leaky_relu,tanh,relu,sigmoid", bias=True, rounding="carried"),
]


def walkthrough(options: dict) -> tuple[str, dict]:
    spec, given = load_spec(Network(**options))
    trace = solve(spec, given)
    return render_documents(trace, ("md",), "walkthrough")["walkthrough.md"], solution(trace)


@pytest.fixture(scope="module")
def documents() -> list[tuple[dict, str, dict]]:
    docs = [(options, *walkthrough(options)) for options in SPREAD]
    spec, given = load_spec(spec=reference_spec_path())
    trace = solve(spec, given)
    ref = render_documents(trace, ("md",), "reference", {"reference": True})["reference.md"]
    return [({"reference": True}, ref, solution(trace)), *docs]


@pytest.mark.slow
def test_math_parses_in_mathjax(documents):
    text = "\n\n".join(md for _, md, _ in documents)
    errors = check_math(text)
    assert not errors, "\n".join(errors[:20])


@pytest.mark.slow
def test_math_is_what_github_accepts(documents):
    for options, md, _ in documents:
        errors = check_github_math(md)
        assert not errors, f"{options}:\n" + "\n".join(errors[:20])


@pytest.mark.slow
def test_tables_and_anchors(documents):
    for options, md, _ in documents:
        errors = check_tables(md) + check_anchors(md)
        assert not errors, f"{options}:\n" + "\n".join(errors[:20])


@pytest.mark.slow
def test_every_heading_is_an_atx_heading_in_the_toc(documents):
    """No paragraph turned into a heading by a rule under it, so the TOC lists every heading."""
    from markdown_it import MarkdownIt

    for options, md, _ in documents:
        tokens = MarkdownIt("commonmark").enable("table").parse(md)
        setext = [t.map[0] + 1 for t in tokens if t.type == "heading_open" and t.markup in ("=", "-")]
        assert not setext, f"{options}: setext headings at lines {setext[:5]}"


@pytest.mark.slow
def test_display_math_is_a_block_of_its_own(documents):
    """Every generated walkthrough of the spread (every activation and loss, depth 1 to 6, width 1
    to 10) writes $$...$$ as a paragraph of its own, outside lists, with no footnote marker beside it."""
    for options, md, _ in documents:
        errors = check_display_blocks(md)
        assert not errors, f"{options}:\n" + "\n".join(errors[:20])


def test_no_raw_floats_or_template_leftovers(documents):
    for options, md, _ in documents:
        assert "{{" not in md and "{%" not in md and "None" not in md, options
        assert not re.search(r"\d\.\d{12,}", md), f"{options}: an unformatted number"


def test_reference_numbers():
    spec, given = load_spec(spec=reference_spec_path())
    md = render_documents(solve(spec, given), ("md",), "reference", {"reference": True})["reference.md"]
    for value in ("0.60648", "0.63048", "0.24252", "0.07216", "0.36392", "0.000188"):
        assert value in md
    # The original's slips appear only in the corrections table.
    body = md.split("## Corrections to the Original Walkthrough")[0]
    for slip in ("0.60635", "0.63002", "0.24262", "0.07223"):
        assert slip not in body
    table = md.split("## Corrections to the Original Walkthrough")[1].split("## References")[0]
    assert "| $o_1$ | $0.60635$ | $0.60648$ |" in table
    assert table.count("\n| ") >= 30


# ---------------------------------------------------------------- carried rounding recomputes

_NUM = r"(?:\(-\d+\.\d+\)|-?\d+\.\d+)"
# A product not part of a longer expression (w - eta x g = ... is a difference, not a product).
_PRODUCT = re.compile(rf"(?<![-+] )(?<!\\times )({_NUM}) \\times ({_NUM}) = \\?b?o?x?e?d?\{{?({_NUM})(?![\d.])(?! [-+])")
_SUM = re.compile(rf"= ((?:{_NUM} \+ )+{_NUM}) = \\?b?o?x?e?d?\{{?({_NUM})")


_CELL_OP = re.compile(rf"\$({_NUM}) (\\times|\+|-) ({_NUM})\$")
_CELL_VALUE = re.compile(rf"\**\$(?:\\boxed\{{)?({_NUM})\}}?\$\**")


def _table_lines(line: str):
    """(a, op, b, c) for a table row whose cells read '$a op b$' then '$c$'."""
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    for left, right in zip(cells, cells[1:]):
        m, v = _CELL_OP.fullmatch(left), _CELL_VALUE.fullmatch(right)
        if m and v:
            yield m.group(1), m.group(2), m.group(3), v.group(1)


def _d(text: str) -> Decimal:
    return Decimal(text.strip("()"))


def _rounds_to(value: Decimal, shown: str) -> bool:
    places = len(shown.strip("()").partition(".")[2])
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == _d(shown)


@pytest.mark.parametrize("seed", range(40))
def test_carried_lines_recompute_from_what_they_show(seed):
    """Every 'a × b = c' and 'a + b + ... = c' printed in carried mode is exact arithmetic
    on the printed operands, rounded to the printed digits."""
    acts = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
    options = dict(seed=seed, layers=["2-2-2", "3-3-2", "2-3-3-2"][seed % 3], rounding="carried",
                   activation=f"{acts[seed % 5]},sigmoid" if seed % 3 != 2 else f"{acts[seed % 5]},tanh,sigmoid",
                   bias=seed % 2 == 0, precision=[3, 4, 5][seed % 3])
    md, _ = walkthrough(options)
    assert "[^exact]" not in md
    checked = 0
    for line in md.splitlines():
        listed = re.search(r"\$((?:\(\S+ \\times \S+\)(?: \+ )?)+)(?: \+ \S+)? = ([^$]+)\$", line)
        if listed:  # (a × b) + (c × d) = p + q: each product against its listed result
            products = re.findall(r"\((\(?-?[\d.]+\)?) \\times (\(?-?[\d.]+\)?)\)", listed.group(1))
            results = listed.group(2).split(" + ")
            if len(results) == 1:  # the net input itself: checked from its products in the table
                continue
            assert len(products) == len(results) or len(products) + 1 == len(results), line
            for (a, b), c in zip(products, results):
                assert _rounds_to(_d(a) * _d(b), c), f"{line}\n{a} x {b} != {c}"
                checked += 1
            continue
        for a, b, c in _PRODUCT.findall(line):
            assert _rounds_to(_d(a) * _d(b), c), f"{line}\n{a} x {b} != {c}"
            checked += 1
        for terms, c in _SUM.findall(line):
            total = sum((_d(t) for t in terms.split(" + ")), Decimal(0))
            assert _rounds_to(total, c), f"{line}\n{terms} != {c}"
            checked += 1
        if line.startswith("|"):
            for a, op, b, c in _table_lines(line):
                value = _d(a) * _d(b) if op == "\\times" else _d(a) + _d(b) if op == "+" else _d(a) - _d(b)
                assert _rounds_to(value, c), f"{line}\n{a} {op} {b} != {c}"
                checked += 1
    assert checked > 20


def test_exact_mode_footnotes_only_real_mismatches():
    spec, given = load_spec(spec=reference_spec_path())
    md = render_documents(solve(spec, given), ("md",), "reference", {"reference": True})["reference.md"]
    marked = [line for line in md.splitlines() if "[^exact]" in line and not line.startswith("[^exact]:")]
    assert marked, "the reference has lines whose rounded operands do not reproduce the result"
    for line in marked:
        for a, b, c in _PRODUCT.findall(line):
            if _rounds_to(_d(a) * _d(b), c):
                continue
            break
        else:
            if _PRODUCT.findall(line) and "<br>" not in line:
                pytest.fail(f"footnoted although it recomputes: {line}")
    assert md.rstrip().endswith("the last digit.")


# ---------------------------------------------------------------- prose follows the numbers


def _sections(md: str, start: str, end: str) -> str:
    return md.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.parametrize("seed", range(30))
def test_prose_agrees_with_numbers(seed):
    options = dict(seed=seed, layers="2-2-2", activation=["sigmoid", "tanh", "relu"][seed % 3] + ",sigmoid")
    md, data = walkthrough(options)
    out = data["layers"][-1]
    hidden = data["layers"][0]
    obs = _sections(md, "### Summary: Output Layer Weight Updates", "\n---\n")
    for k in range(2):
        changes = {(new > old) - (new < old) for new, old in zip(out["W_new"][k], out["W"][k])}
        line = next(l for l in obs.splitlines() if f"Weights to $O_{{{k + 1}}}$" in l)
        if changes == {-1}:
            assert "**decrease**" in line
        elif changes == {1}:
            assert "**increase**" in line
        else:
            assert "different directions" in line
        above = data["loss"]["output"][k] > data["target"][k]
        if changes != {0} and "different" not in line:
            assert ("too high" in line) == above
    # Paths into h1 reinforce or partly cancel, as their signs say.
    paths = hidden["paths"][0]
    interp = _sections(md, "#### Step 7: Sum Both Error Paths", "#### Step 8")
    if (paths[0] > 0) == (paths[1] > 0):
        assert "**reinforce**" in interp
    else:
        assert "**partly cancel**" in interp
    # The stated ratio between the first output weight's gradient and w1's.
    ratio = abs(out["grad_W"][0][0]) / abs(hidden["grad_W"][0][0])
    m = re.search(r"The hidden layer gradient is \*\*about ([\d.]+) times (smaller|larger)\*\*", md)
    if m:
        stated = float(m.group(1))
        actual = ratio if m.group(2) == "smaller" else 1 / ratio
        assert abs(stated - actual) <= 0.05 * actual + 0.5
    else:
        assert "about the same size" in md


@pytest.mark.parametrize("seed", range(8))
def test_prose_says_whether_the_step_reduced_the_loss(seed):
    md, data = walkthrough(dict(seed=seed, layers="2-3-2", activation="tanh", lr=10))
    worse = data["loss"]["after_update"] >= data["loss"]["total"]
    assert ("does **not** reduce the loss" in md) == worse
    assert ("the step reduced the loss" in md) == (not worse)


def test_dead_relu_and_saturation_are_named():
    # W1 sends I to a negative net input for H2: a dead ReLU, which the prose must say.
    spec_text = dict(layers="2-2-2", activation="relu,sigmoid", seed=1)
    from worksheet.engine.spec import build_spec

    spec, given = build_spec(spec_text, {"input": [0.5, 0.5], "target": [0.01, 0.99],
                                         "W1": [[0.4, 0.3], [-0.5, -0.2]], "W2": [[0.4, 0.5], [0.6, -0.3]]})
    md = render_documents(solve(spec, given), ("md",), "w")["w.md"]
    assert "**Dead ReLU:**" in md
    spec, given = build_spec(dict(layers="2-2-2", seed=1), {"input": [1.0, 1.0], "target": [0.01, 0.99],
                                                          "W1": [[4.0, 4.0], [0.1, 0.2]], "W2": [[0.4, 0.5], [0.6, -0.3]]})
    md = render_documents(solve(spec, given), ("md",), "w")["w.md"]
    assert "**Saturation:**" in md


# ---------------------------------------------------------------- goldens and determinism


def test_reference_golden_is_what_the_command_writes(tmp_path):
    from worksheet.api import reference

    write(reference(("md", "json"), tmp_path))
    for name in ("reference.md", "solution.json"):
        assert (tmp_path / name).read_bytes() == (ROOT / "output" / name).read_bytes(), (
            f"output/{name} is stale: run `worksheet reference` and commit it"
        )


def test_same_input_same_bytes(tmp_path):
    from worksheet.api import generate

    a = write(generate(Network(seed=3, layers="3-3-2", bias=True), formats=("md", "json"), out=tmp_path / "a"))
    b = write(generate(Network(seed=3, layers="3-3-2", bias=True), formats=("md", "json"), out=tmp_path / "b"))
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes()


def test_raw_float_in_a_template_fails():
    from worksheet.documents.render import RawFloatError, _finalize

    with pytest.raises(RawFloatError):
        _finalize(0.6064777324003)
    assert _finalize("0.60648") == "0.60648"


def test_every_entry_template_loads():
    from worksheet.documents.render import _environment
    from worksheet.resources import templates_dir

    for kind in ("markdown", "latex"):
        folder = templates_dir() / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.j2")):
            if not path.name.startswith("_"):
                _environment().get_template(path.name)


@pytest.mark.slow
def test_values_far_below_the_precision_render_in_scientific_form():
    from worksheet.engine.spec import build_spec

    spec, given = build_spec({"layers": "2-2-2"}, {"input": [1.0, 1.0], "target": [0.01, 0.99],
                                                 "W1": [[20.0, 15.0], [0.1, 0.2]], "W2": [[0.4, 0.5], [0.6, -0.3]]})
    md = render_documents(solve(spec, given), ("md",), "w")["w.md"]
    assert r"\times 10^{-" in md
    errors = check_math(md) + check_tables(md) + check_github_math(md)
    assert not errors, "\n".join(errors[:10])
