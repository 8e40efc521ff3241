"""Checks Markdown the way GitHub renders it: TeX math through MathJax, table shapes, heading anchors.

Every ``check_*`` function takes the Markdown text and returns a list of error strings, each
starting with ``line N:`` (1-based); an empty list means the document passed. Tests assert on it:

    from mdcheck import check_anchors, check_math, check_tables

    errors = check_math(text) + check_tables(text) + check_anchors(text)
    assert not errors, "\\n".join(errors)

``check_math`` runs tests/mathjax/check.mjs under Node.js (``npm ci --prefix tests/mathjax`` installs
MathJax). Where Node.js or MathJax is missing it skips the calling test, or fails it when the
environment sets WORKSHEET_REQUIRE_TOOLS=1, as CI does (see ``skip_or_fail``).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

REQUIRE_TOOLS_ENV = "WORKSHEET_REQUIRE_TOOLS"
MATHJAX_DIR = Path(__file__).resolve().parent / "mathjax"
MATHJAX_CHECKER = MATHJAX_DIR / "check.mjs"
MATHJAX_PACKAGE = MATHJAX_DIR / "node_modules" / "mathjax-full" / "package.json"

# CommonMark's backslash escapes apply to ASCII punctuation only.
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


# ---------------------------------------------------------------------------------------------
# Missing tools
# ---------------------------------------------------------------------------------------------


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the calling test, or fail it when WORKSHEET_REQUIRE_TOOLS=1 (CI must not skip)."""
    if os.environ.get(REQUIRE_TOOLS_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_TOOLS_ENV}=1, so this is a failure)", pytrace=False)
    pytest.skip(reason)


