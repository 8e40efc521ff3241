"""Grading's PDFs: each student's feedback and report.pdf, typeset through publish/pdf.py."""

from __future__ import annotations

import io
import json
import subprocess

import pytest

from worksheet import __version__, api, write
from worksheet.assessment.gradepdf import feedback_body, report_body
from worksheet.assessment.grading import grade, read_answers
from worksheet.assessment.itemanalysis import analyse, items_figure, scores_figure
from worksheet.assessment.review import review, student_problems
from worksheet.assessment.roster import read_responses

from test_grade import carried_answers, exam, mistaken_answers, write_csv  # noqa: F401 (exam is a fixture)


@pytest.fixture
def responses(exam, tmp_path):
    rows = [[sid, label, value] for sid in ("1", "2") for label, value in carried_answers(sid).items()]
    rows += [["3", label, value] for label, value in mistaken_answers("3", "no_output_derivative").items()]
    rows += [["4", label, "0"] for label in carried_answers("4")]
    return write_csv(tmp_path / "responses.csv", ["id", "question", "value"], rows)


def reviewed(exam, responses):
    expected = read_answers(exam)
    given = read_responses(responses)
    g = grade(expected, given, responses)
    manifest = json.loads((exam / "manifest.json").read_text(encoding="utf-8"))
    return g, review(g, expected, given, student_problems(manifest, exam, f"worksheet {__version__}"))


def test_feedback_and_report_latex_say_what_the_markdown_says(exam, responses):
    g, reviews = reviewed(exam, responses)
    third = next(r for r in reviews if r.first.id == "3")
    tex = feedback_body(third, "Quiz_3 & more", g.maximum, None)
    assert r"\pdfdest name{feedback-3} xyz" in tex and r"Quiz\_3 \& more" in tex
    assert "the activation's derivative is missing from the output delta" in tex
    assert r"\texttt{delta\_o1}" in tex and tex.count(r"\work{") >= 3
    body = report_body(analyse(g, reviews), g.questions, "Quiz")
    assert r"\includegraphics[width=0.85\linewidth]{scores.pdf}" in body and "items.pdf" in body
    assert "no\\_output\\_derivative 1" in body


@pytest.mark.slow
def test_pdf_figures_are_real_plots_and_the_same_bytes_every_time(exam, responses):
    pypdf = pytest.importorskip("pypdf")
    g, reviews = reviewed(exam, responses)
    a = analyse(g, reviews)
    for figure in (scores_figure, items_figure):
        pdf = figure(a, "pdf")
        assert pdf.startswith(b"%PDF") and pdf == figure(a, "pdf")
        page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
        assert len(page.get_contents().get_data()) > 500  # bars, axes and labels drawn


@pytest.mark.slow
@pytest.mark.tex
def test_grade_pdf_writes_feedback_and_report_pdfs(exam, responses, tmp_path):
    from worksheet.publish.pdf import tex_engine

    if tex_engine() is None:
        pytest.skip("pdflatex is not installed")
    docs = api.grade(exam, responses, tmp_path / "grades.csv", report=True, pdf=True)
    write(docs)
    ids = [line.split(",")[0] for line in (tmp_path / "grades.csv").read_text().splitlines()[1:]]
    for sid in ids:
        pdf = tmp_path / "feedback" / f"{sid}.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert f"{sid}, variant" in text
        if sid == "3":
            assert "missing from the output delta" in text and "The key’s working" in text.replace("'", "’")
    text = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "item analysis" in text and "Score distribution" in text and "discrimination" in text
    first = (tmp_path / "report.pdf").read_bytes()
    again = api.grade(exam, responses, tmp_path / "grades.csv", report=True, pdf=True)
    assert again.files["report.pdf"] == first and again.files["feedback/3.pdf"] == (tmp_path / "feedback" / "3.pdf").read_bytes()


@pytest.mark.slow
@pytest.mark.tex
def test_a_multiple_choice_sheet_typesets(tmp_path):
    from worksheet import Network, Sheet
    from worksheet.publish.pdf import tex_engine

    if tex_engine() is None:
        pytest.skip("pdflatex is not installed")
    docs = api.practice(Network(seed=7, layers="2-3-2"), Sheet(level="hidden", choices=4), formats=("pdf",),
                        out=tmp_path)
    write(docs)
    text = subprocess.run(["pdftotext", str(tmp_path / "practice.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "A." in text and "D." in text
