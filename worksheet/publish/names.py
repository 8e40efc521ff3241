"""Names in LaTeX: each name's text and TeX engine; those pdflatex's fonts cannot set typeset once by lualatex,
a page each, for pdflatex documents to include as pictures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import RenderError

# --tex-engine: `auto` (each student's documents by the engine their own name needs) or `lualatex`.
TEX_ENGINES = ("auto", "lualatex")
PICTURES = "names.pdf"
# The names are set at 10 pt, on a strut (8.4 pt above the baseline, 3.6 pt below), and scaled in
# the sheet to the size of the text around them, so that their baseline sits on its baseline.
_SIZE = Decimal(10)
_DIMENSIONS = re.compile(r"^namepicture:([0-9.]+)pt:([0-9.]+)pt$", re.M)


def tex_names(students, source: str, formats: tuple[str, ...],
              choice: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each name as LaTeX text and each student's TeX engine (publish.pdf.engine_for). With
    `auto`, a student's documents depend on their own name alone: pdflatex when it can be set
    with T1 fonts, else lualatex with the name as written; with `lualatex`, every document."""
    from ..documents.texescape import fallback_fonts, tex_name, tex_name_unicode
    from .pdf import engine_for

    names, engines = {}, {}
    for s in students:
        try:
            latin = tex_name(s.name) if choice == "auto" else None
        except ValueError:
            latin = None
        who = name_of(s, source) if choice == "auto" else "--tex-engine lualatex"
        engines[s.id] = engine_for(latin is not None, "pdf" in formats, who, fallback_fonts(s.name))
        names[s.id] = latin if latin is not None else tex_name_unicode(s.name)
    return names, engines


def name_of(student, source: str) -> str:
    """A student's name as an error names it: where it is written, and whose it is."""
    where = f"{source} line {student.line}" if student.line else source
    return f"{where}: the name of student {student.id} ({student.name})"


def picture_tex(key: str) -> str:
    """What a LaTeX body prints for the name under `key`: its picture, once the document has read
    Pictures.definitions."""
    return rf"\namepicture{{{key}}}"


@dataclass(frozen=True)
class Pictures:
    """The names as pages of one PDF (PICTURES), and for each key the LaTeX that defines its
    picture: the page, scaled to the text's size and lowered by its depth."""

    pdf: bytes
    pictures: dict[str, str]

    def definitions(self, keys) -> str:
        """The definitions of the pictures of `keys` (those that have one), for the head of a
        document's body; pdflatex reads PICTURES beside the document."""
        # A key without a picture stops the run, rather than printing no name.
        lines = [r"\providecommand{\namepicture}[1]{\ifcsname namepicture-#1\endcsname\csname namepicture-#1\endcsname"
                 r"\else\errmessage{no picture of the name of #1}\fi}"]
        lines += [rf"\expandafter\def\csname namepicture-{k}\endcsname{{{self.pictures[k]}}}"
                  for k in keys if k in self.pictures]
        return "\n".join(lines) + "\n"


def pictures_document(names: dict[str, str]) -> str:
    """The lualatex document of the names, one page each, cut to the name's box. Each name falls
    back only to the fonts its own characters need (documents.texescape.fallback_fonts)."""
    from ..documents.texescape import fallback_fonts, tex_name_unicode

    families: dict[tuple[str, ...], str] = {}
    for name in names.values():
        families.setdefault(fallback_fonts(name), f"\\namefont{chr(ord('A') + len(families))}")
    lines = [
        r"\documentclass{article}",
        # Reproducible PDF: no dates, no trailer ID, no LuaTeX banner in the file.
        r"\pdfvariable suppressoptionalinfo 1023",
        r"\pdfvariable trailerid {}",
    ]
    for n, (fonts, family) in enumerate(families.items()):
        chain = ", ".join(f'"{font}:mode=node;"' for font in fonts)
        lines += [rf"\directlua{{luaotfload.add_fallback('names{n}', {{{chain}}})}}",
                  rf"\font{family}={{name:Latin Modern Roman:mode=node;fallback=names{n}}} at {_SIZE}pt"]
    lines += [
        r"\hoffset=-1in \voffset=-1in",
        r"\newcommand{\namepage}[1]{\setbox0\hbox{\strut#1}\pagewidth=\wd0 \pageheight=\dimexpr\ht0+\dp0\relax",
        r"  \typeout{namepicture:\the\ht0:\the\dp0}\shipout\vbox{\box0}}",
        r"\begin{document}",
    ]
    for name in names.values():
        lines.append(rf"\let\namefont{families[fallback_fonts(name)]}\namepage{{{tex_name_unicode(name)}}}")
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def name_pictures(names: dict[str, str], who: dict[str, str]) -> Pictures:
    """Every name of `names` (key -> name) typeset in one lualatex pass, about as long as lualatex
    takes to start. A character no installed font has is an error naming `who[key]`."""
    from .pdf import compile_once, glyph_error, missing_glyph

    compiled = compile_once(pictures_document(names), "names.tex", engine="lualatex")
    missing = missing_glyph(compiled.log)
    if missing is not None:
        key = next((k for k, name in names.items() if missing[0] in name), None)
        raise glyph_error(who[key] if key is not None else "a student's name", missing)
    sizes = _DIMENSIONS.findall(compiled.log)
    if len(sizes) != len(names):
        raise RenderError(f"lualatex typeset {len(sizes)} of {len(names)} names")
    pictures = {}
    for page, (key, (height, depth)) in enumerate(zip(names, sizes), start=1):
        total = (Decimal(height) + Decimal(depth)) / _SIZE
        below = Decimal(depth) / _SIZE
        pictures[key] = (rf"\raisebox{{-{below:.5f}em}}{{\includegraphics[height={total:.5f}em,page={page}]"
                         rf"{{{PICTURES}}}}}")
    return Pictures(compiled.pdf, pictures)