def mathjax_missing() -> str | None:
    """Why the MathJax checker cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js (`node`) is not on PATH; the MathJax checker needs it"
    if not MATHJAX_PACKAGE.is_file():
        return "MathJax is not installed; run `npm ci --prefix tests/mathjax`"
    return None


def require_mathjax() -> None:
    """Skip or fail (see ``skip_or_fail``) unless the MathJax checker can run."""
    reason = mathjax_missing()
    if reason is not None:
        skip_or_fail(reason)


# ---------------------------------------------------------------------------------------------
# Markdown structure
# ---------------------------------------------------------------------------------------------


def _parser() -> MarkdownIt:
    # GitHub's Markdown is CommonMark plus the GFM extensions; tables and strikethrough are the
    # ones that change block structure or heading text.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass(frozen=True)
class _Span:
    kind: str  # "code", "math" (inline) or "display"
    start: int  # offsets into the scanned text, delimiters included
    end: int
    content: str  # the TeX (or code) between the delimiters
    escapable: bool = False  # `$...$` math, which GitHub's Markdown pass may unescape


def _run_length(text: str, i: int, char: str) -> int:
    j = i
    while j < len(text) and text[j] == char:
        j += 1
    return j - i


def _closing_backticks(text: str, start: int, length: int) -> int:
    """Offset of the next run of exactly ``length`` backticks at or after ``start``, or -1."""
    j = start
    while j < len(text):
        if text[j] == "`":
            run = _run_length(text, j, "`")
            if run == length:
                return j
            j += run
        else:
            j += 1
    return -1


def _scan_inline(text: str) -> tuple[list[_Span], list[int]]:
    """Code spans and math spans of one block's inline text, left to right as GitHub reads them.

    Math syntax (GitHub's documentation, with pandoc's rules for `$`, which GitHub follows):
    ``$$...$$`` is display math and may span lines; ``$`...`$`` is inline math; ``$...$`` is inline
    math when the opening `$` has no space after it, the closing `$` no space before it and no
    digit after it, and both are on one line. ``\\$`` is a literal dollar. Returns the spans and
    the offsets of ``$$`` openers that never close.
    """
    spans: list[_Span] = []
    unclosed: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2 if i + 1 < n and text[i + 1] in _ASCII_PUNCTUATION else 1
            continue
        if c == "`":
            run = _run_length(text, i, "`")
            close = _closing_backticks(text, i + run, run)
            if close < 0:
                i += run  # an unmatched backtick run is literal text
                continue
            spans.append(_Span("code", i, close + run, text[i + run : close]))
            i = close + run
            continue
        if c != "$":
            i += 1
            continue
        if text.startswith("$$", i):
            close = _find_display_close(text, i + 2)
            if close < 0:
                unclosed.append(i)
                i += 2
            else:
                if text[i + 2 : close].strip():
                    spans.append(_Span("display", i, close + 2, text[i + 2 : close]))
                i = close + 2
            continue
        if i + 1 < n and text[i + 1] == "`":
            run = _run_length(text, i + 1, "`")
            close = _closing_backticks(text, i + 1 + run, run)
            if close >= 0 and close + run < n and text[close + run] == "$":
                spans.append(_Span("math", i, close + run + 1, text[i + 1 + run : close].strip()))
                i = close + run + 1
                continue
        close = _find_inline_close(text, i + 1)
        if close < 0:
            i += 1
            continue
        spans.append(_Span("math", i, close + 1, text[i + 1 : close], escapable=True))
        i = close + 1
    return spans, unclosed


def _find_display_close(text: str, start: int) -> int:
    j = start
    while j < len(text) - 1:
        if text[j] == "\\":
            j += 2  # a TeX control symbol such as \$ or \\ cannot close the block
            continue
        if text[j] == "$" and text[j + 1] == "$":
            return j
        j += 1
    return -1


def _find_inline_close(text: str, start: int) -> int:
    n = len(text)
    if start >= n or text[start].isspace() or text[start] == "$":
        return -1
    j = start
    while j < n:
        ch = text[j]
        if ch == "\n":
            return -1
        if ch == "\\":
            j += 2
            continue
        if ch == "$":
            if not text[j - 1].isspace() and not (j + 1 < n and text[j + 1].isdigit()):
                return j
        j += 1
    return -1


@dataclass(frozen=True)
class _Inline:
    text: str
    line: int  # 0-based source line of the block's first line
    in_table: bool


def _inline_blocks(tokens: list[Token]) -> list[_Inline]:
    blocks: list[_Inline] = []
    in_cell = False
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and token.map is not None:
            text = token.content
            if in_cell:
                # GFM removes the backslash of an escaped pipe before it parses a cell's inlines
                # (cmark-gfm's unescape_pipes), so `\|` in table math reaches MathJax as `|`.
                text = text.replace("\\|", "|")
            blocks.append(_Inline(text, token.map[0], in_cell))
    return blocks


def _line_of(block: _Inline, offset: int) -> int:
    return block.line + block.text.count("\n", 0, offset) + 1


@dataclass(frozen=True)
class _Math:
    tex: str
    display: bool
    line: int  # 1-based
    escapable: bool


def _math(markdown_text: str) -> tuple[list[_Math], list[tuple[int, str]]]:
    found: list[_Math] = []
    unclosed: list[tuple[int, str]] = []
    for block in _inline_blocks(_parser().parse(markdown_text)):
        spans, openers = _scan_inline(block.text)
        for span in spans:
            if span.kind != "code":
                line = _line_of(block, span.start)
                found.append(_Math(span.content, span.kind == "display", line, span.escapable))
        for offset in openers:
            line = _line_of(block, offset)
            unclosed.append((line, f"line {line}: `$$` opens display math that never closes"))
    return found, unclosed


def math_spans(markdown_text: str) -> list[tuple[str, bool]]:
    """Every formula GitHub would render, in document order, as ``(tex, display)``.

    Fenced and indented code blocks, inline code and HTML blocks are skipped; ``$$...$$`` blocks
    may span lines. The TeX is returned as written, without the delimiters.
    """
    found, _ = _math(markdown_text)
    return [(m.tex, m.display) for m in found]


_CONTAINERS = {"list_item_open": "a list item", "blockquote_open": "a block quote",
               "th_open": "a table cell", "td_open": "a table cell"}


def check_display_blocks(markdown_text: str) -> list[str]:
    """Display math that GitHub may show inline or not at all: every ``$$...$$`` must be a
    paragraph of its own (blank lines around it, no text or footnote marker beside it) and sit
    outside lists, block quotes and tables."""
    errors: list[str] = []
    open_containers: list[str] = []
    for token in _parser().parse(markdown_text):
        if token.type in _CONTAINERS:
            open_containers.append(_CONTAINERS[token.type])
        elif token.type.replace("_close", "_open") in _CONTAINERS and token.nesting == -1:
            open_containers.pop()
        if token.type != "inline" or token.map is None:
            continue
        spans, _ = _scan_inline(token.content)
        displays = [s for s in spans if s.kind == "display"]
        if not displays:
            continue
        line = token.map[0] + 1
        if open_containers:
            errors.append(f"line {line}: display math inside {open_containers[-1]}")
            continue
        text = token.content
        if len(displays) > 1 or text[: displays[0].start].strip() or text[displays[0].end :].strip():
            beside = " ".join((text[: displays[0].start] + " ... " + text[displays[0].end :]).split())
            errors.append(f"line {line}: display math shares its paragraph with other text: {beside[:80]}")
    return errors


# ---------------------------------------------------------------------------------------------
# Math
# ---------------------------------------------------------------------------------------------


def mathjax_errors(formulas: list[tuple[str, bool]]) -> list[str | None]:
    """Parse each ``(tex, display)`` with MathJax in one Node.js process; None where it parsed.

    Skips or fails the calling test (``require_mathjax``) when MathJax cannot run.
    """
    if not formulas:
        return []
    require_mathjax()
    request = json.dumps([{"tex": tex, "display": bool(display)} for tex, display in formulas])
    result = subprocess.run(
        ["node", str(MATHJAX_CHECKER)],
        input=request,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{MATHJAX_CHECKER} exited with {result.returncode}:\n{result.stderr}")
    answers = json.loads(result.stdout)
    if len(answers) != len(formulas):
        raise RuntimeError(f"{MATHJAX_CHECKER} answered {len(answers)} of {len(formulas)} formulas")
    return answers


def _quote(tex: str, display: bool) -> str:
    delimiter = "$$" if display else "$"
    one_line = " ".join(tex.split())
    if len(one_line) > 80:
        one_line = one_line[:77] + "..."
    return f"{delimiter}{one_line}{delimiter}"


def check_math(markdown_text: str) -> list[str]:
    """MathJax's error for every formula that would not render on GitHub, and unclosed ``$$``."""
    found, errors = _math(markdown_text)
    unique = list(dict.fromkeys((m.tex, m.display) for m in found))
    verdicts = dict(zip(unique, mathjax_errors(unique)))
    for m in found:
        verdict = verdicts[(m.tex, m.display)]
        if verdict is not None:
            errors.append((m.line, f"line {m.line}: {_quote(m.tex, m.display)}: {verdict}"))
    return [message for _, message in sorted(errors, key=lambda e: e[0])]


