"""What a sheet asks: levels, the seeded choice of neurons and weights, and each answer's value and tolerance."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..documents.notation import neuron, weight_number
from ..documents.numbers import fmt, parse_shown
from ..engine.calculator import StepTrace, Trace
from ..engine.intervals import Iv
from ..engine.losses import get_loss
from ..engine.rounding import round_decimal_places
from ..engine.sampling import Stream
from ..errors import SpecError

LEVELS = ("forward", "loss", "output", "hidden", "full")

# Kinds in the order a hand computation meets them within one layer.
FORWARD_KINDS = ("z", "a")
LOSS_KINDS = ("E_k", "E")
BACKWARD_KINDS = ("dE_do", "error", "delta", "grad_W", "W_new", "grad_b", "b_new")

# A question is asked only when rounding alone moves its answer by at most this share of its
# size (or not at all beyond half a unit): otherwise a careful student and a careless one could
# not be told apart.
WELL_POSED_SHARE = Decimal("0.05")


@dataclass(frozen=True, order=True)
class Quantity:
    """One asked value of the first step: kind, weight layer l (1-based; 0 for the loss terms,
    the output layer L for dE/do), neuron j of that layer (0-based; the output k for a loss
    term), source neuron i."""

    kind: str
    l: int = 0
    j: int = 0
    i: int = 0

    def sort_key(self) -> tuple:
        if self.kind in FORWARD_KINDS:
            return (0, self.l, self.j, FORWARD_KINDS.index(self.kind), self.i)
        if self.kind in LOSS_KINDS:
            return (1, 0, LOSS_KINDS.index(self.kind), self.j, self.i)
        return (2, -self.l, BACKWARD_KINDS.index(self.kind), self.j, self.i)


@dataclass(frozen=True)
class Answer:
    """The expected value as shown, and the answers accepted: |answer - value| <= tolerance."""

    quantity: Quantity
    value: float  # full precision, under the sheet's rounding rule
    text: str  # the displayed value, at the digits the sheet asks for
    tolerance: Decimal  # k units of the last digit plus half a unit
    low: str  # the smallest and largest accepted answers at those digits
    high: str
    units: int  # k
    interval: Iv  # every value a hand computation with rounded intermediates can reach


# ---------------------------------------------------------------- values and their ranges


def _lookup(step, q: Quantity):
    """Quantity q in a step's record: of values (the trace) or of intervals (ranges() of the
    trace), which have the same shape."""
    if q.kind == "E_k":
        return step.loss.terms[q.j]
    if q.kind == "E":
        return step.loss.total
    if q.kind == "dE_do":
        return step.loss.dE_do[q.j]
    layer = step.layers[q.l - 1]
    if q.kind in ("grad_W", "W_new"):
        return getattr(layer, q.kind)[q.j][q.i]
    return getattr(layer, q.kind)[q.j]


def value_of(trace: Trace, q: Quantity) -> float:
    return _lookup(trace.first, q)


def range_of(ranges: StepTrace, q: Quantity) -> Iv:
    return _lookup(ranges, q)


def shown(trace: Trace, q: Quantity) -> str:
    """The value as the key shows it: the precision's decimals (tiny values with 3 significant
    digits), new weights too: a student who keeps every digit of w - eta*g and rounds the answer
    writes exactly this, and one who rounds eta*g first is within the tolerance."""
    return _shown(trace, q, value_of(trace, q))


def _shown(trace: Trace, q: Quantity, x: float) -> str:
    return fmt(x, trace.spec.precision)


def tolerance(text: str, iv: Iv) -> tuple[int, Decimal, str, str]:
    """The tolerance rule. A hand computation that rounds intermediates to the sheet's digits (or
    keeps them) reaches some y in the interval [lo, hi] and writes round(y). With p the shown value
    and u one unit of its last digit, k = max(p - round(lo), round(hi) - p) / u whole units, and
    every answer within k*u + u/2 of p is right: for k = 0, the rounded value itself or more digits
    of it. Returns k, the tolerance, and the smallest and largest answers accepted at p's digits."""
    p = parse_shown(text)
    return _tolerance(p, max(0, -p.as_tuple().exponent), iv)  # places of the text


def _tolerance(p: Decimal, places: int, iv: Iv) -> tuple[int, Decimal, str, str]:
    u = _UNITS[places] if places < len(_UNITS) else Decimal(1).scaleb(-places)
    lo = round_decimal_places(iv.lo, places)
    hi = round_decimal_places(iv.hi, places)
    # Both ends and p are whole units now: the larger distance, in units, is exact.
    k = int(max(p - lo, hi - p, _ZERO).scaleb(places))
    if k == 0:  # p itself, at its own digits, is both ends
        shown_p = format(p if -p.as_tuple().exponent == places else round_decimal_places(p, places), "f")
        return 0, u / 2, shown_p, shown_p
    return k, k * u + u / 2, format(round_decimal_places(p - k * u, places), "f"), format(
        round_decimal_places(p + k * u, places), "f")


