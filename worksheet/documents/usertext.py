"""Text from users (titles) in Markdown: shown as written, never as markup or HTML."""

from __future__ import annotations

import re

# What starts markup inside a line of CommonMark (and GitHub's tables, strikethrough and math):
# emphasis, code, links and images, raw HTML and autolinks, table cells, inline math.
_MARKUP = re.compile(r"[\\`*_\[\]<>|$~]|&(?=#?[A-Za-z0-9]+;)")


def md_inline(text: str) -> str:
    """Text for a Markdown line (a heading): every character that could start markup
    backslash-escaped, so an ordinary title stays as it is and `<img onerror=...>` stays text."""
    return _MARKUP.sub(lambda m: "\\" + m.group(0), text)
