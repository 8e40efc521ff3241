"""LaTeX math to MathML at build time, so a page renders its formulas without a script or a network."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from ...errors import RenderError

# The walkthrough numbers no equations (GitHub's MathJax does not): `align` becomes `align*`.
_ALIGN = re.compile(r"\\(begin|end)\{align\}")
# latex2mathml writes every operator as a numeric character reference; the page is UTF-8, so the
# characters themselves are shorter. The markup's own three stay escaped.
_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]+);")
_KEEP_ESCAPED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_NAMESPACE = ' xmlns="http://www.w3.org/1998/Math/MathML"'
_INLINE_MATH = re.compile(r"\$([^$]+)\$")
# What the converter leaves of LaTeX it does not know: a command, or an alignment mark outside a table.
_LEFT_OVER = re.compile(r"\\|&(?!(lt|gt|amp);)")


def _character(match: re.Match) -> str:
    ch = chr(int(match.group(1), 16))
    return _KEEP_ESCAPED.get(ch, ch)


@lru_cache(maxsize=None)
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
    if _LEFT_OVER.search(out):
        raise RenderError(f"formula {latex!r} leaves LaTeX in its MathML")
    return out


def text_with_math(text: str) -> str:
    """HTML for text with $...$ formulas: the text escaped, each formula as MathML."""
    parts = _INLINE_MATH.split(text)
    return "".join(mathml(p) if n % 2 else html.escape(p, quote=False) for n, p in enumerate(parts))
