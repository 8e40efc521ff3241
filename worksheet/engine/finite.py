"""Every number of a trace is finite: a document can show it, and a check can recompute it."""

from __future__ import annotations

import dataclasses
import math

from ..errors import NumericError


def check_finite(trace, where: str = "") -> None:
    """Raise NumericError naming the first infinite or undefined number anywhere in `trace`
    (a frozen dataclass of numbers, tuples and nested dataclasses); the calculator's own checks
    name the common cases, this one the rest (ln 0 of an output whose target is 0, ...)."""
    if dataclasses.is_dataclass(trace) and not isinstance(trace, type):
        for f in dataclasses.fields(trace):
            if f.name != "spec":
                check_finite(getattr(trace, f.name), f"{where}.{f.name}" if where else f.name)
    elif isinstance(trace, (tuple, list)):
        for n, x in enumerate(trace, start=1):
            check_finite(x, f"{where}[{n}]")
    elif isinstance(trace, dict):
        for key, x in trace.items():
            check_finite(x, f"{where}[{key}]")
    elif isinstance(trace, float) and not math.isfinite(trace):
        raise NumericError(
            f"{where} is {'infinite' if math.isinf(trace) else 'not a number'}: the values are at the edge of what "
            "double precision holds; use other inputs, weights or targets"
        )
