"""Canvas classic-quiz package: question groups selecting one variant, exact answers with a
margin as Canvas's importer and grader read them, and no key Canvas would cut (tests/lmsrules.py)."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from lxml import etree

from lmsrules import CASES, canvas_accepts, canvas_import, exam_variants, parts_by_name, reachable, written
from worksheet.publish.lms.canvas import canvas_package, scaled
from worksheet.publish.lms.items import Part

NS = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
PLAIN = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{lv}" for n, lv in CASES])
def case(request):
    title, variants = exam_variants(*request.param)
    return title, variants, canvas_package(title, variants)


def _quiz(package: bytes):
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        names = sorted(zf.namelist())
        manifest = etree.fromstring(zf.read("imsmanifest.xml"))
        assert names == ["imsmanifest.xml", "quiz/quiz.xml"]
        hrefs = [f.get("href") for f in manifest.iter("{*}file")]
        assert hrefs == ["quiz/quiz.xml"]
        return etree.fromstring(zf.read("quiz/quiz.xml"))


def test_one_group_per_question_selects_one_variant(case):
    title, variants, package = case
    quiz = _quiz(package)
    assert quiz.find(f"{NS}assessment").get("title") == title
    groups = quiz.findall(f"{NS}assessment/{NS}section/{NS}section")
    parts = [p for prob in variants[0].problems for p in prob.parts]
    assert [g.get("title") for g in groups] == [p.label for p in parts]
    for g, part in zip(groups, parts):
        assert g.findtext(f".//{NS}selection_number") == "1"
        assert Decimal(g.findtext(f".//{NS}points_per_item")) == part.points
        assert len(g.findall(f"{NS}item")) == len(variants)


def test_every_item_accepts_what_a_hand_computation_reaches(case):
    _, variants, package = case
    parts = parts_by_name(variants)
    items = list(_quiz(package).iter(f"{NS}item"))
    assert len(items) == len(parts)
    for item in items:
        label, quantity, rest = item.get("title").split(" ", 2)
        part = parts[(label, rest.removeprefix("· variant "))]
        assert quantity == part.name
        fields = {f.findtext(f"{NS}fieldlabel"): f.findtext(f"{NS}fieldentry") for f in item.iter(f"{NS}qtimetadatafield")}
        assert fields["question_type"] == "numerical_question"
        cond = item.findall(f".//{NS}respcondition")[-1].find(f"{NS}conditionvar/{NS}or")
        exact_text = cond.findtext(f"{NS}varequal")
        low_text, high_text = cond.findtext(f"{NS}and/{NS}vargte"), cond.findtext(f"{NS}and/{NS}varlte")
        assert all(PLAIN.fullmatch(t) for t in (exact_text, low_text, high_text))
        asked, s = scaled(part)
        scale = Decimal(1).scaleb(s)
        assert Decimal(exact_text) == part.key * scale
        assert Decimal(high_text) - Decimal(exact_text) == Decimal(exact_text) - Decimal(low_text) == part.tolerance * scale
        text = item.findtext(f"{NS}presentation/{NS}material/{NS}mattext")
        if s:
            assert f"give {part.name} x 10^{s}" in text
        exact, margin = canvas_import(exact_text, high_text)
        # Nothing Canvas cuts: the key as asked survives the quiz page and the app unchanged.
        assert canvas_accepts(exact, 0.0, exact_text) and canvas_accepts(exact, 0.0, exact_text, app=True)
        assert asked.places <= 4
        for y in reachable(part):
            y = y * scale
            assert canvas_accepts(exact, margin, str(y)), (label, y)
            assert canvas_accepts(exact, margin, str(written(y, asked.places)), app=True), (label, y)
        for wrong in (part.key - 3 * part.tolerance, part.key + 3 * part.tolerance):
            assert not canvas_accepts(exact, margin, str(wrong * scale))
            assert not canvas_accepts(exact, margin, str(written(wrong * scale, asked.places)), app=True)


def _part(key: str, tolerance: str) -> Part:
    k, t = Decimal(key), Decimal(tolerance)
    return Part("1a", "dE/dw1", "", "", k, t, k - t / 2, k + t / 2, max(0, -k.as_tuple().exponent), Decimal(1))


@pytest.mark.parametrize("key, tolerance, s, asked", [
    ("0.000188", "0.0000005", 2, "0.0188"),
    ("0.14236", "0.000015", 1, "1.4236"),
    ("-0.0425", "0.00005", 0, "-0.0425"),
    ("1.25", "0.005", 0, "1.25"),
])
def test_small_or_long_keys_are_asked_in_scaled_units(key, tolerance, s, asked):
    part = _part(key, tolerance)
    got, shift = scaled(part)
    assert (shift, format(got.key, "f")) == (s, asked)
    assert got.tolerance == part.tolerance.scaleb(s)


def test_unscaled_small_key_would_be_refused():
    """Why the scaling: exported as it is, 0.0000188 typed on the quiz page becomes 0, and the app
    cuts 0.14236 to 0.1423, both outside a margin of half a unit."""
    assert not canvas_accepts(0.0000188, 0.00000005, "0.0000188")
    assert not canvas_accepts(0.14236, 0.000005, "0.14236", app=True)


@pytest.mark.parametrize("value, text", [
    ("5E-7", "0.0000005"),
    ("0.000188", "0.000188"),
    ("-1.23E-12", "-0.00000000000123"),
    ("1.5E+3", "1500"),
    ("-0E-5", "0"),
    ("0.14236", "0.14236"),
])
def test_numbers_are_plain_decimals_with_every_digit(value, text):
    from worksheet.publish.lms.items import plain

    assert plain(Decimal(value)) == text
    assert Decimal(plain(Decimal(value))) == Decimal(value)
