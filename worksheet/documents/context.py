"""Trace -> plain records for the templates: every number formatted once, every sentence's facts decided."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from .. import __version__
from ..engine.activations import get_activation
from ..engine.calculator import LayerTrace, StepTrace, Trace
import re

from ..engine.formulas import activation_latex, activation_steps, loss_latex, loss_steps
from ..engine.losses import get_loss
from .notation import (
    Neuron,
    layer_name,
    matrix_symbol,
    neuron,
    weight,
    weight_number,
    weight_plain,
    weight_unicode,
)
from .diagrams import ascii_222, mermaid, network_tikz
from .numbers import FOOTNOTE, Formatter, fmt_given, fmt_ratio, operand, parse_shown, round_decimal_places, signed
from .usertext import md_inline
from .steps import derivative_step, error_path_step, shown_input, tex_formula, tex_side, tex_substituted

# ---------------------------------------------------------------- helpers


def _ratio_words(big: float, small: float) -> str:
    """'about 383 times smaller' style wording of |small| relative to |big|."""
    if small == 0:
        return "zero"
    if big == 0:  # a dead or saturated output neuron: any hidden gradient is larger
        return "larger"
    r = abs(big) / abs(small)
    smaller = r >= 1
    r = r if smaller else 1 / r
    if r < 1.05:
        return "about the same size"
    return f"about {fmt_ratio(r)} times {'smaller' if smaller else 'larger'}"


def _lower(title: str) -> str:
    """A registry title inside a sentence: "sigmoid", "leaky ReLU", but "ReLU" as it is."""
    return title[0].lower() + title[1:] if title[1:2].islower() or title[1:2] == " " else title


def _direction(change: float) -> str:
    return "increases" if change > 0 else "decreases" if change < 0 else "stays the same"


# ---------------------------------------------------------------- the context


def walkthrough_context(trace: Trace, reference: bool = False, contrast: Trace | None = None,
                        corrections: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Everything the walkthrough templates show. `contrast` is the simultaneous-order trace of
    the same problem, shown beside a sequential-order walkthrough; `corrections` the rows of the
    reference's corrections table (label, printed, exact), shown at its end."""
    spec = trace.spec
    step = trace.first
    exact = spec.rounding == "exact"
    F = Formatter(spec.precision, exact)
    L = spec.depth

    neurons = [[neuron(spec, l, j + 1) for j in range(n)] for l, n in enumerate(spec.layers)]
    act_names = list(dict.fromkeys(spec.activations))
    loss = get_loss(spec.loss)

    ctx: dict[str, Any] = {
        "title": spec.title or "Feed-Forward Neural Network",
        "title_md": md_inline(spec.title or "Feed-Forward Neural Network"),
        "reference": reference,
        "version": __version__,
        "seed": spec.seed,
        "exact": exact,
        "precision": spec.precision,
        "footnote": FOOTNOTE,
        "layers_text": "-".join(map(str, spec.layers)),
        "depth": L,
        "n_weights": sum(spec.layers[l] * spec.layers[l - 1] for l in range(1, L + 1)),
        "n_biases": sum(spec.layers[1:]) if spec.bias else 0,
        "bias": spec.bias,
        "bias_frozen": spec.bias and spec.bias_policy == "frozen",
        "lr": fmt_given(spec.lr, 1),
        "loss": {
            "name": spec.loss, "title": loss.title, "total_latex": loss.total_latex,
            "term_latex": loss.term_latex, "derivative_latex": loss.derivative_latex,
            "sympy": loss_latex(spec.loss), "term_form": loss.term_form, "halved": loss.halved,
            "lower": _lower(loss.title),
            "steps": _loss_derivation(spec.loss, "k")[1:],
            "result": loss.derivative_latex.split(" = ", 1)[1],
        },
        # With one weight layer there is no hidden delta for the update order to change.
        "sequential": spec.update_order == "sequential" and spec.depth > 1,
        "sequential_trivial": spec.update_order == "sequential" and spec.depth == 1,
        "steps_count": spec.steps,
        "options": _options_line(spec),
        "activations": [
            {
                "name": a, "title": get_activation(a).title, "symbol": get_activation(a).symbol,
                "simple": get_activation(a).derivative_latex, "sympy": activation_latex(a),
                "elementwise": get_activation(a).elementwise, "hand_value": get_activation(a).hand_value,
                "derivative_from": get_activation(a).derivative_from, "kink_at_zero": get_activation(a).kink_at_zero,
                "steps": _activation_derivation(a),
                "inline": (
                    get_activation(a).inline_value or activation_latex(a)[0],
                    get_activation(a).inline_derivative or activation_latex(a)[1],
                    get_activation(a).inline_derivative or get_activation(a).derivative_latex,
                ),
            }
            for a in act_names
        ],
        "single_activation": len(act_names) == 1,
        "layer_names": [layer_name(spec, l) for l in range(L + 1)],
        "neurons": [[_neuron_record(n) for n in row] for row in neurons],
        "input": [
            {"n": _neuron_record(n), "value": F.g(x)} for n, x in zip(neurons[0], trace.values.input)
        ],
        "target": [F.g(t) for t in trace.values.target],
    }
    ctx["weights_by_layer"] = [_weight_table(spec, F, layer, neurons, given=True) for layer in step.layers]
    ctx["flow"] = _flow_rows(spec, F, step, neurons)
    ctx["ascii"] = ascii_222(F, step) if spec.layers == (2, 2, 2) else None
    ctx["network"] = network_tikz(spec, F, step, neurons)
    ctx["mermaid"] = mermaid(spec, F, step, neurons, ctx["network"]["labelled"])
    ctx["forward"] = [_forward_layer(spec, F, layer, neurons) for layer in step.layers]
    ctx["loss_calc"] = _loss_section(spec, F, step, neurons)
    ctx["output"] = _output_section(spec, F, step, neurons)
    ctx["hidden"] = [_hidden_section(spec, F, step, l, neurons) for l in range(L - 1, 0, -1)]
    ctx["updates"] = _all_updates(spec, F, step, neurons)
    ctx["matrix"] = _matrix_section(spec, F, step, neurons)
    ctx["insights"] = _insights(spec, F, step, neurons)
    ctx["steps"] = _steps_section(spec, F, trace, neurons) if spec.steps > 1 else None
    ctx["appendix"] = _appendix(spec, F, step, neurons)
    ctx["corrections"] = corrections
    ctx["contrast"] = _contrast(spec, F, step, contrast.first) if contrast is not None else None
    ctx["mismatches"] = F.mismatches
    return ctx


