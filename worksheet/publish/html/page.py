"""One HTML file from a template: the page's own CSS and script inlined, a policy that allows nothing else."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib import resources


@cache
def asset(name: str) -> str:
    """A file shipped beside this module in assets/ (the page's CSS and scripts)."""
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(style: str, script: str | None) -> str:
    """The Content-Security-Policy of a page: its one style sheet and its one script, named by
    their hashes; no other script, style, connection, frame, form target or image runs or loads."""
    scripts = _sha256(script) if script is not None else "'none'"
    return (f"default-src 'none'; style-src {_sha256(style)}; script-src {scripts}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def json_script(data) -> str:
    """Data for a <script type="application/json"> block: no "</script" or "<!--" can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def environment():
    """The Jinja environment of the HTML templates: every value escaped unless marked as markup."""
    import jinja2

    from ...resources import templates_dir

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "html")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=True,
    )


def render_page(template: str, context: dict, script: str | None) -> str:
    """The page: `context` through the template, with the style sheet, the script and the policy
    that names them."""
    from markupsafe import Markup

    style = asset("page.css")
    return environment().get_template(template).render(
        **context, style=Markup(style), script=None if script is None else Markup(script),
        policy=policy(style, script))
