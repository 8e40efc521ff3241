"""The LMS records of a sheet (worksheet/publish/lms/items.py): the problem data a question text shows."""

from __future__ import annotations

import re
from html import unescape

import pytest
from lxml import etree
from lxml import html as lxml_html
from problemdata import NETWORKS, sheet_problem_data, words

import worksheet

# Math as the LMS's MathJax reads it.
LMS_MATH = re.compile(r"\\\((.+?)\\\)")


@pytest.mark.parametrize("network", NETWORKS)
def test_the_question_text_words_the_problem_data_as_the_sheet_does(network):
    """Each question's text gives its problem's data in the sheet's own words (templates/_problem_data.j2):
    the same sentences, the decimal-places rule among them, the same tables with the same heads, and
    every formula of the sheet, in order, as the LMS's MathJax reads it."""
    docs = worksheet.practice(network, worksheet.Sheet(problems=2, level="full"), formats=("md", "moodle"))
    questions = etree.fromstring(docs.files["moodle.xml"]).findall("question")
    texts = [q.findtext("questiontext/text") for q in questions if q.get("type") != "category"]
    for n, data in enumerate(sheet_problem_data(docs.files["practice.md"].decode("utf-8")), start=1):
        asked = [t for t in texts if t.startswith(f"<p><strong>Problem {n}:")]
        assert asked
        for text in asked:
            body = lxml_html.fragment_fromstring(text, create_parent="div")
            # The problem's title first, the question asked last; the problem data between.
            shown = body.xpath("./*")[1:-1]
            shown_html = "".join(etree.tostring(e, encoding="unicode") for e in shown)
            assert LMS_MATH.findall(unescape(shown_html)) == data.formulas
            paragraphs = [words(LMS_MATH.sub("", e.text_content())) for e in shown if e.tag == "p"]
            assert paragraphs == [data.sentences[0], " ".join(data.sentences[1:])]
            assert re.search(r"Give each answer, new weights included, to \d+ decimal places", paragraphs[1])
            tables = body.xpath(".//table")
            assert [[words(LMS_MATH.sub("", th.text_content())) for th in t.xpath("./thead//th")] for t in tables] \
                == data.heads
            assert [words(t.findtext("caption")) for t in tables][2:] == data.titles
            # Only what a QTI 2.1 item body allows: no ARIA attribute, no MathML, nothing scrolled.
            assert not body.xpath(".//@*[starts-with(name(), 'aria-')] | .//math | .//div[@class='scroll']")
