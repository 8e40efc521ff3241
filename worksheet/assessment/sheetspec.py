"""Sheet specs: a sheet's problems, each a network with its level and points, from options or a TOML file."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import inputs
from ..errors import SpecError
from .questions import LEVELS, check_ask, check_level, check_points
from ..engine.spec import GivenValues, NetworkSpec, build_spec, read_toml, spec_table

MAX_PROBLEMS = 10
MAX_PAGE_PROBLEMS = 50  # a web page shows one problem at a time
MAX_POINTS = Decimal(100)
SHEET_KEYS = ("title", "seed", "level", "points", "ask")


@dataclass(frozen=True)
class ProblemSpec:
    """One problem of a sheet: its network (no seed: each variant draws its own), the explicit
    values of a spec file, the level of its questions (or the kinds of quantity asked, `ask`) and
    the points of each question: one value for all, or one per question."""

    spec: NetworkSpec
    given: GivenValues
    level: str
    points: tuple[Decimal, ...]
    ask: tuple[str, ...] | None = None

    def points_of(self, count: int) -> tuple[Decimal, ...]:
        """The points of each of `count` questions."""
        if len(self.points) == 1:
            return self.points * count
        if len(self.points) != count:
            raise SpecError(f"points gives {len(self.points)} values for a problem of {count} questions; "
                            "give one value, or one per question")
        return self.points

    def as_dict(self) -> dict[str, Any]:
        given = {}
        if self.given.input is not None:
            given["input"] = list(self.given.input)
        if self.given.target is not None:
            given["target"] = list(self.given.target)
        for l, W in sorted(self.given.weights.items()):
            given[f"W{l}"] = [list(r) for r in W]
        for l, b in sorted(self.given.biases.items()):
            given[f"b{l}"] = list(b)
        points: Any = str(self.points[0]) if len(self.points) == 1 else [str(p) for p in self.points]
        out = {"network": self.spec.as_dict(), "given": given, "level": self.level, "points": points}
        if self.ask is not None:
            out["ask"] = list(self.ask)
        return out


@dataclass(frozen=True)
class SheetSpec:
    title: str
    seed: int | None
    problems: tuple[ProblemSpec, ...]
    full_solutions: bool
    choices: int = 0  # options per question (multiple choice); 0: open answers
    diagnosis: bool = False  # problems drawn so that every misconception's value can be told apart

    def options(self) -> dict[str, Any]:
        """Everything but the seed and the students that decides a sheet's content (the
        multiple-choice and diagnosis options only where asked for, so earlier exams keep their hash)."""
        return {
            "title": self.title,
            "full_solutions": self.full_solutions,
            "problems": [p.as_dict() for p in self.problems],
            **({"choices": self.choices} if self.choices else {}),
            **({"diagnosis": True} if self.diagnosis else {}),
        }

    def options_hash(self) -> str:
        text = json.dumps(self.options(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def parse_points_list(value: Any) -> tuple[Decimal, ...]:
    """Points per question: one value for every question, or one per question (`1,1,2` or a list)."""
    if isinstance(value, str) and "," in value:
        value = [v.strip() for v in value.split(",")]
    if isinstance(value, list):
        if not value:
            raise SpecError("points is an empty list; give one value, or one per question")
        return tuple(parse_points(v) for v in value)
    return (parse_points(value),)


def parse_points(value: Any, where: str = "points") -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise SpecError(f"{where} {value!r} is not a number")
    d = inputs.parse_decimal(str(value), where, SpecError)
    if not d.is_finite() or d <= 0 or d > MAX_POINTS or d != d.quantize(Decimal("0.01")):
        raise SpecError(f"{where} {value} is out of range; allowed: more than 0, at most {MAX_POINTS}, "
                        "with at most 2 decimals")
    return d.normalize() if d == d.to_integral_value() else d


def build_sheet_spec(
    options: dict[str, Any],
    *,
    level: str | None,
    points: str | None,
    problems: int | None,
    spec_path: Path | None,
    default_title: str,
    full_solutions: bool,
    ask: str | None = None,
    data: dict[str, Any] | None = None,
    where: str | None = None,
    max_problems: int = MAX_PROBLEMS,
) -> SheetSpec:
    """The sheet's problems: command-line options win over a spec file's, as for `generate`.
    `data` (described by `where`) stands for the file's table when the spec comes from elsewhere;
    a sheet holds at most `max_problems`."""
    if data is None:
        data = read_toml(spec_path) if spec_path is not None else {}
        where = f"spec file {spec_path}"
    data = dict(data)
    listed = data.pop("problem", None)
    if "problems" in data:
        raise SpecError(f"{where}: write each problem as a [[problem]] table, not 'problems'")
    sheet = {k: data.pop(k) for k in SHEET_KEYS if k in data}
    defaults = spec_table(data, where)

    title = options.get("title") or sheet.get("title") or default_title
    if not isinstance(title, str) or not title.strip():
        raise SpecError(f"title {title!r} must be a non-empty string")
    inputs.check_text(title, "title", SpecError)
    seed = options.get("seed", None)
    if seed is not None:
        seed = inputs.seed(seed, "seed", SpecError)
    elif "seed" in sheet:
        seed = inputs.seed(sheet["seed"], f"{where}: seed", SpecError)

    if listed is not None:
        if not isinstance(listed, list) or not listed or not all(isinstance(t, dict) for t in listed):
            raise SpecError(f"{where}: 'problem' must be a list of [[problem]] tables")
        if problems is not None:
            raise SpecError(f"--problems cannot be combined with {where}, which lists its [[problem]] tables")
        tables = listed
    else:
        tables = [{}] * (1 if problems is None else problems)
    if not 1 <= len(tables) <= max_problems:
        more = f" ({MAX_PAGE_PROBLEMS} with --format html alone)" if max_problems < MAX_PAGE_PROBLEMS else ""
        raise SpecError(f"problems {len(tables)} is out of range; allowed: 1 to {max_problems}{more}")

    network_options = {k: v for k, v in options.items() if k not in ("title", "seed")}
    out = []
    for n, table in enumerate(tables, start=1):
        here = f"{where}, problem {n}" if listed is not None else where
        table = dict(table)
        if "seed" in table or "title" in table:
            raise SpecError(f"{here}: seed and title belong at the top of the file, not in a problem")
        p_level = level or table.pop("level", None) or sheet.get("level") or "full"
        p_points = points if points is not None else table.pop("points", sheet.get("points", 1))
        p_ask = ask if ask is not None else table.pop("ask", sheet.get("ask"))
        table.pop("level", None)
        table.pop("points", None)
        table.pop("ask", None)
        merged = {**defaults, **spec_table(table, here)}
        try:
            spec, given = build_spec(network_options, merged)
            if not isinstance(p_level, str):
                raise SpecError(f"level {p_level!r} is not a name; allowed: {', '.join(LEVELS)}")
            check_level(p_level, spec.depth)
            pts = parse_points_list(p_points)
            asked = None if p_ask is None else check_ask(p_ask, spec)
            check_points(pts, spec, p_level, asked)
        except SpecError as exc:
            raise SpecError(f"{here}: {exc}" if listed is not None else str(exc)) from None
        out.append(ProblemSpec(spec=spec, given=given, level=p_level, points=pts, ask=asked))
    return SheetSpec(title=title.strip(), seed=seed, problems=tuple(out), full_solutions=full_solutions)
