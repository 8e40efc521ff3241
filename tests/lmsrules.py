"""How each LMS reads and scores an exported numerical question, as its source or documentation
says, and the exam variants the exports are made from (for the tests of the LMS exports)."""

from __future__ import annotations

import html
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from worksheet import api
from worksheet.options import Network, Sheet
from worksheet.assessment.examdir import variant_code, variant_seed
from worksheet.assessment.sheets import build_problems, sheet_context
from worksheet.publish.lms.items import variant

# ---------------------------------------------------------------- the configurations

NETWORKS = {
    "default": ({}, None),
    "reference": ({}, "specs/reference.toml"),
    "tanh-3-4-2": ({"layers": "3-4-2", "activation": "tanh", "bias": True}, None),
    "softmax-ce": ({"layers": "2-3-3", "activation": "sigmoid,softmax", "loss": "cross_entropy", "bias": True}, None),
}
LEVELS = ("forward", "loss", "output", "hidden", "full")
# The reference network, a 3-4-2 tanh network with biases, a softmax/cross-entropy network.
CASES = [(n, lv) for n in NETWORKS if n != "default" for lv in LEVELS]


def exam_variants(network: str, level: str, count: int = 3, seed: int = 2026):
    """The title and LMS records of an exam's first `count` variants, as `worksheet exam` draws them."""
    options, spec = NETWORKS[network]
    sheet = api.load_sheet(Network(**options), Sheet(level=level), spec, "LMS test")
    out = []
    for sid in map(str, range(1, count + 1)):
        s = variant_seed(seed, sid)
        code = variant_code(s)
        drawn = build_problems(sheet, s)
        ctx = sheet_context(sheet, drawn, {"code": code, "options_hash": sheet.options_hash()},
                            student={"id": sid, "name": ""})
        out.append(variant(ctx, drawn, sid, code))
    return sheet.title, out


def parts_by_name(variants):
    """Every part by the name its question carries: (label, variant code)."""
    return {(part.label, v.code): part for v in variants for p in v.problems for part in p.parts}


def reachable(part, steps: int = 8) -> list[Decimal]:
    """Values of the interval a hand computation can reach: both ends and points between."""
    return [part.lo + (part.hi - part.lo) * n / steps for n in range(steps + 1)]


def written(x: Decimal, places: int) -> Decimal:
    """A reachable value as a student writes it: rounded to the digits asked for."""
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- Moodle

# question/type/numerical/question.php, qtype_numerical_answer::get_tolerance_interval() and
# within_tolerance(): with PHP's default precision of 14, a nominal tolerance t around answer a
# accepts [a - t', a + t'] with t' = t + 1e-14 * max(1, |a|), in double arithmetic, bounds included.
PHP_PRECISION = 14


def moodle_accepts(answer: str, tolerance: str, response: str) -> bool:
    a, t, x = float(answer), abs(float(tolerance)), float(response)
    t = t + 10.0 ** -PHP_PRECISION * max(1.0, abs(a))
    return a - t <= x <= a + t


# question/type/multianswer/questiontype.php: the cloze grammar, as its regular expressions
# (PCRE's variable-width look-behind (?<!\\|&|&amp;) split into three fixed-width ones).
_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
_NUMERICAL = f"^({_NUMBER})(:{_NUMBER})?$"
_TYPES = (r"(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|"
          r"(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)|(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|"
          r"(MULTICHOICE_HS|MCHS)|(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|"
          r"(MULTIRESPONSE_HS|MRHS)")
_START = r"\{([0-9]*):(" + _TYPES + "):"
ANSWER_RE = re.compile(_START + "(" + _ALTERNATIVE + "(~" + _ALTERNATIVE + ")*)\\}", re.S)
ALTERNATIVE_RE = re.compile("~?" + _ALTERNATIVE, re.S)
NUMERICAL_RE = re.compile(_NUMERICAL, re.S)


def parse_cloze(text: str) -> list[dict]:
    """The sub-questions of a cloze question text, as qtype_multianswer_extract_question reads
    them: weight, type, and each alternative's fraction, answer, tolerance and feedback."""
    subs = []
    while m := ANSWER_RE.search(text):
        sub = {"weight": int(m.group(1) or 1), "numerical": bool(m.group(3)), "alternatives": []}
        rest = m.group(16)
        while a := ALTERNATIVE_RE.search(rest):
            fraction = 1 if a.group(1) == "=" else Decimal(a.group(2).replace(",", ".")) / 100 if a.group(2) else 0
            feedback = a.group(5)
            if feedback is not None:
                feedback = html.unescape(feedback).replace("\\}", "}").replace("\\#", "#")
            alt = {"fraction": fraction, "feedback": feedback or ""}
            n = NUMERICAL_RE.search(a.group(3)) if sub["numerical"] else None
            if n:
                alt["answer"], alt["tolerance"] = n.group(1), n.group(6) or "0"
            else:
                alt["answer"] = html.unescape(a.group(3)).replace("\\}", "}").replace("\\#", "#")
            sub["alternatives"].append(alt)
            rest = rest.split(a.group(0), 1)[1]
        subs.append(sub)
        text = text.replace(m.group(0), f"{{#{len(subs)}}}", 1)
    return subs


# ---------------------------------------------------------------- QTI 2.1

# IMS QTI 2.1 information model, expression "equal": toleranceMode="absolute" with tolerance
# "t0 t1" matches x to y when y - t0 <= x <= y + t1 (includeLowerBound, includeUpperBound: true
# by default). Values of baseType float are doubles.
def qti_accepts(correct: str, tolerance: str, response: str, lower: bool = True, upper: bool = True) -> bool:
    t = tolerance.split()
    t0, t1 = float(t[0]), float(t[-1])
    y, x = float(correct), float(response)
    low_ok = x >= y - t0 if lower else x > y - t0
    high_ok = x <= y + t1 if upper else x < y + t1
    return low_ok and high_ok


# ---------------------------------------------------------------- Canvas

def canvas_import(exact: str, upper: str) -> tuple[float, float]:
    """gems/plugins/qti_exporter/lib/qti/numeric_interaction.rb: an exact answer as exact.to_f and
    its margin as (BigDecimal(upper) - BigDecimal(exact)).to_f."""
    return float(exact), float(Decimal(upper) - Decimal(exact))


def canvas_accepts(exact: float, margin: float, typed: str, app: bool = False) -> bool:
    """app/models/quizzes/quiz_question/numerical_question.rb: BigDecimal(exact.to_s) -
    BigDecimal(margin.to_s) <= BigDecimal(answer) <= ... + margin. What reaches it: the quiz page
    turns typed values below 1e-4 in magnitude into 0 (text2qti issue 51); the mobile app keeps 4
    decimals, cutting the rest (canvas-ios pull request 1143: 2.42525111 becomes 2.4252)."""
    x = Decimal(typed)
    if app:
        x = x.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    if abs(x) < Decimal("0.0001"):
        x = Decimal(0)
    val, m = Decimal(repr(exact)), Decimal(repr(margin))
    return val - m <= x <= val + m
