"""Practice and exam sheets: problems drawn once, questions chosen and answered, records for the templates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .. import __version__
from ..engine.activations import get_activation
from ..engine.calculator import Trace
from ..engine.spec import NetworkSpec
from ..errors import SpecError
from ..engine.formulas import activation_latex
from ..engine.intervals import Unbounded, ranges
from ..engine.losses import get_loss
from ..documents.diagrams import sheet_tikz
from ..documents.expressions import E_TOTAL, Num, Sym, num
from ..documents.mathtext import tex
from ..documents.notation import layer_name, neuron, weight, weight_number
from ..documents.numbers import Formatter, decimals_for, fmt, fmt_given
from ..documents.steps import Worked, derivative_step, error_path_step, hand_formula, shown_input, substituted
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
    answers, working = worked_answers(p, F)
    for label, a, points, (prompt, work, written) in zip(p.labels, p.answers, p.points, answers):
        questions.append({
            "label": label, "letter": label[len(str(p.number)):], "prompt": prompt,
            "points": _points(points), "kind": a.quantity.kind,
            # Room to answer on the printed sheet: its own worked lines and a line for each value
            # it takes from an earlier step that the sheet does not ask.
            "space": _answer_space(written + sum(q not in asked for q in _needs(spec, a.quantity))),
            "answer": {"value": a.text, "low": a.low, "high": a.high, "tolerance": format(a.tolerance, "f"),
                       "exact": a.units == 0, **_lines(F, work)},
        })
    working = _lines(F, working)
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


def worked_answers(p: Problem, F: Formatter) -> tuple[list[tuple[str, list[Worked], int]], list[Worked]]:
    """The key's content: each question's prompt, its worked lines and how many lines a student
    writes for it; and the problem's working (the values the answers use that are not asked, in the
    order of the computation). Each value is worked out once: a delta takes the error or dE/do that
    the working or an earlier answer shows as printed there, the working an asked one from its answer."""
    asked = [a.quantity for a in p.answers]
    shown = set(asked)
    working = _once([line for q in working_quantities(p.trace.spec, asked) for line in _work(p.trace, F, q)], shown)
    shown -= set(asked)
    written: set[Quantity] = set()  # what the answers above work out: a student has written it
    answers = []
    for q in asked:
        work = _work(p.trace, F, q)
        answers.append((_prompt(p.trace.spec, q), _once(work, shown), sum(w.what is None or w.what not in written for w in work)))
        shown.add(q)
        written |= {q, *(w.what for w in work)}
    return answers, working


def _once(work: list[Worked], shown: set[Quantity]) -> list[Worked]:
    """The lines whose value is not in `shown` yet, which then is."""
    kept = []
    for w in work:
        if w.what is None or w.what not in shown:
            kept.append(w)
            shown.add(w.what)
    return kept


def _lines(F: Formatter, work: list[Worked]) -> dict[str, list]:
    """Worked lines as the templates take them (`lines`): the TeX math of each, and its footnote
    marker when its printed numbers do not give its printed result; `work`, the TeX math alone."""
    lines = [[w.tex(), F.mark(w.recomputes)] for w in work]
    return {"work": [tex for tex, _ in lines], "lines": lines}


def _needs(spec, q: Quantity) -> tuple[Quantity, ...]:
    """The values a hand computation of q takes from earlier steps (its own worked lines show the
    rest: a delta's error and derivative, an update's step)."""
    return _needs_in(tuple(spec.layers), tuple(spec.activations), q)


@lru_cache(maxsize=4096)
def _needs_in(layers: tuple[int, ...], activations: tuple[str, ...], q: Quantity) -> tuple[Quantity, ...]:
    """_needs for a network of these layers and activations, all it depends on: worked out once
    for the variants of one network."""
    L = len(layers) - 1
    if q.kind == "z":
        return tuple(Quantity("a", q.l - 1, i) for i in range(layers[q.l - 1])) if q.l > 1 else ()
    if q.kind == "a":
        elementwise = get_activation(activations[q.l - 1]).elementwise
        return tuple(Quantity("z", q.l, j) for j in (range(layers[q.l]) if not elementwise else [q.j]))
    if q.kind in ("E_k", "dE_do"):
        return (Quantity("a", L, q.j),)
    if q.kind == "E":
        if layers[L] == 1:
            return (Quantity("a", L, 0),)
        return tuple(Quantity("E_k", 0, k) for k in range(layers[L]))
    if q.kind == "delta" and q.l == L:
        return tuple(Quantity("a", L, k) for k in range(layers[L]))
    if q.kind in ("delta", "error"):
        return tuple(Quantity("delta", q.l + 1, k) for k in range(layers[q.l + 1])) + (
            (Quantity("a", q.l, q.j),) if q.kind == "delta" else ())
    if q.kind == "grad_W":
        return (Quantity("delta", q.l, q.j),) + ((Quantity("a", q.l - 1, q.i),) if q.l > 1 else ())
    if q.kind == "W_new":
        return (Quantity("grad_W", q.l, q.j, q.i),)
    return (Quantity("delta", q.l, q.j),)  # grad_b, b_new


def working_quantities(spec, asked: list[Quantity]) -> tuple[Quantity, ...]:
    """Every value the asked ones depend on that is not asked itself, in the order of the
    computation: the key shows these once per problem, then each answer's own lines."""
    return _working_in(tuple(spec.layers), tuple(spec.activations), tuple(asked))