def _options_line(spec) -> str:
    """The problem's settings as a teacher states them."""
    titles = [get_activation(name).title for name in spec.activations]
    if len(set(titles)) == 1:
        acts = f"{_lower(titles[0])} activation in every layer"
    else:
        acts = "activations " + ", ".join(
            f"{t} ({layer_name(spec, l + 1).lower()})" for l, t in enumerate(titles))
    parts = [f"a {'-'.join(map(str, spec.layers))} network", acts, f"loss: {_lower(get_loss(spec.loss).title)}",
             "one bias per neuron" + (" (held fixed)" if spec.bias_policy == "frozen" else "") if spec.bias
             else "no biases",
             f"learning rate {fmt_given(spec.lr, 1)}"]
    if any(get_activation(name).uses_slope for name in spec.activations):
        parts.append(f"leaky slope {fmt_given(spec.leaky_slope, 2)}")
    if spec.update_order == "sequential":
        parts.append("output weights updated before the hidden deltas are computed (the classic mistake)")
    if spec.steps > 1:
        parts.append(f"{spec.steps} gradient-descent steps")
    parts.append(f"full precision, shown to {spec.precision} decimal places" if spec.rounding == "exact"
                 else f"every intermediate rounded to {spec.precision} decimal places and reused")
    return "; ".join(parts)


_X = re.compile(r"(?<![A-Za-z\\])x(?![A-Za-z])")


def at(latex: str, var: str) -> str:
    """A formula in x written at another argument: sigma(x) at net_{o1}."""
    return _X.sub(lambda m: var, latex)


def _same(a: str, b: str) -> bool:
    """Two LaTeX strings that differ only in braces and spaces: o_{k} - t_{k} and o_k - t_k."""
    return re.sub(r"[{}\s]", "", a) == re.sub(r"[{}\s]", "", b)


def _activation_derivation(name: str) -> list[dict[str, str]]:
    """The derivation of the activation's derivative, line by line, ending in the form a student
    uses; each line's left side in the function's own symbol."""
    act = get_activation(name)
    if act.elementwise:
        f_lhs, df_lhs = f"{act.symbol}(x)", rf"\frac{{d}}{{dx}}{act.symbol}(x)"
    else:
        f_lhs, df_lhs = "o_k", r"\frac{\partial o_k}{\partial z_j}"
    lines = [{"what": what, "math": " = ".join([f_lhs if side == "f" else df_lhs, *rhs])}
             for what, side, rhs in activation_steps(name)]
    last = activation_steps(name)[-1][2][-1]
    if act.derivative_from == "output":
        lines[-1]["math"] += " = " + act.derivative_latex
    elif act.elementwise and not _same(last, act.derivative_latex):
        what = "At exactly 0 the derivative is taken as its value below 0" if act.kink_at_zero else "So"
        lines.append({"what": what, "math": f"{act.symbol}'(x) = {act.derivative_latex}"})
    return lines


