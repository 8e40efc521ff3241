"""What a sheet asks: levels, the seeded choice of neurons and weights, and each answer's value and tolerance."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..documents.notation import neuron, weight_number
from ..documents.numbers import fmt, fmt_difference, fmt_given, parse_shown
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
    digits); a new parameter w - eta*g with every digit of the rounded step eta*g."""
    return _shown(trace, q, value_of(trace, q))


def _shown(trace: Trace, q: Quantity, x: float) -> str:
    p = trace.spec.precision
    layer = trace.first.layers[q.l - 1] if q.l else None
    if q.kind == "W_new":
        return fmt_difference(x, [fmt_given(layer.W[q.j][q.i]), fmt(layer.step_W[q.j][q.i], p)], p)
    if q.kind == "b_new":  # asked for trained biases only
        return fmt_difference(x, [fmt_given(layer.b[q.j]), fmt(layer.step_b[q.j], p)], p)
    return fmt(x, p)


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
