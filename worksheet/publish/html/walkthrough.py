"""The walkthrough as a web page: its Markdown rendered at build time, math as MathML, the network as SVG."""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

from ...documents.diagrams import network_caption, network_svg
from ...documents.render import github_slug
from ...documents.mathml import mathml
from .page import render_page

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
# Inline code spans stay as written; display math ($$...$$, over lines too) before inline ($...$).
_MATH = re.compile(r"(`[^`\n]*`)|\$\$(.+?)\$\$|(?<!\\)\$([^$\n]+?)(?<!\\)\$", re.S)
_PLACEHOLDER = re.compile(r"MATHREF(\d+)X")
# GitHub's footnotes: `[^name]` in the text, `[^name]: text` on a line of its own.
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)\n?", re.M)
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
_FOOTNOTE_PLACEHOLDER = re.compile(r"FOOTREF(\d+)X")
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)


def _protect_math(markdown: str) -> tuple[str, list[tuple[str, bool]]]:
    """The Markdown with each formula replaced by a placeholder Markdown leaves alone, and the
    formulas (LaTeX, display) in placeholder order. Code fences are left as they are."""
    formulas: list[tuple[str, bool]] = []

    def swap(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(1)
        display = m.group(2) is not None
        formulas.append((m.group(2) if display else m.group(3), display))
        return f"MATHREF{len(formulas) - 1}X"

    out, last = [], 0
    for fence in _FENCE.finditer(markdown):
        out.append(_MATH.sub(swap, markdown[last:fence.start()]))
        out.append(fence.group(0))
        last = fence.end()
    out.append(_MATH.sub(swap, markdown[last:]))
    return "".join(out), formulas


def _take_footnotes(source: str) -> tuple[str, dict[str, str], list[str]]:
    """The Markdown without its footnote definitions and with each reference a placeholder; the
    definitions by name, and the name of each reference in placeholder order."""
    definitions = {m.group(1): m.group(2) for m in _FOOTNOTE_DEFINITION.finditer(source)}
    source = _FOOTNOTE_DEFINITION.sub("", source)
    references: list[str] = []

    def swap(m: re.Match) -> str:
        if m.group(1) not in definitions:
            return m.group(0)
        references.append(m.group(1))
        return f"FOOTREF{len(references) - 1}X"

    return _FOOTNOTE_REFERENCE.sub(swap, source), definitions, references


def _with_footnotes(html: str, md, definitions: dict[str, str], references: list[str]) -> str:
    """Each reference as a numbered link (numbered by first use, as GitHub does), and the notes at
    the end, each with a link back to its first reference."""
    numbers: dict[str, int] = {}
    for name in references:
        numbers.setdefault(name, len(numbers) + 1)
    slug = {name: github_slug(name) or str(numbers[name]) for name in numbers}
    seen: dict[str, int] = {}

    def link(m: re.Match) -> str:
        name = references[int(m.group(1))]
        seen[name] = seen.get(name, 0) + 1
        ref_id = f"fnref-{slug[name]}" + ("" if seen[name] == 1 else f"-{seen[name]}")
        return f'<sup class="fn"><a href="#fn-{slug[name]}" id="{ref_id}">{numbers[name]}</a></sup>'

    html = _FOOTNOTE_PLACEHOLDER.sub(link, html)
    if not numbers:
        return html
    notes = "".join(f'<li id="fn-{slug[name]}">{md.renderInline(definitions[name])} '
                    f'<a href="#fnref-{slug[name]}" aria-label="Back to the text">↩</a></li>\n' for name in numbers)
    return f'{html}<section class="footnotes" aria-label="Footnotes">\n<ol>\n{notes}</ol>\n</section>\n'


def _parser(svg: str):
    """CommonMark with tables, each in a box of its own that scrolls sideways. Raw HTML in the
    Markdown prints as text, except the line breaks the walkthrough's table cells use; a `mermaid`
    fence becomes the SVG drawing of the network."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    default_fence = md.renderer.rules["fence"]

    def html_inline(renderer, tokens, idx, options, env):
        content = tokens[idx].content
        return "<br>" if _LINE_BREAK.fullmatch(content) else escape(content)

    def html_block(renderer, tokens, idx, options, env):
        return f"<p>{escape(tokens[idx].content)}</p>\n"

    def fence(renderer, tokens, idx, options, env):
        if tokens[idx].info.strip() == "mermaid":
            return f'<figure class="drawing">{svg}</figure>\n'
        return default_fence(tokens, idx, options, env)

    def table_open(renderer, tokens, idx, options, env):
        return '<div class="scroll">\n<table>\n'  # a wide table scrolls by itself on a phone

    def table_close(renderer, tokens, idx, options, env):
        return "</table>\n</div>\n"

    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    md.add_render_rule("html_inline", html_inline)
    md.add_render_rule("html_block", html_block)
    md.add_render_rule("fence", fence)
    return md


def _slug_source(text: str, formulas: list[tuple[str, bool]]) -> str:
    """A heading's text as GitHub slugs it: formulas as written, emphasis and code marks dropped."""
    text = _PLACEHOLDER.sub(lambda m: "$" + formulas[int(m.group(1))][0] + "$", text)
    return text.replace("*", "").replace("`", "")


def _body(markdown: str, svg: str) -> str:
    """The Markdown as HTML: headings with GitHub's anchors (the table of contents links to them),
    each third-level section collapsible, footnotes numbered, formulas as MathML."""
    source, formulas = _protect_math(markdown)
    source, definitions, references = _take_footnotes(source)
    md = _parser(svg)
    env: dict = {}
    tokens = md.parse(source, env)
    seen: dict[str, int] = {}
    starts = []
    for n, token in enumerate(tokens):
        if token.type == "heading_open":
            base = github_slug(_slug_source(tokens[n + 1].content, formulas))
            count = seen.get(base, 0)
            seen[base] = count + 1
            token.attrSet("id", base if count == 0 else f"{base}-{count}")
            starts.append(n)
    # Sections: from each heading to the next; an h3 and what follows it up to the next heading
    # of level 3 or above fold into a <details> element, open.
    parts, open_details = [], False
    bounds = [0, *starts, len(tokens)]
    for a, b in zip(bounds, bounds[1:]):
        if a == b:
            continue
        level = int(tokens[a].tag[1]) if tokens[a].type == "heading_open" else None
        if level is not None and level <= 3 and open_details:
            parts.append("</details>\n")
            open_details = False
        if level == 3:
            close = a + 3  # heading_open, inline, heading_close
            parts.append("<details open>\n<summary>" + md.renderer.render(tokens[a:close], md.options, env).strip()
                         + "</summary>\n")
            parts.append(md.renderer.render(tokens[close:b], md.options, env))
            open_details = True
        else:
            parts.append(md.renderer.render(tokens[a:b], md.options, env))
    if open_details:
        parts.append("</details>\n")
    html = _with_footnotes("".join(parts), md, definitions, references)
    return _PLACEHOLDER.sub(lambda m: mathml(*formulas[int(m.group(1))]), html)


def walkthrough_page(markdown: str, trace, title: str) -> str:
    """The walkthrough's Markdown as one HTML page: the same sections, the network as SVG, the
    formulas as MathML; no script."""
    svg = network_svg(trace.spec, trace.values, network_caption(trace.spec))
    context = {"title": title, "body": Markup(_body(markdown, svg)), "provenance": _provenance()}
    return render_page("walkthrough.html.j2", context, None)


def _provenance() -> str:
    from ... import __version__

    return f"worksheet {__version__}"