def _loss_derivation(name: str, k: str) -> list[dict[str, str]]:
    """The derivation of dE_k/do_k, line by line, for output k ("k", or a neuron's number)."""
    loss = get_loss(name)
    sub = lambda tex: tex.replace("_{k}", "_{%s}" % k).replace("_k", "_{%s}" % k)
    f_lhs, df_lhs = f"E_{{{k}}}", rf"\frac{{\partial E_{{{k}}}}}{{\partial o_{{{k}}}}}"
    lines = [{"what": what, "math": " = ".join([f_lhs if side == "f" else df_lhs, *map(sub, rhs)])}
             for what, side, rhs in loss_steps(name)]
    result = loss.derivative_latex.split(" = ", 1)[1]
    if not _same(loss_steps(name)[-1][2][-1], result):
        lines[-1]["math"] += " = " + sub(result)
    return lines


def _neuron_record(n: Neuron) -> dict[str, Any]:
    return {"label": n.label, "value": n.value, "net": n.net, "bias": n.bias, "plain": n.plain,
            "kind": n.kind, "short": n.short, "j": n.j, "l": n.l}


def _wval(F: Formatter, x: float, given: bool) -> str:
    return F.g(x) if given else F.v(x)


def _weight_table(spec, F, layer: LayerTrace, neurons, given: bool) -> dict[str, Any]:
    l = layer.l
    rows = []
    for j in range(len(layer.W)):
        for i in range(len(layer.W[j])):
            rows.append({
                "sym": weight(spec, l, j + 1, i + 1),
                "value": _wval(F, layer.W[j][i], given),
                "src": neurons[l - 1][i].label, "dst": neurons[l][j].label,
            })
    biases = None
    if layer.b is not None:
        biases = [{"sym": neurons[l][j].bias, "value": _wval(F, b, given), "dst": neurons[l][j].label}
                  for j, b in enumerate(layer.b)]
    return {"l": l, "from": layer_name(spec, l - 1), "to": layer_name(spec, l), "rows": rows, "biases": biases}


def _flow_rows(spec, F, step: StepTrace, neurons) -> list[dict[str, str]]:
    rows = []
    for layer in step.layers:
        l = layer.l
        for j in range(len(layer.W)):
            for i in range(len(layer.W[j])):
                a, w, p = shown_input(F, layer, i), F.g(layer.W[j][i]), F.v(layer.products[j][i])
                rows.append({
                    "src": neurons[l - 1][i].label, "dst": neurons[l][j].label,
                    "w": weight(spec, l, j + 1, i + 1), "wv": w,
                    "calc": rf"{neurons[l - 1][i].value} \times {weight(spec, l, j + 1, i + 1)} = "
                            rf"{operand(a)} \times {operand(w)} = {p}",
                    "fn": F.note("mul", [a, w], p),
                })
            if layer.b is not None:
                rows.append({
                    "src": "bias", "dst": neurons[l][j].label, "w": neurons[l][j].bias,
                    "wv": F.g(layer.b[j]), "calc": rf"{neurons[l][j].bias} = {F.g(layer.b[j])}", "fn": "",
                })
    return rows


# ---------------------------------------------------------------- forward pass


def _forward_layer(spec, F, layer: LayerTrace, neurons) -> dict[str, Any]:
    l = layer.l
    act = get_activation(layer.activation)
    out = []
    for j in range(len(layer.z)):
        n = neurons[l][j]
        terms_sym, calc, prods, rows = [], [], [], []
        for i in range(len(layer.W[j])):
            a, w, p = shown_input(F, layer, i), F.g(layer.W[j][i]), F.v(layer.products[j][i])
            src = neurons[l - 1][i]
            wsym = weight(spec, l, j + 1, i + 1)
            terms_sym.append(rf"{src.value} \cdot {wsym}")
            calc.append(rf"({operand(a)} \times {operand(w)})")
            prods.append(p)
            rows.append({"component": rf"{src.value} \times {wsym}", "w": w, "a": a, "p": p,
                         "fn": F.note("mul", [a, w], p)})
        bias = None
        if layer.b is not None:
            bias = F.g(layer.b[j])
            terms_sym.append(n.bias)
            prods.append(bias)
        z = F.v(layer.z[j])
        out.append({
            "n": _neuron_record(n),
            "formula": " + ".join(terms_sym),
            "calc": " + ".join(calc) + (f" + {operand(bias)}" if bias is not None else ""),
            "sum": " + ".join(operand(p) for p in prods),
            "rows": rows, "bias": bias, "z": z,
            "fn": F.note("add", prods, z),
            "act": _activation_steps(spec, F, layer, j),
            "definition": at(activation_latex(layer.activation)[0], n.net) if act.elementwise else None,
            "a": F.v(layer.a[j]),
        })
    return {
        "l": l, "name": layer_name(spec, l), "output": l == spec.depth,
        "activation": layer.activation, "act_title": act.title, "act_symbol": act.symbol,
        "hand_value": act.hand_value,
        "neurons": out,
        "softmax": None if act.elementwise else _softmax_steps(F, layer, neurons),
    }


