"""Practice and exam sheets: problems drawn once, questions chosen and answered, records for the templates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from .. import __version__
from ..engine.activations import get_activation
from ..engine.calculator import Trace
from ..errors import SpecError
from ..engine.formulas import activation_latex
from ..engine.intervals import Unbounded, ranges
from ..engine.losses import get_loss
from ..documents.diagrams import sheet_tikz
from ..documents.notation import layer_name, neuron, weight
from ..documents.numbers import Formatter, decimals_for, fmt, fmt_given, operand
from ..documents.steps import (Worked, derivative_step, error_path_step, shown_input, tex_formula, tex_side,
                               tex_substituted)
from .questions import Answer, Quantity, answer, choose, choose_asked, labels, well_posed
from ..engine.sampling import Stream, derive_seed, draw_problem
from .sheetspec import ProblemSpec, SheetSpec
from ..stages import stage

MAX_REDRAWS = 50
EXACT_FOOTNOTE = (
    "[^exact]: Computed at full precision. The operands on this line are shown rounded, so recomputing "
    "the line from them can differ from the shown result in the last digit."
)
LEVEL_TITLES = {
    "forward": "forward pass",
    "loss": "loss",
    "output": "output layer",
    "hidden": "hidden layer",
    "full": "forward and backward pass",
}


@dataclass(frozen=True)
class Problem:
    """One drawn problem of a sheet: the sheet and its key are both made from this."""

    number: int
    source: ProblemSpec
    trace: Trace
    answers: tuple[Answer, ...]
    labels: tuple[str, ...]
    points: tuple[Decimal, ...]  # of each question


def problem_seed(sheet_seed: int, number: int) -> int:
    """Problem 1 is drawn from the sheet's seed itself (so `generate --seed` shows its full
    solution); problem n from a seed derived from the sheet's seed and n."""
    return sheet_seed if number == 1 else derive_seed(sheet_seed, "problem", number)


def build_problem(source: ProblemSpec, number: int, sheet_seed: int, distinct=None) -> Problem:
    """Draw the problem and choose its questions. A draw whose asked values rounding would make
    ambiguous is redrawn from a derived seed, deterministically; so is one where `distinct`
    (assessment/redraw.py) names a misconception that cannot be told apart."""
    base = problem_seed(sheet_seed, number)
    collided = None
    for attempt in range(MAX_REDRAWS):
        seed = base if attempt == 0 else derive_seed(base, "redraw", attempt)
        spec = replace(source.spec, seed=seed)
        with stage("sampling"):
            trace = draw_problem(spec, source.given)[1]
        with stage("questions"):
            try:
                rg = ranges(trace)
            except Unbounded:
                continue
            found: dict[Quantity, Answer] = {}

            def ok(q: Quantity) -> bool:
                if q not in found:
                    found[q] = answer(trace, rg, q)
                return well_posed(found[q])

            stream = Stream("questions", seed)
            chosen = (choose(spec, source.level, stream, ok) if source.ask is None
                      else choose_asked(spec, source.ask, stream, ok))
        if chosen is not None:
            problem = Problem(number, source, trace, tuple(found[q] for q in chosen),
                              tuple(labels(len(chosen), number)), source.points_of(len(chosen)))
            collided = distinct(problem) if distinct is not None else None
            if collided is None:
                return problem
    if collided is not None:
        from .redraw import too_many

        raise too_many(number, MAX_REDRAWS, collided)
    raise SpecError(
        f"problem {number}: in {MAX_REDRAWS} draws, rounding to {source.spec.precision} decimals leaves some "
        f"{source.level}-level answers unclear; use a higher --precision"
    )


def build_problems(sheet: SheetSpec, sheet_seed: int) -> list[Problem]:
    from .redraw import distinct_for

    distinct = distinct_for(sheet)
    return [build_problem(p, n, sheet_seed, distinct) for n, p in enumerate(sheet.problems, start=1)]


# ---------------------------------------------------------------- Markdown text


# The characters Markdown (with GitHub's tables, strikethrough and $ math) can read as markup
# inside a line: emphasis, code, links, HTML and entities, table cells, math, a heading's closing
# #s. Names and titles never start a line of the documents, so - + . = ' ( ) need no escape.
_MD_ESCAPE = frozenset("\\`*_[]<>#|$~&")


