"""Claims and sums -> findings: each printed number against the calculator (named values) or its
own printed operands (arithmetic lines), as a slip or as rounding drift."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal

from ..documents.expressions import LARGEST  # beyond it a "number" is not a value of a worked solution
from ..documents.notation import neuron, weight_number
from ..documents.numbers import round_decimal_places, to_decimal
from ..engine.calculator import Trace, calculate
from ..engine.intervals import Unbounded, ranges
from .arith import NotArithmetic, evaluate
from .names import Names, Ref
from .parsing import Claim, Sum, read_claims

SLIP = "slip"
DRIFT = "drift"


@dataclass(frozen=True)
class Finding:
    """A printed number that is not the correct value at its digits. `kind` is SLIP when no hand
    computation rounding its intermediates to the printed digits reaches it, DRIFT otherwise."""

    line: int
    what: str
    printed: str
    correct: str
    kind: str
    source: str  # "value": a named quantity; "arithmetic": a line's own operands

    def as_dict(self) -> dict:
        return {"line": self.line, "what": self.what, "printed": self.printed, "correct": self.correct,
                "kind": self.kind, "source": self.source}


def parse_printed(text: str) -> Decimal:
    """0.14236, -0.04246 or 1.23 \\times 10^{-6}."""
    if "10^" in text:
        mantissa, _, exponent = text.partition("\\times")
        return Decimal(mantissa.strip()).scaleb(int(exponent.split("^")[1].strip("{} ")))
    return Decimal(text)


def places(d: Decimal) -> int:
    return -d.as_tuple().exponent


def show(d: Decimal, like: str) -> str:
    """d with the form of the printed text: scientific when it is, fixed otherwise."""
    if "10^" in like:
        exponent = parse_printed(like).adjusted()
        mantissa = d.scaleb(-exponent).quantize(Decimal(1).scaleb(-(len(like.split("\\times")[0].strip()) - 2)))
        return f"{mantissa} \\times 10^{{{exponent}}}"
    text = format(d, "f")
    return "0" + text[2:] if text.startswith("-0") and set(text[1:]) <= {"0", "."} else text


def document_precision(claims: list[Claim], sums: list[Sum], default: int) -> int:
    """The decimals a document rounds to: the most common among its computed-looking numbers."""
    counts: Counter[int] = Counter()
    for text in [c.text for c in claims] + [s.text for s in sums]:
        if "10^" in text or "." not in text:
            continue
        frac = text.split(".")[1]
        if len(frac) >= 3 and not text.lstrip("+-").startswith("0.00"):
            counts[len(frac)] += 1
    return counts.most_common(1)[0][0] if counts else default


def _field(record, ref: Ref, values, point):
    """The value (or interval) of ref in a StepTrace or StepRange; `point` wraps a given number."""
    if ref.kind == "input":
        return point(values.input[ref.j])
    if ref.kind == "target":
        return point(values.target[ref.j])
    if ref.kind == "W":
        return point(values.weights[ref.l - 1][ref.j][ref.i])
    if ref.kind == "b":
        return point(values.biases[ref.l - 1][ref.j]) if values.biases is not None else None
    loss = record.loss
    if ref.kind == "E_k":
        return loss.terms[ref.j]
    if ref.kind == "E":
        return loss.total
    if ref.kind == "dE_do":
        return loss.dE_do[ref.j]
    if ref.kind == "diff":
        return loss.diff[ref.j]
    if ref.kind == "o_minus_t":  # dE/do_k of half the squared error, as written from o and t
        return ("neg", loss.diff[ref.j])
    layer = record.layers[ref.l - 1]
    if ref.kind in ("grad_W", "W_new"):
        return getattr(layer, ref.kind)[ref.j][ref.i]
    if ref.kind == "path":
        return layer.paths[ref.j][ref.i] if layer.paths is not None else None
    if ref.kind == "change_W":
        return ("neg", layer.step_W[ref.j][ref.i])
    if ref.kind == "change_b":
        return ("neg", layer.step_b[ref.j]) if layer.step_b is not None else None
    field = getattr(layer, ref.kind)
    return field[ref.j] if field is not None else None


def _abs(iv: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    lo, hi = iv
    if lo <= 0 <= hi:
        return Decimal(0), max(-lo, hi)
    return min(abs(lo), abs(hi)), max(abs(lo), abs(hi))


class Checker:
    """Verdicts on one document's claims for one problem."""

    def __init__(self, trace: Trace, precision: int):
        spec = replace(trace.spec, rounding="exact", precision=precision)
        self.spec = spec
        self.trace = calculate(spec, trace.values)
        self.precision = precision
        self.constants = {r"\eta": to_decimal(spec.lr), r"\alpha": to_decimal(spec.leaky_slope)}
        try:
            # A document's numbers are checked against its own digits, not one more.
            self.ranges = ranges(self.trace, finer=False)
        except Unbounded:
            self.ranges = None  # no finite interval: only the exact value counts

    def exact(self, ref: Ref) -> Decimal | None:
        if ref.kind.startswith("abs_"):
            v = self.exact(Ref(ref.kind[4:], ref.l, ref.j, ref.i))
            return abs(v) if v is not None else None
        if ref.kind in ("mean_abs_grad", "max_abs_grad"):
            sizes = [abs(to_decimal(g)) for row in self.trace.first.layers[ref.l - 1].grad_W for g in row]
            return sum(sizes) / len(sizes) if ref.kind == "mean_abs_grad" else max(sizes)
        v = _field(self.trace.first, ref, self.trace.values, lambda x: x)
        if isinstance(v, tuple):
            return -to_decimal(v[1])
        return to_decimal(v) if v is not None else None

    def interval(self, ref: Ref) -> tuple[Decimal, Decimal] | None:
        if self.ranges is None:
            return None
        if ref.kind.startswith("abs_"):
            iv = self.interval(Ref(ref.kind[4:], ref.l, ref.j, ref.i))
            return _abs(iv) if iv is not None else None
        if ref.kind in ("mean_abs_grad", "max_abs_grad"):
            sizes = [_abs((g.lo, g.hi)) for row in self.ranges.layers[ref.l - 1].grad_W for g in row]
            if ref.kind == "max_abs_grad":
                return max(lo for lo, _ in sizes), max(hi for _, hi in sizes)
            return sum(lo for lo, _ in sizes) / len(sizes), sum(hi for _, hi in sizes) / len(sizes)
        iv = _field(self.ranges, ref, self.trace.values, lambda x: None)
        if iv is None:
            return None
        if isinstance(iv, tuple):
            return -iv[1].hi, -iv[1].lo
        return iv.lo, iv.hi

    def claim(self, c: Claim) -> Finding | None:
        finding = self.verdict(c.ref, c)
        if finding is not None and c.ref.kind == "W" and c.ref.l > 1 and self.spec.update_order == "sequential":
            # Updating layer by layer, the hidden layers' paths use the weights already updated.
            updated = self.verdict(Ref("W_new", c.ref.l, c.ref.j, c.ref.i), c)
            if updated is None or updated.kind == DRIFT:
                return updated
        return finding

    def verdict(self, ref: Ref, c: Claim) -> Finding | None:
        try:
            value = self.exact(ref)
            printed = parse_printed(c.text)
        except (IndexError, ArithmeticError, ValueError):
            return None
        if value is None or abs(printed) > LARGEST:
            return None
        d = places(printed)
        correct = round_decimal_places(value, d)
        if correct == printed:
            return None
        iv = self.interval(ref)
        reached = iv is not None and round_decimal_places(iv[0], d) <= printed <= round_decimal_places(iv[1], d)
        return Finding(c.line, label(self.spec, ref), c.text, show(correct, c.text),
                       DRIFT if reached else SLIP, "value")

    def sum(self, s: Sum) -> Finding | None:
        try:
            printed = parse_printed(s.text)
            point = evaluate(s.expr, constants=self.constants)
        except (NotArithmetic, ArithmeticError, ValueError):
            return None
        if abs(printed) > LARGEST:
            return None
        d = places(printed)
        correct = round_decimal_places(point.lo, d)
        if correct == printed:
            return None
        try:
            wide = evaluate(s.expr, wide=True, precision=self.precision, constants=self.constants)
            reached = round_decimal_places(wide.lo, d) <= printed <= round_decimal_places(wide.hi, d)
        except NotArithmetic:
            reached = False
        return Finding(s.line, s.expr, s.text, show(correct, s.text), DRIFT if reached else SLIP, "arithmetic")


