"""A published walkthrough's printed values -> its corrections table, from the checker's verdicts."""

from __future__ import annotations

from ..engine.calculator import Trace
from .names import Ref
from .parsing import Claim
from .verdicts import Checker, Finding


def printed_ref(kind: str, idx: tuple[int, ...], depth: int) -> Ref:
    """The quantity of one entry of the printed-values data (REFERENCE_PRINTED): its kind and
    0-based (layer, neuron, ...) indices."""
    if kind == "E":
        return Ref("E_k", 0, idx[0])
    if kind == "Etot":
        return Ref("E")
    if kind == "dE":
        return Ref("dE_do", depth, idx[0])
    names = {"o": "a", "der": "derivative", "delta": "delta", "error": "error",
             "grad": "grad_W", "new": "W_new", "path": "path"}
    return Ref(names[kind], idx[0] + 1, *idx[1:])


def findings(printed, trace: Trace) -> list[tuple[str, Finding]]:
    """(label, finding) for every printed value that is not the correct one at its digits: a slip
    or rounding drift, in the order of the data."""
    precision = max(trace.spec.precision, 1)
    checker = Checker(trace, precision)
    out = []
    for n, (label, kind, idx, text) in enumerate(printed, start=1):
        finding = checker.claim(Claim(n, printed_ref(kind, idx, trace.spec.depth), label, text))
        if finding is not None:
            out.append((label, finding))
    return out


def corrections(printed, trace: Trace) -> list[dict[str, str]]:
    """The rows of a corrections table: label, the original's value, the correct one at its digits."""
    return [{"label": label, "printed": f.printed, "exact": f.correct} for label, f in findings(printed, trace)]
