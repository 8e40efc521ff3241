"""Multiple choice and --diagnosis: options from the misconceptions' values, three tolerances
apart, in a seeded order; letters in the key, answers.csv and grading; colliding problems redrawn."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from worksheet import Network, Sheet, api, write
from worksheet.assessment.choices import LETTERS, check_choices, options
from worksheet.assessment.diagnosis import _apart, collision, mistaken_answers, suspects, three_apart
from worksheet.assessment.examdir import variant_seed
from worksheet.assessment.sheets import build_problems
from worksheet.documents.numbers import parse_shown
from worksheet.errors import SpecError

from test_grade import read_csv, run, write_csv

NETWORKS = [
    {"layers": "2-3-2", "bias": True},
    {"layers": "3-4-2", "activation": "tanh", "loss": "mse", "bias": True},
    {"layers": "2-3-3", "activation": "sigmoid,softmax", "loss": "cross_entropy"},
]


def sheet_of(options_: dict, level: str = "full", choices: int = 0, diagnosis: bool = False, problems: int = 1):
    return api.load_sheet(Network(**options_), Sheet(level=level, problems=problems, choices=choices or None,
                                                     diagnosis=diagnosis), None, "t")


@pytest.mark.parametrize("net", NETWORKS)
@pytest.mark.parametrize("n", [2, 4, 6])
def test_options_hold_the_answer_once_and_are_three_tolerances_apart(net, n):
    sheet = sheet_of(net, choices=n)
    for seed in range(6):
        for p in build_problems(sheet, seed):
            found = mistaken_answers(p)
            for label, a, opts, pairs in zip(p.labels, p.answers, options(p, n, found), found):
                assert [o.letter for o in opts] == list(LETTERS[:n]), label
                assert [o.text for o in opts if o.right] == [a.text]
                tol = {a.text: a.tolerance, **{b.text: b.tolerance for _, b in pairs}}
                values = [(parse_shown(o.text), tol.get(o.text, a.tolerance)) for o in opts]
                for k, (v, tv) in enumerate(values):
                    for w, tw in values[:k]:
                        assert three_apart(v, tv, w, tw), (label, opts)
                # An option named after misconceptions is what their passes give.
                for o in opts:
                    for name in o.names:
                        assert any(m == name and b.text == o.text for m, b in pairs)


def test_options_are_deterministic_and_their_order_is_seeded():
    sheet = sheet_of(NETWORKS[0], choices=4)
    first = [options(p, 4) for p in build_problems(sheet, 11)]
    assert first == [options(p, 4) for p in build_problems(sheet, 11)]
    places = {next(o.letter for o in opts if o.right) for seed in range(12) for p in build_problems(sheet, seed)
              for opts in options(p, 4)}
    assert len(places) >= 3  # the right answer is not always at the same letter


def test_misconception_values_come_first_and_fills_make_up_the_rest():
    # The forward pass: no backward mistake changes a net input or an activation, so every
    # distractor is filled (-x, 2x, x/2, ...), still three tolerances apart.
    p = build_problems(sheet_of({"layers": "2-2-2"}, level="forward", choices=5), 3)[0]
    for a, opts in zip(p.answers, options(p, 5)):
        assert len(opts) == 5 and all(not o.names for o in opts)
        x = parse_shown(a.text)
        if abs(x) > 3 * a.tolerance:
            assert any(parse_shown(o.text) == -x for o in opts)
    # The output layer of a sigmoid network: the misconceptions give most options.
    p = build_problems(sheet_of({"layers": "2-2-2"}, level="output", choices=3), 3)[0]
    named = sum(1 for opts in options(p, 3) for o in opts if o.names)
    assert named >= len(p.answers)


@pytest.mark.parametrize("n", [1, 7, 0.5, True])
def test_choices_out_of_range_are_one_line_errors(n):
    with pytest.raises(SpecError, match="allowed: 2 to 6"):
        check_choices(n)


def test_choices_out_of_range_on_the_command_line(tmp_path):
    r = run(["practice", "--seed", "1", "--choices", "9", "--format", "md", "--out", str(tmp_path / "p")], tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "allowed: 2 to 6" in r.stderr


@pytest.mark.parametrize("net", NETWORKS)
@pytest.mark.parametrize("diagnosis, choices, apart", [(True, 0, _apart), (False, 4, three_apart)])
def test_asked_for_diagnosis_or_choices_no_misconception_collides(net, diagnosis, choices, apart):
    sheet = sheet_of(net, choices=choices, diagnosis=diagnosis, problems=2)
    for seed in range(8):
        for p in build_problems(sheet, seed):
            found = mistaken_answers(p)
            assert collision(p, apart, found) is None
            if diagnosis:
                # Every misconception that changes an asked value can be named.
                named = {(label, n) for label, ss in zip(p.labels, suspects(p, found)) for s in ss for n in s.names}
                for label, a, pairs in zip(p.labels, p.answers, found):
                    for name, b in pairs:
                        if b.text != a.text:
                            assert (label, name) in named


def test_a_colliding_draw_is_redrawn_and_otherwise_the_draw_is_unchanged():
    net = NETWORKS[1]
    plain = sheet_of(net, level="output")
    asked = replace(plain, diagnosis=True)
    seed = next(s for s in range(100) if collision(build_problems(plain, s)[0], _apart) is not None)
    redrawn = build_problems(asked, seed)[0]
    assert redrawn.trace.spec.seed != build_problems(plain, seed)[0].trace.spec.seed
    assert redrawn == build_problems(asked, seed)[0]
    calm = next(s for s in range(100) if collision(build_problems(plain, s)[0], _apart) is None)
    assert build_problems(asked, calm)[0] == build_problems(plain, calm)[0]


def test_a_network_whose_mistakes_always_collide_is_one_line_error(tmp_path):
    r = run(["practice", "--seed", "1", "--precision", "2", "--diagnosis", "--format", "md", "--out",
             str(tmp_path / "p")], tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "in 50 draws, some misconception's value stays too close" in r.stderr and "--precision" in r.stderr
    assert not (tmp_path / "p").exists()


def test_open_sheets_keep_their_options_hash():
    sheet = sheet_of(NETWORKS[0])
    assert "choices" not in sheet.options() and "diagnosis" not in sheet.options()
    assert sheet_of(NETWORKS[0], choices=3).options()["choices"] == 3
    assert sheet_of(NETWORKS[0], diagnosis=True).options()["diagnosis"] is True


def test_practice_sheet_and_key_show_the_options_and_the_letter(tmp_path):
    docs = api.practice(Network(seed=7, layers="2-2-2"), Sheet(level="output", choices=4),
                        formats=("md", "tex", "json"), out=tmp_path)
    sheet, key = docs.files["practice.md"].decode(), docs.files["key.md"].decode()
    data = json.loads(docs.files["key.json"])
    for q in data["problems"][0]["questions"]:
        assert q["options"][q["choice"]] == q["expected"]
        assert "(A) $" in sheet and f"**Answer:** ({q['choice']}) ${q['expected']}$" in key
    assert r"\begin{oneparchoices} \choice" in docs.files["practice.tex"].decode()


@pytest.fixture(scope="module")
def choice_exam(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("choices") / "exam"
    write(api.exam(Network(seed=2026, layers="2-3-2"), Sheet(level="full", choices=4), variants=6, formats=("md",),
                   out=out))
    return out


def test_answers_csv_records_the_letter_and_grading_reads_letters(choice_exam, tmp_path):
    rows = read_csv(choice_exam / "answers.csv")
    assert all(r["choice"] in "ABCD" and r["options"].count(";") == 3 for r in rows)
    manifest = json.loads((choice_exam / "manifest.json").read_text())
    sheet = api.load_sheet(Network(seed=2026, layers="2-3-2"), Sheet(level="full", choices=4), None, "x")
    problems = {s["id"]: build_problems(sheet, variant_seed(2026, s["id"])) for s in manifest["students"]}
    responses = []
    wanted = {}
    for n, r in enumerate(rows):
        opts = dict(o.split(" ") for o in r["options"].split("; "))
        p = problems[r["id"]][0]
        k = p.labels.index(r["question"])
        named = [o for o in options(p, 4)[k] if o.names]
        if n % 2 == 0 or not named:  # the right letter, in either case
            responses.append([r["id"], r["question"], r["choice"].lower() if n % 4 == 0 else r["choice"]])
            wanted[(r["id"], r["question"])] = "1"
        else:  # a misconception's option
            responses.append([r["id"], r["question"], named[0].letter])
            assert opts[named[0].letter] == named[0].text
            wanted[(r["id"], r["question"])] = "0"
    path = write_csv(tmp_path / "responses.csv", ["id", "question", "value"], responses)
    docs = api.grade(choice_exam, path, tmp_path / "grades.csv")
    grades = list(csv.DictReader(io.StringIO(docs.files["grades.csv"].decode())))
    for g in grades:
        for (sid, label), mark in wanted.items():
            if sid == g["id"]:
                assert g[label] == mark, (sid, label)
    assert any(g["diagnosis"] for g in grades)
    # A number still answers a multiple-choice question.
    first = rows[0]
    path = write_csv(tmp_path / "numbers.csv", ["id", "question", "value"],
                     [[first["id"], first["question"], first["expected"]]])
    docs = api.grade(choice_exam, path, tmp_path / "numbers-grades.csv")
    grades = csv.DictReader(io.StringIO(docs.files["numbers-grades.csv"].decode()))
    assert next(g for g in grades if g["id"] == first["id"])[first["question"]] == "1"


@pytest.mark.slow
def test_a_letter_beyond_the_options_or_on_an_open_exam_is_refused(choice_exam, tmp_path):
    rows = read_csv(choice_exam / "answers.csv")
    path = write_csv(tmp_path / "r.csv", ["id", "question", "value"], [[rows[0]["id"], rows[0]["question"], "E"]])
    r = run(["grade", "--exam", str(choice_exam), "--responses", str(path), "--out", str(tmp_path / "g.csv")],
            tmp_path)
    assert r.returncode == 2 and "has no option E; allowed: A, B, C, D" in r.stderr and r.stderr.count("\n") == 1
    open_exam = tmp_path / "open"
    write(api.exam(Network(seed=3, layers="2-2-2"), Sheet(level="output"), variants=1, formats=("md",),
                   out=open_exam))
    path = write_csv(tmp_path / "o.csv", ["id", "question", "value"], [["1", "1a", "B"]])
    r = run(["grade", "--exam", str(open_exam), "--responses", str(path), "--out", str(tmp_path / "g.csv")],
            tmp_path)
    assert r.returncode == 2 and "is not multiple choice; give a number" in r.stderr


def test_a_reprint_from_the_manifest_keeps_the_options(choice_exam, tmp_path):
    again = tmp_path / "again"
    write(api.exam(manifest=choice_exam / "manifest.json", formats=("md",), out=again))
    assert (again / "answers.csv").read_bytes() == (choice_exam / "answers.csv").read_bytes()
    assert (again / "keys" / "1.md").read_bytes() == (choice_exam / "keys" / "1.md").read_bytes()
