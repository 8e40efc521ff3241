"""Worked lines written out: TeX math as the documents show it, plain Unicode text with the same
numbers and no TeX; every key line of a spread of sheets through both."""

from __future__ import annotations

import re

import pytest

from worksheet import Network, Sheet, api
from worksheet.assessment.sheets import build_problems, worked_answers
from worksheet.documents.expressions import E_TOTAL, Num, Sym
from worksheet.documents.mathtext import _SPELLING, plain, tex
from worksheet.documents.numbers import Formatter

H1, NET_H1, W5, ETA = Sym("value", "h1"), Sym("net", "h1"), Sym("weight", "5"), Sym("eta")
O1, T1 = Sym("value", "o1"), Sym("target", "1")


@pytest.mark.parametrize("expression, in_tex, in_plain", [
    # symbols, spelled by documents/notation.py
    (NET_H1, r"\text{net}_{h1}", "net_h1"),
    (Sym("net", "h2.1"), r"\text{net}_{h^{(2)}_{1}}", "net_h2.1"),
    (Sym("value", "i2"), "I_{2}", "I2"),
    (Sym("bias", "h2.1"), "b^{(2)}_{1}", "b_h2.1"),
    (Sym("delta", "o2"), r"\delta_{o2}", "δ_o2"),
    (E_TOTAL, "E_{total}", "E_total"),
    (("partial", E_TOTAL, W5), r"\frac{\partial E_{total}}{\partial w_{5}}", "∂E_total/∂w5"),
    (("new", Sym("bias", "h2.1")), "{b^{(2)}_{1}}^{new}", "b_h2.1_new"),
    (("new", W5), "w_{5}^{new}", "w5_new"),
    # numbers: negatives grouped after an operator or in a product, bare first in a difference
    (("sub", Num("-0.63"), ("times", Num("0.5"), Num("-0.00412"))),
     r"-0.63 - 0.5 \times (-0.00412)", "−0.63 − 0.5 × (−0.00412)"),
    (("add", Num("-0.00982"), Num("-0.01963")), "(-0.00982) + (-0.01963)", "(−0.00982) + (−0.01963)"),
    (("times", Num("1.88e-9"), Num("-2")), r"1.88 \times 10^{-9} \times (-2)", "1.88 × 10^−9 × (−2)"),
    (("sub", 1, ("pow", Num("-0.3"), 2)), "1 - (-0.3)^2", "1 − (−0.3)^2"),
    # products: side by side, with a dot, with a times sign
    (("add", ("mul", W5, H1), Sym("bias", "o1")), "w_{5} h_{1} + b_{o1}", "w5 h1 + b_o1"),
    (("mul", H1, ("sub", 1, H1)), "h_{1}(1 - h_{1})", "h1(1 − h1)"),
    (("dot", Sym("delta", "h1"), Sym("value", "i2")), r"\delta_{h1} \cdot I_{2}", "δ_h1 · I2"),
    (("sub", W5, ("mul", ETA, ("partial", E_TOTAL, W5))),
     r"w_{5} - \eta \frac{\partial E_{total}}{\partial w_{5}}", "w5 − η ∂E_total/∂w5"),
    (("mul", ("frac", 1, 2), ("pow", ("sub", T1, O1), 2)), r"\frac{1}{2}(t_{1} - o_{1})^2", "(1/2)(t_1 − o1)^2"),
    (("pow", Sym("value", "h2.1"), 2), "{h^{(2)}_{1}}^2", "h2.1^2"),
    # the hand forms
    (("frac", 1, ("add", 1, ("exp", Num("-0.09200")))), r"\frac{1}{1 + e^{-0.09200}}", "1/(1 + e^(−0.09200))"),
    (("max", ("mul", Sym("alpha"), NET_H1), NET_H1), r"\max(\alpha \text{net}_{h1}, \text{net}_{h1})",
     "max(α net_h1, net_h1)"),
    (("neg", ("mul", ("frac", 1, 2), ("bracket", ("add", ("mul", T1, ("ln", O1)),
                                                        ("mul", ("sub", 1, T1), ("ln", ("sub", 1, O1))))))),
     r"-\frac{1}{2}\left[t_{1} \ln o_{1} + (1 - t_{1}) \ln(1 - o_{1})\right]",
     "−(1/2)[t_1 ln o1 + (1 − t_1) ln(1 − o1)]"),
    (("neg", ("frac", T1, O1)), r"-\frac{t_{1}}{o_{1}}", "−t_1/o1"),
    (("dot", ("frac", 1, 2), ("frac", ("sub", O1, T1), ("mul", O1, ("sub", 1, O1)))),
     r"\frac{1}{2} \cdot \frac{o_{1} - t_{1}}{o_{1}(1 - o_{1})}", "(1/2) · ((o1 − t_1)/(o1(1 − o1)))"),
    (("sum", "k", ("mul", ("partial", E_TOTAL, Sym("value", "k")), ("partial", Sym("value", "k"), NET_H1))),
     r"\sum_k \frac{\partial E_{total}}{\partial o_k} \frac{\partial o_k}{\partial \text{net}_{h1}}",
     "Σ_k ∂E_total/∂o_k ∂o_k/∂net_h1"),
    (("frac", ("exp", ("sub", Sym("net", "o1"), Num("60.0"))), ("sum", "m", ("exp", Sym("net", "m")))),
     r"\frac{e^{\text{net}_{o1} - 60.0}}{\sum_m e^{\text{net}_m}}", "e^(net_o1 − 60.0)/(Σ_m e^(net_m))"),
    (("because", Num("0.01"), ("le", ("eq", NET_H1, Num("-0.3")), 0)),
     r"0.01 \quad \text{because } \text{net}_{h1} = -0.3 \le 0", "0.01, because net_h1 = −0.3 ≤ 0"),
    (("fprime", NET_H1), r"f'(\text{net}_{h1})", "f'(net_h1)"),
    (("tanh", Num("-0.5")), r"\tanh(-0.5)", "tanh(−0.5)"),
])
def test_an_expression_in_tex_and_in_plain_text(expression, in_tex, in_plain):
    assert tex(expression) == in_tex
    assert plain(expression) == in_plain


