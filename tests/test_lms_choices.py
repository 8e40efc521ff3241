"""Multiple choice in the LMS exports: Moodle multichoice and cloze MULTICHOICE, QTI 2.1
choiceInteraction (schema-valid), Canvas multiple_choice_question; the options and the right
letter as the paper and answers.csv give them."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from lmsrules import parse_cloze
from test_qti import QTI, SCHEMAS
from worksheet import Network, Sheet, api
from worksheet.assessment.examdir import variant_code, variant_seed
from worksheet.assessment.sheets import build_problems, sheet_context
from worksheet.publish.lms.canvas import canvas_package
from worksheet.publish.lms.items import variant
from worksheet.publish.lms.moodle import moodle_xml
from worksheet.publish.lms.qti import qti_package


@pytest.fixture(scope="module")
def variants():
    sheet = api.load_sheet(Network(layers="2-3-2", bias=True), Sheet(level="full", choices=4), None, "Quiz")
    out = []
    for sid in ("1", "2"):
        seed = variant_seed(2026, sid)
        drawn = build_problems(sheet, seed)
        code = variant_code(seed)
        ctx = api.with_choices(sheet_context(sheet, drawn, {"code": code, "options_hash": "x"},
                                             student={"id": sid, "name": ""}), sheet, drawn)
        out.append(variant(ctx, drawn, sid, code))
    return out


def parts(variants):
    return {(part.label, v.code): part for v in variants for p in v.problems for part in p.parts}


def test_every_part_carries_its_options_and_letter(variants):
    for part in parts(variants).values():
        assert [letter for letter, _ in part.options] == ["A", "B", "C", "D"]
        assert dict(part.options)[part.choice] == format(part.key, "f")


def test_moodle_multichoice_and_cloze(variants):
    by_name = parts(variants)
    root = etree.fromstring(moodle_xml("Quiz", variants, "numerical").encode())
    questions = [q for q in root if q.get("type") != "category"]
    assert questions and all(q.get("type") == "multichoice" for q in questions)
    for q in questions:
        label, rest = q.findtext("name/text").split(" ", 1)
        part = by_name[(label, rest.split(" · variant ")[1])]
        answers = q.findall("answer")
        assert [a.findtext("text") for a in answers] == [value for _, value in part.options]
        assert [a.get("fraction") for a in answers] == ["100" if letter == part.choice else "0"
                                                       for letter, _ in part.options]
        assert q.findtext("single") == "true" and q.findtext("shuffleanswers") == "false"
        assert q.findtext("answernumbering") == "ABCD"
    root = etree.fromstring(moodle_xml("Quiz", variants, "cloze").encode())
    for q in (q for q in root if q.get("type") == "cloze"):
        code = q.findtext("name/text").split(" · variant ")[1]
        problem = next(v for v in variants if v.code == code).problems[0]
        subs = parse_cloze(q.findtext("questiontext/text"))
        assert len(subs) == len(problem.parts)
        for sub, part in zip(subs, problem.parts):
            assert not sub["numerical"]
            assert [a["answer"] for a in sub["alternatives"]] == [value for _, value in part.options]
            assert [a["fraction"] for a in sub["alternatives"]] == [1 if letter == part.choice else 0
                                                                    for letter, _ in part.options]


@pytest.mark.slow
def test_qti_choice_items_are_schema_valid_and_score_the_letter(variants):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "qtiv2p1" / "imsqti_v2p1.xsd")))
    by_name = parts(variants)
    with zipfile.ZipFile(io.BytesIO(qti_package("Quiz", variants))) as zf:
        items = {n: zf.read(n) for n in zf.namelist() if n.startswith("items/")}
    assert items
    for name, data in items.items():
        doc = etree.fromstring(data)
        assert schema.validate(doc), f"{name}: {schema.error_log.last_error}"
        label, code = doc.get("title").split(" ")[0], doc.get("title").split(" · variant ")[1]
        part = by_name[(label, code)]
        interaction = doc.find(f".//{QTI}choiceInteraction")
        assert interaction.get("shuffle") == "false" and interaction.get("maxChoices") == "1"
        assert [c.get("identifier") for c in interaction] == [letter for letter, _ in part.options]
        assert doc.findtext(f"{QTI}responseDeclaration/{QTI}correctResponse/{QTI}value") == part.choice
    # The check is not vacuous: a choice outside the identifiers' grammar is refused.
    data = next(iter(items.values())).replace(b'simpleChoice identifier="A"', b'simpleChoice identifier="1 A"')
    assert not schema.validate(etree.fromstring(data))


def test_canvas_multiple_choice_questions(variants):
    by_name = parts(variants)
    with zipfile.ZipFile(io.BytesIO(canvas_package("Quiz", variants))) as zf:
        quiz = etree.fromstring(zf.read("quiz/quiz.xml"))
    ns = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
    items = list(quiz.iter(f"{ns}item"))
    assert items
    for item in items:
        title = item.get("title")
        part = by_name[(title.split(" ")[0], title.split(" · variant ")[1])]
        fields = {f.findtext(f"{ns}fieldlabel"): f.findtext(f"{ns}fieldentry") for f in item.iter(f"{ns}qtimetadatafield")}
        assert fields["question_type"] == "multiple_choice_question"
        labels = item.findall(f".//{ns}response_lid/{ns}render_choice/{ns}response_label")
        assert [(x.get("ident"), x.findtext(f".//{ns}mattext")) for x in labels] == list(part.options)
        right = [c for c in item.iter(f"{ns}respcondition") if c.find(f".//{ns}setvar") is not None]
        assert [c.findtext(f".//{ns}varequal") for c in right] == [part.choice]
