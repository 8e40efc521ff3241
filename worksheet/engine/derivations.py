"""Derivatives worked by hand, in SymPy: the lines a teacher writes from a function's definition to
the form a student uses, each an expression SymPy can check, and the LaTeX of each line.

A registry entry (an activation or a loss) says how its definition is rewritten for
differentiation, as terms c * g(u) of a coefficient, an outer function g and an inner expression
u of the variable; the chain rule then gives c * g'(u) * u' term by term. Functions defined case
by case are differentiated case by case, and a layer function (softmax) by the quotient rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


def _sympy():
    import sympy

    return sympy


@dataclass(frozen=True)
class Products:
    """A sum of products written factor by factor, unevaluated: c * g'(u) * u' as a student writes
    it before simplifying. `dot` joins the factors with a visible product sign."""

    terms: tuple[tuple[Any, ...], ...]
    dot: bool = True

    def product(self):
        """The sum of the products, multiplied out but with the inner expressions kept whole."""
        sp = _sympy()
        return sp.Add(*(sp.Mul(*(sp.sympify(f) for f in t)) for t in self.terms))

    def value(self):
        return self.product().doit()


@dataclass(frozen=True)
class Written:
    """An expression printed in the order it was built (SymPy would sort its factors)."""

    expr: Any

    def value(self):
        return self.expr.doit()


@dataclass(frozen=True)
class Line:
    """One line of a derivation: what is done, in words; which side it continues ("f", the
    function; "df", its derivative); and the expressions it writes, each equal to the next."""

    what: str
    lhs: str
    rhs: tuple[Any, ...]


Term = tuple[Any, Callable | None, Any]  # (coefficient, outer function g or None for a constant, inner u)


def rewritten(terms: list[Term]) -> Products:
    """The definition as the terms c * g(u) it is differentiated in."""
    sp = _sympy()
    out = []
    for c, g, u in terms:
        out.append((c,) if g is None else (c, g(sp.UnevaluatedExpr(u))))
    return Products(tuple(out), dot=False)


def chained(terms: list[Term], x) -> Products:
    """The chain rule, term by term: c * g'(u) * du/dx, every factor shown."""
    sp = _sympy()
    U = sp.Dummy("u")
    out = []
    for c, g, u in terms:
        if g is None:
            continue  # a constant term differentiates to 0
        outer = sp.diff(g(U), U).subs(U, sp.UnevaluatedExpr(u))
        out.append((c, outer, sp.diff(u, x)))
    return Products(tuple(out))


def chain_lines(terms: list[Term], definition, x) -> list[Line]:
    """Rewrite, then differentiate by the chain rule and simplify. A definition already in the
    form differentiated (every inner expression the variable itself) is not rewritten."""
    sp = _sympy()
    lines = []
    if any(g is not None and u != x for _, g, u in terms):
        lines.append(Line("Rewrite for easier differentiation", "f", (rewritten(terms),)))
    chain = chained(terms, x)
    # One product keeps its inner expression whole, 2 (o - t); a sum goes over one denominator.
    simplified = sp.together(chain.value()) if len(chain.terms) > 1 else _as_fraction(chain.product())
    lines.append(Line("Differentiate using the chain rule", "df", (chain, simplified)))
    return lines


def _as_fraction(expr):
    """Negative powers of a kept-whole expression turned back into a denominator."""
    sp = _sympy()
    return expr.replace(
        lambda e: isinstance(e, sp.Pow) and isinstance(e.base, sp.UnevaluatedExpr) and e.exp.is_negative,
        lambda e: sp.Pow(e.base.args[0], e.exp),
    )


def output_form_line(terms: list[Term], in_terms_of_output) -> Line:
    """f'(x) with the output a = f(x) written in (as rewritten): the derivative as a function of
    the output, which the forward pass has already computed."""
    sp = _sympy()
    a = sp.UnevaluatedExpr(_as_fraction(rewritten(terms).product()))
    return Line("Write it in terms of the output", "df", (in_terms_of_output(a),))