def _activation_steps(spec, F, layer: LayerTrace, j: int) -> dict[str, Any]:
    """The hand steps from z to a for one neuron of an element-wise activation."""
    act = get_activation(layer.activation)
    z, a = F.v(layer.z[j]), F.v(layer.a[j])
    if act.hand_value == "exp_reciprocal":
        e = layer.exp_terms[j]
        if e is None:
            return {"kind": "exp_overflow", "z": z, "a": a}
        es = F.v(e)
        d = F.v(1 + e) if F.exact else F.v(1 + float(parse_shown(F.v(e))))
        return {"kind": act.hand_value, "z": z, "neg_z": F.v(-layer.z[j]), "e": es, "d": d, "a": a,
                "fn_d": F.note("add", ["1", es], d), "fn_a": F.note("div", ["1", d], a)}
    step = {"kind": act.hand_value, "z": z, "z_o": operand(z), "a": a}
    if act.kink_at_zero:
        step["active"] = layer.z[j] > 0
    if act.uses_slope:
        step.update(slope=fmt_given(spec.leaky_slope), fn="" if layer.z[j] > 0 else
                    F.note("mul", [fmt_given(spec.leaky_slope), z], a))
    return step


def _softmax_steps(F, layer: LayerTrace, neurons) -> dict[str, Any]:
    l = layer.l
    exps = [F.v(e) for e in layer.exp_terms]
    total = F.v(layer.exp_sum)
    shifted = bool(layer.exp_shift)
    rows = []
    for j, e in enumerate(exps):
        a = F.v(layer.a[j])
        rows.append({"n": _neuron_record(neurons[l][j]), "z": F.v(layer.z[j]), "e": e, "a": a,
                     "fn": F.note("div", [e, total], a)})
    return {"rows": rows, "sum": total, "terms": " + ".join(exps), "fn_sum": F.note("add", exps, total),
            "shift": F.v(layer.exp_shift) if shifted else None}


# ---------------------------------------------------------------- loss


def _loss_section(spec, F, step: StepTrace, neurons) -> dict[str, Any]:
    lt = step.loss
    n = len(lt.target)
    rows = []
    for k in range(n):
        o, t = F.v(lt.output[k]), F.g(lt.target[k])
        diff = F.v(lt.diff[k])
        row = {"k": k + 1, "o": o, "t": t, "diff": diff, "term": F.v(lt.terms[k]),
               "o_sym": neurons[-1][k].value, "fn_diff": F.note("sub", [t, o], diff)}
        if lt.square is not None:
            sq = F.v(lt.square[k])
            row.update(square=sq, fn_sq=F.note("mul", [diff, diff], sq))
            if get_loss(spec.loss).halved:
                row["fn_term"] = F.note("mul", ["0.5", sq], row["term"])
            else:
                row["fn_term"] = F.note("div", [sq, str(n)], row["term"])
        if lt.log_o is not None:
            row["log_o"] = F.v(lt.log_o[k])
        if lt.log_1mo is not None:
            row["log_1mo"] = F.v(lt.log_1mo[k])
            row["one_minus_t"] = fmt_given(1 - Decimal(t))  # exact: 1 - 0.99 is 0.01, not 0.010000000000000009
        rows.append(row)
    total = F.v(lt.total)
    terms = [r["term"] for r in rows]
    far = [
        {"k": r["k"], "o": F.short(lt.output[i]), "t": F.g(lt.target[i]), "err": F.short(lt.diff[i])}
        for i, r in enumerate(rows)
    ]
    return {
        "rows": rows, "total": total, "terms": " + ".join(operand(t) for t in terms),
        "fn_total": F.note("add", terms, total), "n": n, "far": far,
        "after": F.v(step.loss_after),
        "change": F.v(step.loss_after - lt.total),
        "improved": step.loss_after < lt.total,
    }


# ---------------------------------------------------------------- backward pass: output layer


