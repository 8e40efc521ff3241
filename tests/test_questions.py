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
    with pytest.raises(SpecError, match="points gives 2 values for the 3 quantities of ask; give one value for all, "
                                        "or 3, one per quantity in the order of ask"):
        api.exam(Network(seed=11), Sheet(ask="o,delta_o,dE/dw_o", points="1,2"), variants=1, out=tmp_path / "x")


FULL = ("h", "o", "E", "delta_o", "dE/dw_o", "w_new_o", "delta_h", "dE/dw_h", "w_new_h")


@pytest.mark.parametrize("layers, level", [("2-2-2", "full"), ("2-2-2", "hidden"), ("3-4-2", "output"),
                                           ("2-2-2-2-2", "forward"), ("2-3-2", "loss"), ("3-2-3-2", "hidden")])
def test_a_level_asks_the_same_kinds_in_the_same_order_whatever_the_draw(layers, level):
    from worksheet.assessment.questions import ask_name, level_kinds

    sheet = api.load_sheet(Network(layers=layers, bias=True), Sheet(level=level), None, "x")
    (kinds,) = level_kinds(sheet.problems[0].spec, level)
    for seed in range(12):
        (problem,) = build_problems(sheet, derive_seed(5, "kinds", seed))
        assert tuple(ask_name(problem.trace.spec, a.quantity) for a in problem.answers) == kinds


def test_points_per_question_with_a_level(tmp_path):
    """One value per question of the level, in the order the level asks them; the sheet, the key
    and answers.csv carry them."""
    points = "1,1,1,2,2,1,3,2,1"
    out = tmp_path / "exam"
    write(api.exam(Network(seed=11), Sheet(level="full", points=points), variants=2, formats=("md", "json"), out=out))
    rows = list(csv.DictReader(io.StringIO((out / "answers.csv").read_text(encoding="utf-8"))))
    for sid in ("1", "2"):
        mine = [r for r in rows if r["id"] == sid]
        assert [r["points"] for r in mine] == points.split(",")
        assert [quantity_kind(r["quantity"]) for r in mine] == ["h", "o", "E", "delta_o", "dE/dw", "w_new", "delta_h",
                                                                "dE/dw", "w_new"]
    assert "/ 14 |" in (out / "sheets" / "1.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("network, sheet, message", [
    (Network(), Sheet(level="full", points="1,1,2"),
     "points gives 3 values, but level 'full' asks 9 questions of this network (" + ", ".join(FULL) + "); give "
     "one value for all, or 9 in that order"),
    (Network(layers="1-1-3-2"), Sheet(level="hidden", points="1,2,3,4"),
     "points gives 4 values, but level 'hidden' asks 4 or 5 questions of this network, as the hidden layer drawn "
     "goes; give one value for all, or choose the questions with ask"),
])
def test_a_points_list_that_cannot_apply_to_a_level_is_refused_before_any_draw(network, sheet, message):
    with pytest.raises(SpecError) as info:
        api.load_sheet(network, sheet, None, "x")
    assert str(info.value) == message


def test_the_command_line_and_the_spec_file_refuse_a_points_list_in_one_line(tmp_path):
    result = run(["practice", "--level", "output", "--points", "1,2", "--format", "md", "--out", "p"], tmp_path)
    assert result.returncode == 2 and not (tmp_path / "p").exists()
    assert result.stderr == ("worksheet: error: points gives 2 values, but level 'output' asks 6 questions of this "
                             "network (dE/do, delta_o, delta_o, dE/dw_o, dE/dw_o, w_new_o); give one value for all, "
                             "or 6 in that order\n")
    (tmp_path / "exam.toml").write_text('level = "loss"\npoints = [1, 2, 3]\n\n[[problem]]\nlayers = "2-2-1"\n\n'
                                        '[[problem]]\nlayers = "2-2-2"\n', encoding="utf-8")
    result = run(["exam", "--spec", "exam.toml", "--variants", "2", "--format", "md", "--out", "e"], tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == ("worksheet: error: spec file exam.toml, problem 1: points gives 3 values, but level "
                             "'loss' asks 2 questions of this network (o, E); give one value for all, or 2 in that "
                             "order\n")


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
