"""Tests of the Markdown checkers in mdcheck: math extraction, MathJax verdicts, tables, anchors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mdcheck
from mdcheck import (
    check_anchors,
    check_display_blocks,
    check_github_math,
    check_math,
    check_tables,
    github_slug,
    heading_anchors,
    math_spans,
    mathjax_errors,
    skip_or_fail,
)

# The reference document, written for GitHub; CI lays shared/ beside the clone.
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_d20166ee3d0b4582.txt"


@pytest.fixture(scope="module")
def reference() -> str:
    if not REFERENCE.is_file():
        skip_or_fail(f"reference document {REFERENCE} is missing")
    return REFERENCE.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# MathJax verdicts: every case below goes to one Node.js process
# ---------------------------------------------------------------------------------------------

ACCEPTED = [
    (r"\boldsymbol{\delta}^{(2)} = (\mathbf{a}^{(2)} - \mathbf{t}) \odot \sigma'(\mathbf{z}^{(2)})", True),
    (r"\begin{align} E_1 &= \frac{1}{2}(t_1 - o_1)^2 \\ &= \boxed{0.17782} \end{align}", True),
    (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", True),
    (r"\begin{bmatrix} 0.15 & 0.20 \\ 0.25 & 0.30 \end{bmatrix}", True),
    (r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", True),
    (r"\text{net}_{h1} = \operatorname{ReLU}(x) + \tanh(x) + \ln(y)", False),
    (r"x \in \mathbb{R}^{n}", False),
    (r"\left|\frac{\partial E}{\partial w_1}\right| \ll 1", True),
    (r"\frac{d}{dx}\text{ReLU}(x) = 1", False),
    (r"w_{6,\text{new}} = 0.45 - 0.5 \times (-0.04251)", False),
    (r"\sum_{k} \delta_k w_{kj} \quad \Rightarrow \quad \eta \cdot \nabla", True),
    (r"\mathbf{W}^{(2)T} \boldsymbol{\delta}^{(2)}", False),
]

REJECTED = [
    (r"\foo", False, r"Undefined control sequence \foo"),
    (r"\boxedd{0.5}", True, r"Undefined control sequence \boxedd"),
    (r"\frac{1}{2", False, "Missing close brace"),
    (r"x^{2}}", False, "Extra close brace or missing open brace"),
    (r"\begin{align} a &= b \end{aligned}", True, r"\begin{align} ended with \end{aligned}"),
    (r"\begin{alignn} a \end{alignn}", True, "Unknown environment 'alignn'"),
    (r"\left( x", False, r"Extra \left or missing \right"),
    (r"x^2^3", False, "Double exponent: use braces to clarify"),
    (r"a & b", False, "Misplaced &"),
    # Neither GitHub nor this checker loads the require or physics extensions.
    (r"\require{physics}", False, r"Undefined control sequence \require"),
    (r"\dv{f}{x}", False, r"Undefined control sequence \dv"),
]


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[str, bool], str | None]:
    cases = ACCEPTED + [(tex, display) for tex, display, _ in REJECTED]
    return dict(zip(cases, mathjax_errors(cases)))


@pytest.mark.parametrize(("tex", "display"), ACCEPTED)
def test_mathjax_accepts(verdicts, tex, display):
    assert verdicts[(tex, display)] is None


@pytest.mark.parametrize(("tex", "display", "message"), REJECTED)
def test_mathjax_rejects(verdicts, tex, display, message):
    assert verdicts[(tex, display)] == message


def test_mathjax_errors_of_nothing_is_nothing():
    assert mathjax_errors([]) == []


# ---------------------------------------------------------------------------------------------
# Finding math as GitHub does
# ---------------------------------------------------------------------------------------------


def test_math_spans_inline_and_multiline_display():
    text = "The $w_5$ weight.\n\n$$\nE = \\frac{1}{2}\n$$\n\nthen $`a_1`$ and $$x$$ inline.\n"
    assert math_spans(text) == [
        ("w_5", False),
        ("\nE = \\frac{1}{2}\n", True),
        ("a_1", False),
        ("x", True),
    ]


def test_math_spans_skip_code():
    text = "```\n$\\foo$\n```\n\n    $\\bar$\n\nUse `$x$` in code, and $y$.\n"
    assert math_spans(text) == [("y", False)]


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and $6 more.",  # closing '$' before a space or a digit is no delimiter
        "A lone $ sign.",
        "Escaped \\$x\\$ dollars.",
        "$ x$ has a space after the opening dollar.",
        "$x\ny$ crosses a line.",
    ],
)
def test_math_spans_not_math(text):
    assert math_spans(text) == []


def test_math_spans_in_lists_tables_and_headings():
    text = (
        "## Gradient for $w_6$\n\n"
        "1. Rewrite:\n   $$E_i = \\frac{1}{2}(o_i - t_i)^2$$\n\n"
        "| a | b |\n|---|---|\n| $x$ | $\\|y\\|$ |\n"
    )
    assert math_spans(text) == [
        ("w_6", False),
        ("E_i = \\frac{1}{2}(o_i - t_i)^2", True),
        ("x", False),
        ("|y|", False),  # GFM unescapes \| in a cell before it reads the math
    ]


def test_check_math_reports_lines_and_messages():
    text = "# Title\n\nGood $x$ and bad $\\foo$.\n\n$$\n\\frac{1}{2\n$$\n"
    assert check_math(text) == [
        r"line 3: $\foo$: Undefined control sequence \foo",
        r"line 5: $$\frac{1}{2$$: Missing close brace",
    ]


def test_check_math_reports_unclosed_display():
    assert check_math("Text\n\n$$\nx = 1\n") == ["line 3: `$$` opens display math that never closes"]


@pytest.mark.slow
def test_reference_math_all_parses(reference):
    spans = math_spans(reference)
    assert len(spans) > 600
    assert sum(display for _, display in spans) > 100
    assert check_math(reference) == []


# ---------------------------------------------------------------------------------------------
# Math that parses but that github.com shows wrong
# ---------------------------------------------------------------------------------------------


def test_github_math_refused_macro():
    errors = check_github_math("A $\\operatorname{ReLU}(x)$ here.\n")
    assert errors == [r"line 1: $\operatorname{ReLU}(x)$: GitHub refuses \operatorname"]


def test_github_math_markdown_escapes_in_inline_math_only():
    text = "Set $\\{a\\}$.\n\n$$\\{a\\}$$\n\nand $`\\{a\\}`$.\n"
    errors = check_github_math(text)
    assert len(errors) == 1
    assert errors[0].startswith(r"line 1: $\{a\}$: GitHub's Markdown pass drops the backslash of \{ \}")


def test_reference_github_math(reference):
    assert check_github_math(reference) == []


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def test_good_table():
    text = "| a | b |\n|---|:-:|\n| $x$ | `c\\|d` |\n|  | empty |\n"
    assert check_tables(text) == []


def test_table_wrong_cell_counts():
    text = "Intro\n\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n| 4 |\nswallowed text\n"
    assert check_tables(text) == [
        "line 5: table row has 3 cells, header has 2",
        "line 6: table row has 1 cells, header has 2",
        "line 7: table row has 1 cells, header has 2",
    ]


def test_table_rows_without_outer_pipes():
    assert check_tables("a | b\n--|--\n1 | 2\n3 | 4 | 5\n") == ["line 4: table row has 3 cells, header has 2"]


def test_delimiter_mismatch_is_no_table():
    text = "| a | b |\n|---|\n| 1 | 2 |\n"
    assert check_tables(text) == [
        "line 1: line starts with '|' but is not part of a table",
        "line 2: line starts with '|' but is not part of a table",
        "line 3: line starts with '|' but is not part of a table",
    ]


def test_pipe_inside_math_or_code_in_table():
    text = "| a | b |\n|---|---|\n| $\\left| x \\right|$ | `a|b` |\n"
    errors = check_tables(text)
    assert errors == [
        "line 3: a '|' inside `\\left| x \\right|` splits the cell on GitHub: "
        "math; write \\vert, \\lvert/\\rvert or \\mid",
        "line 3: a '|' inside `a|b` splits the cell on GitHub: inline code; escape it as \\|",
    ]


def test_escaped_pipe_inside_table_math_is_reported():
    errors = check_tables("| a |\n|---|\n| $\\|x\\|$ |\n")
    assert len(errors) == 1
    assert "reaches MathJax as '|'" in errors[0]


def test_pipes_outside_tables_in_code_are_fine():
    text = "```\n| not | a table |\n```\n\n    | indented code |\n\nA $|x|$ outside tables.\n"
    assert check_tables(text) == []


def test_reference_tables(reference):
    assert check_tables(reference) == []


# ---------------------------------------------------------------------------------------------
# Anchors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Gradient for w₆", "gradient-for-w"),  # subscript digits are category No: dropped
        ("Gradient for w₅: Complete Derivation", "gradient-for-w-complete-derivation"),
        ("Step 4: Multiply All Terms (Chain Rule)", "step-4-multiply-all-terms-chain-rule"),
        ("Reference: Formulas Used", "reference-formulas-used"),
        ("1. Advanced Optimizers", "1-advanced-optimizers"),
        ("Comparison: Scalar vs Matrix Form", "comparison-scalar-vs-matrix-form"),
        ("Weights: Input → Hidden", "weights-input--hidden"),
        ("C++ & Python", "c--python"),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("Ünïcödé Lëttérs", "ünïcödé-lëttérs"),
        ("Ⓐ circled", "ⓐ-circled"),  # So, but Alphabetic: kept
        ("Done ✅", "done-"),
    ],
)
def test_github_slug(heading, slug):
    assert github_slug(heading) == slug


def test_duplicate_headings_are_numbered_like_github_slugger():
    text = "# a\n\n## a\n\n### a-1\n\n#### A\n\n## `code` *and* **bold**\n"
    assert heading_anchors(text) == ["a", "a-1", "a-1-1", "a-2", "code-and-bold"]


def test_reference_toc_lists_every_heading_in_order(reference):
    toc = reference[reference.index("## Table of Contents") : reference.index("\n---", reference.index("## Table"))]
    assert re.findall(r"\]\(#([^)]+)\)", toc) == heading_anchors(reference)


def test_reference_anchors_resolve(reference):
    assert check_anchors(reference) == []


def test_broken_anchor_is_reported_with_nearest():
    text = "# Gradient for w₆\n\nSee [w6](#gradient-for-w6) and [ok](#gradient-for-w).\n"
    assert check_anchors(text) == ["line 3: link to #gradient-for-w6 matches no heading (nearest heading anchor: #gradient-for-w)"]


def test_html_anchor_targets_and_encoded_links():
    text = '<a id="top"></a>\n\n# Schöne Grüße\n\n[up](#top) [here](#schöne-grüße) [encoded](#sch%C3%B6ne-gr%C3%BC%C3%9Fe)\n'
    assert check_anchors(text) == []


# ---------------------------------------------------------------------------------------------
# Missing tools: skip locally, fail in CI
# ---------------------------------------------------------------------------------------------


def test_skip_or_fail_skips_by_default(monkeypatch):
    monkeypatch.delenv(mdcheck.REQUIRE_TOOLS_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no tool"):
        skip_or_fail("no tool")


def test_skip_or_fail_fails_when_tools_are_required(monkeypatch):
    monkeypatch.setenv(mdcheck.REQUIRE_TOOLS_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no tool"):
        skip_or_fail("no tool")


def test_missing_node_is_named(monkeypatch):
    monkeypatch.setattr(mdcheck.shutil, "which", lambda name: None)
    monkeypatch.setenv(mdcheck.REQUIRE_TOOLS_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="Node.js"):
        check_math("$x$")


# ---------------------------------------------------------------- display math as a block


def test_a_display_between_blank_lines_is_a_block():
    assert check_display_blocks("Text:\n\n$$\nx = 1\n$$\n\nMore text.\n") == []
    assert check_display_blocks("$$x = 1$$\n") == []


@pytest.mark.parametrize(
    "text, fault",
    [
        ("**Path 1:**\n$$\nx = 1\n$$\n", "shares its paragraph"),
        ("$$\nx = 1\n$$ [^exact]\n\n[^exact]: note\n", "shares its paragraph"),
        ("1. Rewrite:\n   $$x = 1$$\n", "inside a list item"),
        ("- item\n\n  $$\n  x = 1\n  $$\n", "inside a list item"),
        ("> $$x = 1$$\n", "inside a block quote"),
        ("| a |\n|---|\n| $$x$$ |\n", "inside a table cell"),
    ],
)
def test_a_display_beside_text_or_in_a_container_is_reported(text, fault):
    errors = check_display_blocks(text)
    assert len(errors) == 1 and fault in errors[0], errors


def test_the_original_reference_has_displays_github_may_show_inline(reference):
    # Its Sigmoid derivation writes "Starting with:" and the display in one paragraph.
    assert any("shares its paragraph" in e for e in check_display_blocks(reference))