def check_lines(lines: list[str], trace: Trace) -> list[Finding]:
    """Every finding of a document, in line order, slips and drift alike."""
    return check_counted(lines, trace)[0]


def check_counted(lines: list[str], trace: Trace) -> tuple[list[Finding], int]:
    """The findings, and how many printed numbers were checked (on how many lines)."""
    names = Names(trace.spec)
    claims, sums = read_claims(lines, names)
    checked = len({(c.line, c.text) for c in claims} | {(s.line, s.text) for s in sums})
    checker = Checker(trace, document_precision(claims, sums, trace.spec.precision))
    found = [checker.claim(c) for c in claims] + [checker.sum(s) for s in sums]
    unique: dict[tuple, Finding] = {}
    for f in found:
        if f is not None:
            unique.setdefault((f.line, f.what, f.printed), f)
    # A named result whose line also miscomputes it is one wrong number: report it by its name.
    named = {(f.line, f.printed) for f in unique.values() if f.source == "value"}
    kept = [f for f in unique.values() if f.source == "value" or (f.line, f.printed) not in named]
    return sorted(kept, key=lambda f: (f.line, f.source != "value", f.what)), checked


def label(spec, ref: Ref) -> str:
    """A quantity in this project's plain notation: o1, net_h1, dE/dw5, delta_o1, w5_new."""
    def short(l: int, j: int) -> str:
        return neuron(spec, l, j + 1).short if l > 0 else f"I{j + 1}"

    def w(l: int, j: int, i: int) -> str:
        return f"w{weight_number(spec, l, j + 1, i + 1)}"

    k, l, j, i = ref.kind, ref.l, ref.j, ref.i
    if k.startswith("abs_"):
        return f"|{label(spec, Ref(k[4:], l, j, i))}|"
    return {
        "mean_abs_grad": lambda: f"mean |dE/dw| of layer {l}",
        "max_abs_grad": lambda: f"largest |dE/dw| of layer {l}",
        "input": lambda: f"I{j + 1}",
        "target": lambda: f"t{j + 1}",
        "W": lambda: w(l, j, i),
        "b": lambda: f"b_{short(l, j)}",
        "z": lambda: f"net_{short(l, j)}",
        "a": lambda: short(l, j),
        "derivative": lambda: f"f'(net_{short(l, j)})",
        "error": lambda: f"dE/d{short(l, j)}",
        "path": lambda: f"delta_{short(l + 1, i)}*{w(l + 1, i, j)}",
        "delta": lambda: f"delta_{short(l, j)}",
        "grad_W": lambda: f"dE/d{w(l, j, i)}",
        "grad_b": lambda: f"dE/db_{short(l, j)}",
        "change_W": lambda: f"change of {w(l, j, i)}",
        "change_b": lambda: f"change of b_{short(l, j)}",
        "W_new": lambda: f"{w(l, j, i)}_new",
        "b_new": lambda: f"b_{short(l, j)}_new",
        "E_k": lambda: f"E_{j + 1}",
        "E": lambda: "E_total",
        "dE_do": lambda: f"dE/do{j + 1}",
        "diff": lambda: f"t{j + 1} - o{j + 1}",
        "o_minus_t": lambda: f"o{j + 1} - t{j + 1}",
    }[k]()