# Macros MathJax knows but github.com refuses ("The following macros are not allowed: ..."):
# GitHub support named the reason in 2023 (macros that redefine macros or operators, or that
# make invisible text); the list is what public reports have seen refused since.
GITHUB_REFUSED_MACROS = frozenset(
    {
        "operatorname",
        "DeclareMathOperator",
        "newcommand",
        "renewcommand",
        "def",
        "let",
        "newenvironment",
        "renewenvironment",
        "colorbox",
        "fcolorbox",
        "definecolor",
        "DeclarePairedDelimiter",
        "DeclarePairedDelimiterX",
        "DeclarePairedDelimiterXPP",
        "phantom",
        "hphantom",
        "vphantom",
        "mbox",
    }
)
_MACRO = re.compile(r"\\([A-Za-z]+)")
_ESCAPE = re.compile(r"\\[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]")


def check_github_math(markdown_text: str) -> list[str]:
    """Math that MathJax parses but github.com shows wrong; stricter than ``check_math``.

    Reports macros GitHub refuses (``GITHUB_REFUSED_MACROS``, e.g. ``\\operatorname``), and, in
    ``$...$`` inline math, a backslash before ASCII punctuation (``\\{``, ``\\,``, ``\\!``, ``\\\\``):
    GitHub's Markdown pass treats it as a Markdown escape and drops the backslash before MathJax
    sees the formula. ``$$...$$`` and ``$`...`$`` math keep their backslashes.
    """
    found, _ = _math(markdown_text)
    errors: list[str] = []
    for m in found:
        refused = sorted({name for name in _MACRO.findall(m.tex) if name in GITHUB_REFUSED_MACROS})
        if refused:
            names = ", ".join("\\" + name for name in refused)
            errors.append(f"line {m.line}: {_quote(m.tex, m.display)}: GitHub refuses {names}")
        escapes = sorted(set(_ESCAPE.findall(m.tex))) if m.escapable else []
        if escapes:
            errors.append(
                f"line {m.line}: {_quote(m.tex, m.display)}: GitHub's Markdown pass drops the "
                f"backslash of {' '.join(escapes)} in $...$ math; write \\lbrace/\\rbrace, "
                "\\thinspace, \\vert and the like, or use $`...`$ or $$...$$"
            )
    return errors


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    cells: int  # cells the author meant: pipes inside math and code do not count
    problems: list[str]