_ZERO = Decimal(0)
_UNITS = [Decimal(1).scaleb(-places) for places in range(30)]


def answer(trace: Trace, ranges: StepTrace, q: Quantity) -> Answer:
    value = _lookup(trace.first, q)
    text = _shown(trace, q, value)
    iv = _lookup(ranges, q)
    if "10^" in text:
        k, tol, low, high = tolerance(text, iv)
    else:  # fixed decimals, as the formatter writes them: their places are the text's
        dot = text.find(".")
        k, tol, low, high = _tolerance(Decimal(text), len(text) - dot - 1 if dot >= 0 else 0, iv)
    return Answer(quantity=q, value=value, text=text, tolerance=tol, low=low, high=high,
                  units=k, interval=iv)


def well_posed(a: Answer) -> bool:
    if "10^" in a.text:  # far below the sheet's digits: no student can be graded on it
        return False
    return a.units == 0 or a.tolerance <= WELL_POSED_SHARE * abs(Decimal(a.text))


# ---------------------------------------------------------------- levels


def check_level(level: str, depth: int) -> str:
    if level not in LEVELS:
        raise SpecError(f"level {level!r} is not known; allowed: {', '.join(LEVELS)}")
    if level == "hidden" and depth < 2:
        raise SpecError("level 'hidden' needs a hidden layer; give layers with at least 3 sizes, e.g. 2-2-2")
    return level


class _Chooser:
    """Picks one quantity per slot with the seeded stream, among the well-posed candidates."""

    def __init__(self, stream: Stream, ok):
        self.stream = stream
        self.ok = ok
        self.chosen: list[Quantity] = []
        self.taken: set[Quantity] = set()  # the chosen ones, for membership

    def pick(self, candidates: list[Quantity]) -> Quantity:
        fit = [c for c in candidates if c not in self.taken and self.ok(c)]
        if not fit:
            raise _Unfit
        c = fit[self.stream.below(len(fit))]
        self.chosen.append(c)
        self.taken.add(c)
        return c

    def pick_group(self, groups: list[list[Quantity]]) -> list[Quantity]:
        """One group of quantities that are all well-posed (z and a of the same neuron)."""
        fit = [g for g in groups if all(c not in self.taken and self.ok(c) for c in g)]
        if not fit:
            raise _Unfit
        g = fit[self.stream.below(len(fit))]
        self.chosen.extend(g)
        self.taken.update(g)
        return g


class _Unfit(Exception):
    pass


def _weights(spec, l: int, j: int | None = None) -> list[Quantity]:
    rows = range(spec.layers[l]) if j is None else [j]
    return [Quantity("grad_W", l, jj, i) for jj in rows for i in range(spec.layers[l - 1])]


def choose(spec, level: str, stream: Stream, ok) -> list[Quantity] | None:
    """The quantities a problem asks at `level`, in the order of the computation, or None when
    the draw leaves a slot without a well-posed candidate (the caller redraws)."""
    c = _Chooser(stream, ok)
    L = spec.depth
    out = spec.layers[L]
    try:
        if level == "forward":
            layers = list(range(1, L + 1)) if L <= 3 else [1, 2 + stream.below(L - 2), L]
            for l in layers:
                c.pick_group([[Quantity("z", l, j), Quantity("a", l, j)] for j in range(spec.layers[l])])
        if level == "loss":
            c.pick([Quantity("a", L, k) for k in range(out)])
            if out > 1:
                c.pick([Quantity("E_k", 0, k) for k in range(out)])
            c.pick([Quantity("E")])
        if level == "output":
            if get_loss(spec.loss).derivative_asked:
                c.pick([Quantity("dE_do", L, k) for k in range(out)])
            first = c.pick([Quantity("delta", L, k) for k in range(out)])
            if out > 1:
                c.pick([Quantity("delta", L, k) for k in range(out)])
            _gradient_and_update(c, spec, L, first.j)
            if spec.bias:
                _bias(c, spec, L)
        if level == "hidden":
            l = 1 + stream.below(L - 1)
            width = spec.layers[l]
            first = c.pick([Quantity("error", l, j) for j in range(width)])
            c.pick([Quantity("delta", l, first.j)])
            if min(spec.layers[1:L]) > 1:  # the same questions for every seed
                c.pick([Quantity("delta", l, j) for j in range(width)])
            _gradient_and_update(c, spec, l, first.j)
            if spec.bias:
                _bias(c, spec, l)
        if level == "full":
            if L > 1:
                l = 1 + stream.below(L - 1)
                c.pick([Quantity("a", l, j) for j in range(spec.layers[l])])
            c.pick([Quantity("a", L, k) for k in range(out)])
            c.pick([Quantity("E")])
            d = c.pick([Quantity("delta", L, k) for k in range(out)])
            g = c.pick(_weights(spec, L, d.j))
            c.pick([Quantity("W_new", L, g.j, g.i)])
            if L > 1:
                l = 1 + stream.below(L - 1)
                d = c.pick([Quantity("delta", l, j) for j in range(spec.layers[l])])
                g = c.pick(_weights(spec, l, d.j))
                c.pick([Quantity("W_new", l, g.j, g.i)])
    except _Unfit:
        return None
    return sorted(c.chosen, key=Quantity.sort_key)


