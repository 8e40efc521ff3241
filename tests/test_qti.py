"""QTI 2.1 content package: valid against the official IMS schemas (tests/schemas/qti), one
section per question selecting one variant, and the absolute-tolerance rule of QTI's equal."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from lmsrules import CASES, exam_variants, parts_by_name, qti_accepts, reachable, written
from worksheet.publish.lms.qti import qti_package

SCHEMAS = Path(__file__).parent / "schemas" / "qti"
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


@pytest.fixture(scope="module")
def schemas():
    return (etree.XMLSchema(etree.parse(str(SCHEMAS / "qtiv2p1" / "imsqti_v2p1.xsd"))),
            etree.XMLSchema(etree.parse(str(SCHEMAS / "imscp_v1p1.xsd"))))


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{lv}" for n, lv in CASES])
def case(request):
    title, variants = exam_variants(*request.param)
    return title, variants, qti_package(title, variants)


def _entries(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _valid(schema, data: bytes, name: str):
    doc = etree.fromstring(data)
    assert schema.validate(doc), f"{name}: {schema.error_log.last_error}"
    return doc


def test_package_is_schema_valid(case, schemas):
    title, variants, package = case
    qti, cp = schemas
    entries = _entries(package)
    manifest = _valid(cp, entries["imsmanifest.xml"], "imsmanifest.xml")
    hrefs = {r.get("href") for r in manifest.iter(f"{CP}resource")}
    assert hrefs == set(entries) - {"imsmanifest.xml"}
    test = _valid(qti, entries["test.xml"], "test.xml")
    assert test.tag == f"{QTI}assessmentTest"
    for name, data in entries.items():
        if name.startswith("items/"):
            assert _valid(qti, data, name).tag == f"{QTI}assessmentItem"


def test_schema_check_can_fail(case, schemas):
    """The validation above is not vacuous: the classic typo toleranceMode="abs" is refused."""
    _, _, package = case
    name, data = next((n, d) for n, d in sorted(_entries(package).items()) if n.startswith("items/"))
    assert not schemas[0].validate(etree.fromstring(data.replace(b'toleranceMode="absolute"', b'toleranceMode="abs"')))


def test_one_section_per_question_selects_one_variant(case):
    title, variants, package = case
    entries = _entries(package)
    test = etree.fromstring(entries["test.xml"])
    assert test.get("title") == title
    sections = list(test.iter(f"{QTI}assessmentSection"))
    labels = [p.label for prob in variants[0].problems for p in prob.parts]
    assert [s.get("title") for s in sections] == labels
    for s in sections:
        assert s.find(f"{QTI}selection").get("select") == "1"
        refs = s.findall(f"{QTI}assessmentItemRef")
        assert len(refs) == len(variants)
        assert all(r.get("href") in entries for r in refs)


def test_every_item_accepts_what_a_hand_computation_reaches(case):
    _, variants, package = case
    parts = parts_by_name(variants)
    items = [etree.fromstring(d) for n, d in _entries(package).items() if n.startswith("items/")]
    assert len(items) == len(parts)
    for item in items:
        label, quantity, rest = item.get("title").split(" ", 2)
        part = parts[(label, rest.removeprefix("· variant "))]
        assert quantity == part.name
        decl = item.find(f"{QTI}responseDeclaration")
        assert (decl.get("baseType"), decl.get("cardinality")) == ("float", "single")
        correct = decl.findtext(f"{QTI}correctResponse/{QTI}value")
        equal = item.find(f".//{QTI}equal")
        assert equal.get("toleranceMode") == "absolute"
        tolerance = equal.get("tolerance")
        lower, upper = equal.get("includeLowerBound") == "true", equal.get("includeUpperBound") == "true"
        assert Decimal(correct) == part.key
        assert part.tolerance < Decimal(tolerance.split()[0]) < part.tolerance + Decimal(1).scaleb(-part.places - 3)
        for y in reachable(part):
            for typed in (str(y), str(written(y, part.places))):
                assert qti_accepts(correct, tolerance, typed, lower, upper), (label, typed)
        for wrong in (part.key - 3 * part.tolerance, part.key + 3 * part.tolerance):
            assert not qti_accepts(correct, tolerance, str(wrong), lower, upper)
        feedback = item.find(f"{QTI}modalFeedback")
        assert feedback.get("showHide") == "show"
        assert etree.tostring(feedback, encoding="unicode").count(r"\[") == part.work.count(r"\[")


def test_package_bytes_are_fixed(case):
    title, variants, package = case
    assert qti_package(title, variants) == package
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
