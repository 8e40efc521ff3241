"""Moodle XML export: categories of every variant, the numerical rule and the cloze grammar of
Moodle's importer (tests/lmsrules.py), worked solutions as general feedback."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from lmsrules import CASES, exam_variants, moodle_accepts, parse_cloze, parts_by_name, reachable, written
from worksheet.publish.lms import html
from worksheet.publish.lms.moodle import category_path, cloze_escape, moodle_xml, weights

PLAIN = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{lv}" for n, lv in CASES])
def case(request):
    return exam_variants(*request.param)


def _questions(xml: str):
    root = etree.fromstring(xml.encode("utf-8"))
    assert root.tag == "quiz"
    return list(root)


def _check_accepts(answer: str, tolerance: str, part) -> None:
    assert PLAIN.fullmatch(answer) and PLAIN.fullmatch(tolerance)
    assert Decimal(answer) == part.key and Decimal(tolerance) == part.tolerance
    for y in reachable(part):
        assert moodle_accepts(answer, tolerance, str(y)), (part.label, y)
        assert moodle_accepts(answer, tolerance, str(written(y, part.places))), (part.label, y)
    for wrong in (part.key - 3 * part.tolerance, part.key + 3 * part.tolerance):
        assert not moodle_accepts(answer, tolerance, str(wrong)), (part.label, wrong)


def test_numerical_questions(case):
    title, variants = case
    parts = parts_by_name(variants)
    questions = _questions(moodle_xml(title, variants, "numerical"))
    labels = [p.label for p in variants[0].problems[0].parts] + [
        p.label for prob in variants[0].problems[1:] for p in prob.parts]
    # One category per question, then every variant of it.
    assert len(questions) == len(labels) * (1 + len(variants))
    seen = 0
    for n, q in enumerate(questions):
        if n % (1 + len(variants)) == 0:
            assert q.get("type") == "category"
            assert q.findtext("category/text") == f"$course$/{title}/{labels[n // (1 + len(variants))]}"
            continue
        assert q.get("type") == "numerical"
        name = q.findtext("name/text")
        label, quantity, rest = name.split(" ", 2)
        part = parts[(label, rest.removeprefix("· variant "))]
        assert quantity == part.name
        answer = q.find("answer")
        assert answer.get("fraction") == "100"
        _check_accepts(answer.findtext("text"), answer.findtext("tolerance"), part)
        assert Decimal(q.findtext("defaultgrade")) == part.points
        # The worked solution of this variant's own numbers is the general feedback.
        assert part.work in q.findtext("generalfeedback/text")
        assert part.prompt in q.findtext("questiontext/text")
        seen += 1
    assert seen == len(parts)


def test_cloze_questions(case):
    title, variants = case
    by_code = {v.code: v for v in variants}
    questions = _questions(moodle_xml(title, variants, "cloze"))
    assert len(questions) == len(variants[0].problems) * (1 + len(variants))
    for q in questions:
        if q.get("type") == "category":
            assert re.fullmatch(re.escape(f"$course$/{title}/Problem ") + "[0-9]+", q.findtext("category/text"))
            continue
        assert q.get("type") == "cloze"
        head, code = q.findtext("name/text").split(" · variant ")
        problem = by_code[code].problems[int(head.removeprefix("Problem ")) - 1]
        subs = parse_cloze(q.findtext("questiontext/text"))
        assert len(subs) == len(problem.parts)
        assert [s["weight"] for s in subs] == weights([p.points for p in problem.parts])
        for sub, part in zip(subs, problem.parts):
            assert sub["numerical"]
            (alt,) = sub["alternatives"]
            assert alt["fraction"] == 1
            _check_accepts(alt["answer"], alt["tolerance"], part)
            assert alt["feedback"].startswith(f"{part.label}: {alt['answer']}, accepted from ")
            assert part.work in q.findtext("generalfeedback/text")
        if all(p.points == p.points.to_integral_value() for p in problem.parts):
            assert sum(s["weight"] for s in subs) == sum(p.points for p in problem.parts)


@given(st.text())
def test_cloze_feedback_round_trips(fragment):
    """Whatever a feedback holds, the grammar reads one answer and gives the fragment back as the
    same HTML: the same text once the browser has read its character references."""
    text = f"<p>\\(\\frac{{1}}{{2}}\\) {{2:NUMERICAL:=-0.5:0.25#{cloze_escape(fragment)}}} after}}</p>"
    (sub,) = parse_cloze(text)
    assert sub["weight"] == 2
    (alt,) = sub["alternatives"]
    assert (alt["answer"], alt["tolerance"]) == ("-0.5", "0.25")
    assert unescape(alt["feedback"]) == unescape(fragment)
    if "\\" not in fragment:
        assert alt["feedback"] == fragment


def test_unescaped_feedback_breaks_the_grammar():
    """The check above can fail: a raw } ends the feedback early, a raw ~ starts a wrong answer."""
    (sub,) = parse_cloze("{1:NUMERICAL:=1:0.1#a}b}")
    assert sub["alternatives"][0]["feedback"] == "a"
    (sub,) = parse_cloze("{1:NUMERICAL:=1:0.1#a~b}")
    assert len(sub["alternatives"]) == 2


@pytest.mark.parametrize("points, expected", [
    (["1", "1"], [1, 1]),
    (["2", "2", "2"], [2, 2, 2]),
    (["2", "0.5"], [4, 1]),
    (["1.5", "1.5", "3"], [3, 3, 6]),
    (["0.25", "1"], [1, 4]),
])
def test_cloze_weights_are_whole_numbers_in_proportion_to_the_points(points, expected):
    got = weights([Decimal(p) for p in points])
    assert got == expected and all(isinstance(w, int) for w in got)


@pytest.mark.parametrize("title, leaf, path", [
    ("ML 101", "1a", "$course$/ML 101/1a"),
    ("Quiz 3/4", "2b", "$course$/Quiz 3//4/2b"),
])
def test_category_path_escapes_slashes(title, leaf, path):
    assert category_path(title, leaf) == path


def test_prompt_math_becomes_mathjax_delimiters():
    assert html.inline("The value $a < b$ & more.") == r"The value \(a &lt; b\) &amp; more."


# ---------------------------------------------------------------- the command line


def _run(args, cwd):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "worksheet", *args], cwd=cwd, capture_output=True, text=True)


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_exam_exports_are_byte_identical_and_match_the_writers(tmp_path):
    """The three LMS files of an exam, whatever --jobs is, are the writers' output for its variants."""
    from worksheet.publish.lms.canvas import canvas_package
    from worksheet.publish.lms.qti import qti_package

    args = ["exam", "--seed", "2026", "--variants", "3", "--level", "full", "--title", "LMS test",
            "--format", "md,moodle,qti,canvas", "--quiet"]
    for jobs, out in (("1", "a"), ("2", "b")):
        r = _run([*args, "--jobs", jobs, "--out", str(tmp_path / out)], cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a == b
    title, variants = exam_variants("default", "full")
    assert a["moodle.xml"].decode("utf-8") == moodle_xml(title, variants, "numerical")
    assert a["qti.zip"] == qti_package(title, variants)
    assert a["canvas.zip"] == canvas_package(title, variants)
    assert "moodle_style" in a["manifest.json"].decode("utf-8")


@pytest.mark.slow
def test_practice_cloze(tmp_path):
    r = _run(["practice", "--seed", "7", "--problems", "2", "--level", "hidden", "--format", "moodle",
              "--moodle-style", "cloze", "--out", str(tmp_path / "p")], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    questions = _questions((tmp_path / "p" / "moodle.xml").read_text(encoding="utf-8"))
    assert [q.get("type") for q in questions] == ["category", "cloze", "category", "cloze"]
    assert questions[1].findtext("name/text") == "Problem 1 · variant seed 7"


@pytest.mark.parametrize("args, message", [
    (["practice", "--seed", "1", "--format", "moodle", "--moodle-style", "essay"], "moodle style 'essay' is not known"),
    (["generate", "--seed", "1", "--format", "moodle"], "format 'moodle' is not known"),
])
def test_bad_lms_options_are_one_line(tmp_path, args, message):
    r = _run([*args, "--out", str(tmp_path / "x")], cwd=tmp_path)
    assert r.returncode == 2 and message in r.stderr and r.stderr.count("\n") == 1
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
def test_a_manifest_reprints_the_lms_files(tmp_path):
    r = _run(["exam", "--seed", "5", "--variants", "2", "--level", "loss", "--format", "moodle,canvas",
              "--moodle-style", "cloze", "--jobs", "1", "--quiet", "--out", str(tmp_path / "e")], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _run(["exam", "--manifest", str(tmp_path / "e" / "manifest.json"), "--jobs", "1", "--quiet",
              "--out", str(tmp_path / "again")], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert _tree(tmp_path / "e") == _tree(tmp_path / "again")
    assert b'type="cloze"' in (tmp_path / "again" / "moodle.xml").read_bytes()