# What `--ask` names: each a kind of the trace in the output layer ("o") or any hidden layer ("h").
# `grade` counts by a quantity's name without its indices (grading.quantity_kind), which is the
# same name for neurons (delta_h1 -> delta_h) but has no layer for weights and biases (w5_new -> w_new).
ASK = {
    "net_h": ("z", "h"), "h": ("a", "h"), "net_o": ("z", "o"), "o": ("a", "o"),
    "E_k": ("E_k", None), "E": ("E", None), "dE/do": ("dE_do", "o"), "dE/dh": ("error", "h"),
    "delta_o": ("delta", "o"), "delta_h": ("delta", "h"),
    "dE/dw_o": ("grad_W", "o"), "dE/dw_h": ("grad_W", "h"), "w_new_o": ("W_new", "o"), "w_new_h": ("W_new", "h"),
    "dE/db_o": ("grad_b", "o"), "dE/db_h": ("grad_b", "h"), "b_new_o": ("b_new", "o"), "b_new_h": ("b_new", "h"),
}
MAX_ASKED = 26  # the labels a to z


def check_ask(value, spec) -> tuple[str, ...]:
    """The kinds a problem asks, in the order given: a comma list or a TOML list of ASK's names,
    each possible in this network."""
    names = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise SpecError(f"ask {value!r} is not a list of quantity kinds; allowed: {', '.join(ASK)}")
    if len(names) > MAX_ASKED:
        raise SpecError(f"ask lists {len(names)} quantities; at most {MAX_ASKED} fit the labels a to z")
    for name in names:
        if name not in ASK:
            raise SpecError(f"ask: {name!r} is not a quantity kind; allowed: {', '.join(ASK)}")
        kind, where = ASK[name]
        if where == "h" and spec.depth < 2:
            raise SpecError(f"ask: {name} needs a hidden layer; give layers with at least 3 sizes, e.g. 2-2-2")
        if kind in ("grad_b", "b_new") and not spec.bias:
            raise SpecError(f"ask: {name} needs biases (--bias)")
        if kind == "b_new" and spec.bias_policy == "frozen":
            raise SpecError(f"ask: {name} needs trained biases; frozen ones are not updated")
        if kind == "dE_do" and not get_loss(spec.loss).derivative_asked:
            raise SpecError(f"ask: {name} is not asked with the {spec.loss} loss, whose output delta is direct")
        if names.count(name) > len(candidates(spec, name)):
            raise SpecError(f"ask: {name} is listed {names.count(name)} times; this network has "
                            f"{len(candidates(spec, name))} of them")
    return tuple(names)


def candidates(spec, name: str) -> list[Quantity]:
    """Every quantity of the network of one ASK kind."""
    kind, where = ASK[name]
    L = spec.depth
    layers = [L] if where == "o" else list(range(1, L)) if where == "h" else [0]
    if kind == "E_k":
        return [Quantity("E_k", 0, k) for k in range(spec.layers[L])]
    if kind == "E":
        return [Quantity("E")]
    if kind in ("grad_W", "W_new"):
        return [Quantity(kind, l, j, i) for l in layers for j in range(spec.layers[l]) for i in range(spec.layers[l - 1])]
    return [Quantity(kind, l, j) for l in layers for j in range(spec.layers[l])]


def choose_asked(spec, ask: tuple[str, ...], stream: Stream, ok) -> list[Quantity] | None:
    """One quantity of each asked kind, in the order of the computation, chosen with the seeded
    stream among the well-posed ones not chosen yet; None when a kind has none left (redraw)."""
    c = _Chooser(stream, ok)
    try:
        for name in ask:
            every = candidates(spec, name)
            # A gradient into a neuron whose delta is asked, the update of a weight whose gradient is:
            # one line of computation rather than scattered values, where one fits.
            related = [q for q in every if any(_follows(q, done) for done in c.chosen)]
            try:
                c.pick(related)
            except _Unfit:
                c.pick(every)
    except _Unfit:
        return None
    return sorted(c.chosen, key=Quantity.sort_key)