def _output_section(spec, F, step: StepTrace, neurons) -> dict[str, Any]:
    L = spec.depth
    layer = step.layers[-1]
    lt = step.loss
    loss = get_loss(spec.loss)
    softmax = not get_activation(layer.activation).elementwise
    n_out = len(layer.delta)
    deltas = []
    for k in range(n_out):
        o, t = F.v(lt.output[k]), F.g(lt.target[k])
        dE = F.v(lt.dE_do[k])
        d = F.v(layer.delta[k])
        rec = {"k": k + 1, "n": _neuron_record(neurons[L][k]), "o": o, "t": t, "dE": dE,
               "dE_o": operand(dE), "delta": d, "delta_o": operand(d), "fn_dE": ""}
        if loss.halved:
            rec["fn_dE"] = F.note("sub", [o, t], dE)
        if layer.derivative is not None:
            der = F.v(layer.derivative[k])
            rec.update(der=der, fn_delta=F.note("mul", [dE, der], d) if loss.term_form != "binary_log" else "")
            rec["der_calc"] = _derivative_calc(F, layer, k, neurons[L][k].value)
        rec["direction"] = "above" if lt.output[k] > lt.target[k] else "below" if lt.output[k] < lt.target[k] else "equal to"
        deltas.append(rec)
    if softmax:
        for j, rec in enumerate(deltas):
            rec["jac_row"] = [F.v(layer.jacobian[k][j]) for k in range(n_out)]
            if layer.delta_terms is not None:
                rec["terms"] = [F.v(x) for x in layer.delta_terms[j]]
                rec["fn_delta"] = F.note("add", rec["terms"], rec["delta"])
            else:
                rec["fn_delta"] = F.note("sub", [rec["o"], rec["t"]], rec["delta"])
    weights = _weight_grads(spec, F, layer, neurons, first_given=True)
    biases = _bias_grads(spec, F, layer, neurons)
    first = weights[0]
    groups = []
    for k in range(n_out):
        ws = [w for w in weights if w["j"] == k + 1]
        dirs = {w["direction"] for w in ws}
        groups.append({
            "n": _neuron_record(neurons[L][k]), "direction": dirs.pop() if len(dirs) == 1 else "mixed",
            "o": F.short(lt.output[k]), "t": F.g(lt.target[k]), "pred": deltas[k]["direction"],
            "weights": ", ".join(f"${w['sym']}$" for w in ws),
            "positive_delta": layer.delta[k] > 0,
        })
    act = get_activation(layer.activation)
    w = first
    return {
        "loss_steps": _loss_derivation(spec.loss, str(w["j"])),
        "definition": at(activation_latex(layer.activation)[0], w["dst"]["net"]) if act.elementwise else None,
        # The derivative's derivation as one chain of equal expressions, ending in the student's form.
        "proof": [e for what, side, rhs in activation_steps(layer.activation) if side == "df" for e in rhs]
        + ([act.derivative_latex] if act.derivative_from == "output" else []),
        "l": L, "softmax": softmax, "combined": layer.activation in loss.combined_delta,
        "activation": layer.activation, "act": get_activation(layer.activation).title,
        "act_lower": _lower(get_activation(layer.activation).title),
        "symbol": get_activation(layer.activation).symbol,
        "deltas": deltas, "weights": weights, "first": first, "rest": weights[1:], "biases": biases,
        "groups": groups, "n": n_out, "n_weights": len(weights),
        "all_syms": ", ".join(f"${w['sym']}$" for w in weights),
    }


def _derivative_calc(F, layer: LayerTrace, j: int, sym: str) -> dict[str, str]:
    """f'(z_j) as a hand calculation from the neuron's output `sym`."""
    step = derivative_step(F, layer, j)
    calc = f"z = {step.net} {tex_side(step)}" if step.net is not None else tex_substituted(step)
    record = {"formula": tex_formula(step, sym), "calc": calc, "value": step.result, "fn": F.mark(step.recomputes),
              # what a table cell writes for the derivative: the formula, where it fits on one line
              "cell": tex_formula(step, sym) if step.net is None else None}
    if len(step.operands) == 2:
        record["one_minus"] = step.operands[1]
    return record


