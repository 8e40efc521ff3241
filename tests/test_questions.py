"""What a sheet asks: the kinds of quantity an instructor lists (--ask, or `ask` in a spec file),
points per question, and room to answer that follows the work a question needs."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import pytest

from worksheet import Network, Sheet, api, write
from worksheet.assessment.grading import quantity_kind
from worksheet.assessment.questions import ASK, candidates, quantity_name
from worksheet.assessment.sheets import build_problems
from worksheet.engine.sampling import derive_seed
from worksheet.errors import SpecError

ASKED = "h,o,E,delta_o,delta_h,dE/dw_h,w_new_h"


def run(args, cwd):
    return subprocess.run([sys.executable, "-m", "worksheet", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.parametrize("n", range(20))
def test_each_kind_asked_is_one_question_of_that_kind(n):
    sheet = api.load_sheet(Network(layers="2-3-2", bias=True), Sheet(ask=ASKED + ",b_new_o"), None, "Asked")
    (p,) = build_problems(sheet, derive_seed(5, "ask", n))
    names = [quantity_name(p.trace.spec, a.quantity) for a in p.answers]
    kinds = sorted(quantity_kind(name) for name in names)
    # The names of the list are grade's kinds, with _o or _h naming the layer where the name does not.
    assert kinds == sorted(["h", "o", "E", "delta_o", "delta_h", "dE/dw", "w_new", "b_o_new"])
    by_kind = {a.quantity.kind: a.quantity for a in p.answers}
    # The gradient goes into the hidden neuron whose delta is asked, the update is of that weight.
    assert (by_kind["grad_W"].l, by_kind["grad_W"].j) == (by_kind["delta"].l, by_kind["delta"].j) or \
        [a.quantity for a in p.answers if a.quantity.kind == "delta" and a.quantity.l == 1]
    assert (by_kind["W_new"].l, by_kind["W_new"].j, by_kind["W_new"].i) == \
        (by_kind["grad_W"].l, by_kind["grad_W"].j, by_kind["grad_W"].i)


def test_every_kind_has_candidates_in_a_network_with_biases():
    spec = api.load_sheet(Network(layers="2-2-2", bias=True), Sheet(), None, "x").problems[0].spec
    assert all(candidates(spec, name) for name in ASK)


@pytest.mark.parametrize("network, ask, message", [
    (Network(), "q", "ask: 'q' is not a quantity kind; allowed: net_h, h,"),
    (Network(layers="2-2"), "delta_h", "ask: delta_h needs a hidden layer"),
    (Network(), "b_new_o", "ask: b_new_o needs biases (--bias)"),
    (Network(bias=True, bias_policy="frozen"), "b_new_h", "ask: b_new_h needs trained biases"),
    (Network(), "o,o,o", "ask: o is listed 3 times; this network has 2 of them"),
    (Network(), ",", "is not a list of quantity kinds"),
])
def test_impossible_asks_are_one_line(network, ask, message):
    with pytest.raises(SpecError, match=re.escape(message)):
        api.load_sheet(network, Sheet(ask=ask), None, "x")


def test_points_per_question_reach_the_sheet_key_and_answers(tmp_path):
    out = tmp_path / "exam"
    write(api.exam(Network(seed=11), Sheet(ask="o,delta_o,dE/dw_o", points="1,1.5,2"), variants=2,
                   formats=("md", "json"), out=out))
    rows = list(csv.DictReader(io.StringIO((out / "answers.csv").read_text(encoding="utf-8"))))
    assert [(r["question"], r["points"]) for r in rows if r["id"] == "1"] == [("1a", "1"), ("1b", "1.5"), ("1c", "2")]
    sheet = (out / "sheets" / "1.md").read_text(encoding="utf-8")
    assert "**1a** (1 point)" in sheet and "**1b** (1.5 points)" in sheet and "**1c** (2 points)" in sheet
    assert "/ 4.5 |" in sheet
    with pytest.raises(SpecError, match="points gives 2 values for a problem of 3 questions"):
        api.exam(Network(seed=11), Sheet(ask="o,delta_o,dE/dw_o", points="1,2"), variants=1, out=tmp_path / "x")


@pytest.mark.slow
def test_an_exam_spec_file_asks_and_regenerates_from_its_manifest(tmp_path):
    (tmp_path / "exam.toml").write_text('seed = 4\nask = ["h", "delta_h"]\npoints = [2, 3]\n\n[[problem]]\n'
                                        'layers = "2-2-2"\n\n[[problem]]\nlayers = "3-2-2"\nask = ["E"]\n'
                                        'points = 1\n', encoding="utf-8")
    result = run(["exam", "--spec", "exam.toml", "--variants", "2", "--format", "md", "--out", "e"], tmp_path)
    assert result.returncode == 0, result.stderr
    answers = (tmp_path / "e" / "answers.csv").read_text(encoding="utf-8")
    assert ",1a,h" in answers and ",1b,delta_h" in answers and ",2a,E," in answers
    again = run(["exam", "--manifest", "e/manifest.json", "--out", "f"], tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "f" / "answers.csv").read_text(encoding="utf-8") == answers


def test_answer_space_follows_the_work_a_question_needs(tmp_path):
    write(api.practice(Network(seed=9), Sheet(ask="h,delta_h,w_new_o"), formats=("tex",), out=tmp_path))
    tex = (tmp_path / "practice.tex").read_text(encoding="utf-8")
    spaces = [float(x) for x in re.findall(r"\\workspace\{([0-9.]+)cm\}", tex)]
    # In the order of the computation: h (its net input and itself), a new output weight (its
    # gradient and itself), a hidden delta (two output deltas, its error, derivative and itself).
    assert spaces == [2.4, 2.4, 4.2]
