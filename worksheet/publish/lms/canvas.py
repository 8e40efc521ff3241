"""A Canvas classic-quiz package (QTI 1.2): one question group per question, selecting one of its
variants, each a numerical question with an exact answer and a margin.

How Canvas reads and scores it: the importer (gems/plugins/qti_exporter/lib/qti/
numeric_interaction.rb) takes <or><varequal>exact</varequal><and><vargte/><varlte>upper</varlte>
</and></or> as an exact answer with margin = upper - exact, computed in BigDecimal; the grader
(app/models/quizzes/quiz_question/numerical_question.rb) accepts exact - margin <= x <= exact +
margin in BigDecimal. Before that, what a student types is cut: Canvas's mobile app keeps 4
decimals of it (canvas-ios pull request 1143), and the quiz page turns values below 1e-4 in
magnitude into 0 (text2qti issue 51). So a key with more than 4 decimals is asked in scaled
units, stated in the question: "give dE/dw5 x 10^2", with the answer and margin scaled alike."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from . import html
from .items import Part, Problem, Variant, item_id, plain
from .package import zip_bytes

DIGITS = 4  # decimals of a typed answer that survive Canvas


def scaled(part: Part) -> tuple[Part, int]:
    """The part in units of 10^-s, s the fewest that leave the key at most 4 decimals."""
    s = max(0, part.places - DIGITS)
    if s == 0:
        return part, 0
    return replace(part, key=part.key.scaleb(s), tolerance=part.tolerance.scaleb(s), lo=part.lo.scaleb(s),
                   hi=part.hi.scaleb(s), places=part.places - s), s


def _mattext(fragment: str) -> str:
    return f'<material><mattext texttype="text/html">{escape(fragment, quote=False)}</mattext></material>'


def _field(label: str, entry: str) -> str:
    return f"<qtimetadatafield><fieldlabel>{label}</fieldlabel><fieldentry>{entry}</fieldentry></qtimetadatafield>"


def item(problem: Problem, part: Part, v: Variant) -> str:
    asked, s = scaled(part)
    if s:
        ask = (f"Canvas keeps only {DIGITS} decimals of a typed answer, so give it in scaled units: "
               f"give {html.text(part.name)} x 10^{s} (the value times {10 ** s}), to {asked.places} decimal places.")
        shown = html.paragraph(f"In the units asked: {html.text(part.name)} x 10^{s} = {plain(asked.key)}.")
    else:
        ask = f"Give it to {part.places} decimal places."
        shown = ""
    body = (html.paragraph(f"<strong>{html.text(problem.title)}</strong>") + problem.data
            + html.paragraph(f"<strong>{part.label}</strong> {part.prompt} {ask}"))
    feedback = (part.work + shown + html.paragraph(
        f"Answer: {plain(asked.key)} (accepted from {plain(asked.key - asked.tolerance)} to "
        f"{plain(asked.key + asked.tolerance)})."))
    title = f"{part.label} {part.name} · variant {v.code}"
    return (
        f'      <item ident="{escape(item_id(part.label, v.ident))}" title="{escape(title)}">\n'
        "        <itemmetadata><qtimetadata>"
        f"{_field('question_type', 'numerical_question')}{_field('points_possible', plain(part.points))}"
        "</qtimetadata></itemmetadata>\n"
        f"        <presentation>{_mattext(body)}"
        '<response_str ident="response1" rcardinality="Single"><render_fib fibtype="Decimal">'
        '<response_label ident="answer1"/></render_fib></response_str></presentation>\n'
        "        <resprocessing>\n"
        '          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>\n'
        '          <respcondition continue="Yes"><conditionvar><other/></conditionvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>\n'
        '          <respcondition continue="No"><conditionvar><or>'
        f'<varequal respident="response1">{plain(asked.key)}</varequal><and>'
        f'<vargte respident="response1">{plain(asked.key - asked.tolerance)}</vargte>'
        f'<varlte respident="response1">{plain(asked.key + asked.tolerance)}</varlte>'
        '</and></or></conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>\n'
        "        </resprocessing>\n"
        f'        <itemfeedback ident="general_fb"><flow_mat>{_mattext(feedback)}</flow_mat></itemfeedback>\n'
        "      </item>\n"
    )


def choice_item(problem: Problem, part: Part, v: Variant) -> str:
    """A multiple_choice_question: one response label per option, identified by its letter, in the
    paper's order; the right letter scores 100."""
    body = (html.paragraph(f"<strong>{html.text(problem.title)}</strong>") + problem.data
            + html.paragraph(f"<strong>{part.label}</strong> {part.prompt}"))
    feedback = part.work + html.paragraph(f"Answer: {part.choice}, {plain(part.key)}.")
    title = f"{part.label} {part.name} · variant {v.code}"
    labels = "".join(f'<response_label ident="{letter}"><material><mattext texttype="text/plain">'
                     f"{escape(value, quote=False)}</mattext></material></response_label>"
                     for letter, value in part.options)
    return (
        f'      <item ident="{escape(item_id(part.label, v.ident))}" title="{escape(title)}">\n'
        "        <itemmetadata><qtimetadata>"
        f"{_field('question_type', 'multiple_choice_question')}{_field('points_possible', plain(part.points))}"
        "</qtimetadata></itemmetadata>\n"
        f"        <presentation>{_mattext(body)}"
        f'<response_lid ident="response1" rcardinality="Single"><render_choice>{labels}</render_choice>'
        "</response_lid></presentation>\n"
        "        <resprocessing>\n"
        '          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>\n'
        '          <respcondition continue="Yes"><conditionvar><other/></conditionvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>\n'
        '          <respcondition continue="No"><conditionvar>'
        f'<varequal respident="response1">{part.choice}</varequal></conditionvar>'
        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>\n'
        "        </resprocessing>\n"
        f'        <itemfeedback ident="general_fb"><flow_mat>{_mattext(feedback)}</flow_mat></itemfeedback>\n'
        "      </item>\n"
    )


def quiz(title: str, variants: list[Variant]) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">\n'
        f'  <assessment ident="quiz" title="{escape(title)}">\n'
        '    <section ident="root_section">\n'
    ]
    for n, problem in enumerate(variants[0].problems):
        for m, part in enumerate(problem.parts):
            out.append(
                f'    <section ident="g{part.label}" title="{part.label}">\n'
                "      <selection_ordering><selection><selection_number>1</selection_number><selection_extension>"
                f"<points_per_item>{plain(part.points)}</points_per_item></selection_extension></selection>"
                "</selection_ordering>\n")
            out += [(choice_item if part.options else item)(v.problems[n], v.problems[n].parts[m], v)
                    for v in variants]
            out.append("    </section>\n")
    out.append("    </section>\n  </assessment>\n</questestinterop>\n")
    return "".join(out)


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" identifier="manifest">\n'
    "  <metadata><schema>IMS Content</schema><schemaversion>1.1.3</schemaversion></metadata>\n"
    "  <organizations/>\n"
    "  <resources>\n"
    '    <resource identifier="quiz" type="imsqti_xmlv1p2"><file href="quiz/quiz.xml"/></resource>\n'
    "  </resources>\n"
    "</manifest>\n"
)


def canvas_package(title: str, variants: list[Variant]) -> bytes:
    return zip_bytes({"imsmanifest.xml": MANIFEST, "quiz/quiz.xml": quiz(title, variants)})