# Every operation of the expression model (documents/expressions.py) and the operands it takes,
# listed here by hand: a new operation must be added, and so written in plain text too.
ARITY = {"add": 3, "sub": 2, "neg": 1, "mul": 2, "times": 2, "dot": 2, "frac": 2, "pow": 2, "exp": 1,
         "bracket": 1, "sigma": 1, "tanh": 1, "ln": 1, "max": 2, "fprime": 1, "partial": 2, "sum": 2,
         "new": 1, "eq": 2, "gt": 2, "le": 2, "because": 2}


def test_every_operation_is_written_in_plain_text_without_tex():
    assert set(ARITY) == set(_SPELLING) | {"add", "mul", "ln"}
    x = Num("-0.25")
    for op, arity in ARITY.items():
        operands = ("k", x) if op == "sum" else (x, 2) if op == "pow" else (x,) * arity
        text = plain((op, *operands))
        assert "\\" not in text and "$" not in text and "{" not in text, (op, text)
        assert text.count("0.25") == operands.count(x), (op, text)  # every number is written, once


# ---------------------------------------------------------------- every key line of a spread of sheets

SPREAD = [
    (dict(layers="2-3-2", bias=True), ("forward", "loss", "output", "hidden", "full")),
    (dict(layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True), ("hidden", "full")),
    (dict(layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce", leaky_slope=0.1), ("loss", "full")),
    (dict(layers="2-3-3", activation="tanh,softmax", loss="bce", bias=True), ("output", "full")),
    (dict(layers="2-2", activation="linear", loss="mse"), ("loss", "full")),
    (dict(layers="2-2-2", activation="tanh", loss="mse"), ("loss", "full")),
    (dict(layers="2-3-2", update_order="sequential", bias=True), ("hidden", "full")),
    (dict(layers="2-3-2", rounding="carried", precision=4, bias=True), ("hidden", "full")),
    (dict(layers="2-2-2", lr=0.01, precision=6), ("full",)),
    (dict(layers="3-2-2", activation="relu,linear", bias=True, bias_policy="frozen"), ("full",)),
]
# Printed numbers with a decimal point, not inside a name (h2.1): TeX's -0.5 or (-0.5) is plain −0.5.
_NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+")


def _numbers(text: str) -> list[str]:
    return _NUMBER.findall(text.replace("−", "-"))


@pytest.mark.parametrize("options, levels", SPREAD, ids=[o["layers"] + " " + str(sorted(o)) for o, _ in SPREAD])
def test_every_key_line_in_plain_text_has_the_numbers_of_its_tex(options, levels):
    lines = 0
    for level in levels:
        for seed in range(3):
            sheet = api.load_sheet(Network(**options, seed=seed), Sheet(level=level, problems=1), None, "P")
            for p in build_problems(sheet, seed):
                spec = p.trace.spec
                answers, working = worked_answers(p, Formatter(spec.precision, spec.rounding == "exact"))
                for line in working + [line for _, work, _ in answers for line in work]:
                    text, math = line.plain(), line.tex()
                    assert "\\" not in text and "$" not in text, text
                    assert _numbers(text) == _numbers(math), (text, math)
                    assert text.count(" = ") == math.count(" = ")
                    lines += 1
    assert lines > 20