def ask_name(spec, q: Quantity) -> str:
    """The ASK name of a quantity's kind: `delta_o` for an output delta, `h` for a hidden activation."""
    where = None if q.kind in LOSS_KINDS else "o" if q.l == spec.depth else "h"
    return next(name for name, kind in ASK.items() if kind == (q.kind, where))


class _Every:
    """A stream that answers r to every draw (below its range): with r from 0 to the network's
    depth, every layer a level draws is drawn once."""

    def __init__(self, r: int):
        self.r = r

    def below(self, n: int) -> int:
        return self.r % n


def level_kinds(spec, level: str) -> list[tuple[str, ...]]:
    """The kinds (ASK's names) a level asks of this network, question by question, for each way
    the draw may go: one list for every level but `hidden` in a network whose hidden layers differ
    in how many weights they have (one of a single weight asks one gradient fewer)."""
    found: list[tuple[str, ...]] = []
    for r in range(spec.depth):
        chosen = choose(spec, level, _Every(r), lambda q: True)
        kinds = tuple(ask_name(spec, q) for q in chosen or ())
        if kinds not in found:
            found.append(kinds)
    return sorted(found, key=len)


def check_points(points: tuple, spec, level: str, ask: tuple[str, ...] | None) -> None:
    """A list of points (one per question) that fits the questions asked: as many as `ask`
    lists, or as the level asks of this network, whatever the draw."""
    if len(points) == 1:
        return
    if ask is not None:
        if len(points) != len(ask):
            raise SpecError(f"points gives {len(points)} values for the {len(ask)} quantities of ask; give one "
                            f"value for all, or {len(ask)}, one per quantity in the order of ask")
        return
    kinds = level_kinds(spec, level)
    if len(kinds) > 1:
        counts = " or ".join(str(len(k)) for k in kinds)
        raise SpecError(f"points gives {len(points)} values, but level '{level}' asks {counts} questions of this "
                        "network, as the hidden layer drawn goes; give one value for all, or choose the "
                        "questions with ask")
    if len(points) != len(kinds[0]):
        raise SpecError(f"points gives {len(points)} values, but level '{level}' asks {len(kinds[0])} questions of "
                        f"this network ({', '.join(kinds[0])}); give one value for all, or {len(kinds[0])} in that "
                        "order")


def _follows(q: Quantity, earlier: Quantity) -> bool:
    if q.kind in ("grad_W", "grad_b", "b_new") and earlier.kind == "delta":
        return (q.l, q.j) == (earlier.l, earlier.j)
    return q.kind == "W_new" and earlier.kind == "grad_W" and (q.l, q.j, q.i) == (earlier.l, earlier.j, earlier.i)


def _gradient_and_update(c: _Chooser, spec, l: int, j: int) -> None:
    """Two weight gradients of layer l (the first into neuron j, the second into another neuron
    when there is one), and the update of the first."""
    g = c.pick(_weights(spec, l, j))
    if len(_weights(spec, l)) > 1:
        others = [q for q in _weights(spec, l) if q.j != j] or _weights(spec, l)
        c.pick(others)
    c.pick([Quantity("W_new", l, g.j, g.i)])


def _bias(c: _Chooser, spec, l: int) -> None:
    """The new value of a trained bias (its gradient is the neuron's delta, asked already), or the
    gradient of a frozen one."""
    kind = "grad_b" if spec.bias_policy == "frozen" else "b_new"
    c.pick([Quantity(kind, l, j) for j in range(spec.layers[l])])


def quantity_name(spec, q: Quantity) -> str:
    """The plain name of an asked quantity, as answers.csv and the reports write it."""
    if q.kind == "E_k":
        return f"E{q.j + 1}"
    if q.kind == "E":
        return "E"
    if q.kind == "dE_do":
        return f"dE/do{q.j + 1}"
    n = neuron(spec, q.l, q.j + 1).short
    if q.kind in ("grad_W", "W_new"):
        w = f"w{weight_number(spec, q.l, q.j + 1, q.i + 1)}"
        return f"dE/d{w}" if q.kind == "grad_W" else f"{w}_new"
    return {"z": f"net_{n}", "a": n, "error": f"dE/d{n}", "delta": f"delta_{n}",
            "grad_b": f"dE/db_{n}", "b_new": f"b_{n}_new"}[q.kind]


def labels(count: int, problem: int) -> list[str]:
    """Question labels 1a, 1b, ... as the exam class numbers the parts of question 1."""
    if count > 26:
        raise SpecError(f"problem {problem} asks {count} questions; at most 26 fit the labels a to z")
    return [f"{problem}{chr(ord('a') + n)}" for n in range(count)]
