"""Jinja environments, the number filters, template lookup, and the Markdown table of contents."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from ..errors import RenderError
from .mathml import mathml
from .texescape import tex_escape, tex_footnote_mark


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


_SYNTAX = dict(
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,
    # nbconvert's delimiters, for every format: no clash with TeX braces, % comments, or
    # Markdown's {, #, and | characters.
    block_start_string="((*", block_end_string="*))",
    variable_start_string="(((", variable_end_string=")))",
    comment_start_string="((=", comment_end_string="=))",
    line_comment_prefix="%%",
)


# What `x.name` may mean on a dict besides its key: its methods and the attributes of every object.
_DICT_ATTRIBUTES = frozenset(dir(dict))


@cache
def _environment():
    import jinja2

    from ..resources import templates_dir

    Macro = jinja2.runtime.Macro
    missing = jinja2.utils.missing

    class Context(jinja2.runtime.Context):
        def call(__self, __obj, *args, **kwargs):
            # A dialect's macros are called for every value a document shows; a macro never asks
            # for the context, so the checks Jinja makes for a callable that may are skipped, and
            # a macro called with its own arguments alone (or a call block's caller) runs its body
            # directly: its missing arguments passed as Jinja's `missing`, which the body replaces
            # with their defaults, as Macro.__call__ does.
            if type(__obj) is not Macro:
                return super().call(__obj, *args, **kwargs)
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                free = len(__obj.arguments) - len(args)
                if free < 0 or __obj.catch_kwargs or __obj.catch_varargs or __obj.explicit_caller:
                    return __obj(*args, **kwargs)
                if not kwargs and not __obj.caller:
                    return __obj._func(*args, *(missing,) * free)
                if __obj.caller and len(kwargs) == 1 and "caller" in kwargs:
                    return __obj._func(*args, *(missing,) * free, kwargs["caller"])
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")

    class Environment(jinja2.Environment):
        context_class = Context

        def getattr(self, obj, attribute):
            # The context is plain dicts, and `p.number` looks up a key. Jinja tries the attribute
            # first, which on a dict fails with an exception: most of the lookup's time. A key
            # that is no attribute of a dict is read directly, with the same result.
            if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
                try:
                    return obj[attribute]
                except KeyError:
                    return self.undefined(obj=obj, name=attribute)
            return super().getattr(obj, attribute)

    root = templates_dir()
    env = Environment(
        loader=jinja2.FileSystemLoader([str(root / folder) for folder in _SEARCH_PATH]),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        bytecode_cache=_bytecode_cache(),
        # The templates do not change while a run renders: no stat of the file at each include.
        auto_reload=False,
        **_SYNTAX,
    )
    env.filters["tex"] = tex_escape
    env.filters["fn"] = tex_footnote_mark
    env.filters["mathml"] = mathml
    env.filters["rewrap"] = _rewrap
    return env


@lru_cache(maxsize=64)
def _rewrap(text: str, width: int) -> str:
    """Jinja's wordwrap filter, remembered: the Markdown dialect rewraps the same paragraph in
    every key, and wrapping it costs more than the rest of the key's opening."""
    import jinja2.filters

    return jinja2.filters.do_wordwrap(_environment(), text, width)


def _bytecode_cache():
    """Compiled templates kept between runs, in Jinja's private per-user folder of the temporary
    directory; compiling them is most of a small document's time. The cache only ever speeds a run
    up: a folder that is unsafe, unwritable or full means compiling, as without it."""
    import hashlib

    import jinja2
    from jinja2.bccache import FileSystemBytecodeCache

    class QuietCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket):
            try:
                super().load_bytecode(bucket)
            except OSError:
                pass

        def dump_bytecode(self, bucket):
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    # A template's key is its path and source; the syntax it was compiled with is in the name.
    syntax = hashlib.sha256(repr((jinja2.__version__, sorted(_SYNTAX.items()))).encode()).hexdigest()[:16]
    try:
        return QuietCache(pattern=f"worksheet-{syntax}-%s.cache")
    except (OSError, RuntimeError):
        return None


def render_markdown(name: str, context: dict) -> str:
    text = _blank_line_before_rules(_render(name, context))
    # Runs of blank lines fold into one ("\n\n\n+" and not "\n{3,}": a pattern that starts with
    # a character is searched for it, many times faster).
    text = re.sub(r"\n\n\n+", "\n\n", text)
    return insert_toc(text)


def _blank_line_before_rules(text: str) -> str:
    """A blank line between a line of text and a rule (--- or ===) right under it, which would
    make that line a setext heading; a rule right under a rule that got one gets none."""
    out = []
    done = 0  # the text up to here is in `out`
    separated = -1  # where the last rule given a blank line ends
    for rule in _RULE.finditer(text):
        start = rule.start()
        if start > 1 and text[start - 2] != "\n" and separated != start - 1:
            out.append(text[done:start])
            out.append("\n")
            done = start
            separated = rule.end()
    out.append(text[done:])
    return "".join(out)


_RULE = re.compile(r"(?<=\n)(?:---|===)(?=\n|\Z)")


def render_latex(name: str, context: dict) -> str:
    return _render(name, context)


def render_html(name: str, context: dict) -> str:
    """A section template through dialects/html.j2: HTML elements, math as MathML."""
    return _render(name, {**context, "dialect": "dialects/html.j2"})


def render_part(name: str, context: dict) -> str:
    """A part that a document's template places as it is; the document is finished as a whole."""
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