def _raw_row(line: str) -> _Row:
    """Cells of one table row as written, and pipes that would split a cell on GitHub."""
    text = line.strip()
    spans, _ = _scan_inline(text)
    problems: list[str] = []
    for span in spans:
        shown = span.content.strip()
        if "|" in span.content.replace("\\|", ""):
            if span.kind == "code":
                fix = "inline code; escape it as \\|"
            else:
                fix = "math; write \\vert, \\lvert/\\rvert or \\mid"
            problems.append(f"a '|' inside `{shown}` splits the cell on GitHub: {fix}")
        elif span.kind != "code" and "\\|" in span.content:
            problems.append(
                f"`\\|` inside math `{shown}` reaches MathJax as '|' in a table "
                "(GFM unescapes pipes in cells); write \\Vert for a double bar"
            )
    separators: list[int] = []
    i = 0
    span_at = {span.start: span for span in spans}
    while i < len(text):
        if i in span_at:
            i = span_at[i].end
            continue
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "|":
            separators.append(i)
        i += 1
    cells = len(separators) + 1
    if separators and separators[0] == 0:
        cells -= 1  # a leading pipe opens the first cell
    if separators and separators[-1] == len(text) - 1 and len(text) > 1:
        cells -= 1  # a trailing pipe closes the last cell
    return _Row(max(cells, 0), problems)


