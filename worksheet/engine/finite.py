"""Every number of a trace is finite: a document can show it, and a check can recompute it."""

from __future__ import annotations

import dataclasses
import math

from ..errors import NumericError


def check_finite(trace) -> None:
    """Raise NumericError naming the first infinite or undefined number anywhere in `trace`
    (a frozen dataclass of numbers, tuples and nested dataclasses); the calculator's own checks
    name the common cases, this one the rest (ln 0 of an output whose target is 0, ...). Every
    number is looked at without naming it; the name is found only for an error."""
    if not all(map(math.isfinite, _floats(trace, []))):
        _named(trace)


_FIELDS: dict[type, tuple[str, ...]] = {}  # the fields of each dataclass met, but its spec


def _floats(x, out: list) -> list:
    """Every float in x, in the order _named visits them, appended to `out`."""
    cls = x.__class__
    if cls is float:
        out.append(x)
    elif cls is tuple or cls is list:
        for y in x:
            if y.__class__ is float:
                out.append(y)
            elif y is not None:
                _floats(y, out)
    elif cls in _FIELDS:
        for name in _FIELDS[cls]:
            _floats(getattr(x, name), out)
    elif isinstance(x, float):
        out.append(x)
    elif isinstance(x, (tuple, list)):
        for y in x:
            _floats(y, out)
    elif isinstance(x, dict):
        for y in x.values():
            _floats(y, out)
    elif dataclasses.is_dataclass(x) and not isinstance(x, type):
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(x) if f.name != "spec")
        _floats(x, out)
    return out


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
