"""Text for LaTeX: the `tex` filter's escapes, the footnote mark, and people's names for pdflatex
(T1 fonts) and lualatex (any script)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..errors import RenderError

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
# Printable ASCII that prints as itself in any neighbour: no special, no half of a ligature.
_PLAIN = frozenset(map(chr, range(32, 127))) - set(_TEX_SPECIAL) - set("".join(_LIGATURE_PAIRS))


def tex_escape(value) -> str:
    """Text for LaTeX text mode that prints literally: specials escaped, ligatures broken,
    line breaks as spaces. A character pdflatex cannot typeset is a RenderError, not a TeX error."""
    return _escaped(str(value))


@lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    """tex_escape of a text: worked out once for the titles and names every variant repeats."""
    if _PLAIN.issuperset(text):  # most names and titles: nothing to escape
        return text
    text = unicodedata.normalize("NFC", text)
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


# ---------------------------------------------------------------- names in LaTeX

# Latin letters beyond Latin Extended-A that LaTeX's utf8 input sets up for T1 fonts (t1enc.dfu
# of TeX Live 2022): Romanian s and t with comma below, the Croatian digraphs, Vietnamese-free
# Latin Extended-B and a few letters with dot below. Names pass them to inputenc as they are.
_T1_EXTRA_LETTERS = frozenset(
    chr(c) for c in (
        *range(0x1C4, 0x1D5), 0x1E2, 0x1E3, *range(0x1E6, 0x1EC), 0x1F0, 0x1F4, 0x1F5,
        *range(0x218, 0x21C), 0x232, 0x233, 0x237, 0x1E02, 0x1E03, 0x1E0D, 0x1E1E, 0x1E1F, 0x1E20, 0x1E21,
        0x1E25, 0x1E30, 0x1E31, 0x1E37, 0x1E43, 0x1E45, 0x1E47, 0x1E5B, 0x1E63, 0x1E6D, 0x1E8E, 0x1E8F,
        0x1E90, 0x1E91, 0x1E9E, 0x1EF2, 0x1EF3,
    )
)


def tex_name(name: str) -> str:
    """A person's name for LaTeX text, printed literally: the `tex` filter's escapes, Latin
    letters only (its Greek-letter-as-math mapping suits symbols, not names). Raises ValueError
    with the first character pdflatex with T1 fonts cannot set."""
    name = unicodedata.normalize("NFC", name)
    for ch in name:
        if ch.isalpha() and ord(ch) >= 0x80 and not unicodedata.name(ch, "").startswith("LATIN"):
            raise ValueError(ch)
    out, run = [], []
    for ch in [*name, None]:
        if ch is not None and ch not in _T1_EXTRA_LETTERS:
            run.append(ch)
            continue
        if run:  # escaped a run at a time, so that the filter sees ligature pairs such as --
            text = "".join(run)
            try:
                out.append(tex_escape(text))
            except RenderError:
                raise ValueError(next(c for c in text if _refused(c))) from None
            run = []
        if ch is not None:
            out.append(ch)
    return "".join(out)


# The fonts a name in lualatex falls back to where Latin Modern lacks a letter. A name with a
# character from U+2E80 on (the CJK blocks: radicals, kana, ideographs, Hangul, full-width forms)
# falls back to AR PL UMing first; any other script (Greek, Cyrillic, ...) to DejaVu Serif alone:
# loading UMing costs lualatex 0.4 s, and its Greek and Cyrillic letters are not serif ones.
FALLBACK_FONTS = ("AR PL UMing CN", "DejaVu Serif")
CJK_FROM = 0x2E80


def fallback_fonts(name: str) -> tuple[str, ...]:
    """The fonts of FALLBACK_FONTS that `name` falls back to, in their order."""
    return FALLBACK_FONTS if any(ord(ch) >= CJK_FROM for ch in name) else FALLBACK_FONTS[1:]


def tex_name_unicode(name: str) -> str:
    """A person's name for the lualatex variant of sheets.tex.j2, in any script: every character
    as it is, in the \\namefont group (Latin Modern with fallback fonts), with the TeX specials
    escaped and ligature pairs broken as the `tex` filter does."""
    name = unicodedata.normalize("NFC", name)
    out = []
    for n, ch in enumerate(name):
        if ch in _TEX_SPECIAL:
            out.append(_TEX_SPECIAL[ch])
        elif ch in "\t\n\r\f\v":
            out.append(" ")
        else:
            out.append(ch)
            if name[n:n + 2] in _LIGATURE_PAIRS:
                out.append("{}")
    return "{\\namefont " + "".join(out) + "}"


def _refused(ch: str) -> bool:
    try:
        tex_escape(ch)
    except RenderError:
        return True
    return False