def _weight_grads(spec, F, layer: LayerTrace, neurons, first_given: bool) -> list[dict[str, Any]]:
    l = layer.l
    out = []
    for j in range(len(layer.W)):
        d = F.v(layer.delta[j])
        for i in range(len(layer.W[j])):
            a = shown_input(F, layer, i)
            g = F.v(layer.grad_W[j][i])
            step = F.v(layer.step_W[j][i])
            w = F.g(layer.W[j][i])
            new = F.new(layer.W_new[j][i], w, step)
            change = layer.W_new[j][i] - layer.W[j][i]
            out.append({
                "l": l, "j": j + 1, "i": i + 1,
                "sym": weight(spec, l, j + 1, i + 1), "uni": weight_unicode(spec, l, j + 1, i + 1),
                "plain": weight_plain(spec, l, j + 1, i + 1), "number": weight_number(spec, l, j + 1, i + 1),
                "src": _neuron_record(neurons[l - 1][i]), "dst": _neuron_record(neurons[l][j]),
                "a": a, "a_o": operand(a), "delta": d, "delta_o": operand(d), "grad": g, "grad_o": operand(g), "grad_s": signed(g),
                "fn_grad": F.note("mul", [d, a], g),
                "w": w, "step": step, "step_o": operand(step), "fn_step": F.note("mul", [F.g(spec.lr), g], step),
                "new": new, "fn_new": F.note("sub", [w, step], new),
                "change": signed(F.v(-layer.step_W[j][i])),
                "direction": _direction(change),
            })
    return out


def _bias_grads(spec, F, layer: LayerTrace, neurons) -> list[dict[str, Any]] | None:
    if layer.b is None:
        return None
    out = []
    for j in range(len(layer.b)):
        b, g, step = F.g(layer.b[j]), F.v(layer.grad_b[j]), F.v(layer.step_b[j])
        new = b if spec.bias_policy == "frozen" else F.new(layer.b_new[j], b, step)
        out.append({
            "sym": neurons[layer.l][j].bias, "n": _neuron_record(neurons[layer.l][j]),
            "b": b, "grad": g, "grad_s": signed(g), "step": step, "step_o": operand(step), "new": new,
            "fn_step": F.note("mul", [F.g(spec.lr), g], step),
            "fn_new": "" if spec.bias_policy == "frozen" else F.note("sub", [b, step], new),
            "change": "0" if spec.bias_policy == "frozen" else signed(F.v(-layer.step_b[j])),
        })
    return out


# ---------------------------------------------------------------- backward pass: hidden layers


def _hidden_section(spec, F, step: StepTrace, l: int, neurons) -> dict[str, Any]:
    layer = step.layers[l - 1]
    act = get_activation(layer.activation)
    nxt = step.layers[l]
    out_neurons = []
    for j in range(len(layer.z)):
        paths = []
        for k in range(len(nxt.delta)):
            path = error_path_step(F, spec.update_order, layer, nxt, j, k)
            (dk, wk), p = path.operands, path.result
            paths.append({
                "k": k + 1, "n": _neuron_record(neurons[l + 1][k]), "delta": dk, "delta_o": operand(dk),
                "w": wk, "w_o": operand(wk), "wsym": weight(spec, l + 1, k + 1, j + 1),
                "p": p, "p_o": operand(p), "p_s": signed(p), "fn": F.mark(path.recomputes),
                "positive": layer.paths[j][k] > 0,
            })
        err = F.v(layer.error[j])
        der = F.v(layer.derivative[j])
        d = F.v(layer.delta[j])
        signs = {p["positive"] for p in paths if parse_shown(p["p"]) != 0}
        z = layer.z[j]
        dead = act.kink_at_zero and not act.uses_slope and z <= 0
        saturated = act.derivative_from == "output" and layer.derivative[j] < 0.01
        out_neurons.append({
            "n": _neuron_record(neurons[l][j]), "paths": paths,
            "sum": " + ".join(p["p_o"] for p in paths), "error": err, "error_o": operand(err),
            "fn_error": F.note("add", [p["p"] for p in paths], err),
            "der": der, "der_calc": _derivative_calc(F, layer, j, neurons[l][j].value),
            "delta": d, "delta_o": operand(d), "fn_delta": F.note("mul", [err, der], d),
            "agree": len(signs) <= 1, "n_paths": len(paths),
            "dead": dead, "saturated": saturated, "z": F.v(z),
        })
    weights = _weight_grads(spec, F, layer, neurons, first_given=True)
    first = weights[0]
    rep = out_neurons[first["j"] - 1]
    out_first = step.layers[-1]
    ratio = _ratio_words(out_first.grad_W[0][0], layer.grad_W[0][0])
    mean = lambda m: math.fsum(abs(x) for r in m for x in r) / sum(len(r) for r in m)
    return {
        "l": l, "name": layer_name(spec, l), "next_name": layer_name(spec, l + 1),
        "next_is_output": l + 1 == spec.depth, "activation": layer.activation,
        "act": act.title, "act_lower": _lower(act.title), "symbol": act.symbol,
        "saturates": act.derivative_from == "output", "shrinks": act.derivative_bound < 1, "kinked": act.kink_at_zero,
        "neurons": out_neurons, "weights": weights, "first": first, "rest": weights[1:],
        "rep": rep, "biases": _bias_grads(spec, F, layer, neurons),
        "n_next": len(nxt.delta),
        "compare": {
            "out_sym": weight(spec, spec.depth, 1, 1), "out_grad": F.v(out_first.grad_W[0][0]),
            "grad": F.v(layer.grad_W[0][0]), "words": ratio,
            "mean_ratio": _ratio_words(mean(out_first.grad_W), mean(layer.grad_W)),
        },
        "any_dead": any(n["dead"] for n in out_neurons),
        "any_saturated": any(n["saturated"] for n in out_neurons),
        "all_syms": ", ".join(f"${w['sym']}$" for w in weights),
        "next_deltas": [{"n": _neuron_record(neurons[l + 1][k]), "delta": F.v(nxt.delta[k])} for k in range(len(nxt.delta))],
    }


