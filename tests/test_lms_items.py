"""The LMS records of a sheet (worksheet/publish/lms/items.py): the problem data a question text shows."""

from __future__ import annotations

import re
from html import unescape

import pytest
from lxml import etree
from lxml import html as lxml_html

import worksheet

# Math as the LMS's MathJax reads it, and as the Markdown sheet writes it.
LMS_MATH = re.compile(r"\\\((.+?)\\\)")
MD_MATH = re.compile(r"\$([^$]+)\$")


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("network", [
    worksheet.Network(seed=11, layers="3-4-2", activation="tanh", bias=True),
    worksheet.Network(seed=12, layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce", leaky_slope=0.1,
                      bias=True, bias_policy="frozen", steps=2, update_order="sequential", rounding="carried",
                      precision=4),
], ids=["tanh", "every-rule"])
def test_the_question_text_words_the_problem_data_as_the_sheet_does(network):
    """Each question's text gives its problem's data in the sheet's own words (templates/_problem_data.j2):
    the same sentences, the decimal-places rule among them, the same tables with the same heads, and
    every formula of the sheet, in order, as the LMS's MathJax reads it."""
    docs = worksheet.practice(network, worksheet.Sheet(problems=2, level="full"), formats=("md", "moodle"))
    md = docs.files["practice.md"].decode("utf-8")
    questions = etree.fromstring(docs.files["moodle.xml"]).findall("question")
    texts = [q.findtext("questiontext/text") for q in questions if q.get("type") != "category"]
    for n, part in enumerate(md.split("\n## Problem ")[1:], start=1):
        data = part.split("\n", 1)[1].split(f"\n**{n}a**")[0].strip()
        asked = [t for t in texts if t.startswith(f"<p><strong>Problem {n}:")]
        assert asked
        for text in asked:
            body = lxml_html.fragment_fromstring(text, create_parent="div")
            # The problem's title first, the question asked last; the problem data between.
            shown = body.xpath("./*")[1:-1]
            shown_html = "".join(etree.tostring(e, encoding="unicode") for e in shown)
            assert LMS_MATH.findall(unescape(shown_html)) == MD_MATH.findall(data)
            paragraphs = [_words(LMS_MATH.sub("", e.text_content())) for e in shown if e.tag == "p"]
            sentences = [_words(MD_MATH.sub("", b).replace("**", "")) for b in data.split("\n\n")
                         if b.startswith(("**Network:**", "**Rounding:**", "Give each answer"))]
            assert paragraphs == [sentences[0], " ".join(sentences[1:])]
            assert re.search(r"Give each answer, new weights included, to \d+ decimal places", paragraphs[1])
            tables = body.xpath(".//table")
            heads = [[_words(LMS_MATH.sub("", th.text_content())) for th in t.xpath("./thead//th")] for t in tables]
            md_heads = [[_words(MD_MATH.sub("", c)) for c in line.strip("|").split("|")]
                        for line in re.findall(r"^\|.*\|$", data, re.M) if line.startswith(("| Input", "| Output", "| Into"))]
            assert heads == md_heads
            captions = [_words(t.findtext("caption")) for t in tables]
            assert captions[2:] == re.findall(r"^(Weights from .*):$", data, re.M)
            # Only what a QTI 2.1 item body allows: no ARIA attribute, no MathML, nothing scrolled.
            assert not body.xpath(".//@*[starts-with(name(), 'aria-')] | .//math | .//div[@class='scroll']")