@lru_cache(maxsize=4096)
def _working_in(layers: tuple[int, ...], activations: tuple[str, ...],
                asked: tuple[Quantity, ...]) -> tuple[Quantity, ...]:
    """working_quantities for a network of these layers and activations, all it depends on."""
    needed: set[Quantity] = set()
    todo = list(asked)
    while todo:
        for q in _needs_in(layers, activations, todo.pop()):
            if q not in needed:
                needed.add(q)
                todo.append(q)
    return tuple(sorted(needed - set(asked), key=Quantity.sort_key))


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
    rules, names = _given(replace(spec, seed=None))
    weights = []
    for l, layer in enumerate(names["weights"], start=1):
        W = values.weights[l - 1]
        rows = []
        for j, (dst, syms, bias) in enumerate(layer["rows"]):
            rows.append({
                "dst": dst,
                "cells": [{"sym": sym, "value": F.g(w)} for sym, w in zip(syms, W[j])],
                "bias": None if values.biases is None else {"sym": bias, "value": F.g(values.biases[l - 1][j])},
            })
        weights.append({"l": l, "from": layer["from"], "to": layer["to"], "src": layer["src"], "rows": rows})
    return {
        **rules,
        "inputs": [{"sym": sym, "label": label, "value": F.g(x)} for (sym, label), x in zip(names["inputs"], values.input)],
        "targets": [{"sym": sym, "label": label, "value": F.g(t)}
                    for (sym, label), t in zip(names["targets"], values.target)],
        "weights": weights,
        "diagram": sheet_tikz(spec, F, values, names["neurons"]),
    }


