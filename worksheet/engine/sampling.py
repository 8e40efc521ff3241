"""The only randomness: a seed becomes a problem's numbers, the same on every machine."""

from __future__ import annotations

import hashlib
import math

from .activations import get_activation
from .calculator import Trace, calculate
from ..errors import NumericError, SpecError
from .spec import GivenValues, NetworkSpec, Values, check_target
from ..stages import stage

MAX_ATTEMPTS = 1000


class Stream:
    """Integers from SHA-256 in counter mode: a documented, version-independent source
    (NumPy's and Python's generators may change their streams between releases)."""

    def __init__(self, *key: object):
        key = "|".join(str(k) for k in ("worksheet/1", *key))
        self._prefix = hashlib.sha256(f"{key}|".encode())
        self._counter = 0

    def below(self, n: int) -> int:
        """An integer in [0, n); the modulo bias of a 256-bit draw is negligible.
        Each draw hashes the key, a bar and the counter; the key's part of the hash is
        computed once and copied."""
        hasher = self._prefix.copy()
        hasher.update(str(self._counter).encode())
        self._counter += 1
        return int.from_bytes(hasher.digest(), "big") % n

    def hundredths(self, lo: int, hi: int) -> float:
        """A two-decimal value in [lo/100, hi/100]."""
        return (lo + self.below(hi - lo + 1)) / 100

    def signed_hundredths(self, lo: int, hi: int, negative_in: int = 2) -> float:
        """A two-decimal value of magnitude in [lo/100, hi/100], negative with chance 1/negative_in."""
        value = self.hundredths(lo, hi)
        return -value if self.below(negative_in) == 0 else value


def derive_seed(*parts: object) -> int:
    """A seed from others (an exam seed and a student id): stable, unlike hash()."""
    digest = hashlib.sha256("|".join(str(p) for p in ("worksheet-seed/1", *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _draw_target(stream: Stream, spec: NetworkSpec) -> tuple[float, ...]:
    """Targets the output activation can reach, of its registry entry's kind."""
    n = spec.layers[-1]
    kind = get_activation(spec.activations[-1]).targets
    if kind == "one_hot":
        hot = stream.below(n)
        return tuple(1.0 if k == hot else 0.0 for k in range(n))
    if kind == "near_0_or_1":
        return tuple(0.01 if stream.below(2) == 0 else 0.99 for _ in range(n))
    if kind == "signed":
        return tuple(stream.signed_hundredths(5, 90) for _ in range(n))
    return tuple(stream.hundredths(5, 99) for _ in range(n))


def draw_values(spec: NetworkSpec, given: GivenValues, attempt: int) -> Values:
    """One draw: given values kept, the rest from the seed. Inputs in [0.05, 0.99], weights
    in ±[0.05, min(0.95, 1.2/sqrt(fan-in))] and biases in ±[0.05, 0.60], all with two decimals."""
    stream = Stream(spec.seed, attempt)
    layers = spec.layers
    x = given.input or tuple(stream.hundredths(5, 99) for _ in range(layers[0]))
    t = given.target or _draw_target(stream, spec)
    weights = []
    biases = [] if spec.bias else None
    for l in range(1, spec.depth + 1):
        # Into a ReLU layer, mostly positive weights: with even odds of each sign, most draws of a
        # deep ReLU network have a dead neuron somewhere and would be redrawn.
        negative_in = 5 if get_activation(spec.activations[l - 1]).kink_at_zero else 2
        # Wide layers get smaller weights (about 1/sqrt(fan-in), as Xavier initialisation does),
        # so net inputs stay where the activations are not saturated.
        hi = min(95, round(120 / math.sqrt(layers[l - 1])))
        W = given.weights.get(l) or tuple(
            tuple(stream.signed_hundredths(5, hi, negative_in) for _ in range(layers[l - 1]))
            for _ in range(layers[l])
        )
        weights.append(W)
        if biases is not None:
            biases.append(given.biases.get(l) or tuple(stream.signed_hundredths(5, 60) for _ in range(layers[l])))
    return Values(input=x, target=t, weights=tuple(weights), biases=tuple(biases) if biases is not None else None)


def degeneracy(trace: Trace) -> str | None:
    """Why a drawn problem is unfit for a worksheet, or None. The first step is checked."""
    spec, step = trace.spec, trace.first
    threshold = 10.0**-spec.precision
    for layer in step.layers:
        if get_activation(layer.activation).kink_at_zero and any(abs(z) < 1e-9 for z in layer.z):
            return f"a net input of layer {layer.l} is 0, where the derivative is undefined"
        if any(abs(d) < 1e-12 for d in layer.delta):
            return f"a neuron of layer {layer.l} has every gradient 0"
    if all(abs(d) < threshold for d in step.layers[-1].delta):
        return "the outputs are saturated: every output gradient rounds to 0"
    values = [abs(x) for layer in step.layers for x in (*layer.z, *layer.a, *layer.delta)]
    if not all(math.isfinite(v) for v in values):
        return "a value is not finite"
    return None


def draw_problem(spec: NetworkSpec, given: GivenValues) -> tuple[Values, Trace]:
    """Values and their trace. Explicit values are taken as they are; drawn ones are redrawn
    (deterministically, by attempt number) until the problem is not degenerate."""
    if given.is_complete(spec):
        values = draw_values(spec, given, 0)
        with stage("calculation"):
            return values, calculate(spec, values)
    if spec.seed is None:
        raise SpecError("some values are not given and there is no seed to draw them from; give --seed N")
    first = None
    for attempt in range(MAX_ATTEMPTS):
        values = draw_values(spec, given, attempt)
        check_target(spec, values.target)
        try:
            with stage("calculation"):
                trace = calculate(spec, values)
        except NumericError as exc:
            # Deep linear or ReLU layers can drive a drawn output to exactly 0 or 1, where bce and
            # cross_entropy have no finite dE/do: such a draw is as unfit as a degenerate one.
            trace, reason = None, str(exc)
        else:
            reason = degeneracy(trace)
        if reason is None:
            return values, trace
        if first is None:
            first = (values, trace, reason)
    if given.input is not None or given.weights or given.biases:
        values, trace, reason = first
        if trace is None:
            raise NumericError(reason)
        return values, trace  # the user's own values leave no better draw; show it as it is
    raise SpecError(
        f"no usable problem in {MAX_ATTEMPTS} draws for these options ({first[2]}); "
        "try other layers or activations"
    )
