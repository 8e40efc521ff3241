"""The practice page: each problem's network, numbers and questions, with answers checked in the browser."""

from __future__ import annotations

from markupsafe import Markup

from ...documents.diagrams import network_caption, network_svg
from ...documents.mathml import mathml, text_with_math
from ...documents.render import render_html
from .page import asset, json_script, render_page

# What the page says about an answer; the script shows one of these (or a known mistake's message).
MESSAGES = {
    "right": "Right: within the key's tolerance.",
    "wrong": "Not yet. Check your work, or show the next step.",
    "empty": "Type a number first.",
    "invalid": "Not a number: write it as 0.12345 or 0,12345.",
}

# On a multiple-choice sheet the box takes an option's letter as well.
CHOICE_MESSAGE = "Neither an option's letter nor a number: write A, B, ... or 0.12345."


def mistake_message(message: str) -> str:
    """What the page says when an answer is a misconception's value (engine/misconceptions.py)."""
    return f"Not yet: this is what you get if {message}."


def known_mistakes(suspected) -> list[list[dict[str, str]]]:
    """Per answer, the misconceptions whose value a student could give instead (assessment's
    diagnosis.suspects, the diagnosis `worksheet grade` makes): the value at the answer's digits,
    its tolerance, and the message. Every value is the whole pass computed with that mistake,
    never numbers changed by hand."""
    return [[{"value": s.text, "tol": format(s.tolerance, "f"), "message": mistake_message(s.message)}
             for s in found] for found in suspected]


def _answer_line(answer: dict) -> str:
    if answer["exact"]:
        return f"Answer: {answer['value']} (tolerance ±{answer['tolerance']})."
    return (f"Answer: {answer['value']}; accepted {answer['low']} to {answer['high']} "
            f"(tolerance ±{answer['tolerance']}).")


def _question(q: dict, mistakes: list[dict[str, str]]) -> dict:
    answer = q["answer"]
    return {
        "label": q["label"],
        "points": q["points"],
        "prompt": Markup(text_with_math(q["prompt"])),
        "steps": [Markup(mathml(line, display=True)) for line in answer["work"]],
        "answer": _answer_line(answer) if "letter" not in answer else f"({answer['letter']}) {_answer_line(answer)}",
        "options": [{"letter": c["letter"], "value": Markup(mathml(c["value"]))} for c in q.get("choices", ())],
        "messages": [*MESSAGES.values(), *((CHOICE_MESSAGE,) if "choices" in q else ()),
                     *(m["message"] for m in mistakes)],
    }


def _problem(record: dict, problem, suspected) -> tuple[dict, dict]:
    """The problem's record for the template, and its data for the script."""
    trace = problem.trace
    mistakes = known_mistakes(suspected)
    shown_data = {
        "number": record["number"],
        "level_title": record["level_title"],
        "svg": Markup(network_svg(trace.spec, trace.values, network_caption(trace.spec))),
        # What the problem gives, in the words of the sheet and the key (templates/_problem_data.j2).
        "data": Markup(render_html("_problem_data.j2", {"p": record})),
        "questions": [_question(q, m) for q, m in zip(record["questions"], mistakes)],
    }
    checks = {
        "seed": trace.spec.seed,
        "questions": [{"label": q["label"], "value": q["answer"]["value"], "tol": q["answer"]["tolerance"],
                       "mistakes": m, **_options(q)} for q, m in zip(record["questions"], mistakes)],
    }
    return shown_data, checks


def _options(q: dict) -> dict:
    """A multiple-choice question's options for the script: letter -> value, read as typing it."""
    return {"options": {c["letter"]: c["value"] for c in q["choices"]}} if "choices" in q else {}


def practice_page(ctx: dict, problems, suspected) -> str:
    """The whole page as one HTML document: no file or network beside it is needed. `suspected`:
    per problem, per answer, the misconceptions' values the page names (diagnosis.suspects)."""
    pairs = [_problem(r, p, s) for r, p, s in zip(ctx["problems"], problems, suspected)]
    data = {
        # Progress is kept per sheet: its seed and options name the problems.
        "storage": f"worksheet-practice/{ctx['seed']}/{ctx['options_hash']}",
        "messages": {**MESSAGES, **({"invalid_choice": CHOICE_MESSAGE} if ctx.get("choices") else {})},
        "problems": [checks for _, checks in pairs],
    }
    context = {
        "title": ctx["title"],
        "seed": ctx["seed"],
        "n_questions": ctx["n_questions"],
        "provenance": ctx["provenance"],
        "problems": [shown_data for shown_data, _ in pairs],
        "data": Markup(json_script(data)),
    }
    return render_page("practice.html.j2", context, asset("practice.js"))

