"""PDF pages as a reader turns them: no heading, lead-in line or question left at the foot of a page,
no repeated table header with nothing under it, no page more than half empty before the next part
(pagecheck.py reads the pages). Over the reference, walkthroughs of every activation and loss at
depths 1 to 6 and widths up to 10, and practice sheets with their keys."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from mdcheck import skip_or_fail
from pagecheck import faults

import worksheet
from worksheet import api

pytestmark = [pytest.mark.tex, pytest.mark.slow]

NETWORKS = [
    dict(seed=5, layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True),
    dict(seed=11, layers="2-3-2", activation="tanh", loss="mse", bias=True),
    dict(seed=12, layers="4-6-6-3", activation="relu,relu,softmax", loss="cross_entropy"),
    dict(seed=13, layers="1-1", activation="linear", loss="mse"),
    dict(seed=15, layers="2-2-2-2-2-2-2", activation="sigmoid", loss="half_sse"),
    dict(seed=16, layers="3-5-1", activation="leaky_relu,sigmoid", loss="bce", bias=True, steps=3),
    dict(seed=17, layers="5-4-3", activation="tanh,softmax", loss="cross_entropy", rounding="carried", precision=3),
    dict(seed=18, layers="10-2", activation="sigmoid", loss="bce", bias=True),
]


def test_the_check_finds_a_heading_at_the_foot_of_a_page(tmp_path):
    """A heading as the last line of a page, so the check is seen to fail."""
    filler = "\n\n".join(f"Line {k} of the text." for k in range(36))
    source = tmp_path / "foot.tex"
    source.write_text("\\documentclass[11pt,a4paper]{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n"
                      "\\setlength{\\parskip}{0pt}\\raggedbottom\n\\begin{document}\n" + filler +
                      "\n\n\\noindent\\textbf{3.2 Step 1: Hidden Layer Activation}\n\\newpage\nThe working.\n"
                      "\\end{document}\n", encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", source.name], cwd=tmp_path, capture_output=True,
                   check=True, timeout=120)
    found = faults((tmp_path / "foot.pdf").read_bytes())
    assert found == ["p. 1: ends with the heading or lead-in '3.2 Step 1: Hidden Layer Activation'"]


def test_reference_pages():
    pdf = api.reference(formats=("pdf",)).files["reference.pdf"]
    assert faults(pdf) == []


@pytest.mark.parametrize("options", NETWORKS, ids=lambda o: f"{o['layers']}-{o['loss']}")
def test_walkthrough_pages(options):
    pdf = api.generate(worksheet.Network(**options), formats=("pdf",)).files["walkthrough.pdf"]
    assert faults(pdf) == []


@pytest.mark.parametrize("options, level", [
    (dict(seed=7), "full"),
    (dict(seed=5, layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True), "hidden"),
    (dict(seed=9, layers="2-3-1", activation="tanh,sigmoid", loss="bce"), "output"),
])
def test_sheet_and_key_pages(options, level):
    files = api.practice(worksheet.Network(**options), worksheet.Sheet(problems=3, level=level),
                         formats=("pdf",)).files
    for name in ("practice.pdf", "key.pdf"):
        assert faults(files[name]) == [], name


@pytest.fixture(autouse=True)
def _tools():
    if shutil.which("pdflatex") is None:
        skip_or_fail("pdflatex is not installed (Debian: apt-get install texlive-latex-extra)")
