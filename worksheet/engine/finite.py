"""Every number of a trace is finite: a document can show it, and a check can recompute it."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal

from ..errors import NumericError


def check_finite(trace) -> None:
    """Raise NumericError naming the first infinite or undefined number anywhere in `trace`
    (a frozen dataclass of numbers, tuples and nested dataclasses); the calculator's own checks
    name the common cases, this one the rest (ln 0 of an output whose target is 0, ...). Every
    number is looked at without naming it; the name is found only for an error."""
    if not math.isfinite(_total(trace)):
        _named(trace)


_FIELDS: dict[type, tuple[str, ...]] = {}  # the fields of each dataclass met, but its spec
_NOT_FLOATS = frozenset({type(None), int, bool, str, Decimal})  # what a trace holds besides floats


def _total(x) -> float:
    """The sum of the floats in x: not finite when one of them is not (or when the sum overflows,
    which _named then finds no fault in). A tuple of floats is summed at once."""
    cls = x.__class__
    if cls is float:
        return x
    if cls is tuple or cls is list:
        if x and x[0].__class__ is float:
            try:
                return sum(x, 0.0)
            except (TypeError, OverflowError):  # not floats only (or an integer too large for one)
                pass
        return sum([_total(y) for y in x], 0.0)
    if cls in _FIELDS:
        return sum([_total(getattr(x, name)) for name in _FIELDS[cls]], 0.0)
    if cls in _NOT_FLOATS:
        return 0.0
    if isinstance(x, float):
        return float(x)
    if isinstance(x, (tuple, list)):
        return sum([_total(y) for y in x], 0.0)
    if isinstance(x, dict):
        return sum([_total(y) for y in x.values()], 0.0)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(x) if f.name != "spec")
        return _total(x)
    return 0.0


def _named(trace, where: str = "") -> None:
    if dataclasses.is_dataclass(trace) and not isinstance(trace, type):
        for f in dataclasses.fields(trace):
            if f.name != "spec":
                _named(getattr(trace, f.name), f"{where}.{f.name}" if where else f.name)
    elif isinstance(trace, (tuple, list)):
        for n, x in enumerate(trace, start=1):
            _named(x, f"{where}[{n}]")
    elif isinstance(trace, dict):
        for key, x in trace.items():
            _named(x, f"{where}[{key}]")
    elif isinstance(trace, float) and not math.isfinite(trace):
        raise NumericError(
            f"{where} is {'infinite' if math.isinf(trace) else 'not a number'}: the values are at the edge of what "
            "double precision holds; use other inputs, weights or targets"
        )
