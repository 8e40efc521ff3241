"""Grading: responses marked within each answer's tolerance, grades.csv and the summary, and
bad responses refused with one line."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from worksheet import api
from worksheet.engine.calculator import calculate
from worksheet.assessment.examdir import variant_seed
from worksheet.assessment.questions import shown
from worksheet.assessment.sheets import build_problems
from worksheet import Network, Sheet, write


def run(args, cwd):
    return subprocess.run([sys.executable, "-m", "worksheet", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def write_csv(path: Path, header, rows) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


OPTIONS = {"seed": 2026, "layers": "2-3-2", "bias": True}


@pytest.fixture(scope="module")
def exam(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("grade") / "exam"
    write(api.exam(Network(**OPTIONS), Sheet(problems=2), variants=12, formats=("md",), out=out))
    return out


def carried_answers(sid: str) -> dict[str, str]:
    """What a student who rounds every intermediate to the sheet's digits writes, per label."""
    sheet = api.load_sheet(Network(**OPTIONS), Sheet(problems=2), None, "Backpropagation exam")
    out = {}
    for p in build_problems(sheet, variant_seed(2026, sid)):
        student = calculate(replace(p.trace.spec, rounding="carried"), p.trace.values)
        for label, a in zip(p.labels, p.answers):
            out[label] = shown(student, a.quantity)
    return out


def test_a_class_is_graded_within_tolerance(exam, tmp_path):
    expected = read_csv(exam / "answers.csv")
    labels = list(dict.fromkeys(r["question"] for r in expected))
    rows = []
    for sid in map(str, range(1, 13)):
        mine = carried_answers(sid)
        assert set(mine) == set(labels)
        for label in labels:
            value = mine[label]
            if sid == "2" and label in ("1c", "2e"):
                value = str(-Decimal(value))  # a sign error
            if sid == "3" and label == "1a":
                value = ""  # unanswered
            if sid == "4":
                row = next(r for r in expected if r["id"] == "4" and r["question"] == label)
                # At the edge of the tolerance is right; a half unit beyond it is not.
                edge = Decimal(row["expected"]) + Decimal(row["tolerance"])
                value = str(edge if label != "2b" else edge + Decimal(row["tolerance"]) / 3)
            if sid == "12":
                continue  # handed in nothing
            rows.append([sid, label, value])
    responses = write_csv(tmp_path / "responses.csv", ["id", "question", "value", "comment"],
                          [[*r, "ignored"] for r in rows])
    graded = api.grade(exam, responses)
    written = write(graded)
    path = graded.folder / graded.open_first
    assert path in written and exam / "feedback" / "2.md" in written
    lines = list(graded.report)
    assert path == exam / "grades.csv"
    grades = {r["id"]: r for r in read_csv(path)}
    assert list(grades) == [str(n) for n in range(1, 13)]
    n = len(labels)
    assert list(grades["1"]) == ["id", "name", "variant", *labels, "total", "max", "quantities", "diagnosis"]
    asked = {r["question"]: r["quantity"] for r in expected if r["id"] == "1"}
    assert grades["1"]["quantities"] == "; ".join(f"{q}: {asked[q]}" for q in labels)
    assert all(grades[s]["diagnosis"] == "" for s in ("1", "3", "4", "5", "12"))
    assert all(grades[s]["total"] == grades[s]["max"] == str(n) for s in ("1", "5", "6", "7", "8", "9", "10", "11"))
    assert grades["2"]["1c"] == "0" and grades["2"]["2e"] == "0" and grades["2"]["total"] == str(n - 2)
    assert grades["3"]["1a"] == "0" and grades["3"]["total"] == str(n - 1)
    assert grades["4"]["2b"] == "0" and grades["4"]["total"] == str(n - 1)
    assert grades["12"]["total"] == "0"
    assert lines[0].startswith(f"12 students, {n} questions, {n} points: mean ")
    assert lines[1].startswith("most missed: 1a (2 of 12, 2 unanswered); 1c (2 of 12, 1 unanswered)")
    assert lines[2] == "no responses from 1 student(s): 12"
    assert lines[3].startswith("right by quantity: ") and " of " in lines[3]
    assert lines[4].endswith(f"feedback in {exam / 'feedback'}")
    assert (exam / "feedback" / "2.md").read_text(encoding="utf-8").count("| 0 of 1 |") == 2


