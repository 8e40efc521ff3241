"""A sheet's documents in memory: Markdown, LaTeX bodies and documents, key JSON, full solutions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .. import __version__
from ..documents.texescape import FALLBACK_FONTS
from .sheets import EXACT_FOOTNOTE, Problem

KEY_SCHEMA = "worksheet.key/1"


@dataclass(frozen=True)
class Rendered:
    """One sheet and its key: Markdown, and LaTeX bodies for sheets.tex.j2."""

    sheet_md: str | None
    key_md: str | None
    sheet_body: str | None
    key_body: str | None


def render_pair(ctx: dict[str, Any], sheet_tag: str, key_tag: str, formats: tuple[str, ...]) -> Rendered:
    """The sheet and the key of one context; the LaTeX bodies start with the named PDF
    destinations `sheet_tag` and `key_tag`, by which the compiled PDF is split."""
    from ..documents.render import render_latex, render_markdown

    sheet_md = key_md = sheet_body = key_body = None
    if "md" in formats:
        md = {**ctx, "problem_data": problem_data(ctx, "dialects/md.j2")}
        sheet_md = render_markdown("practice.md.j2", md)
        key_md = render_markdown("key.md.j2", md)
    if "tex" in formats or "pdf" in formats:
        tex = {**ctx, "problem_data": problem_data(ctx, "dialects/tex.j2")}
        sheet_body = render_latex("_sheet_body.tex.j2", {**tex, "tag": sheet_tag})
        key_body = render_latex("_key_body.tex.j2", {**tex, "tag": key_tag})
    return Rendered(sheet_md, key_md, sheet_body, key_body)


def problem_data(ctx: dict[str, Any], dialect: str) -> list[str]:
    """Each problem's data in one dialect, as the sheet and its key both show it: rendered once
    for the two."""
    from ..documents.render import render_part

    return [render_part("_problem_data.j2", {"p": p, "dialect": dialect}) for p in ctx["problems"]]


def tex_document(bodies: list[str], engine: str = "pdflatex", fallback: tuple[str, ...] = FALLBACK_FONTS) -> str:
    """The document of `bodies` for `engine`: pdflatex with T1 fonts, or lualatex with fontspec
    and the `fallback` fonts when a student's name is in a script T1 cannot set."""
    head, tail = _frame(engine, tuple(fallback))
    return head + "".join(body + "\n" for body in bodies) + tail


@lru_cache(maxsize=64)
def _frame(engine: str, fallback: tuple[str, ...]) -> tuple[str, str]:
    """What sheets.tex.j2 writes before and after its bodies (each followed by a line break): the
    same for every student an engine and fonts typeset, rendered once."""
    from ..documents.render import render_latex

    mark = "\0body\0"
    head, tail = render_latex("sheets.tex.j2", {"bodies": [mark], "version": __version__, "engine": engine,
                                                "fallback": fallback}).split(mark + "\n")
    return head, tail


# ---------------------------------------------------------------- full solutions


def walkthrough_contexts(problems: list[Problem]) -> list[dict[str, Any]]:
    """The walkthrough context of each problem, as `generate` builds it."""
    from ..engine.calculator import calculate
    from ..documents.context import walkthrough_context

    out = []
    for p in problems:
        trace = p.trace
        contrast = None
        if trace.spec.update_order == "sequential" and trace.spec.depth > 1:
            contrast = calculate(replace(trace.spec, update_order="simultaneous"), trace.values)
        out.append(walkthrough_context(trace, contrast=contrast))
    return out


_HEADING = re.compile(r"^(#{1,5}) ")
_FENCE = re.compile(r"^(```|~~~)")


def demote(markdown: str) -> str:
    """Every heading one level down, outside code blocks: the walkthrough's sections sit under the
    key's heading for the problem."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _HEADING.match(line):
            line = "#" + line
        out.append(line)
    return "\n".join(out)


def add_full_solutions(ctx: dict[str, Any], walks: list[dict[str, Any]], formats: tuple[str, ...]) -> dict[str, Any]:
    """The key context with each problem's walkthrough in Markdown (the LaTeX walkthrough is a
    document of its own: see full_solution_tex)."""
    if "md" not in formats:
        return ctx
    from ..documents.render import render_markdown

    problems = []
    mismatches = 0
    for record, walk in zip(ctx["problems"], walks):
        md = demote(render_markdown("_full_solution.md.j2", walk)).strip("\n")
        mismatches += walk["mismatches"]
        problems.append({**record, "full_md": md})
    return {**ctx, "problems": problems, "footnote": EXACT_FOOTNOTE if mismatches or ctx["footnote"] else None}


def full_solution_tex(walk: dict[str, Any], number: int) -> str:
    from ..documents.render import render_latex

    return render_latex("walkthrough.tex.j2", {**walk, "title": f"Full solution of problem {number}"})


# ---------------------------------------------------------------- key JSON


def key_json(ctx: dict[str, Any], problems: list[Problem], student: dict[str, str] | None = None) -> str:
    """Every question with its expected value, tolerance and points, for graders and LMS imports."""
    data = {
        "schema": KEY_SCHEMA,
        "generator": f"worksheet {__version__}",
        "title": ctx["title"],
        "seed": ctx.get("seed"),
        "variant": (ctx.get("student") or {}).get("code"),
        "student": student,
        "options_hash": ctx["options_hash"],
        "total_points": ctx["total"],
        "problems": [],
    }
    for record, p in zip(ctx["problems"], problems):
        questions = []
        for q, a in zip(record["questions"], p.answers):
            questions.append({
                "label": q["label"], "kind": a.quantity.kind, "layer": a.quantity.l,
                "neuron": a.quantity.j + 1,
                "source": a.quantity.i + 1 if a.quantity.kind in ("grad_W", "W_new") else None,
                "expected": a.text, "tolerance": format(a.tolerance, "f"), "low": a.low, "high": a.high,
                "points": q["points"], "full_precision": a.value,
                **({"choice": q["answer"]["letter"], "options": {c["letter"]: c["value"] for c in q["choices"]}}
                   if "choices" in q else {}),
            })
        data["problems"].append({
            "number": p.number, "seed": p.trace.spec.seed, "level": p.source.level,
            "network": p.trace.spec.as_dict(), "questions": questions,
        })
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
