"""A problem's data as the Markdown sheet words it (templates/_problem_data.j2), for the tests that
check another format words it the same: the practice page (test_html) and the LMS question texts
(test_lms_items)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

import worksheet

MD_MATH = re.compile(r"\$([^$]+)\$")

# A plain network, and one with every rule the data can state.
NETWORKS = [
    pytest.param(worksheet.Network(seed=11, layers="3-4-2", activation="tanh", bias=True), id="tanh"),
    pytest.param(worksheet.Network(seed=12, layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce",
                                   leaky_slope=0.1, bias=True, bias_policy="frozen", steps=2,
                                   update_order="sequential", rounding="carried", precision=4), id="every-rule"),
]


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class ProblemData:
    formulas: list[str]  # every $...$ in order
    sentences: list[str]  # the network's paragraph, then the rounding rule's sentences, without math
    heads: list[list[str]]  # the head cells of each table, without math
    titles: list[str]  # the weight tables' titles


def sheet_problem_data(md: str) -> list[ProblemData]:
    """Each problem's data of a Markdown practice sheet, problem by problem."""
    out = []
    for n, part in enumerate(md.split("\n## Problem ")[1:], start=1):
        data = part.split("\n", 1)[1].split(f"\n**{n}a**")[0].strip()
        sentences = [words(MD_MATH.sub("", b).replace("**", "")) for b in data.split("\n\n")
                     if b.startswith(("**Network:**", "**Rounding:**", "Give each answer"))]
        heads = [[words(MD_MATH.sub("", c)) for c in line.strip("|").split("|")]
                 for line in re.findall(r"^\|.*\|$", data, re.M) if line.startswith(("| Input", "| Output", "| Into"))]
        out.append(ProblemData(MD_MATH.findall(data), sentences, heads, re.findall(r"^(Weights from .*):$", data, re.M)))
    return out
