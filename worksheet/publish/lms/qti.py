"""A QTI 2.1 content package: one assessmentItem per variant and question, and an assessmentTest
with one section per question that selects one variant of it.

How a QTI 2.1 delivery engine scores it (IMS QTI 2.1 information model, the equal operator):
with toleranceMode="absolute" and tolerance="t0 t1", a response x matches the correct value y
when y - t0 <= x <= y + t1, both bounds included unless includeLowerBound/includeUpperBound say
otherwise. Engines compare in double arithmetic, where y - t can land a rounding error above a
response that lies exactly on the bound (-0.33106 + 0.000005 is not -0.331055 in doubles): the
tolerance written is the key's plus a millionth of the key's last unit, which absorbs that
error and moves no answer written at the key's digits across a bound."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from . import html
from .items import Part, Problem, Variant, item_id, plain
from .package import zip_bytes

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
_SCHEMA = f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"'


def _attr(s: str) -> str:
    return escape(s, quote=True)


def engine_tolerance(part: Part) -> Decimal:
    return part.tolerance + Decimal(1).scaleb(-part.places - 6)


def item(problem: Problem, part: Part, v: Variant) -> str:
    """A numeric question: a float response within the engine's absolute tolerance."""
    tol = plain(engine_tolerance(part))
    return _item(
        problem, part, v, "float", plain(part.key),
        f"{part.prompt} Give it to {part.places} decimal places. "
        '<textEntryInteraction responseIdentifier="RESPONSE" expectedLength="16"/></p>\n',
        f'        <equal toleranceMode="absolute" tolerance="{tol} {tol}" includeLowerBound="true" '
        'includeUpperBound="true">\n'
        '          <variable identifier="RESPONSE"/>\n'
        '          <correct identifier="RESPONSE"/>\n'
        "        </equal>\n",
        f"<p>Answer: {plain(part.key)} (accepted from {plain(part.key - part.tolerance)} to "
        f"{plain(part.key + part.tolerance)}).</p>")


def choice_item(problem: Problem, part: Part, v: Variant) -> str:
    """A multiple-choice question: one simpleChoice per option, identified by its letter, in the
    paper's order (shuffle off), matched against the right letter."""
    choices = "".join(f'<simpleChoice identifier="{letter}">{letter}. {escape(value, quote=False)}</simpleChoice>'
                      for letter, value in part.options)
    return _item(
        problem, part, v, "identifier", part.choice,
        f"{part.prompt}</p>\n"
        f'    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">{choices}'
        "</choiceInteraction>\n",
        '        <match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>\n',
        f"<p>Answer: {part.choice}, {plain(part.key)}.</p>")


def _item(problem: Problem, part: Part, v: Variant, base_type: str, correct: str, ask: str, condition: str,
          answer: str) -> str:
    """An assessmentItem: the response of `base_type` whose `correct` value scores full marks when
    `condition` holds; the question's prompt and interaction `ask` after its label; the worked
    solution and `answer` as feedback."""
    title = f"{part.label} {part.name} · variant {v.code}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<assessmentItem xmlns="{NS}" {_SCHEMA} identifier="{_attr(item_id(part.label, v.ident))}" '
        f'title="{_attr(title)}" adaptive="false" timeDependent="false">\n'
        f'  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="{base_type}">\n'
        f"    <correctResponse><value>{correct}</value></correctResponse>\n"
        "  </responseDeclaration>\n"
        '  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">'
        "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>\n"
        '  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
        f"<defaultValue><value>{plain(part.points)}</value></defaultValue></outcomeDeclaration>\n"
        '  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>\n'
        "  <itemBody>\n"
        f"    <div>{html.paragraph('<strong>' + html.text(problem.title) + '</strong>')}{problem.data}</div>\n"
        f"    <p><strong>{part.label}</strong> {ask}"
        "  </itemBody>\n"
        "  <responseProcessing>\n"
        "    <responseCondition>\n"
        "      <responseIf>\n"
        f"{condition}"
        '        <setOutcomeValue identifier="SCORE"><variable identifier="MAXSCORE"/></setOutcomeValue>\n'
        "      </responseIf>\n"
        "    </responseCondition>\n"
        '    <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">SOLUTION</baseValue>'
        "</setOutcomeValue>\n"
        "  </responseProcessing>\n"
        '  <modalFeedback outcomeIdentifier="FEEDBACK" showHide="show" identifier="SOLUTION" '
        f'title="Worked solution">{part.work}{answer}</modalFeedback>\n'
        "</assessmentItem>\n"
    )


def _sections(variants: list[Variant]):
    """(label, [(problem index, part index)]) in question order: every variant asks the same
    questions under the same labels."""
    for n, problem in enumerate(variants[0].problems):
        for m, part in enumerate(problem.parts):
            yield part.label, n, m


def test(title: str, variants: list[Variant]) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<assessmentTest xmlns="{NS}" {_SCHEMA} identifier="test" title="{_attr(title)}">\n'
        '  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>\n'
        '  <testPart identifier="part" navigationMode="nonlinear" submissionMode="individual">\n'
    ]
    for label, _, _ in _sections(variants):
        out.append(f'    <assessmentSection identifier="s{label}" title="{label}" visible="true">\n'
                   '      <selection select="1"/>\n')
        for v in variants:
            ident = item_id(label, v.ident)
            out.append(f'      <assessmentItemRef identifier="{_attr(ident)}" href="items/{_attr(ident)}.xml"/>\n')
        out.append("    </assessmentSection>\n")
    out.append(
        "  </testPart>\n"
        "  <outcomeProcessing>\n"
        '    <setOutcomeValue identifier="SCORE"><sum><testVariables variableIdentifier="SCORE"/></sum>'
        "</setOutcomeValue>\n"
        "  </outcomeProcessing>\n"
        "</assessmentTest>\n"
    )
    return "".join(out)


def manifest(variants: list[Variant]) -> str:
    ids = [item_id(label, v.ident) for label, _, _ in _sections(variants) for v in variants]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="manifest">\n'
        "  <organizations/>\n"
        "  <resources>\n"
        '    <resource identifier="test" type="imsqti_test_xmlv2p1" href="test.xml">\n'
        '      <file href="test.xml"/>\n'
    ]
    out += [f'      <dependency identifierref="{_attr(i)}"/>\n' for i in ids]
    out.append("    </resource>\n")
    out += [f'    <resource identifier="{_attr(i)}" type="imsqti_item_xmlv2p1" href="items/{_attr(i)}.xml">'
            f'<file href="items/{_attr(i)}.xml"/></resource>\n' for i in ids]
    out.append("  </resources>\n</manifest>\n")
    return "".join(out)


def qti_package(title: str, variants: list[Variant]) -> bytes:
    files = {"imsmanifest.xml": manifest(variants), "test.xml": test(title, variants)}
    for label, n, m in _sections(variants):
        for v in variants:
            part = v.problems[n].parts[m]
            files[f"items/{item_id(label, v.ident)}.xml"] = (choice_item if part.options else item)(
                v.problems[n], part, v)
    return zip_bytes(files)