def _all_updates(spec, F, step: StepTrace, neurons) -> list[dict[str, Any]]:
    rows = []
    for layer in reversed(step.layers):
        kind = layer_name(spec, layer.l) if layer.l < spec.depth else "Output"
        for w in _weight_grads(spec, F, layer, neurons, first_given=True):
            rows.append({"kind": kind, "order": (layer.l, 0, w["number"]), **w})
        for j, b in enumerate(_bias_grads(spec, F, layer, neurons) or []):
            rows.append({"kind": kind, "order": (layer.l, 1, j), "sym": b["sym"], "w": b["b"], "grad_s": b["grad_s"],
                         "new": b["new"], "change": b["change"], "src": {"label": r"\text{bias}"}, "dst": b["n"]})
    return rows


# ---------------------------------------------------------------- matrix form


def _bmatrix(rows: list[list[str]]) -> str:
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(r) for r in rows) + r" \end{bmatrix}"


def _col(values: list[str]) -> str:
    return _bmatrix([[v] for v in values])


def _matrix_section(spec, F, step: StepTrace, neurons) -> dict[str, Any]:
    L = spec.depth
    layers = []
    for layer in step.layers:
        l = layer.l
        rows_sym = [[weight(spec, l, j + 1, i + 1) for i in range(len(layer.W[j]))] for j in range(len(layer.W))]
        layers.append({
            "l": l, "sym": matrix_symbol(l), "symT": rf"\mathbf{{W}}^{{({l})T}}",
            "W_sym": _bmatrix(rows_sym),
            "W": _bmatrix([[F.g(x) for x in r] for r in layer.W]),
            "WT": _bmatrix([[F.g(layer.W[j][i]) for j in range(len(layer.W))] for i in range(len(layer.W[0]))]),
            "b": _col([F.g(x) for x in layer.b]) if layer.b is not None else None,
            "z": _col([F.v(x) for x in layer.z]),
            "a_sym": _col([n.value for n in neurons[l]]),
            "a": _col([F.v(x) for x in layer.a]),
            "der": _col([F.v(x) for x in layer.derivative]) if layer.derivative is not None else None,
            "jac": _bmatrix([[F.v(x) for x in r] for r in layer.jacobian]) if layer.jacobian is not None else None,
            "error": _col([F.v(x) for x in layer.error]),
            "delta": _col([F.v(x) for x in layer.delta]),
            "a_prev_row": _bmatrix([[shown_input(F, layer, i) for i in range(len(layer.a_prev))]]),
            "grad": _bmatrix([[F.v(x) for x in r] for r in layer.grad_W]),
            "W_new": _bmatrix([[F.new_w(layer, j, i) for i in range(len(r))] for j, r in enumerate(layer.W_new)]),
            "b_new": _col([F.new_b(layer, j) for j in range(len(layer.b_new))]) if layer.b_new is not None else None,
            "grad_b": _col([F.v(x) for x in layer.grad_b]) if layer.grad_b is not None else None,
            "output": l == L, "activation": layer.activation,
            "act_symbol": get_activation(layer.activation).symbol,
            "elementwise": get_activation(layer.activation).elementwise,
            "combined": l == L and layer.activation in get_loss(spec.loss).combined_delta,
            "prev": r"\mathbf{x}" if l == 1 else rf"\mathbf{{a}}^{{({l - 1})}}",
            "prevT": r"\mathbf{x}^{T}" if l == 1 else rf"\mathbf{{a}}^{{({l - 1})T}}",
        })
    out = step.layers[-1]
    diff_rows = [F.v(-d) for d in step.loss.diff]  # a - t
    return {
        "layers": layers,
        "x_sym": _col([n.value for n in neurons[0]]), "x": _col([F.g(x) for x in step.input]),
        "t_sym": _col([f"t_{{{k + 1}}}" for k in range(len(step.loss.target))]),
        "t": _col([F.g(t) for t in step.loss.target]),
        "a_minus_t_calc": _col([rf"{F.v(o)} - {F.go(t)}" for o, t in zip(out.a, step.loss.target)]),
        "a_minus_t": _col(diff_rows),
        "dE": _col([F.v(x) for x in step.loss.dE_do]),
        "L": L,
    }


