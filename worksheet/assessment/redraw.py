"""Problems redrawn where a misconception's value cannot be told from the right answer or another's."""

from __future__ import annotations

from typing import Callable

from ..errors import SpecError
from .diagnosis import _apart, collision, three_apart


def distinct_for(sheet) -> Callable | None:
    """The check a sheet's problems must pass, or None: with multiple choice, every value a
    misconception changes lies three tolerances from the right answer and from the other
    misconceptions' values (so each can be an option); with diagnosis, their accepted intervals
    do not meet (so each can be named)."""
    if sheet.choices:
        return lambda problem: collision(problem, three_apart)
    if sheet.diagnosis:
        return lambda problem: collision(problem, _apart)
    return None


def too_many(number: int, draws: int, collided: str) -> SpecError:
    return SpecError(
        f"problem {number}: in {draws} draws, some misconception's value stays too close to the right answer "
        f"or to another's (last: {collided}); use a higher --precision, or ask without --choices and --diagnosis")