def check_tables(markdown_text: str) -> list[str]:
    """Table rows whose cell count differs from the header's, and table-like lines outside tables.

    GitHub pads short rows and silently drops the cells past the header's count, and a table
    whose delimiter row does not match its header is no table at all, so the rows show as text.
    markdown-it-py (with the GFM table rule) finds the tables; the cells are counted on the raw
    lines, because the parser has already padded or cut them. A '|' inside math or inline code
    also splits a cell on GitHub and is reported.
    """
    # Lines as markdown-it numbers them (str.splitlines would also split at \f, \x1c, \u2028...).
    lines = re.split(r"\r\n|\r|\n", markdown_text)
    tokens = _parser().parse(markdown_text)
    errors: list[tuple[int, str]] = []
    covered: set[int] = set()
    for token in tokens:
        if token.map is None:
            continue
        if token.type in ("fence", "code_block", "html_block"):
            covered.update(range(*token.map))
        if token.type != "table_open":
            continue
        start, end = token.map
        covered.update(range(start, end))
        header = _raw_row(lines[start])
        delimiter = _raw_row(lines[start + 1])
        for problem in header.problems:
            errors.append((start, problem))
        if delimiter.cells != header.cells:
            message = f"delimiter row has {delimiter.cells} cells, header has {header.cells}"
            errors.append((start + 1, message))
        for index in range(start + 2, end):
            row = _raw_row(lines[index])
            if row.cells != header.cells:
                errors.append((index, f"table row has {row.cells} cells, header has {header.cells}"))
            for problem in row.problems:
                errors.append((index, problem))
    for index, line in enumerate(lines):
        if index not in covered and line.lstrip().startswith("|"):
            errors.append((index, "line starts with '|' but is not part of a table"))
    return [f"line {index + 1}: {message}" for index, message in sorted(errors, key=lambda e: e[0])]


# ---------------------------------------------------------------------------------------------
# Anchors
# ---------------------------------------------------------------------------------------------

# github-slugger drops these Unicode general categories: other numbers (so subscript digits such
# as '₅' vanish: '#### Gradient for w₆' -> 'gradient-for-w'), all punctuation but '-' and the
# connector '_', symbols, controls, format and private-use characters, unassigned code points,
# and separators but ' ' (which becomes '-').
_SLUG_DROPPED = frozenset(
    {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sm", "Sc", "Sk", "So"}
    | {"Cc", "Co", "Cf", "Cn", "Cs", "Zs", "Zl", "Zp"}
)
# ...except characters with the Unicode Alphabetic property among them: the circled and squared
# Latin letters are category So but Alphabetic, so github-slugger keeps them.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))


def _slug_keeps(char: str) -> bool:
    if char in " -":
        return True
    if any(low <= ord(char) <= high for low, high in _ALPHABETIC_SYMBOLS):
        return True
    return unicodedata.category(char) not in _SLUG_DROPPED


def github_slug(heading_text: str) -> str:
    """The anchor GitHub gives a heading with this text, before duplicates are numbered."""
    return "".join(c for c in heading_text.lower() if _slug_keeps(c)).replace(" ", "-")


def _heading_text(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def heading_anchors(markdown_text: str) -> list[str]:
    """Every heading's anchor in document order, duplicates numbered -1, -2, ... as on GitHub."""
    tokens = _parser().parse(markdown_text)
    occurrences: dict[str, int] = {}
    anchors: list[str] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        slug = original = github_slug(_heading_text(tokens[index + 1]))
        # github-slugger: a taken slug gets the next free numeric suffix of the original.
        while slug in occurrences:
            occurrences[original] += 1
            slug = f"{original}-{occurrences[original]}"
        occurrences[slug] = 0
        anchors.append(slug)
    return anchors


_HTML_ID = re.compile(r"""<a\s[^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def check_anchors(markdown_text: str) -> list[str]:
    """Every ``[text](#anchor)`` link whose anchor names no heading (nor an ``<a id>``/``<a name>``)."""
    tokens = _parser().parse(markdown_text)
    targets = set(heading_anchors(markdown_text))
    for token in tokens:
        if token.type == "html_block":
            targets.update(_HTML_ID.findall(token.content))
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "html_inline":
                    targets.update(_HTML_ID.findall(child.content))
    errors: list[str] = []
    for token in tokens:
        if token.type != "inline" or token.map is None:
            continue
        for child in token.children or []:
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", ""))
            if not href.startswith("#") or href == "#":
                continue
            anchor = unquote(href[1:])
            if anchor in targets:
                continue
            near = difflib.get_close_matches(anchor, sorted(targets), n=1)
            hint = f" (nearest heading anchor: #{near[0]})" if near else ""
            errors.append(f"line {token.map[0] + 1}: link to #{anchor} matches no heading{hint}")
    return errors