# ---------------------------------------------------------------- insights, steps, appendix


def _insights(spec, F, step: StepTrace, neurons) -> dict[str, Any]:
    hidden = [get_activation(name) for name in spec.activations[:-1]]
    first, last = step.layers[0], step.layers[-1]
    per_layer = []
    for layer in step.layers:
        mags = [abs(x) for r in layer.grad_W for x in r]
        per_layer.append({"l": layer.l, "name": layer_name(spec, layer.l),
                          "mean": F.v(math.fsum(mags) / len(mags)), "max": F.v(max(mags))})
    ders = [x for layer in step.layers[:-1] for x in (layer.derivative or ())]
    return {
        "shrinking_hidden": any(a.derivative_from == "output" and a.derivative_bound < 1 for a in hidden),
        "kinked_hidden": any(a.kink_at_zero for a in hidden),
        "saturating_hidden": any(a.derivative_from == "output" for a in hidden), "has_hidden": spec.depth > 1,
        "first_sym": weight(spec, 1, 1, 1), "first_grad": F.v(abs(first.grad_W[0][0])),
        "last_sym": weight(spec, spec.depth, 1, 1), "last_grad": F.v(abs(last.grad_W[0][0])),
        "ratio": _ratio_words(last.grad_W[0][0], first.grad_W[0][0]),
        "out_vs_first": _ratio_words(first.grad_W[0][0], last.grad_W[0][0]).replace("smaller", "larger")
        if abs(first.grad_W[0][0]) > abs(last.grad_W[0][0]) else
        _ratio_words(first.grad_W[0][0], last.grad_W[0][0]),
        "vanishing": abs(first.grad_W[0][0]) < abs(last.grad_W[0][0]),
        "per_layer": per_layer,
        "max_hidden_der": F.v(max(ders)) if ders else None,
    }


def _steps_section(spec, F, trace: Trace, neurons) -> dict[str, Any]:
    rows = []
    for s in trace.steps:
        rows.append({"index": s.index, "before": F.v(s.loss.total), "after": F.v(s.loss_after),
                     "change": F.s(s.loss_after - s.loss.total),
                     "outputs": ", ".join(F.v(o) for o in s.loss.output)})
    params = []
    for s in trace.steps:
        values = []
        for layer in s.layers:
            for j in range(len(layer.W_new)):
                for i in range(len(layer.W_new[j])):
                    values.append({"sym": weight(spec, layer.l, j + 1, i + 1), "value": F.new_w(layer, j, i)})
            if layer.b_new is not None:
                for j in range(len(layer.b_new)):
                    values.append({"sym": neurons[layer.l][j].bias, "value": F.new_b(layer, j)})
        params.append({"index": s.index, "entries": values})
    first, last = trace.steps[0], trace.steps[-1]
    return {"rows": rows, "params": params, "start": F.v(first.loss.total), "end": F.v(last.loss_after),
            "decreasing": all(s.loss_after < s.loss.total for s in trace.steps)}


def _appendix(spec, F, step: StepTrace, neurons) -> dict[str, Any]:
    forward = [{"layer": "Input", "n": _neuron_record(n), "z": "—", "a": F.g(x)} for n, x in zip(neurons[0], step.input)]
    for layer in step.layers:
        for j in range(len(layer.z)):
            forward.append({"layer": layer_name(spec, layer.l), "n": _neuron_record(neurons[layer.l][j]),
                            "z": F.v(layer.z[j]), "a": F.v(layer.a[j])})
    return {"forward": forward}


def _contrast(spec, F, seq: StepTrace, sim: StepTrace) -> list[dict[str, str]]:
    """Hidden-layer gradients and new values under both update orders."""
    rows = []
    for a, b in zip(seq.layers[:-1], sim.layers[:-1]):
        for j in range(len(a.W)):
            for i in range(len(a.W[j])):
                rows.append({"sym": weight(spec, a.l, j + 1, i + 1), "seq": F.v(a.grad_W[j][i]),
                             "sim": F.v(b.grad_W[j][i]), "seq_new": F.new_w(a, j, i), "sim_new": F.new_w(b, j, i)})
    return rows
