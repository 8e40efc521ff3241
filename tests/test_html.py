"""The HTML pages as files: one self-contained document, MathML for every formula, the key's values
and tolerances in its data, known mistakes from the calculator, user text escaped, the same bytes on
every run. The same pages in a browser: test_html_browser.py."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from htmlpages import CASES, practice_page
from problemdata import NETWORKS, sheet_problem_data, words
from lxml import etree
from lxml import html as lxml_html

import worksheet
from worksheet import api
from worksheet.assessment.diagnosis import suspects
from worksheet.assessment.questions import shown
from worksheet.assessment.sheets import build_problems
from worksheet.engine.calculator import calculate
from worksheet.errors import RenderError
from worksheet.documents.mathml import mathml, text_with_math
from worksheet.publish.html.practice import known_mistakes

ROOT = Path(__file__).resolve().parent.parent


def checks(page: Path) -> dict:
    """The page's data block: storage key, messages, and per question the key's value and tolerance."""
    text = page.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="checks">(.*?)</script>', text, re.S).group(1)
    return json.loads(block)


def inline(page_text: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", page_text, re.S)


# ---------------------------------------------------------------- MathML


@pytest.mark.parametrize("latex", [
    r"\frac{\partial E_{total}}{\partial w_{5}} = \delta_{o1} \cdot h_{1} = 0.13850 \times 0.59327 = 0.08217",
    r"E_{1} = -\frac{1}{2}\left[0.01 \ln 0.75137 + 0.99 \ln(1 - 0.75137)\right]",
    r"\begin{align} a &= b \\ c &= d \end{align}",
    r"{h^{(2)}_{1}}^{new} = \max(0.01 \times (-0.2), -0.2) = \boxed{0.5}",
    r"\text{net}_{h1} \quad \sum_m e^{\text{net}_m} \to \tanh(x) \odot \mathbf{W}^{(1)}",
])
def test_formulas_become_mathml_without_latex_left(latex):
    out = mathml(latex, display=True)
    tree = etree.fromstring(out)  # well-formed XML
    assert tree.tag == "math" and tree.get("display") == "block"
    assert "\\" not in out and "merror" not in out and "(1)" not in out  # align is not numbered


@pytest.mark.parametrize("latex, expected", [
    (r"w_{2} = -0.44", '<mo>=</mo><mo form="prefix">−</mo><mn>0.44</mn>'),  # a sign, not a subtraction
    (r"(a) - b", '<mo stretchy="false" form="postfix">)</mo><mo>−</mo><mi>b</mi>'),  # a subtraction
    (r"0.5 \times (-0.2)", '<mo stretchy="false" form="prefix">(</mo><mo form="prefix">−</mo><mn>0.2</mn>'),
    (r"0.01 \ln 0.75", '<mn>0.01</mn><mspace width="0.1667em"/><mi>ln</mi><mspace width="0.1667em"/><mn>0.75</mn>'),
    (r"\ln(1 - o)", '<mi>ln</mi><mo stretchy="false" form="prefix">(</mo>'),
    (r"-t_k \ln o_k", '</msub><mspace width="0.1667em"/><mi>ln</mi><mspace width="0.1667em"/><msub>'),
    (r"(1 - t) \ln(1 - o)", '<mo stretchy="false" form="postfix">)</mo><mspace width="0.1667em"/><mi>ln</mi><mo'),
    (r"= \max(0, x)", '<mo>=</mo><mi>max</mi><mo stretchy="false" form="prefix">(</mo>'),
    (r"\tanh^{2}(x)", "<msup><mi>tanh</mi><mn>2</mn></msup>"),  # a script keeps its two parts
    (r"\tanh{\left(x \right)}",
     '<mo stretchy="false" form="prefix">(</mo><mi>x</mi><mo stretchy="false" form="postfix">)'),
    (r"\left(\frac{1}{2}\right)", '<mo stretchy="true" fence="true" form="prefix">('),  # grows around a fraction
])
def test_signs_brackets_and_function_names_are_spaced_as_in_tex(latex, expected):
    assert expected in mathml(latex)


@pytest.mark.parametrize("latex, expected", [
    (r"x", "<math><mi>x</mi></math>"),
    (r"\left(a\right) \left(b\right)", "<math><mrow><mo"),  # two rows side by side stay rows
    (r"a", "<math display=\"block\"><mi>a</mi></math>"),
])
def test_the_outer_row_goes_only_when_it_holds_the_whole_formula(latex, expected):
    assert mathml(latex, display="block" in expected).startswith(expected)


def test_text_with_math_escapes_the_text():
    out = text_with_math("a <b> & $x_{1}$ 'c'")
    assert out.startswith("a &lt;b&gt; &amp; <math") and out.endswith("</math> 'c'")


def test_an_unreadable_formula_is_a_render_error():
    with pytest.raises(RenderError, match="MathML"):
        mathml(r"\frac{1}{")


# ---------------------------------------------------------------- the practice page


@pytest.mark.parametrize("name, level", CASES)
def test_the_page_carries_the_keys_values_and_tolerances(tmp_path, name, level):
    page = practice_page(tmp_path, name, level)
    data = checks(page)
    sheet = api.load_sheet(*_sheet_args(name, level))
    drawn = build_problems(sheet, 11)
    assert [p["seed"] for p in data["problems"]] == [p.trace.spec.seed for p in drawn]
    for record, problem in zip(data["problems"], drawn):
        assert [(q["value"], Decimal(q["tol"])) for q in record["questions"]] == [
            (a.text, a.tolerance) for a in problem.answers]
    text = page.read_text(encoding="utf-8")
    tree = lxml_html.fromstring(text)
    # One file: nothing is loaded from anywhere (the icon is an empty data: URL).
    assert not tree.xpath("//*[@src]") and tree.xpath("//link/@href") == ["data:,"]
    # Each answer box has its label; each problem its drawing.
    for box in tree.xpath("//input"):
        assert tree.xpath(f"//label[@for='{box.get('id')}']")
    assert len(tree.xpath("//svg[@role='img']")) == len(drawn)
    assert "merror" not in text and not re.search(r"<math[^>]*>[^<]*\\", text)


@pytest.mark.parametrize("network", NETWORKS)
def test_the_page_words_the_problem_data_as_the_sheet_does(network):
    """The page's problem data comes from the sheet's own template: the same sentences, the same
    tables with the same heads, every formula of the sheet as one MathML element."""
    docs = worksheet.practice(network, worksheet.Sheet(problems=2, level="full"), formats=("md", "html"))
    tree = lxml_html.fromstring(docs.files["practice.html"].decode("utf-8"))
    for n, data in enumerate(sheet_problem_data(docs.files["practice.md"].decode("utf-8")), start=1):
        section = tree.get_element_by_id(f"problem-{n}")
        shown = section.xpath("./p | ./div[@class='tables']/table | ./div[@class='scroll']/table | ./p[@class='table-title']")
        assert len(section.xpath(".//math")) - len(section.xpath(".//form//math")) == len(data.formulas)
        for element in section.xpath(".//math"):
            element.drop_tree()
        paragraphs = [words(e.text_content()) for e in shown if e.tag == "p" and "table-title" not in e.classes]
        assert paragraphs == [data.sentences[0], " ".join(data.sentences[1:])]
        heads = [[words(th.text_content()) for th in t.xpath("./thead//th")] for t in shown if t.tag == "table"]
        assert heads == data.heads
        assert [words(e.text_content()) for e in shown if "table-title" in e.classes] == data.titles
        # Every table named, every head cell and row head scoped.
        for table in section.xpath(".//table"):
            assert table.xpath("./caption") or table.get("aria-label")
            assert all(th.get("scope") == "col" for th in table.xpath("./thead//th"))
            assert all(row.xpath("./*[1]")[0].tag == "th" and row.xpath("./*[1]/@scope") == ["row"]
                       for row in table.xpath("./tbody/tr"))


def _sheet_args(name, level):
    from htmlpages import options

    network, spec = options(name, 11)
    return network, worksheet.Sheet(problems=2, level=level), spec, "Backpropagation practice"


def test_the_policy_names_exactly_the_inlined_style_and_script(tmp_path):
    text = practice_page(tmp_path, "reference", "full").read_text(encoding="utf-8")
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text).group(1))
    (style,) = inline(text, "style")
    (script,) = inline(text, "script")

    def digest(s):
        return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"

    assert f"style-src {digest(style)};" in policy and f"script-src {digest(script)};" in policy
    assert "default-src 'none'" in policy and "unsafe" not in policy
    # No inline style or event handler, which the policy would block.
    attributes = {a for element in lxml_html.fromstring(text).iter() for a in element.attrib}
    assert "style" not in attributes and not any(a.startswith("on") for a in attributes)


def test_a_title_is_text_and_runs_nothing(tmp_path):
    title = '</title><script>alert("x")</script> & <b>bold</b>'
    text = practice_page(tmp_path, "reference", "loss", title=title).read_text(encoding="utf-8")
    assert text.count("<script") == 2  # the data block and the page's own script
    assert "&lt;/title&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text


def test_a_walkthrough_title_is_text_too(tmp_path):
    from htmlpages import options

    network, _ = options("tanh-3-4-2", 5, title='<script>alert("x")</script> & <b>W</b>')
    worksheet.write(api.generate(network, formats=("html",), out=tmp_path))
    text = (tmp_path / "walkthrough.html").read_text(encoding="utf-8")
    assert "<script" not in text and "<b>" not in text
    assert "<title>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;W&lt;/b&gt;</title>" in text


def test_known_mistakes_are_the_misconception_passes_that_the_grader_diagnoses():
    from worksheet.engine.misconceptions import MISCONCEPTIONS

    sheet = api.load_sheet(*_sheet_args("tanh-3-4-2", "hidden"))
    found = set()
    for problem in build_problems(sheet, 11):
        for a, mistakes in zip(problem.answers, known_mistakes(suspects(problem))):
            right = Decimal(a.text)
            for m in mistakes:
                # The value is some named misconception's own pass, shown at the answer's digits ...
                names = [name for name, c in MISCONCEPTIONS.items()
                         if c.unfit(problem.trace.spec) is None and m["message"].find(c.message) >= 0]
                assert names, m
                assert any(shown(MISCONCEPTIONS[n].trace(problem.trace.spec, problem.trace.values), a.quantity)
                           == m["value"] for n in names)
                # ... and no answer is accepted both as right and as the mistake.
                assert abs(Decimal(m["value"]) - right) > a.tolerance + Decimal(m["tol"])
                assert m["message"].startswith("Not yet: this is what you get if ")
                found.update(names)
    # The hidden level shows the classic mistakes of the hidden layer.
    assert {"stale_weights", "no_hidden_derivative", "missing_path"} <= found


def test_a_network_without_hidden_layers_has_no_hidden_layer_mistakes():
    sheet = api.load_sheet(worksheet.Network(seed=3, layers="2-2", activation="sigmoid"), worksheet.Sheet(level="full"),
                           None, "P")
    (problem,) = build_problems(sheet, 3)
    messages = " ".join(m["message"] for found in known_mistakes(suspects(problem)) for m in found)
    assert messages  # the output layer's mistakes are there
    assert "hidden delta" not in messages and "hidden sum" not in messages and "output weights were" not in messages


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tanh-3-4-2", "softmax-ce"])
def test_a_page_of_twenty_problems_is_under_a_megabyte(tmp_path, name):
    for level in ("hidden", "full"):
        page = practice_page(tmp_path / level, name, level, problems=20)
        assert page.stat().st_size < 1_000_000
        assert len(checks(page)["problems"]) == 20


def test_a_printed_sheet_keeps_its_limit_of_problems(tmp_path):
    from htmlpages import options

    from worksheet.errors import SpecError

    network, _ = options("tanh-3-4-2", 1)
    with pytest.raises(SpecError, match=r"allowed: 1 to 10 \(50 with --format html alone\)"):
        api.practice(network, worksheet.Sheet(problems=20), formats=("md", "html"), out=tmp_path)


def test_an_exam_refuses_the_html_format(tmp_path):
    from worksheet.errors import SpecError

    with pytest.raises(SpecError, match="format 'html' is for generate, reference and practice, not for an exam"):
        api.exam(worksheet.Network(seed=1), variants=2, formats=("md", "html"), out=tmp_path)


@pytest.mark.slow
def test_the_same_bytes_on_every_run(tmp_path):
    first = practice_page(tmp_path / "a", "softmax-ce", "full", problems=3)
    cmd = [sys.executable, "-m", "worksheet", "practice", "--seed", "11", "--problems", "3", "--level", "full",
           "--layers", "3-3-2", "--activation", "relu,softmax", "--loss", "cross_entropy", "--bias",
           "--format", "html", "--out", str(tmp_path / "b")]
    subprocess.run(cmd, check=True, capture_output=True, cwd=tmp_path)
    assert (tmp_path / "b" / "practice.html").read_bytes() == first.read_bytes()
    walk = [sys.executable, "-m", "worksheet", "generate", "--seed", "5", "--format", "html", "--out"]
    subprocess.run([*walk, str(tmp_path / "c")], check=True, capture_output=True, cwd=tmp_path)
    subprocess.run([*walk, str(tmp_path / "d")], check=True, capture_output=True, cwd=tmp_path)
    assert (tmp_path / "c" / "walkthrough.html").read_bytes() == (tmp_path / "d" / "walkthrough.html").read_bytes()


# ---------------------------------------------------------------- the walkthrough page


@pytest.mark.parametrize("name", ["reference", "tanh-3-4-2", "softmax-ce"])
def test_the_walkthrough_page_has_every_section_and_link(tmp_path, name):
    from htmlpages import options

    network, spec = options(name, 5)
    files = worksheet.write(api.generate(network, spec=spec, formats=("md", "html"), out=tmp_path))
    markdown = (tmp_path / "walkthrough.md").read_text(encoding="utf-8")
    text = (tmp_path / "walkthrough.html").read_text(encoding="utf-8")
    assert len(files) == 2
    tree = lxml_html.fromstring(text)
    headings = [h for h in markdown.splitlines() if re.match(r"#{1,6} ", h)]
    assert len(tree.xpath("//h1|//h2|//h3|//h4|//h5|//h6")) == len(headings)
    ids = set(tree.xpath("//@id"))
    links = [h[1:] for h in tree.xpath("//a/@href") if h.startswith("#")]
    assert links and all(link in ids for link in links)
    assert tree.xpath("//details/summary/h3") and tree.xpath("//svg[@role='img']")
    assert not tree.xpath("//script") and "merror" not in text
    assert "[^" not in text and (tree.xpath("//section[@class='footnotes']//li") or "[^" not in markdown)
    outside_code = re.sub(r"```.*?```", "", markdown, flags=re.S)
    assert text.count("<math") == len(re.findall(r"\$\$.+?\$\$|\$[^$\n]+\$", outside_code, re.S))


def test_svg_weight_labels_meet_no_other_label_and_no_circle():
    """Every layer shape of widths 1 to 4 and depth 1 to 2: each weight label, a box turned with its
    text around the point it is written at, is clear of the other labels and of every circle, as
    the SVG writes them."""
    import itertools
    import math
    import re

    from worksheet.documents import diagrams

    def corners(x, y, w, h, degrees):
        c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        return [(x + u * c - v * s, y + u * s + v * c)
                for u, v in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2))]

    def apart(a, b):
        for poly in (a, b):
            for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
                nx, ny = y1 - y2, x2 - x1
                pa, pb = [x * nx + y * ny for x, y in a], [x * nx + y * ny for x, y in b]
                if max(pa) <= min(pb) or max(pb) <= min(pa):
                    return True
        return False

    sizes = range(1, 5)
    labels_seen = 0
    for layers in itertools.chain(itertools.product(sizes, repeat=2), itertools.product(sizes, repeat=3)):
        network = worksheet.Network(seed=3, layers="-".join(map(str, layers)), activation="tanh", loss="mse")
        spec, given = api.load_spec(network)
        drawing = diagrams.network_svg(spec, api.solve(spec, given).values, "caption")
        circles = [(float(cx), float(cy), float(r)) for cx, cy, r in
                   re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', drawing)]
        labels = re.findall(r'<text class="w" transform="translate\(([\d.-]+) ([\d.-]+)\) rotate\(([\d.-]+)\)" '
                            r'y="4.5">([^<]+)</text>', drawing)
        assert len(circles) == sum(layers)
        labels_seen += len(labels)
        boxes = [corners(float(x), float(y), diagrams.svg_label_width(text), diagrams.SVG_FRAME.label_h, float(a))
                 for x, y, a, text in labels]
        for a, b in itertools.combinations(boxes, 2):
            assert apart(a, b), layers
        for (x, y, a, text), box in zip(labels, boxes):
            for cx, cy, r in circles:
                c, s = math.cos(math.radians(float(a))), math.sin(math.radians(float(a)))
                u, v = (cx - float(x)) * c + (cy - float(y)) * s, -(cx - float(x)) * s + (cy - float(y)) * c
                w, h = diagrams.svg_label_width(text) / 2, diagrams.SVG_FRAME.label_h / 2
                assert math.hypot(max(abs(u) - w, 0), max(abs(v) - h, 0)) >= r, (layers, text)
    assert labels_seen > 100