def md_text(text: str) -> str:
    """Text that Markdown shows literally, inside a line: the markup characters backslash-escaped."""
    return "".join("\\" + ch if ch in _MD_ESCAPE else ch for ch in text)


# ---------------------------------------------------------------- the records


def sheet_context(sheet: SheetSpec, problems: list[Problem], provenance: dict[str, Any],
                  student: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the sheet and key templates show. `provenance` holds the seed (practice) or
    variant code (exam) and the options hash; `student` the name and id of an exam sheet."""
    records = [_problem(p) for p in problems]
    mismatches = sum(r["mismatches"] for r in records)
    total = sum((Decimal(q["points"]) for r in records for q in r["questions"]), Decimal(0))
    stamp = [f"worksheet {__version__}"]
    if provenance.get("code"):
        stamp.append(f"variant {provenance['code']}")
    else:
        stamp.append(f"seed {provenance['seed']}")
    stamp.append(f"options {provenance['options_hash']}")
    return {
        "title": sheet.title,
        "title_md": md_text(sheet.title),
        "student": None if student is None else {
            "name": student["name"], "name_md": md_text(student["name"]), "name_tex": student.get("name_tex"),
            "id": student["id"],
            "id_md": md_text(student["id"]), "code": provenance["code"],
        },
        "seed": provenance.get("seed"),
        "problems": records,
        "total": _points(total),
        "n_questions": sum(len(r["questions"]) for r in records),
        "provenance": " · ".join(stamp),
        "version": __version__,
        "options_hash": provenance["options_hash"],
        "full_solutions": sheet.full_solutions,
        "footnote": EXACT_FOOTNOTE if mismatches else None,
    }


def _points(x: Decimal) -> str:
    x = x.normalize()
    return format(x.quantize(Decimal(1)) if x == x.to_integral_value() else x, "f")


def _answer_space(lines: int) -> str:
    """The height left for an answer on the printed sheet: 1.2 cm, and 0.6 cm for each line of
    working it needs."""
    return f"{1.2 + 0.6 * lines:.1f}cm"


def _problem(p: Problem) -> dict[str, Any]:
    spec = p.trace.spec
    F = Formatter(spec.precision, spec.rounding == "exact")
    questions = []
    asked = {a.quantity for a in p.answers}
    for label, a, points in zip(p.labels, p.answers, p.points):
        prompt, work = _question(p.trace, F, a.quantity)
        questions.append({
            "label": label, "letter": label[len(str(p.number)):], "prompt": prompt,
            "points": _points(points), "kind": a.quantity.kind,
            # Room to answer on the printed sheet: its own worked lines and a line for each value
            # it takes from an earlier step that the sheet does not ask.
            "space": _answer_space(len(work) + sum(q not in asked for q in _needs(spec, a.quantity))),
            "answer": {"value": a.text, "low": a.low, "high": a.high, "tolerance": format(a.tolerance, "f"),
                       "exact": a.units == 0, **_lines(F, work)},
        })
    working = _lines(F, [line for q in working_quantities(spec, [a.quantity for a in p.answers])
                         for line in _question(p.trace, F, q)[1]])
    return {
        "number": p.number,
        "working": working if working["work"] else None,
        "mismatches": F.mismatches,
        "level": p.source.level,
        "level_title": LEVEL_TITLES[p.source.level] if p.source.ask is None else "questions asked",
        "points_each": _points(p.points[0]) if len(set(p.points)) == 1 else None,
        "subtotal": _points(sum(p.points, Decimal(0))),
        "questions": questions,
        "full_md": None,
        "full_tex": None,
        **_data(p.trace, F),
    }


def _lines(F: Formatter, work: list[Worked]) -> dict[str, list[str]]:
    """Worked lines as the templates take them: the TeX math of each, and its footnote marker
    when its printed numbers do not give its printed result."""
    return {"work": [w.tex() for w in work], "notes": [F.mark(w.recomputes) for w in work]}


def _needs(spec, q: Quantity) -> list[Quantity]:
    """The values a hand computation of q takes from earlier steps (its own worked lines show the
    rest: a delta's error and derivative, an update's step)."""
    L = spec.depth
    if q.kind == "z":
        return [Quantity("a", q.l - 1, i) for i in range(spec.layers[q.l - 1])] if q.l > 1 else []
    if q.kind == "a":
        elementwise = get_activation(spec.activations[q.l - 1]).elementwise
        return [Quantity("z", q.l, j) for j in (range(spec.layers[q.l]) if not elementwise else [q.j])]
    if q.kind in ("E_k", "dE_do"):
        return [Quantity("a", L, q.j)]
    if q.kind == "E":
        if spec.layers[L] == 1:
            return [Quantity("a", L, 0)]
        return [Quantity("E_k", 0, k) for k in range(spec.layers[L])]
    if q.kind == "delta" and q.l == L:
        return [Quantity("a", L, k) for k in range(spec.layers[L])]
    if q.kind in ("delta", "error"):
        return [Quantity("delta", q.l + 1, k) for k in range(spec.layers[q.l + 1])] + (
            [Quantity("a", q.l, q.j)] if q.kind == "delta" else [])
    if q.kind == "grad_W":
        return [Quantity("delta", q.l, q.j)] + ([Quantity("a", q.l - 1, q.i)] if q.l > 1 else [])
    if q.kind == "W_new":
        return [Quantity("grad_W", q.l, q.j, q.i)]
    return [Quantity("delta", q.l, q.j)]  # grad_b, b_new


def working_quantities(spec, asked: list[Quantity]) -> list[Quantity]:
    """Every value the asked ones depend on that is not asked itself, in the order of the
    computation: the key shows these once per problem, then each answer's own lines."""
    needed: set[Quantity] = set()
    todo = list(asked)
    while todo:
        for q in _needs(spec, todo.pop()):
            if q not in needed:
                needed.add(q)
                todo.append(q)
    return sorted(needed - set(asked), key=Quantity.sort_key)


def tiny_threshold(precision: int) -> Decimal:
    """The size below which numbers.py shows 3 significant digits instead of `precision` decimals."""
    e = 0
    while decimals_for(Decimal(1).scaleb(e - 1), precision) == precision and e > -precision - 3:
        e -= 1
    return Decimal(1).scaleb(e)


def _data(trace: Trace, F: Formatter) -> dict[str, Any]:
    """What the sheet gives: the network, its numbers, the learning rate and the rounding rule."""
    spec = trace.spec
    values = trace.values
    L = spec.depth
    neurons = [[neuron(spec, l, j + 1) for j in range(n)] for l, n in enumerate(spec.layers)]
    acts = []
    for l in range(1, L + 1):
        name = spec.activations[l - 1]
        act = get_activation(name)
        formula = act.inline_value or activation_latex(name)[0]
        if not act.elementwise:
            formula = r"o_k = \frac{e^{\text{net}_k}}{\sum_m e^{\text{net}_m}}"
        else:
            formula = f"{act.symbol}(x) = {formula}"
        acts.append({"l": l, "layer": layer_name(spec, l), "name": name, "title": act.title, "formula": formula})
    loss = get_loss(spec.loss)
    weights = []
    for l in range(1, L + 1):
        W = values.weights[l - 1]
        rows = []
        for j in range(len(W)):
            rows.append({
                "dst": neurons[l][j].label,
                "cells": [{"sym": weight(spec, l, j + 1, i + 1), "value": F.g(W[j][i])} for i in range(len(W[j]))],
                "bias": None if values.biases is None else {
                    "sym": neurons[l][j].bias, "value": F.g(values.biases[l - 1][j])},
            })
        weights.append({
            "l": l, "from": layer_name(spec, l - 1), "to": layer_name(spec, l),
            "src": [n.label for n in neurons[l - 1]], "rows": rows,
        })
    threshold = tiny_threshold(spec.precision)
    example = fmt(Decimal("1.8765") * threshold / 10, spec.precision)
    return {
        "layers_text": "-".join(map(str, spec.layers)),
        "activations": acts,
        "single_activation": len(set(spec.activations)) == 1,
        "loss": {"name": spec.loss, "title": loss.title, "term": loss.term_latex, "total": loss.total_latex},
        "bias": spec.bias,
        "bias_frozen": spec.bias and spec.bias_policy == "frozen",
        "lr": fmt_given(spec.lr, 1),
        "leaky_slope": fmt_given(spec.leaky_slope) if any(get_activation(name).uses_slope for name in spec.activations) else None,
        "sequential": spec.update_order == "sequential",
        "steps": spec.steps,
        "inputs": [{"sym": n.value, "label": n.label, "value": F.g(x)} for n, x in zip(neurons[0], values.input)],
        "targets": [{"sym": f"t_{{{k + 1}}}", "label": n.label, "value": F.g(t)}
                    for k, (n, t) in enumerate(zip(neurons[L], values.target))],
        "weights": weights,
        "carried": spec.rounding == "carried",
        "precision": spec.precision,
        "tiny": format(threshold, "f"),
        "tiny_example": example,
        "diagram": sheet_tikz(spec, F, values, neurons),
    }


# ---------------------------------------------------------------- questions and worked answers


def _base(sym: str) -> str:
    """A symbol that takes a superscript: h^{(2)}_{1} in braces, or it would have two."""
    return f"{{{sym}}}" if "^" in sym else sym


def _exponent(text: str) -> str:
    """-x for e^{-x}: e^{-0.37750}, or e^{0.20000} when x is negative."""
    return text[1:] if text.startswith("-") else "-" + text


def _question(trace: Trace, F: Formatter, q: Quantity) -> tuple[str, list[Worked]]:
    """The prompt (text with $math$) and the worked answer (its lines)."""
    spec = trace.spec
    step = trace.first
    L = spec.depth
    kind = q.kind
    if kind in ("E_k", "E", "dE_do"):
        lt = step.loss
        k = q.j
        o_n = neuron(spec, L, k + 1)
        if kind == "E_k":
            return (f"The loss term $E_{{{k + 1}}}$ of output ${o_n.label}$.", [_loss_term(spec, F, lt, k)])
        if kind == "E":
            return ("The total loss $E_{total}$.", _total_loss(spec, F, lt))
        sym = rf"\frac{{\partial E_{{total}}}}{{\partial {o_n.value}}}"
        return (f"The derivative ${sym}$ of the total loss with respect to the output ${o_n.value}$.",
                [_dE_line(spec, F, lt, k, o_n)])

    layer = step.layers[q.l - 1]
    j = q.j
    n_j = neuron(spec, q.l, j + 1)
    where = "output" if q.l == L else "hidden"
    if kind == "z":
        return (f"The net input ${n_j.net}$ of neuron ${n_j.label}$.", [_net_line(spec, F, layer, j, n_j)])
    if kind == "a":
        return (f"The {'output' if q.l == L else 'activation'} ${n_j.value}$ of neuron ${n_j.label}$.",
                [_activation_line(spec, F, layer, j, n_j)])
    if kind == "delta":
        sym = rf"\delta_{{{n_j.short}}}"
        prompt = (rf"The delta ${sym} = \frac{{\partial E_{{total}}}}{{\partial {n_j.net}}}$ "
                  rf"of {where} neuron ${n_j.label}$.")
        return prompt, _delta_lines(spec, F, step, layer, j, n_j, sym)
    if kind == "error":
        sym = rf"\frac{{\partial E_{{total}}}}{{\partial {n_j.value}}}"
        prompt = (f"The error ${sym} = \\sum_k \\delta_k w_{{kj}}$ that reaches hidden neuron ${n_j.label}$, "
                  "summed over its paths to the next layer.")
        return prompt, [_error_line(spec, F, step, layer, j, n_j)]
    if kind == "grad_W":
        src = neuron(spec, q.l - 1, q.i + 1)
        wsym = weight(spec, q.l, j + 1, q.i + 1)
        d, x, g = F.v(layer.delta[j]), shown_input(F, layer, q.i), F.v(layer.grad_W[j][q.i])
        product = rf"{operand(d)} \times {operand(x)}"
        line = Worked((rf"\frac{{\partial E_{{total}}}}{{\partial {wsym}}}", rf"\delta_{{{n_j.short}}} \cdot {src.value}",
                       product, g), ((product, g),))
        return (rf"The gradient $\frac{{\partial E_{{total}}}}{{\partial {wsym}}}$ of weight ${wsym}$ "
                rf"(${src.label} \to {n_j.label}$).", [line])
    if kind == "W_new":
        wsym = weight(spec, q.l, j + 1, q.i + 1)
        line = _update_line(spec, F, layer.W[j][q.i], layer.grad_W[j][q.i], layer.step_W[j][q.i],
                            layer.W_new[j][q.i], wsym, rf"\eta \frac{{\partial E_{{total}}}}{{\partial {wsym}}}")
        return (f"The new value ${wsym}^{{new}}$ of weight ${wsym}$ after the update.", [line])
    if kind == "b_new":
        line = _update_line(spec, F, layer.b[j], layer.grad_b[j], layer.step_b[j], layer.b_new[j],
                            n_j.bias, rf"\eta \delta_{{{n_j.short}}}")
        return (f"The new value ${_base(n_j.bias)}^{{new}}$ of bias ${n_j.bias}$ after the update.", [line])
    if kind == "grad_b":
        line = Worked((rf"\frac{{\partial E_{{total}}}}{{\partial {n_j.bias}}}", rf"\delta_{{{n_j.short}}}",
                       F.v(layer.grad_b[j])))
        return (rf"The gradient $\frac{{\partial E_{{total}}}}{{\partial {n_j.bias}}}$ of bias ${n_j.bias}$.", [line])
    raise ValueError(kind)


def _update_line(spec, F: Formatter, old: float, grad: float, step: float, new: float, sym: str,
                 rule: str) -> Worked:
    """old - eta * g = old - step = new: the step at its display digits, the new value at the
    digits asked for, as every other answer."""
    w, g, s, n = F.g(old), F.v(grad), F.v(step), F.v(new)
    lr = fmt_given(spec.lr, 1)
    product = rf"{lr} \times {operand(g)}"
    difference = f"{w} - {operand(s)}"
    return Worked((f"{_base(sym)}^{{new}}", f"{sym} - {rule}", f"{w} - {product}", difference, n),
                  ((product, s), (difference, n)))


def _net_line(spec, F: Formatter, layer, j: int, n_j) -> Worked:
    terms_sym, terms = [], []
    for i in range(len(layer.W[j])):
        src = neuron(spec, layer.l - 1, i + 1)
        terms_sym.append(f"{weight(spec, layer.l, j + 1, i + 1)} {src.value}")
        terms.append(rf"{F.go(layer.W[j][i])} \times {operand(shown_input(F, layer, i))}")
    if layer.b is not None:
        terms_sym.append(n_j.bias)
        terms.append(F.go(layer.b[j]))
    z = F.v(layer.z[j])
    return Worked((n_j.net, " + ".join(terms_sym), " + ".join(terms), z), ((" + ".join(terms), z),))


def _dE_line(spec, F: Formatter, lt, k: int, o_n) -> Worked:
    """dE/do_k with the loss's formula and the numbers."""
    sym = rf"\frac{{\partial E_{{total}}}}{{\partial {o_n.value}}}"
    o, t, dE = F.v(lt.output[k]), F.g(lt.target[k]), F.v(lt.dE_do[k])
    n = len(lt.target)
    tk = f"t_{{{k + 1}}}"
    loss = get_loss(spec.loss)
    if loss.halved:
        numbers = f"{o} - {operand(t)}"
        return Worked((sym, f"{o_n.value} - {tk}", numbers, dE), ((numbers, dE),))
    if loss.term_form == "squared":
        numbers = rf"\frac{{2}}{{{n}}}({o} - {operand(t)})"
        return Worked((sym, rf"\frac{{2}}{{{n}}}({o_n.value} - {tk})", numbers, dE), ((numbers, dE),))
    if loss.term_form == "binary_log":
        numbers = rf"\frac{{1}}{{{n}}} \cdot \frac{{{o} - {operand(t)}}}{{{o} \times (1 - {o})}}"
        return Worked((sym, rf"\frac{{1}}{{{n}}} \cdot \frac{{{o_n.value} - {tk}}}{{{o_n.value}(1 - {o_n.value})}}",
                       numbers, dE), ((numbers, dE),))
    numbers = rf"-\frac{{{t}}}{{{o}}}"
    return Worked((sym, rf"-\frac{{{tk}}}{{{o_n.value}}}", numbers, dE), ((numbers, dE),))


def _error_line(spec, F: Formatter, step, layer, j: int, n_j) -> Worked:
    """dE/da_j of a hidden neuron: the sum over its paths delta_k * w_kj."""
    sym = rf"\frac{{\partial E_{{total}}}}{{\partial {n_j.value}}}"
    nxt = step.layers[layer.l]
    syms, nums, prods = [], [], []
    claims = []
    for k in range(len(nxt.delta)):
        d_n = neuron(spec, layer.l + 1, k + 1)
        syms.append(rf"\delta_{{{d_n.short}}} {weight(spec, layer.l + 1, k + 1, j + 1)}")
        path = error_path_step(F, spec.update_order, layer, nxt, j, k)
        nums.append(" \\times ".join(operand(x) for x in path.operands))
        prods.append(operand(path.result))
        claims.append((nums[-1], path.result))
    error = F.v(layer.error[j])
    sides = [sym, " + ".join(syms), " + ".join(nums)]
    if len(prods) > 1:
        sides.append(" + ".join(prods))
        claims.append((" + ".join(prods), error))
    return Worked((*sides, error), tuple(claims))


def _loss_term(spec, F: Formatter, lt, k: int) -> Worked:
    """E_k with its formula, the substituted numbers and the result."""
    loss = get_loss(spec.loss)
    n = len(lt.target)
    o_sym = neuron(spec, spec.depth, k + 1).value
    o, t, term = F.v(lt.output[k]), F.g(lt.target[k]), F.v(lt.terms[k])
    e = k + 1
    if loss.term_form == "squared":
        scale = "2" if loss.halved else n
        numbers = rf"\frac{{1}}{{{scale}}}({t} - {operand(o)})^2"
        return Worked((f"E_{{{e}}}", rf"\frac{{1}}{{{scale}}}(t_{{{e}}} - {o_sym})^2", numbers, term),
                      ((numbers, term),))
    if loss.term_form == "binary_log":
        one_minus_t = fmt_given(1 - Decimal(t))
        numbers = rf"-\frac{{1}}{{{n}}}\left[{t} \ln {o} + {one_minus_t} \ln(1 - {o})\right]"
        return Worked((f"E_{{{e}}}", rf"-\frac{{1}}{{{n}}}"
                       rf"\left[t_{{{e}}} \ln {o_sym} + (1 - t_{{{e}}}) \ln(1 - {o_sym})\right]", numbers, term),
                      ((numbers, term),))
    numbers = rf"-{t} \times \ln {o}"
    return Worked((f"E_{{{e}}}", rf"-t_{{{e}}} \ln {o_sym}", numbers, term), ((numbers, term),))


def _total_loss(spec, F: Formatter, lt) -> list[Worked]:
    """E_total: each output's term, then their sum (one output: its term is the total)."""
    n = len(lt.target)
    total = F.v(lt.total)
    if n == 1:
        only = _loss_term(spec, F, lt, 0)
        return [Worked(("E_{total}", *only.sides[1:-1], total), ((only.claims[0][0], total),))]
    terms = " + ".join(operand(F.v(x)) for x in lt.terms)
    syms = " + ".join(f"E_{{{k + 1}}}" for k in range(n))
    return [Worked(("E_{total}", syms, terms, total), ((terms, total),))]


def _activation_line(spec, F: Formatter, layer, j: int, n_j) -> Worked:
    hand = get_activation(layer.activation).hand_value
    z, a = F.v(layer.z[j]), F.v(layer.a[j])
    head = n_j.value
    if hand == "exp_reciprocal":
        if layer.exp_terms[j] is None:
            return Worked((head, rf"\sigma({n_j.net})", rf"\sigma({z})", a), ((rf"\sigma({z})", a),))
        e = F.v(layer.exp_terms[j])
        power, reciprocal = f"e^{{{_exponent(z)}}}", rf"\frac{{1}}{{1 + {e}}}"
        return Worked((head, rf"\sigma({n_j.net})", rf"\frac{{1}}{{1 + {power}}}", reciprocal, a),
                      ((power, e), (reciprocal, a)))
    if hand == "key":
        return Worked((head, rf"\tanh({n_j.net})", rf"\tanh({z})", a), ((rf"\tanh({z})", a),))
    if hand == "clamp":
        return Worked((head, rf"\max(0, {n_j.net})", rf"\max(0, {z})", a))
    if hand == "slope_below_zero":
        alpha = fmt_given(spec.leaky_slope)
        claims = ((rf"{alpha} \times {operand(z)}", a),) if layer.z[j] <= 0 else ()
        return Worked((head, rf"\max(\alpha {n_j.net}, {n_j.net})", rf"\max({alpha} \times {operand(z)}, {z})", a),
                      claims)
    if hand == "identity":
        return Worked((head, n_j.net, a))
    exps = [F.v(e) for e in layer.exp_terms]
    denominator = " + ".join(exps)
    shift = "" if not layer.exp_shift else f" - {F.v(layer.exp_shift)}"
    share = rf"\frac{{{exps[j]}}}{{{denominator}}}"
    return Worked((head, rf"\frac{{e^{{{n_j.net}{shift}}}}}{{\sum_m e^{{\text{{net}}_m{shift}}}}}", share, a),
                  ((share, a),))


def _derivative_line(F: Formatter, layer, j: int, n_j) -> Worked:
    step = derivative_step(F, layer, j)
    sym = rf"f'({n_j.net})"
    if step.net is not None:
        return Worked((sym, rf"{step.result} \quad \text{{because }} {n_j.net} = {step.net} {tex_side(step)}",))
    if step.operands:
        return Worked((sym, tex_formula(step, n_j.value, power="brace"), tex_substituted(step), step.result),
                      ((tex_substituted(step), step.result),))
    return Worked((sym, "1"))


def _delta_lines(spec, F: Formatter, step, layer, j: int, n_j, sym: str) -> list[Worked]:
    L = spec.depth
    d = F.v(layer.delta[j])
    if layer.l < L:
        err, der = F.v(layer.error[j]), F.v(layer.derivative[j])
        product = rf"{operand(err)} \times {der}"
        return [
            _error_line(spec, F, step, layer, j, n_j),
            _derivative_line(F, layer, j, n_j),
            Worked((sym, rf"\frac{{\partial E_{{total}}}}{{\partial {n_j.value}}} \cdot f'({n_j.net})", product, d),
                   ((product, d),)),
        ]
    lt = step.loss
    o, t = F.v(lt.output[j]), F.g(lt.target[j])
    n = len(lt.target)
    loss = get_loss(spec.loss)
    if layer.activation in loss.combined_delta and loss.term_form == "log":
        numbers = f"{o} - {operand(t)}"
        return [Worked((sym, f"{n_j.value} - t_{{{j + 1}}}", numbers, d), ((numbers, d),))]
    if layer.activation in loss.combined_delta:
        numbers = rf"\frac{{1}}{{{n}}}({o} - {operand(t)})"
        return [Worked((sym, rf"\frac{{1}}{{{n}}}({n_j.value} - t_{{{j + 1}}})", numbers, d), ((numbers, d),))]
    dE_sym = rf"\frac{{\partial E_{{total}}}}{{\partial {n_j.value}}}"
    dE = F.v(lt.dE_do[j])
    if not get_activation(layer.activation).elementwise:
        terms = " + ".join(F.o(x) for x in layer.delta_terms[j])
        return [*(_dE_line(spec, F, lt, k, neuron(spec, L, k + 1)) for k in range(n)),
                Worked((sym, rf"\sum_k \frac{{\partial E_{{total}}}}{{\partial o_k}} "
                        rf"\frac{{\partial o_k}}{{\partial {n_j.net}}}", terms, d), ((terms, d),))]
    product = rf"{operand(dE)} \times {F.v(layer.derivative[j])}"
    return [_dE_line(spec, F, lt, j, n_j), _derivative_line(F, layer, j, n_j),
            Worked((sym, rf"{dE_sym} \cdot f'({n_j.net})", product, d), ((product, d),))]
