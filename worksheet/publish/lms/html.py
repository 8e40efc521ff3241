"""A small HTML writer for the LMS question texts' prompts, worked lines and feedback: text escaped,
math as \\( \\) and \\[ \\] for the LMS's MathJax, only the elements QTI 2.1 allows in an item
body. A problem's data comes from the sheet's template through dialects/lms.j2 (items.problem_data)."""

from __future__ import annotations

from html import escape


def text(s: str) -> str:
    return escape(s, quote=False)


def math(latex: str) -> str:
    return f"\\({text(latex)}\\)"


def inline(s: str) -> str:
    """Prose with $...$ math (the key's prompts) as HTML."""
    pieces = s.split("$")
    if len(pieces) % 2 == 0:
        raise ValueError(f"unbalanced $ in {s!r}")
    return "".join(math(p) if n % 2 else text(p) for n, p in enumerate(pieces))


def display_lines(lines: list[str]) -> str:
    return "".join(f"<p>\\[{text(line)}\\]</p>" for line in lines)


def paragraph(body: str) -> str:
    return f"<p>{body}</p>"
