"""Moodle XML: one category per question (or per problem, as cloze) holding every variant, each
with its worked solution as general feedback.

What Moodle's importer does with it (question/format/xml/format.php, question/type/numerical,
question/type/multianswer/questiontype.php): a numerical answer is right when it lies within
answer +- (tolerance + 1e-14 * max(1, |answer|)), bounds included; a cloze question's
{weight:NUMERICAL:=answer:tolerance#feedback} is read by the regular expressions of
multianswer's questiontype.php, which end a feedback at an unescaped } or ~."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from html import escape
from math import lcm

from . import html
from .items import Part, Problem, Variant, plain

STYLES = ("numerical", "cloze")


def category_path(title: str, leaf: str) -> str:
    """$course$/<title>/<leaf>: Moodle splits a category path at /, and reads // as a / of a name."""
    return "/".join(["$course$", title.replace("/", "//"), leaf.replace("/", "//")])


def question_name(label: str, name: str, code: str) -> str:
    return f"{label} {name} · variant {code}"


def _text(tag: str, body: str, fmt: str | None = None) -> str:
    attr = f' format="{fmt}"' if fmt else ""
    return f"<{tag}{attr}><text>{escape(body, quote=False)}</text></{tag}>"


def _category(path: str) -> str:
    return f'  <question type="category">\n    {_text("category", path)}\n  </question>\n'


def _answer_line(part: Part) -> str:
    low, high = plain(part.key - part.tolerance), plain(part.key + part.tolerance)
    return html.paragraph(f"Answer: {plain(part.key)} (accepted from {low} to {high}).")


def _numerical(problem: Problem, part: Part, code: str) -> str:
    return _question(
        "numerical", problem, part, code, f"{part.prompt} Give it to {part.places} decimal places.",
        _answer_line(part),
        '    <answer fraction="100" format="moodle_auto_format">\n'
        f"      <text>{plain(part.key)}</text>\n"
        '      <feedback format="html"><text></text></feedback>\n'
        f"      <tolerance>{plain(part.tolerance)}</tolerance>\n"
        "    </answer>\n"
        "    <unitgradingtype>0</unitgradingtype>\n"
        "    <unitpenalty>0</unitpenalty>\n"
        "    <showunits>3</showunits>\n"
        "    <unitsleft>0</unitsleft>\n")


def _multichoice(problem: Problem, part: Part, code: str) -> str:
    """A multiple-choice question: the options in the paper's order and lettering (not shuffled),
    so a letter means the same in Moodle's results as in answers.csv."""
    answers = "".join(
        f'    <answer fraction="{100 if letter == part.choice else 0}" format="html">\n'
        f"      <text>{escape(value, quote=False)}</text>\n"
        '      <feedback format="html"><text></text></feedback>\n'
        "    </answer>\n" for letter, value in part.options)
    return _question(
        "multichoice", problem, part, code, part.prompt, html.paragraph(f"Answer: {part.choice}, {plain(part.key)}."),
        "    <single>true</single>\n"
        "    <shuffleanswers>false</shuffleanswers>\n"
        "    <answernumbering>ABCD</answernumbering>\n"
        f"{answers}")


def _question(kind: str, problem: Problem, part: Part, code: str, prompt: str, answer: str, rest: str) -> str:
    """A question of `kind`: the problem's data and the question's `prompt`, the worked solution
    and `answer` as general feedback, then the kind's own elements `rest`."""
    body = (html.paragraph(f"<strong>{html.text(problem.title)}</strong>") + problem.data
            + html.paragraph(f"<strong>{part.label}</strong> {prompt}"))
    return (
        f'  <question type="{kind}">\n'
        f"    {_text('name', question_name(part.label, part.name, code))}\n"
        f"    {_text('questiontext', body, 'html')}\n"
        f"    {_text('generalfeedback', part.work + answer, 'html')}\n"
        f"    <defaultgrade>{plain(part.points)}</defaultgrade>\n"
        "    <penalty>0</penalty>\n"
        "    <hidden>0</hidden>\n"
        f"{rest}"
        "  </question>\n"
    )


# Characters that end or split a cloze answer's feedback (} ~ #) and line ends (the grammar's `$`
# matches before a final newline): written as numeric character references. multianswer decodes
# the feedback with html_entity_decode once, after its regular expressions have split the answer,
# so every & is escaped once more and the feedback comes out as the HTML it was. Then it turns
# `\}` and `\#` into `}` and `#`; a backslash is therefore written as a reference that survives
# the decoding (&#92;), which the browser shows as the backslash it is.
_CLOZE_ESCAPES = {c: f"&#{ord(c)};" for c in "{}~#\n\r"} | {"\\": "&amp;#92;"}


def cloze_escape(fragment: str) -> str:
    """An HTML fragment as a cloze answer's feedback."""
    return "".join(_CLOZE_ESCAPES.get(c, c) for c in fragment.replace("&", "&amp;"))


def weights(points: list[Decimal]) -> list[int]:
    """Cloze weights: the points, scaled by the smallest whole factor that makes them all whole
    numbers (the cloze syntax takes only those). Moodle makes their sum the question's mark, so
    whole points stay the mark as given."""
    fractions = [Fraction(p) for p in points]
    scale = lcm(*(f.denominator for f in fractions))
    return [int(f * scale) for f in fractions]


def _cloze(problem: Problem, code: str) -> str:
    body = [html.paragraph(f"<strong>{html.text(problem.title)}</strong>"), problem.data]
    feedback = []
    for part, weight in zip(problem.parts, weights([p.points for p in problem.parts])):
        note = cloze_escape(html.text(f"{part.label}: {plain(part.key)}, accepted from {plain(part.key - part.tolerance)} "
                            f"to {plain(part.key + part.tolerance)}"))
        if part.options:  # the options in the paper's order: MULTICHOICE keeps it, MULTICHOICE_S would not
            choices = "~".join(("=" if letter == part.choice else "") + value for letter, value in part.options)
            field = f"{{{weight}:MULTICHOICE:{choices}}}"
            ask = ""
        else:
            field = f"{{{weight}:NUMERICAL:={plain(part.key)}:{plain(part.tolerance)}#{note}}}"
            ask = f"Give it to {part.places} decimal places. "
        body.append(html.paragraph(f"<strong>{part.label}</strong> {part.prompt} {ask}{field}"))
        feedback.append(html.paragraph(f"<strong>{part.label}</strong>") + part.work + _answer_line(part))
    return (
        '  <question type="cloze">\n'
        f"    {_text('name', f'Problem {problem.number} · variant {code}')}\n"
        f"    {_text('questiontext', ''.join(body), 'html')}\n"
        f"    {_text('generalfeedback', ''.join(feedback), 'html')}\n"
        "    <penalty>0</penalty>\n"
        "    <hidden>0</hidden>\n"
        "  </question>\n"
    )


def moodle_xml(title: str, variants: list[Variant], style: str) -> str:
    """The quiz file: categories in question order, each holding every variant."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    first = variants[0]
    for n, problem in enumerate(first.problems):
        if style == "cloze":
            out.append(_category(category_path(title, f"Problem {problem.number}")))
            out += [_cloze(v.problems[n], v.code) for v in variants]
            continue
        for m, part in enumerate(problem.parts):
            out.append(_category(category_path(title, part.label)))
            out += [(_multichoice if part.options else _numerical)(v.problems[n], v.problems[n].parts[m], v.code)
                    for v in variants]
    out.append("</quiz>\n")
    return "".join(out)
