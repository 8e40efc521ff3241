"""The practice page: each problem's network, numbers and questions, with answers checked in the browser."""

from __future__ import annotations

from markupsafe import Markup

from ...documents.diagrams import network_caption, network_svg
from ...documents.mathml import mathml, text_with_math
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


def known_mistakes(problem) -> list[list[dict[str, str]]]:
    """Per answer, the misconceptions whose value a student could give instead, where that value
    tells the mistake apart from the right answer and from the other misconceptions (the
    diagnosis `worksheet grade` makes): the value at the answer's digits, its tolerance, and the
    message. Every value is the whole pass computed with that mistake, never numbers changed by hand."""
    from ...assessment.diagnosis import suspects

    return [[{"value": s.text, "tol": format(s.tolerance, "f"), "message": mistake_message(s.message)}
             for s in found] for found in suspects(problem)]


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


def _given(entry: dict) -> Markup:
    """A weight or bias as the sheet gives it: w_1 = 0.15."""
    return Markup(mathml(f"{entry['sym']} = {entry['value']}"))


def _weights(table: dict) -> dict:
    """One weight layer's table, every symbol and value as MathML."""
    return {
        "from": table["from"], "to": table["to"],
        "src": [Markup(mathml(s)) for s in table["src"]],
        "rows": [{"dst": Markup(mathml(r["dst"])), "cells": [_given(c) for c in r["cells"]],
                  "bias": None if r["bias"] is None else _given(r["bias"])} for r in table["rows"]],
    }


def _problem(record: dict, problem) -> tuple[dict, dict]:
    """The problem's record for the template, and its data for the script."""
    trace = problem.trace
    mistakes = known_mistakes(problem)
    shown_data = {
        "number": record["number"],
        "level_title": record["level_title"],
        "svg": Markup(network_svg(trace.spec, trace.values, network_caption(trace.spec))),
        "layers_text": record["layers_text"],
        "activations": [{"layer": a["layer"], "title": a["title"], "formula": Markup(mathml(a["formula"]))}
                        for a in record["activations"]],
        "single_activation": record["single_activation"],
        "loss": {"title": record["loss"]["title"], "term": Markup(mathml(record["loss"]["term"])),
                 "total": Markup(mathml(record["loss"]["total"]))},
        "leaky_slope": record["leaky_slope"],
        "bias": record["bias"],
        "bias_frozen": record["bias_frozen"],
        "lr": record["lr"],
        "sequential": record["sequential"],
        "steps": record["steps"],
        "inputs": [{"label": Markup(mathml(x["label"])), "value": x["value"]} for x in record["inputs"]],
        "targets": [{"label": Markup(mathml(t["label"])), "sym": Markup(mathml(t["sym"])), "value": t["value"]}
                    for t in record["targets"]],
        "weights": [_weights(w) for w in record["weights"]],
        "carried": record["carried"],
        "precision": record["precision"],
        "tiny": record["tiny"],
        "tiny_example": Markup(mathml(record["tiny_example"])),
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


def practice_page(ctx: dict, problems) -> str:
    """The whole page as one HTML document: no file or network beside it is needed."""
    pairs = [_problem(r, p) for r, p in zip(ctx["problems"], problems)]
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