@pytest.mark.parametrize("rows, message", [
    ([["99", "1a", "0.5"]], "line 2: no student '99' in the exam"),
    ([["1", "1a", "0.5"], ["1", "9z", "0.5"]], "line 3: no question '9z' on the sheet of student 1 (questions: 1a,"),
    ([["1", "1a", "0.5"], ["1", "1a", "0.6"]], "line 3: student 1, question 1a is already answered on line 2"),
    ([["1", "1a", "0.5"], ["1", "1A", "0.6"]], "line 3: student 1, question 1a is already answered on line 2"),
    ([["1", "", "0.5"]], "line 2: the question is empty"),
])
def test_bad_responses_are_one_line_and_write_nothing(exam, tmp_path, rows, message):
    write_csv(tmp_path / "r.csv", ["id", "question", "value"], rows)
    result = run(["grade", "--exam", str(exam), "--responses", "r.csv", "--out", "g.csv"], tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert f"worksheet: error: responses r.csv {message}" in result.stderr
    assert not (tmp_path / "g.csv").exists()


def test_structural_problems_are_listed_at_once(exam, tmp_path):
    write_csv(tmp_path / "r.csv", ["id", "question", "value"],
              [["99", "1a", "0.5"], ["1", "9z", "0.5"], ["1", "1a", "0.5"], ["1", "1a", "0.6"], ["98", "1a", "1"]])
    result = run(["grade", "--exam", str(exam), "--responses", "r.csv", "--out", "g.csv"], tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert ("responses r.csv: 4 problems: line 2: no student '99' in the exam; line 3: no question '9z'"
            in result.stderr)
    assert "; line 5: student 1, question 1a is already answered on line 4; line 6: no student '98'" in result.stderr
    assert not (tmp_path / "g.csv").exists()


def test_values_that_are_not_numbers_are_wrong_and_listed(exam, tmp_path):
    mine = carried_answers("1")
    labels = list(mine)
    rows = [["1", label, mine[label]] for label in labels]
    rows[0][2] = mine[labels[0]].replace(".", ",")  # a decimal comma: read as a point
    rows[1][2] = "abc"
    rows[2][2] = "nan"
    write_csv(tmp_path / "r.csv", ["id", "question", "value"], rows)
    result = run(["grade", "--exam", str(exam), "--responses", "r.csv", "--out", "g.csv"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "counted as wrong, not a number: responses r.csv: 2 problems: line 3: 'abc' is not a number; " \
           "line 4: 'nan' is not a number" in result.stdout
    grades = {r["id"]: r for r in read_csv(tmp_path / "g.csv")}
    assert grades["1"][labels[0]] == "1" and grades["1"][labels[1]] == grades["1"][labels[2]] == "0"
    strict = run(["grade", "--exam", str(exam), "--responses", "r.csv", "--out", "s.csv", "--strict"], tmp_path)
    assert strict.returncode == 2 and len(strict.stderr.splitlines()) == 1, strict.stderr
    assert "responses r.csv: 2 problems: line 3: 'abc' is not a number" in strict.stderr
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize("text, value", [
    ("0,48555", Decimal("0.48555")), ("-0,5", Decimal("-0.5")), ("12,5", Decimal("12.5")),
    ("0,123", Decimal("0.123")), ("1,234", None), ("1,2,3", None), ("0.5", Decimal("0.5")), ("abc", None),
    ("\u22120.25", Decimal("-0.25")), ("", None),
])
def test_a_decimal_comma_is_read_where_unambiguous(text, value):
    from worksheet.inputs import read_answer

    assert read_answer(text) == value


@pytest.mark.slow
def test_bad_response_files_and_exam_folders(exam, tmp_path):
    (tmp_path / "cols.csv").write_text("id,label,value\n1,1a,0.5\n", encoding="utf-8")
    result = run(["grade", "--exam", str(exam), "--responses", "cols.csv"], tmp_path)
    assert result.returncode == 2 and "no 'question' column" in result.stderr
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    result = run(["grade", "--exam", str(exam), "--responses", "empty.csv"], tmp_path)
    assert result.returncode == 2 and "responses empty.csv: the file is empty" in result.stderr
    (tmp_path / "r.csv").write_text("id,question,value\n1,1a,0.5\n", encoding="utf-8")
    result = run(["grade", "--exam", str(tmp_path), "--responses", "r.csv"], tmp_path)
    assert result.returncode == 2 and "no manifest.json" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cols.csv", "empty.csv", "r.csv"]


@pytest.mark.slow
def test_grade_command_end_to_end(tmp_path):
    write_csv(tmp_path / "class.csv", ["id", "name"], [["a1", "Zoë Ñúñez"], ["b2", "Bob"]])
    assert run(["exam", "--seed", "4", "--roster", "class.csv", "--format", "md", "--out", "quiz"], tmp_path).returncode == 0
    answers = read_csv(tmp_path / "quiz" / "answers.csv")
    # A spreadsheet may upper-case the labels (1A) and ids.
    rows = [[r["id"].upper(), r["question"].upper(), r["expected"] if r["id"] == "a1" else "0"] for r in answers]
    write_csv(tmp_path / "responses.csv", ["id", "question", "value"], rows)
    result = run(["grade", "--exam", "quiz", "--responses", "responses.csv"], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0].startswith("2 students, 9 questions, 9 points: mean 4.50 (50%), lowest 0, highest 9")
    assert out[-1] == f"open first: {tmp_path / 'quiz' / 'grades.csv'}"  # feedback files too
    grades = read_csv(tmp_path / "quiz" / "grades.csv")
    assert grades[0]["name"] == "Zoë Ñúñez" and grades[0]["total"] == "9" and grades[1]["total"] == "0"


def graded(documents):
    """Write what grade made; the grades file and the summary lines."""
    write(documents)
    return documents.folder / documents.open_first, list(documents.report)


def mistaken_answers(sid: str, name: str) -> dict[str, str]:
    """What a student with misconception `name` writes, per label (rounding only the answers)."""
    from worksheet.engine.misconceptions import MISCONCEPTIONS

    sheet = api.load_sheet(Network(**OPTIONS), Sheet(problems=2), None, "Backpropagation exam")
    out = {}
    for p in build_problems(sheet, variant_seed(2026, sid)):
        student = MISCONCEPTIONS[name].trace(p.trace.spec, p.trace.values)
        for label, a in zip(p.labels, p.answers):
            out[label] = shown(student, a.quantity)
    return out


def test_wrong_answers_are_diagnosed_and_carried_forward(exam, tmp_path):
    rows = [[sid, label, value] for sid, name in (("1", "no_output_derivative"), ("2", "sign_flipped"))
            for label, value in mistaken_answers(sid, name).items()]
    rows += [["3", label, value] for label, value in carried_answers("3").items()]
    responses = write_csv(tmp_path / "responses.csv", ["id", "question", "value"], rows)
    path, lines = graded(api.grade(exam, responses, tmp_path / "plain.csv"))
    plain = {r["id"]: r for r in read_csv(path)}
    assert "no_output_derivative" in plain["1"]["diagnosis"] and "sign_flipped" in plain["2"]["diagnosis"]
    assert plain["3"]["diagnosis"] == "" and plain["3"]["total"] == plain["3"]["max"]
    feedback = (tmp_path / "feedback" / "1.md").read_text(encoding="utf-8")
    assert "the activation's derivative is missing from the output delta" in feedback and "$$" in feedback
    path, lines = graded(api.grade(exam, responses, tmp_path / "carried.csv", carry_forward=True, carry_fraction=0.5))
    carried = {r["id"]: r for r in read_csv(path)}
    labels = [k for k in plain["1"] if k not in ("id", "name", "variant", "total", "max", "quantities", "diagnosis")]
    # A student wrong from their first mistake on gets half of every later answer that follows from it.
    for sid in ("1", "2"):
        assert Decimal(carried[sid]["total"]) > Decimal(plain[sid]["total"])
        for label in labels:
            assert Decimal(carried[sid][label]) in (Decimal(plain[sid][label]), Decimal("0.5"))
    assert carried["3"]["total"] == plain["3"]["total"]
    assert lines[-1].endswith("answer(s) credited by error carried forward")


@pytest.mark.slow
def test_item_analysis_report_with_plots(exam, tmp_path):
    rows = [[sid, label, value] for sid in ("1", "2", "3") for label, value in carried_answers(sid).items()]
    rows += [["4", label, value] for label, value in mistaken_answers("4", "sign_flipped").items()]
    rows += [["5", label, "0"] for label in carried_answers("5")]
    responses = write_csv(tmp_path / "responses.csv", ["id", "question", "value"], rows)
    write(api.grade(exam, responses, tmp_path / "grades.csv", report=True))
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| question | quantities asked | difficulty | discrimination | misconceptions diagnosed |" in report
    assert "sign_flipped 1" in report and "![Score distribution](report/scores.svg)" in report
    for name in ("scores.svg", "items.svg"):
        svg = (tmp_path / "report" / name).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<path" in svg
    first = (tmp_path / "report" / "items.svg").read_bytes()
    write(api.grade(exam, responses, tmp_path / "grades.csv", report=True))
    assert (tmp_path / "report" / "items.svg").read_bytes() == first  # deterministic figures


def test_point_biserial_is_the_correlation_with_the_rest_score():
    from worksheet.assessment.itemanalysis import point_biserial

    import numpy as np

    item, rest = [1.0, 0.0, 1.0, 1.0, 0.0], [7.0, 3.0, 5.0, 8.0, 4.0]
    assert point_biserial(item, rest) == pytest.approx(np.corrcoef(item, rest)[0, 1])
    assert point_biserial([1.0, 1.0], [2.0, 3.0]) is None


def test_questions_know_the_earlier_answers_they_depend_on():
    from worksheet.assessment.carry_forward import depends_on

    sheet = api.load_sheet(Network(layers="2-2-2", seed=9), Sheet(level="full", problems=1), None, "x")
    (p,) = build_problems(sheet, 9)
    deps = dict(zip(p.labels, depends_on(p)))
    kinds = dict(zip(p.labels, (a.quantity.kind for a in p.answers)))
    assert kinds == {"1a": "a", "1b": "a", "1c": "E", "1d": "delta", "1e": "grad_W", "1f": "W_new",
                     "1g": "delta", "1h": "grad_W", "1i": "W_new"}
    assert deps["1a"] == [] and deps["1f"] == ["1e"] and "1d" in deps["1e"] and deps["1i"] == ["1h"]
    assert "1g" in deps["1h"] and "1c" not in deps["1d"]


def test_the_catalogue_of_a_question_for_a_practice_page():
    from worksheet.assessment.diagnosis import distinguishable
    from worksheet.engine.misconceptions import MISCONCEPTIONS

    sheet = api.load_sheet(Network(layers="2-2-2", seed=9), Sheet(level="full", problems=1), None, "x")
    (p,) = build_problems(sheet, 9)
    delta = [n for n, a in enumerate(p.answers) if a.quantity.kind == "delta" and a.quantity.l == 2][0]
    entries = distinguishable(p, delta)
    names = [e[0] for e in entries]
    assert "no_output_derivative" in names and "stale_weights" not in names  # stale weights leave it as it is
    right = Decimal(p.answers[delta].text)
    for name, value, tol, message in entries:
        assert message == MISCONCEPTIONS[name].message
        assert abs(value - right) > tol + p.answers[delta].tolerance
    assert distinguishable(p, 0) == []  # a forward value no mistake of the backward pass changes


def test_the_readme_worked_diagnosis(tmp_path):
    """README's worked diagnosis, as grade makes it."""
    exam = tmp_path / "exam"
    write(api.exam(Network(seed=2026, layers="2-3-2"), Sheet(level="output"), variants=1, formats=("md",), out=exam))
    key = {r["question"]: r for r in read_csv(exam / "answers.csv")}["1b"]
    assert (key["quantity"], key["expected"], key["tolerance"]) == ("delta_o1", "-0.09184", "0.000015")
    responses = write_csv(tmp_path / "r.csv", ["id", "question", "value"], [["1", "1b", "-0.38450"]])
    path, _ = graded(api.grade(exam, responses, tmp_path / "grades.csv"))
    assert read_csv(path)[0]["diagnosis"] == "1b: no_output_derivative"
    feedback = (tmp_path / "feedback" / "1.md").read_text(encoding="utf-8")
    assert ("Your answer matches -0.38450, the value when the activation's derivative is missing from the output "
            "delta.") in feedback
    assert "o_{1} - t_{1} = 0.60550 - 0.99 = -0.38450" in feedback and "0.60550 \\times 0.39450 = 0.23887" in feedback
    from worksheet.assessment.diagnosis import distinguishable

    sheet = api.load_sheet(Network(seed=2026, layers="2-3-2"), Sheet(level="output"), None, "x")
    (p,) = build_problems(sheet, variant_seed(2026, "1"))
    values = {name: format(v, "f") for name, v, _, _ in distinguishable(p, p.labels.index("1b"))}
    assert values["sign_flipped"] == "0.09184" and values["half_forgotten"] == "-0.18369"
