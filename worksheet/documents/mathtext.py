"""Worked lines' expressions written out: in TeX math (what the Markdown, LaTeX and HTML documents
show) and in plain Unicode text."""

from __future__ import annotations

from .expressions import Num, Sym
from .notation import plain_symbol, tex_symbol
from .numbers import tex_form

TEX, PLAIN = 0, 1

# Each operation's spelling in TeX and in plain text, {0} and {1} its operands as written.
_SPELLING = {
    "sub": ("{0} - {1}", "{0} − {1}"),
    "neg": ("-{0}", "−{0}"),
    "times": (r"{0} \times {1}", "{0} × {1}"),
    "dot": (r"{0} \cdot {1}", "{0} · {1}"),
    "frac": (r"\frac{{{0}}}{{{1}}}", "{0}/{1}"),
    "pow": ("{0}^{1}", "{0}^{1}"),
    "exp": ("e^{{{0}}}", "e^({0})"),
    "bracket": (r"\left[{0}\right]", "[{0}]"),
    "sigma": (r"\sigma({0})", "σ({0})"),
    "tanh": (r"\tanh({0})", "tanh({0})"),
    "max": (r"\max({0}, {1})", "max({0}, {1})"),
    "fprime": ("f'({0})", "f'({0})"),
    "partial": (r"\frac{{\partial {0}}}{{\partial {1}}}", "∂{0}/∂{1}"),
    "sum": (r"\sum_{0} {1}", "Σ_{0} {1}"),
    "new": ("{0}^{{new}}", "{0}_new"),
    "eq": ("{0} = {1}", "{0} = {1}"),
    "gt": ("{0} > {1}", "{0} > {1}"),
    "le": (r"{0} \le {1}", "{0} ≤ {1}"),
    "because": (r"{0} \quad \text{{because }} {1}", "{0}, because {1}"),
}
_SYMBOL = (tex_symbol, plain_symbol)
_LN = (r"\ln", "ln")
_PLUS = " + "

# Where an operand is written in parentheses (the same in every format, so both show the same
# numbers): a sum or difference as a factor, a power's base, a negation's operand or what is
# subtracted; any operation as a power's base; a negative number in a sum, a product, a power or
# a negation and after a minus, but not before one (-0.63 - 0.00206). Plain text, without TeX's
# two-storey fractions, also groups a fraction's compound parts and a fraction as a factor:
# 1/(1 + e^(−0.09200)), (1/2)(t_1 − o1)^2.
_SUMS = frozenset({"add", "sub"})
_FACTORS = frozenset({"mul", "times", "dot", "pow", "neg"})
_NEGATIVE_GROUPED = frozenset({"add", "mul", "times", "dot", "pow", "neg"})
_PLAIN_ATOMS = frozenset({"sigma", "tanh", "max", "fprime", "exp", "partial"})


def tex(x) -> str:
    """The expression in TeX math."""
    return _write(x, TEX)


def plain(x) -> str:
    """The expression in plain Unicode text: no backslash, no dollar sign."""
    return _write(x, PLAIN)


def _write(x, form: int) -> str:
    if type(x) is not tuple:
        return _operand("", 0, x, form)
    op = x[0]
    if op == "add":
        return _PLUS.join([_operand("add", 1, part, form) for part in x[1:]])
    if op == "mul":
        left, right = _operand("mul", 0, x[1], form), _operand("mul", 1, x[2], form)
        # side by side: w_{5} h_{1}, but \frac{1}{2}(t_{1} - o_{1})^2 and o_{1}(1 - o_{1})
        return left + right if right[0] in "([" or right.startswith(r"\left[") else f"{left} {right}"
    if op == "ln":
        arg = x[1]
        atom = type(arg) is Sym or (type(arg) is Num and arg.text[0] != "-")
        inner = _write(arg, form)
        return f"{_LN[form]} {inner}" if atom else f"{_LN[form]}({inner})"
    if op == "pow" or op == "new":
        base = _operand(op, 0, x[1], form)
        if form == TEX and type(x[1]) is Sym and "^" in base:  # h^{(2)}_{1} takes a power as {h^{(2)}_{1}}^2
            base = "{" + base + "}"
        return _SPELLING[op][form].format(base, x[2] if op == "pow" else "")
    return _SPELLING[op][form].format(*[_operand(op, position, part, form) for position, part in enumerate(x[1:])])


def _operand(parent: str, position: int, x, form: int) -> str:
    """x written as operand `position` of `parent`, in parentheses where it needs them."""
    kind = type(x)
    if kind is Sym:
        return _SYMBOL[form](x.kind, x.of)
    if kind is Num:
        text = x.text
        written = _number(text, form) if "e" in text or form == PLAIN else text
        negative = text[0] == "-" and (parent in _NEGATIVE_GROUPED or (parent == "sub" and position == 1))
        return f"({written})" if negative else written
    if kind is not tuple:  # a small integer, or the running index of a sum
        return str(x)
    text = _write(x, form)
    return f"({text})" if _grouped(parent, position, x[0], form) else text


def _grouped(parent: str, position: int, op: str, form: int) -> bool:
    if form == PLAIN and parent == "frac":  # 1/(1 + e^(−0.09200))
        return op not in _PLAIN_ATOMS
    if op in _SUMS:
        return parent in _FACTORS or (parent == "sub" and position == 1)
    if parent == "pow":
        return True
    return form == PLAIN and op == "frac" and parent in _FACTORS and parent != "neg"  # (1/2)(t_1 − o1)^2


def _number(text: str, form: int) -> str:
    if "e" in text:
        if form == TEX:
            return tex_form(text)
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa} × 10^{exponent}"
    return text if form == TEX else text.replace("-", "−")
