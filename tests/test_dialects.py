"""The section templates through a third dialect, the walkthrough's and the keys': a format is a dialect, not a
copy of the wording."""

from __future__ import annotations

import random
import re

import lxml.html
import pytest

from worksheet.api import load_spec, solve
from worksheet.options import Network
from worksheet.documents.context import walkthrough_context
from worksheet.documents.mathml import mathml
from worksheet.documents.render import _blank_line_before_rules, _environment, headings

# The walkthrough's sections whose wording lives once, in templates/<section>.j2.
SECTIONS = ("_formulas", "_forward", "_loss", "_output_layer", "_hidden_layers", "_matrix", "_steps", "_summary",
            "_appendix", "_corrections", "_references")
OPTIONAL = {"_steps": "steps", "_corrections": "corrections is not none"}
ENTRY = '((* set dialect = "dialects/" ~ which ~ ".j2" *))' + "".join(
    f'((* if {OPTIONAL[name]} *))((* include "{name}.j2" *))((* endif *))\n' if name in OPTIONAL
    else f'((* include "{name}.j2" *))\n'
    for name in SECTIONS
)

SPREAD = [
    dict(seed=42),
    dict(seed=5, layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True),
    dict(seed=11, layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce", leaky_slope=0.1),
    dict(seed=12, layers="2-2", activation="linear", loss="mse"),
    dict(seed=17, layers="2-2-2", update_order="sequential"),
    dict(seed=18, layers="2-2-2", steps=3, rounding="carried", precision=4),
]


def render(options: dict, which: str) -> str:
    from dataclasses import replace

    from worksheet.engine.calculator import calculate

    spec, given = load_spec(Network(**options))
    trace = solve(spec, given)
    contrast = None
    if spec.update_order == "sequential" and spec.depth > 1:
        contrast = calculate(replace(spec, update_order="simultaneous"), trace.values)
    context = walkthrough_context(trace, contrast=contrast)
    return _environment().from_string(ENTRY).render({**context, "which": which})


def html_tree(html: str):
    # The walkthrough's section prose writes inline math as $...$, as Markdown and LaTeX read it;
    # the dialect's own math is MathML already.
    html = re.sub(r"\$([^$]+)\$", lambda m: mathml(m.group(1)), html)
    return lxml.html.fragment_fromstring(html, create_parent="body")


@pytest.mark.parametrize("options", SPREAD, ids=lambda o: str(o["seed"]))
def test_html_dialect_renders_every_section(options):
    md = render(options, "md")
    tree = html_tree(render(options, "html"))

    # Every heading, in order, with the same words.
    html_headings = [(int(h.tag[1]), h.text_content()) for h in tree.iter("h2", "h3", "h4")]
    assert html_headings == headings(md)
    assert len(html_headings) > 20

    # Every boxed result the Markdown shows, the HTML shows.
    def boxed(text: str) -> list[str]:
        return re.findall(r"\\boxed\{([^{}]*)\}", text)

    html_boxed = [box.text_content().replace("\u2212", "-") for box in tree.iter("menclose")
                  if box.get("notation") == "box"]
    assert boxed(md) and html_boxed == boxed(md)

    # Outside math elements, no TeX or Markdown is left: no $, no backslash, no ** or |.
    for math in list(tree.iter("math")):
        math.drop_tree()
    text = tree.text_content()
    for leftover in ("$", "\\", "**", "| "):
        assert leftover not in text, (leftover, text[max(0, text.find(leftover) - 80):text.find(leftover) + 80])


def test_every_dialect_defines_the_same_names():
    env = _environment()
    names = {}
    for which in ("md", "tex", "html", "lms"):
        module = env.get_template(f"dialects/{which}.j2").module
        names[which] = {n for n in dir(module) if not n.startswith("_")}
    assert names["md"] == names["tex"] == names["html"] == names["lms"]


def test_the_lms_dialect_writes_math_and_tables_as_an_lms_reads_them():
    """lms.j2 takes html.j2's names and overrides the math and the tables: MathJax's \\( \\) and
    \\[ \\] with the TeX escaped as HTML text, and a table with its title as a caption, with no
    aria-label and no scrolling box (what QTI 2.1's item body allows)."""
    env = _environment()
    lms, html = (env.get_template(f"dialects/{which}.j2").module for which in ("lms", "html"))
    assert lms.m("a < b") == "\\(a &lt; b\\)"
    assert html.m("a < b") != lms.m("a < b")
    table = env.from_string('((* import "dialects/lms.j2" as d *))((* call d.grid("Weights") *))\n'
                            "| Into | from $h_1$ |\n| $o_1$ | 0.5 |\n((* endcall *))").render()
    tree = lxml.html.fragment_fromstring(table)
    assert tree.tag == "table" and tree.find("caption").text == "Weights"
    assert "aria-label" not in table and "scroll" not in table


@pytest.mark.parametrize("text", [
    "text\n---", "text\n===\nmore", "text\n---\n---\n---\n===", "\n---", "text\n\n---", "---\n---",
    "text\n----", "text\n--- ", "a\n---\nb\n===\n", "",
])
def test_a_rule_right_under_text_gets_a_blank_line(text):
    # The pattern the Markdown renderer applied before: a line of text, then a rule under it.
    expected = re.sub(r"(?m)^([^\n]+)\n(---|===)$", r"\1\n\n\2", text)
    assert _blank_line_before_rules(text) == expected


# ---------------------------------------------------------------- the keys

KEY_ENTRY = ('((* set dialect = "dialects/" ~ which ~ ".j2" *))((* set key = true *))'
             '((* include "_key_intro.j2" *))\n((* include "_problems.j2" *))\n')
KEY_SPREAD = [
    (dict(seed=3, layers="2-3-2", bias=True), "full"),
    (dict(seed=5, layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True), "hidden"),
    (dict(seed=11, layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce", leaky_slope=0.1), "full"),
    (dict(seed=12, layers="2-2", activation="linear", loss="mse"), "loss"),
    (dict(seed=17, layers="2-2-2", update_order="sequential", rounding="carried", precision=4), "hidden"),
]


def render_key(options: dict, level: str, which: str) -> str:
    from worksheet import Sheet
    from worksheet.api import load_sheet
    from worksheet.assessment.sheetdocs import problem_data
    from worksheet.assessment.sheets import build_problems, sheet_context

    seed = options["seed"]
    sheet = load_sheet(Network(**options), Sheet(level=level, problems=2), None, "Quiz")
    ctx = sheet_context(sheet, build_problems(sheet, seed), {"seed": seed, "options_hash": "0"})
    data = problem_data(ctx, f"dialects/{which}.j2")
    return _environment().from_string(KEY_ENTRY).render({**ctx, "which": which, "problem_data": data})


@pytest.mark.parametrize("options, level", KEY_SPREAD, ids=[f"{o['seed']}-{level}" for o, level in KEY_SPREAD])
def test_html_dialect_renders_the_keys(options, level):
    md = render_key(options, level, "md")
    tree = html_tree(render_key(options, level, "html"))

    # The same problems, and every worked line in order, each a MathML display of its own.
    def text(math: str) -> str:
        return lxml.html.fragment_fromstring(math).text_content()

    assert [h.text_content() for h in tree.iter("h2")] == [h for _, h in headings(md)]
    worked = re.findall(r"\$\$\n(.+?)\n\$\$", md)
    shown = [m.text_content() for m in tree.iter("math") if m.get("display") == "block"]
    assert len(worked) > 10 and shown == [text(mathml(line, display=True)) for line in worked]
    # Every answer and the footnote marks of the lines that do not recompute.
    answers = re.findall(r"\*\*Answer:\*\* (?:\(\w\) )?\$([^$]+)\$", md)
    assert answers and [text(mathml(a)) for a in answers] == re.findall(r"Answer: (?:\(\w\) )?([^;]+);",
                                                                        tree.text_content())
    assert md.count("[^exact]") == len(tree.findall(".//sup"))

    for math in list(tree.iter("math")):
        math.drop_tree()
    text = tree.text_content()
    for leftover in ("$", "\\", "**", "| "):
        assert leftover not in text, (leftover, text[max(0, text.find(leftover) - 80):text.find(leftover) + 80])


def _rules_line_by_line(text: str) -> str:
    """The rule as a walk over lines: a rule under a non-empty line that is not itself a rule
    given a blank line gets one."""
    lines = text.split("\n")
    out, separated = lines[:1], -1
    for n in range(1, len(lines)):
        if lines[n] in ("---", "===") and lines[n - 1] and separated != n - 1:
            out.append("")
            separated = n
        out.append(lines[n])
    return "\n".join(out)


def test_blank_lines_before_rules_as_a_walk_over_lines():
    rng = random.Random(7)
    parts = ["---", "===", "", "a", "--", "----", "b ---", " ---", "===="]
    for _ in range(20000):
        text = "\n".join(rng.choice(parts) for _ in range(rng.randint(0, 8))) + rng.choice(["", "\n"])
        assert _blank_line_before_rules(text) == _rules_line_by_line(text), repr(text)


MACROS = """((* macro pair(a, b="B", c=none) *))[((( a ))),((( b ))),((( c )))]((* endmacro *))
((* macro wrap(x="w") *))<((( x ))):((( caller() ))):((( caller() )))>((* endmacro *))
((* macro rest() *))((( varargs | join(",") )));((( kwargs | dictsort | join(",") )))((* endmacro *))
((* macro named(caller=none) *))((( caller() if caller else "-" )))((* endmacro *))
((* macro zero() *))z((* endmacro *))
((( pair(1) ))) ((( pair(1, 2) ))) ((( pair(1, 2, 3) ))) ((( pair(1, c=3) ))) ((( pair(a=1) )))
((* for i in range(2) *))((( pair(i, loop.index) )))((* endfor *))
((* call wrap() *))in((* endcall *)) ((* call wrap("x") *))out((* endcall *)) ((* call wrap(x="k") *))kw((* endcall *))
((( rest(1, 2) ))) ((( rest(a=1) ))) ((( named() ))) ((( named(caller=zero) ))) ((( named(zero) )))
"""


def test_macros_render_as_jinja_renders_them():
    """The renderer's shortcut for a macro called with its own arguments gives what Jinja's own
    call gives: defaults filled in, call blocks' callers, keyword arguments, and macros that
    collect the rest."""
    import jinja2

    from worksheet.documents.render import _SYNTAX

    plain = jinja2.Environment(undefined=jinja2.StrictUndefined, **_SYNTAX)
    assert _environment().from_string(MACROS).render() == plain.from_string(MACROS).render()
    one = "((* macro one(a) *))((( a )))((* endmacro *))"
    for wrong in ("((( one(1, 2) )))", "((( one() )))", "((( one(b=1) )))", "((* call one(1) *))x((* endcall *))"):
        faults = []
        for env in (_environment(), plain):
            with pytest.raises(Exception) as fault:
                env.from_string(one + wrong).render()
            faults.append((type(fault.value), str(fault.value)))
        assert faults[0] == faults[1], wrong
