"""LaTeX math to MathML at build time, so a page renders its formulas without a script or a network."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from ..errors import RenderError

# The walkthrough numbers no equations (GitHub's MathJax does not): `align` becomes `align*`.
_ALIGN = re.compile(r"\\(begin|end)\{align\}")
# latex2mathml writes every operator as a numeric character reference; the page is UTF-8, so the
# characters themselves are shorter. The markup's own three stay escaped.
_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]+);")
_KEEP_ESCAPED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_NAMESPACE = ' xmlns="http://www.w3.org/1998/Math/MathML"'
_INLINE_MATH = re.compile(r"\$([^$]+)\$")
# MathML Core infers an operator's form from its place in a row, so a bracket or minus sign inside a
# row would get an infix operator's space on both sides, as in "tanh ( x )" and "= − 0.44". The
# converter's opening brackets, and its minus signs that open a row or follow an operator other
# than a closing bracket, are marked as prefix (closing brackets as postfix), as LaTeX sets them.
_OPENING = re.compile(r'<mo stretchy="false">([(\[{])</mo>')
_CLOSING = re.compile(r'<mo stretchy="false">([)\]}])</mo>')
_UNARY_MINUS = re.compile(r"(<mo[^>]*>[^<)\]}|]*</mo>|<mrow>)<mo>−</mo>")
# Chromium sets a stretchy bracket (\left( ... \right)) apart from what it encloses even where it
# need not grow; around content no taller than a line it is set as a plain bracket.
_FENCE = re.compile(r'<mrow><mo stretchy="true" fence="true" form="prefix">(.)</mo>'
                    r"((?:(?!<mrow>|</mrow>|<mfrac>|<mtable|<munder|<mover|<msqrt).)*)"
                    r'<mo stretchy="true" fence="true" form="postfix">(.)</mo></mrow>')
_PLAIN_FENCE = r'<mrow><mo stretchy="false" form="prefix">\1</mo>\2<mo stretchy="false" form="postfix">\3</mo></mrow>'
# A function name such as ln sits a thin space from the number, letter or subscripted letter beside
# it and from the bracket it follows, as TeX's \ln does: 0.01 ln 0.75, t_k ln o_k, (1 - t) ln(1 - o),
# not 0.01ln0.75 (none before an opening bracket, none inside a script).
_FUNCTION = r"<mi>(?:ln|log|exp|tanh|sin|cos)</mi>"
_SPACE_BEFORE = re.compile(rf"(?:(?<=</mn>)|(?<=</mi>)|(?<=</msub>)|(?<=</msup>)|(?<=\)</mo>)|(?<=\]</mo>))({_FUNCTION})")
_SPACE_AFTER = re.compile(rf"(?<!<msub>)(?<!<msup>)(?<!<msubsup>)({_FUNCTION})(?=<m[ni][ >]|<msub>|<msup>)")
# The converter writes \max and \min as operators, which Chromium sets apart on both sides
# ("= max (0, x)"); TeX sets them as function names, as MathML's <mi> does: "= max(0, x)".
_LIMIT_OPERATOR = re.compile(r"<mo>(max|min)</mo>")
_THIN_SPACE = '<mspace width="0.1667em"/>'

# A row of one token is the token itself; the row that wraps a whole formula is <math> itself, and
# inline is <math>'s default display. Dropping them makes a page of twenty problems a fifth smaller.
_SINGLE_TOKEN_ROW = re.compile(r"<mrow>(<(mi|mn)>[^<]*</\2>)</mrow>")
_ROW_TAG = re.compile(r"<(/?)mrow>")
# What the converter leaves of LaTeX it does not know: a command, or an alignment mark outside a table.
_LEFT_OVER = re.compile(r"\\|&(?!(lt|gt|amp);)")


def _character(match: re.Match) -> str:
    ch = chr(int(match.group(1), 16))
    return _KEEP_ESCAPED.get(ch, ch)


# Bounded: the formulas of one page repeat (symbols, rules), its numbers mostly do not.
@lru_cache(maxsize=4096)
def mathml(latex: str, display: bool = False) -> str:
    """One formula as a <math> element for HTML. Raises RenderError for LaTeX the converter
    cannot read, or that it would show as a raw command."""
    from latex2mathml.converter import convert

    source = _ALIGN.sub(lambda m: f"\\{m.group(1)}{{align*}}", latex.strip())
    try:
        out = convert(source, display="block" if display else "inline")
    except Exception as exc:  # the converter raises its own exception types and plain ones alike
        raise RenderError(f"formula {latex!r} cannot be converted to MathML: {exc}") from None
    out = _REFERENCE.sub(_character, out).replace(_NAMESPACE, "", 1)
    out = _OPENING.sub(r'<mo stretchy="false" form="prefix">\1</mo>', out)
    out = _CLOSING.sub(r'<mo stretchy="false" form="postfix">\1</mo>', out)
    out = _UNARY_MINUS.sub(r'\1<mo form="prefix">−</mo>', out)
    out = _FENCE.sub(_PLAIN_FENCE, out)
    out = _LIMIT_OPERATOR.sub(r"<mi>\1</mi>", out)
    out = _SPACE_BEFORE.sub(_THIN_SPACE + r"\1", out)
    out = _SPACE_AFTER.sub(r"\1" + _THIN_SPACE, out)
    out = _SINGLE_TOKEN_ROW.sub(r"\1", out)
    out = _without_outer_row(out)
    if _LEFT_OVER.search(out):
        raise RenderError(f"formula {latex!r} leaves LaTeX in its MathML")
    return out


def _without_outer_row(math: str) -> str:
    """<math><mrow>...</mrow></math> as <math>...</math> when that one row holds the whole formula."""
    head, _, body = math.partition(">")
    head = head.replace(' display="inline"', "")
    inner = body[:-len("</math>")]
    if inner.startswith("<mrow>") and inner.endswith("</mrow>"):
        depth = 0
        for tag in _ROW_TAG.finditer(inner):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                if tag.end() == len(inner):
                    inner = inner[len("<mrow>"):-len("</mrow>")]
                break
    return f"{head}>{inner}</math>"


def text_with_math(text: str) -> str:
    """HTML for text with $...$ formulas: the text escaped, each formula as MathML."""
    parts = _INLINE_MATH.split(text)
    return "".join(mathml(p) if n % 2 else html.escape(p, quote=False) for n, p in enumerate(parts))