@lru_cache(maxsize=256)
def _given(spec: NetworkSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the sheet gives that its numbers leave the same, worked out once for the variants of a
    network (`spec` without its seed): its rules (the network, activations, loss, learning rate and
    rounding rule) and the names its numbers go with."""
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
    threshold = tiny_threshold(spec.precision)
    rules = {
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
        "carried": spec.rounding == "carried",
        "precision": spec.precision,
        "tiny": format(threshold, "f"),
        "tiny_example": fmt(Decimal("1.8765") * threshold / 10, spec.precision),
    }
    names = {
        "neurons": neurons,
        "inputs": [(n.value, n.label) for n in neurons[0]],
        "targets": [(f"t_{{{k + 1}}}", n.label) for k, n in enumerate(neurons[L])],
        "weights": [{
            "from": layer_name(spec, l - 1), "to": layer_name(spec, l), "src": [n.label for n in neurons[l - 1]],
            "rows": [(neurons[l][j].label, [weight(spec, l, j + 1, i + 1) for i in range(spec.layers[l - 1])],
                      neurons[l][j].bias) for j in range(spec.layers[l])],
        } for l in range(1, L + 1)],
    }
    return rules, names


# ---------------------------------------------------------------- questions and worked answers

# A worked line is a Worked record of expressions (documents/expressions.py): symbols named as in
# documents/notation.py, numbers as the formatter printed them; tex() writes them as the documents show.


def _dE(x):
    """dE_total/dx."""
    return ("partial", E_TOTAL, x)


def _weight(spec, l: int, j: int, i: int) -> Sym:
    return Sym("weight", str(weight_number(spec, l, j, i)))


def _prompt(spec, q: Quantity) -> str:
    """The question's prompt (text with $math$)."""
    return _prompt_in(tuple(spec.layers), q)


@lru_cache(maxsize=4096)
def _prompt_in(layers: tuple[int, ...], q: Quantity) -> str:
    """_prompt for a network of these layers, all its names depend on: written once for the
    variants of one network."""
    spec = NetworkSpec(layers=layers)  # the names read the layers alone
    L = spec.depth
    kind = q.kind
    if kind in ("E_k", "E", "dE_do"):
        o_n = neuron(spec, L, q.j + 1)
        if kind == "E_k":
            return f"The loss term ${tex(Sym('loss', str(q.j + 1)))}$ of output ${o_n.label}$."
        if kind == "E":
            return f"The total loss ${tex(E_TOTAL)}$."
        return (f"The derivative ${tex(_dE(Sym('value', o_n.short)))}$ of the total loss with respect to the "
                f"output ${o_n.value}$.")
    n_j = neuron(spec, q.l, q.j + 1)
    where = "output" if q.l == L else "hidden"
    if kind == "z":
        return f"The net input ${n_j.net}$ of neuron ${n_j.label}$."
    if kind == "a":
        return f"The {'output' if q.l == L else 'activation'} ${n_j.value}$ of neuron ${n_j.label}$."
    if kind == "delta":
        return (f"The delta ${tex(Sym('delta', n_j.short))} = {tex(_dE(Sym('net', n_j.short)))}$ "
                f"of {where} neuron ${n_j.label}$.")
    if kind == "error":
        return (f"The error ${tex(_dE(Sym('value', n_j.short)))} = \\sum_k \\delta_k w_{{kj}}$ that reaches "
                f"hidden neuron ${n_j.label}$, summed over its paths to the next layer.")
    if kind in ("grad_W", "W_new"):
        w = _weight(spec, q.l, q.j + 1, q.i + 1)
        if kind == "grad_W":
            src = neuron(spec, q.l - 1, q.i + 1)
            return rf"The gradient ${tex(_dE(w))}$ of weight ${tex(w)}$ (${src.label} \to {n_j.label}$)."
        return f"The new value ${tex(('new', w))}$ of weight ${tex(w)}$ after the update."
    b = Sym("bias", n_j.short)
    if kind == "b_new":
        return f"The new value ${tex(('new', b))}$ of bias ${tex(b)}$ after the update."
    if kind == "grad_b":
        return f"The gradient ${tex(_dE(b))}$ of bias ${tex(b)}$."
    raise ValueError(kind)


def _work(trace: Trace, F: Formatter, q: Quantity) -> list[Worked]:
    """The worked answer of a question: its lines."""
    spec = trace.spec
    step = trace.first
    L = spec.depth
    kind = q.kind
    if kind in ("E_k", "E", "dE_do"):
        lt = step.loss
        k = q.j
        if kind == "E_k":
            return [_loss_term(spec, F, lt, k)]
        if kind == "E":
            return _total_loss(spec, F, lt)
        return [_dE_line(spec, F, lt, k, neuron(spec, L, k + 1))]

    layer = step.layers[q.l - 1]
    j = q.j
    n_j = neuron(spec, q.l, j + 1)
    if kind == "z":
        return [_net_line(spec, F, layer, j, n_j)]
    if kind == "a":
        return [_activation_line(spec, F, layer, j, n_j)]
    if kind == "delta":
        return _delta_lines(spec, F, step, layer, j, n_j)
    if kind == "error":
        return [_error_line(spec, F, step, layer, j, n_j)]
    if kind == "grad_W":
        src = neuron(spec, q.l - 1, q.i + 1)
        w = _weight(spec, q.l, j + 1, q.i + 1)
        return [Worked((_dE(w), ("dot", Sym("delta", n_j.short), Sym("value", src.short)),
                        ("times", num(F.v(layer.delta[j])), num(shown_input(F, layer, q.i))),
                        num(F.v(layer.grad_W[j][q.i]))))]
    if kind == "W_new":
        w = _weight(spec, q.l, j + 1, q.i + 1)
        return [_update_line(spec, F, layer.W[j][q.i], layer.grad_W[j][q.i], layer.step_W[j][q.i],
                             layer.W_new[j][q.i], w, ("mul", Sym("eta"), _dE(w)))]
    b = Sym("bias", n_j.short)
    if kind == "b_new":
        return [_update_line(spec, F, layer.b[j], layer.grad_b[j], layer.step_b[j], layer.b_new[j],
                             b, ("mul", Sym("eta"), Sym("delta", n_j.short)))]
    if kind == "grad_b":
        return [Worked((_dE(b), Sym("delta", n_j.short), num(F.v(layer.grad_b[j]))))]
    raise ValueError(kind)


def _update_line(spec, F: Formatter, old: float, grad: float, step: float, new: float, sym: Sym,
                 rule) -> Worked:
    """old - eta * g = old - step = new: the step at its display digits, the new value at the
    digits asked for, as every other answer."""
    w, product = num(F.g(old)), ("times", Num(fmt_given(spec.lr, 1)), num(F.v(grad)))
    return Worked((("new", sym), ("sub", sym, rule), ("sub", w, product), ("sub", w, num(F.v(step))), num(F.v(new))))


def _net_line(spec, F: Formatter, layer, j: int, n_j) -> Worked:
    terms_sym, terms = [], []
    for i in range(len(layer.W[j])):
        src = neuron(spec, layer.l - 1, i + 1)
        terms_sym.append(("mul", _weight(spec, layer.l, j + 1, i + 1), Sym("value", src.short)))
        terms.append(("times", num(F.g(layer.W[j][i])), num(shown_input(F, layer, i))))
    if layer.b is not None:
        terms_sym.append(Sym("bias", n_j.short))
        terms.append(num(F.g(layer.b[j])))
    return Worked((Sym("net", n_j.short), ("add", *terms_sym), ("add", *terms), num(F.v(layer.z[j]))))


def _dE_line(spec, F: Formatter, lt, k: int, o_n) -> Worked:
    """dE/do_k with the loss's formula and the numbers."""
    o_sym, t_sym = Sym("value", o_n.short), Sym("target", str(k + 1))
    o, t, dE = num(F.v(lt.output[k])), num(F.g(lt.target[k])), num(F.v(lt.dE_do[k]))
    n = len(lt.target)
    loss = get_loss(spec.loss)
    what = Quantity("dE_do", spec.depth, k)
    if loss.halved:
        return Worked((_dE(o_sym), ("sub", o_sym, t_sym), ("sub", o, t), dE), what)
    if loss.term_form == "squared":
        twice = ("frac", 2, n)
        return Worked((_dE(o_sym), ("mul", twice, ("sub", o_sym, t_sym)), ("mul", twice, ("sub", o, t)), dE), what)
    if loss.term_form == "binary_log":
        mean = ("frac", 1, n)
        return Worked((_dE(o_sym), ("dot", mean, ("frac", ("sub", o_sym, t_sym), ("mul", o_sym, ("sub", 1, o_sym)))),
                       ("dot", mean, ("frac", ("sub", o, t), ("times", o, ("sub", 1, o)))), dE), what)
    return Worked((_dE(o_sym), ("neg", ("frac", t_sym, o_sym)), ("neg", ("frac", t, o)), dE), what)


def _error_line(spec, F: Formatter, step, layer, j: int, n_j) -> Worked:
    """dE/da_j of a hidden neuron: the sum over its paths delta_k * w_kj."""
    nxt = step.layers[layer.l]
    syms, products, paths = [], [], []
    for k in range(len(nxt.delta)):
        d_n = neuron(spec, layer.l + 1, k + 1)
        syms.append(("mul", Sym("delta", d_n.short), _weight(spec, layer.l + 1, k + 1, j + 1)))
        path = error_path_step(F, spec.update_order, layer, nxt, j, k)
        products.append(("times", *map(num, path.operands)))
        paths.append(num(path.result))
    sides = [_dE(Sym("value", n_j.short)), ("add", *syms), ("add", *products)]
    if len(paths) > 1:
        sides.append(("add", *paths))
    return Worked((*sides, num(F.v(layer.error[j]))), Quantity("error", layer.l, j))


def _loss_term(spec, F: Formatter, lt, k: int) -> Worked:
    """E_k with its formula, the substituted numbers and the result."""
    loss = get_loss(spec.loss)
    n = len(lt.target)
    o_sym, t_sym = Sym("value", neuron(spec, spec.depth, k + 1).short), Sym("target", str(k + 1))
    o, t, term = num(F.v(lt.output[k])), num(F.g(lt.target[k])), num(F.v(lt.terms[k]))
    e = Sym("loss", str(k + 1))
    if loss.term_form == "squared":
        scale = ("frac", 1, 2 if loss.halved else n)
        return Worked((e, ("mul", scale, ("pow", ("sub", t_sym, o_sym), 2)), ("mul", scale, ("pow", ("sub", t, o), 2)),
                       term))
    if loss.term_form == "binary_log":
        def log_likelihood(t, one_minus_t, o):  # -1/n [t ln o + (1 - t) ln(1 - o)]
            return ("neg", ("mul", ("frac", 1, n), ("bracket", ("add", ("mul", t, ("ln", o)),
                                                                 ("mul", one_minus_t, ("ln", ("sub", 1, o)))))))
        return Worked((e, log_likelihood(t_sym, ("sub", 1, t_sym), o_sym),
                       log_likelihood(t, Num(fmt_given(1 - Decimal(t.text))), o), term))
    return Worked((e, ("neg", ("mul", t_sym, ("ln", o_sym))), ("neg", ("times", t, ("ln", o))), term))


def _total_loss(spec, F: Formatter, lt) -> list[Worked]:
    """E_total: each output's term, then their sum (one output: its term is the total)."""
    n = len(lt.target)
    total = num(F.v(lt.total))
    if n == 1:
        return [Worked((E_TOTAL, *_loss_term(spec, F, lt, 0).sides[1:-1], total))]
    return [Worked((E_TOTAL, ("add", *(Sym("loss", str(k + 1)) for k in range(n))),
                    ("add", *(num(F.v(x)) for x in lt.terms)), total))]


def _activation_line(spec, F: Formatter, layer, j: int, n_j) -> Worked:
    hand = get_activation(layer.activation).hand_value
    z, a = num(F.v(layer.z[j])), num(F.v(layer.a[j]))
    head, net = Sym("value", n_j.short), Sym("net", n_j.short)
    if hand == "exp_reciprocal":
        if layer.exp_terms[j] is None:
            return Worked((head, ("sigma", net), ("sigma", z), a))
        minus_z = num(F.v(-layer.z[j]))  # e^{0.20000} when z is negative
        return Worked((head, ("sigma", net), ("frac", 1, ("add", 1, ("exp", minus_z))),
                       ("frac", 1, ("add", 1, num(F.v(layer.exp_terms[j])))), a))
    if hand == "key":
        return Worked((head, ("tanh", net), ("tanh", z), a))
    if hand == "clamp":
        return Worked((head, ("max", 0, net), ("max", 0, z), a))
    if hand == "slope_below_zero":
        return Worked((head, ("max", ("mul", Sym("alpha"), net), net),
                       ("max", ("times", Num(fmt_given(spec.leaky_slope)), z), z), a))
    if hand == "identity":
        return Worked((head, net, a))
    def shifted(x):  # net - max(net) where e^net could overflow
        return ("sub", x, num(F.v(layer.exp_shift))) if layer.exp_shift else x

    exps = [num(F.v(e)) for e in layer.exp_terms]
    return Worked((head, ("frac", ("exp", shifted(net)), ("sum", "m", ("exp", shifted(Sym("net", "m"))))),
                   ("frac", exps[j], ("add", *exps)), a))


def _derivative_line(F: Formatter, layer, j: int, n_j) -> Worked:
    step = derivative_step(F, layer, j)
    net = Sym("net", n_j.short)
    if step.net is not None:
        case = ("gt" if step.positive else "le", ("eq", net, num(step.net)), 0)
        return Worked((("fprime", net), ("because", num(step.result), case)))
    if step.operands:
        formula = hand_formula(step, Sym("value", n_j.short))
        return Worked((("fprime", net), formula, substituted(step), num(step.result)))
    return Worked((("fprime", net), 1))


def _delta_lines(spec, F: Formatter, step, layer, j: int, n_j) -> list[Worked]:
    L = spec.depth
    d = num(F.v(layer.delta[j]))
    sym, net, out = Sym("delta", n_j.short), Sym("net", n_j.short), Sym("value", n_j.short)
    if layer.l < L:
        return [
            _error_line(spec, F, step, layer, j, n_j),
            _derivative_line(F, layer, j, n_j),
            Worked((sym, ("dot", _dE(out), ("fprime", net)),
                    ("times", num(F.v(layer.error[j])), num(F.v(layer.derivative[j]))), d)),
        ]
    lt = step.loss
    o, t, t_sym = num(F.v(lt.output[j])), num(F.g(lt.target[j])), Sym("target", str(j + 1))
    n = len(lt.target)
    loss = get_loss(spec.loss)
    if layer.activation in loss.combined_delta and loss.term_form == "log":
        return [Worked((sym, ("sub", out, t_sym), ("sub", o, t), d))]
    if layer.activation in loss.combined_delta:
        mean = ("frac", 1, n)
        return [Worked((sym, ("mul", mean, ("sub", out, t_sym)), ("mul", mean, ("sub", o, t)), d))]
    if not get_activation(layer.activation).elementwise:
        o_k = Sym("value", "k")
        return [*(_dE_line(spec, F, lt, k, neuron(spec, L, k + 1)) for k in range(n)),
                Worked((sym, ("sum", "k", ("mul", _dE(o_k), ("partial", o_k, net))),
                        ("add", *(num(F.v(x)) for x in layer.delta_terms[j])), d))]
    return [_dE_line(spec, F, lt, j, n_j), _derivative_line(F, layer, j, n_j),
            Worked((sym, ("dot", _dE(out), ("fprime", net)),
                    ("times", num(F.v(lt.dE_do[j])), num(F.v(layer.derivative[j]))), d))]
