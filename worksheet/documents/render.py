"""Jinja environments, the number filters, template lookup, and the Markdown table of contents."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from ..errors import RenderError


class RawFloatError(RenderError):
    """A number reached a template's output without going through the formatter."""


def _finalize(value):
    # Every number is formatted in context.py; a raw float here is a forgotten formatter.
    if isinstance(value, float):
        raise RawFloatError(f"a raw float {value!r} reached a template; format it in the context")
    return value


# A template is found by its name alone: the section templates shared by every format sit at the
# top of templates/, the entry templates and the partials of one format in its folder, and the
# dialects (one per format: headings, emphasis, tables, math, escaping) in templates/dialects/.
_SEARCH_PATH = (".", "markdown", "latex")


@cache
def _environment():
    import jinja2

    from ..resources import templates_dir

    root = templates_dir()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(root / folder) for folder in _SEARCH_PATH]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        autoescape=False,
        # nbconvert's delimiters, for every format: no clash with TeX braces, % comments, or
        # Markdown's {, #, and | characters.
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((=", comment_end_string="=))",
        line_comment_prefix="%%",
    )
    env.filters["tex"] = tex_escape
    env.filters["fn"] = tex_footnote_mark
    return env


# ---------------------------------------------------------------- LaTeX filters

# Text-mode escapes: every character that TeX would read as an instruction prints as itself.
_TEX_SPECIAL = {
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
}
# Pairs that T1 fonts would join into one glyph (-- into an en dash, << into a guillemet).
_LIGATURE_PAIRS = {"--", "<<", ">>", "``", "''", ",,", "!`", "?`"}
# Characters outside Latin-1 and Latin Extended-A that LaTeX's utf8 input does not set up
# for T1 fonts, mapped to what prints them; any other such character is refused.
_TEX_UNICODE = {
    "\u2264": r"\ensuremath{\le}", "\u2265": r"\ensuremath{\ge}", "\u2260": r"\ensuremath{\ne}",
    "\u2248": r"\ensuremath{\approx}", "\u221e": r"\ensuremath{\infty}", "\u2202": r"\ensuremath{\partial}",
    "\u2211": r"\ensuremath{\sum}", "\u2207": r"\ensuremath{\nabla}", "\u2192": r"\ensuremath{\rightarrow}",
    "\u2190": r"\ensuremath{\leftarrow}",
    **{chr(0x2080 + d): rf"\textsubscript{{{d}}}" for d in range(10)},
    **{chr(c): rf"\textsuperscript{{{d}}}" for d, c in enumerate([0x2070, 0xB9, 0xB2, 0xB3, *range(0x2074, 0x207A)])},
}
# Greek letters: lower case as math symbols; upper case as the TeX symbol, or the Latin letter
# that looks the same (TeX has no \Alpha).
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho varsigma "
          "sigma tau upsilon phi chi psi omega").split()
_GREEK_UPPER = "A B Gamma Delta E Z H Theta I K Lambda M N Xi O Pi P - Sigma T Upsilon Phi X Psi Omega".split()
for _n, (_lower, _upper) in enumerate(zip(_GREEK, _GREEK_UPPER)):
    _TEX_UNICODE[chr(0x3B1 + _n)] = "o" if _lower == "o" else rf"\ensuremath{{\{_lower}}}"
    if _upper != "-":  # U+03A2 is unassigned: there is no capital final sigma
        _TEX_UNICODE[chr(0x391 + _n)] = rf"\ensuremath{{\{_upper}}}" if len(_upper) > 1 else _upper
# Dashes, quotes, ellipsis, euro and bullet, which utf8.def sets up for T1 and TS1 fonts.
_TEX_TYPOGRAPHIC = set("\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20ac\u2022")
# Latin letters that utf8.def leaves undefined for T1 (checked against TeX Live 2022).
_TEX_UNDEFINED = set("\u0126\u0127\u0138\u013f\u0140\u0149\u0166\u0167\u017f")


def tex_escape(value) -> str:
    """Text for LaTeX text mode that prints literally: specials escaped, ligatures broken,
    line breaks as spaces. A character pdflatex cannot typeset is a RenderError, not a TeX error."""
    text = unicodedata.normalize("NFC", str(value))
    out = []
    for n, ch in enumerate(text):
        code = ord(ch)
        if ch in _TEX_SPECIAL:
            out.append(_TEX_SPECIAL[ch])
        elif ch in "\t\n\r\f\v":
            out.append(" ")
        elif code < 32 or 0x7F <= code < 0xA0:
            raise RenderError(f"text {text!r} contains the control character U+{code:04X}; remove it")
        elif code < 0x7F:
            out.append(ch)
            if text[n:n + 2] in _LIGATURE_PAIRS:
                out.append("{}")
        elif ch in _TEX_UNICODE:
            out.append(_TEX_UNICODE[ch])
        elif (code <= 0x17F and ch not in _TEX_UNDEFINED) or ch in _TEX_TYPOGRAPHIC:
            out.append(ch)
        else:
            raise RenderError(
                f"text {text!r} contains {ch!r} (U+{code:04X}), which pdflatex cannot typeset; "
                "remove it or write only the Markdown (--format md)"
            )
    return "".join(out)


def tex_footnote_mark(value: str) -> str:
    """The context's Markdown footnote marker ' [^exact]' as the LaTeX mark \\exactnote."""
    if not value:
        return ""
    if value.strip() != "[^exact]":
        raise RenderError(f"unexpected footnote marker {value!r}")
    return r"\exactnote{}"


def render_markdown(name: str, context: dict) -> str:
    text = _render(name, context)
    # A rule right under a paragraph line would make that line a setext heading.
    text = re.sub(r"(?m)^([^\n]+)\n(---|===)$", r"\1\n\n\2", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return insert_toc(text)


def render_latex(name: str, context: dict) -> str:
    return _render(name, context)


def _render(name: str, context: dict) -> str:
    import jinja2

    try:
        return _environment().get_template(name).render(context)
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}:{exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise RenderError(f"template {name} failed: {exc}{where}") from None


# ---------------------------------------------------------------- table of contents

TOC_MARKER = "<!-- toc -->"
_FENCE = re.compile(r"^(```|~~~)")


def github_slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation and symbols dropped (subscript digits
    such as the 5 of w₅ too), spaces to hyphens."""
    kept = []
    for ch in text.lower():
        cat = unicodedata.category(ch)
        if ch in " -" or cat[0] == "L" or cat in ("Nd", "Mn", "Mc", "Pc"):
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def headings(markdown: str) -> list[tuple[int, str]]:
    out, fenced = [], False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^(#{1,6}) (.+?)\s*$", line)
        if m:
            out.append((len(m.group(1)), m.group(2)))
    return out


def _plain_heading(text: str) -> str:
    """Heading text as GitHub slugs it: inline math and emphasis markers as written."""
    return text.replace("*", "").replace("`", "")


def insert_toc(markdown: str, max_entries: int = 90) -> str:
    if TOC_MARKER not in markdown:
        return markdown
    found = headings(markdown)
    seen: dict[str, int] = {}
    entries = []
    for level, text in found:
        base = github_slug(_plain_heading(text))
        n = seen.get(base, 0)
        seen[base] = n + 1
        entries.append((level, text, base if n == 0 else f"{base}-{n}"))
    deepest = 4 if len(entries) <= max_entries else 3
    lines = [
        f"{'  ' * (level - 1)}- [{text}](#{slug})" for level, text, slug in entries if level <= deepest
    ]
    return markdown.replace(TOC_MARKER, "\n".join(lines), 1)