def case_lines(definition, x) -> list[Line]:
    """A function defined case by case: each case differentiated on its own."""
    sp = _sympy()
    if isinstance(definition, sp.Piecewise):
        return [Line("Differentiate each case", "df", (sp.diff(definition, x),))]
    return [Line("Differentiate", "df", (sp.diff(definition, x),))]


def quotient_lines() -> list[Line]:
    """o_k = e^{z_k} / S with S the sum of the layer's exponentials, by the quotient rule:
    d e^{z_k}/dz_j = 1[k=j] e^{z_k} and dS/dz_j = e^{z_j}."""
    sp = _sympy()
    ek, ej, S, one, ok, oj = symbols_of_quotient()
    M = lambda *a: sp.Mul(*a, evaluate=False)
    A = lambda *a: sp.Add(*a, evaluate=False)
    rule = M(A(M(one, ek, S), M(-1, ek, ej)), sp.Pow(S, -2, evaluate=False))
    split = M(M(ek, sp.Pow(S, -1, evaluate=False)), sp.UnevaluatedExpr(A(one, M(-1, ej, sp.Pow(S, -1, evaluate=False)))))
    return [
        Line("Write the output as a quotient, with $S = \\sum_m e^{z_m}$", "f", (Written(M(ek, sp.Pow(S, -1, evaluate=False))),)),
        Line("Differentiate by the quotient rule, with $\\frac{\\partial e^{z_k}}{\\partial z_j} = "
             "\\mathbb{1}[k=j] \\thinspace e^{z_k}$ and $\\frac{\\partial S}{\\partial z_j} = e^{z_j}$", "df", (Written(rule), Written(split))),
        Line("Write it in terms of the outputs", "df", (Written(M(ok, sp.UnevaluatedExpr(A(one, M(-1, oj))))),)),
    ]


def symbols_of_quotient():
    """The symbols of the softmax quotient: e^{z_k}, e^{z_j}, S, the indicator 1[k=j], o_k, o_j."""
    sp = _sympy()
    return (sp.Symbol("e^{z_k}"), sp.Symbol("e^{z_j}"), sp.Symbol("S"), sp.Symbol(r"\mathbb{1}[k=j]"),
            sp.Symbol("o_k"), sp.Symbol("o_j"))


# ---------------------------------------------------------------- LaTeX


def latex(expr) -> str:
    """LaTeX of one expression of a line, as written (no reordering), with ln for the logarithm."""
    sp = _sympy()
    if isinstance(expr, str):
        return expr
    if isinstance(expr, Products):
        return _products_latex(expr)
    if isinstance(expr, Written):
        return sp.latex(expr.expr, order="none")
    return sp.latex(expr, ln_notation=True)


def _factor_latex(f, first: bool) -> str:
    sp = _sympy()
    if isinstance(f, sp.Pow) and f.exp == -1 and f.base.doit().is_Atom:
        return rf"\frac{{1}}{{{latex(f.base)}}}"  # 1/o rather than o^{-1}
    text = sp.latex(f, order="none", ln_notation=True)
    if not first and (isinstance(f, sp.Add) or text.startswith("-")):
        return rf"\left({text}\right)"
    return text


def _products_latex(p: Products) -> str:
    sp = _sympy()
    out = ""
    for t in p.terms:
        factors = list(t)
        if len(factors) > 1 and factors[0] == 1:
            factors = factors[1:]  # a coefficient of 1 is not written
        sep = r" \cdot " if p.dot else " "
        text = sep.join(_factor_latex(f, i == 0) for i, f in enumerate(factors))
        if not out:
            out = text
        elif text.startswith("-"):
            out += " - " + text[1:].lstrip()
        else:
            out += " + " + text
    return out


def lines_latex(lines: list[Line]) -> list[list[Any]]:
    """[what, lhs, [LaTeX of each expression]] for every line: what formulas.json stores."""
    return [[line.what, line.lhs, [latex(e) for e in line.rhs]] for line in lines]
