"""The JSON export: a public contract, full-precision numbers, schema worksheet.solution/1."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..engine.calculator import LayerTrace, StepTrace, Trace
from .notation import neuron, weight_plain

SCHEMA = "worksheet.solution/1"


def _rows(m):
    return [list(r) for r in m] if m is not None else None


def _vec(v):
    return list(v) if v is not None else None


def _layer(layer: LayerTrace) -> dict[str, Any]:
    return {
        "l": layer.l,
        "activation": layer.activation,
        "W": _rows(layer.W),
        "b": _vec(layer.b),
        "products": _rows(layer.products),
        "z": _vec(layer.z),
        "a": _vec(layer.a),
        "derivative": _vec(layer.derivative),
        "jacobian": _rows(layer.jacobian),
        "dE_da": _vec(layer.error),
        "paths": _rows(layer.paths),
        "W_next_used": _rows(layer.W_next),
        "delta": _vec(layer.delta),
        "grad_W": _rows(layer.grad_W),
        "grad_b": _vec(layer.grad_b),
        "step_W": _rows(layer.step_W),
        "step_b": _vec(layer.step_b),
        "W_new": _rows(layer.W_new),
        "b_new": _vec(layer.b_new),
    }


def _loss(step: StepTrace) -> dict[str, Any]:
    loss = step.loss
    return {
        "name": loss.name,
        "output": list(loss.output),
        "diff": list(loss.diff),
        "terms": list(loss.terms),
        "total": loss.total,
        "dE_do": list(loss.dE_do),
        "after_update": step.loss_after,
        "output_after_update": list(step.output_after),
    }


def _parameters(trace: Trace, step: StepTrace) -> list[dict[str, Any]]:
    """Every weight and bias by name, for graders that look answers up by label."""
    spec = trace.spec
    out = []
    for layer in step.layers:
        l = layer.l
        for j in range(len(layer.W)):
            for i in range(len(layer.W[j])):
                out.append({
                    "name": weight_plain(spec, l, j + 1, i + 1),
                    "layer": l, "j": j + 1, "i": i + 1,
                    "from": neuron(spec, l - 1, i + 1).plain, "to": neuron(spec, l, j + 1).plain,
                    "value": layer.W[j][i], "grad": layer.grad_W[j][i], "new": layer.W_new[j][i],
                })
        if layer.b is not None:
            for j in range(len(layer.b)):
                out.append({
                    "name": f"b_{neuron(spec, l, j + 1).plain}",
                    "layer": l, "j": j + 1, "i": None,
                    "from": None, "to": neuron(spec, l, j + 1).plain,
                    "value": layer.b[j], "grad": layer.grad_b[j], "new": layer.b_new[j],
                })
    return out


def solution(trace: Trace) -> dict[str, Any]:
    spec, first = trace.spec, trace.first
    return {
        "schema": SCHEMA,
        "generator": f"worksheet {__version__}",
        "seed": spec.seed,
        "network": spec.as_dict(),
        "neurons": [[neuron(spec, l, j + 1).plain for j in range(n)] for l, n in enumerate(spec.layers)],
        "input": list(trace.values.input),
        "target": list(trace.values.target),
        "layers": [_layer(layer) for layer in first.layers],
        "loss": _loss(first),
        "parameters": _parameters(trace, first),
        "steps": [
            {"step": s.index, "loss": _loss(s), "layers": [_layer(layer) for layer in s.layers]}
            for s in trace.steps
        ],
    }


def to_json(trace: Trace) -> str:
    return json.dumps(solution(trace), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
