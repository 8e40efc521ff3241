"""Network spec: parse and validate options and spec files, apply defaults and limits."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .activations import ACTIVATIONS, get_activation
from ..errors import SpecError
from .. import inputs
from .losses import LOSSES, get_loss

# "Small" networks: what a worked solution can show on paper.
MAX_WEIGHT_LAYERS = 6
MAX_WIDTH = 10
MAX_STEPS = 50
PRECISION_RANGE = (2, 10)
MAX_LR = 10.0
# Given numbers (inputs, targets, weights, biases) up to this size: a worked solution is done by
# hand, and the pass's exponentials and products stay within double precision.
MAX_GIVEN = 1e6

BIAS_POLICIES = ("trained", "frozen")
UPDATE_ORDERS = ("simultaneous", "sequential")
ROUNDINGS = ("exact", "carried")

Vector = tuple[float, ...]
Matrix = tuple[Vector, ...]


@dataclass(frozen=True)
class NetworkSpec:
    """Everything about a problem except its numbers."""

    layers: tuple[int, ...] = (2, 2, 2)
    activations: tuple[str, ...] = ("sigmoid", "sigmoid")
    loss: str = "half_sse"
    bias: bool = False
    bias_policy: str = "trained"
    lr: float = 0.5
    leaky_slope: float = 0.01
    steps: int = 1
    update_order: str = "simultaneous"
    rounding: str = "exact"
    precision: int = 5
    seed: int | None = None
    title: str | None = None

    @property
    def depth(self) -> int:
        """Number of weight layers L."""
        return len(self.layers) - 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "layers": list(self.layers),
            "activations": list(self.activations),
            "loss": self.loss,
            "bias": self.bias,
            "bias_policy": self.bias_policy,
            "learning_rate": self.lr,
            "leaky_slope": self.leaky_slope,
            "steps": self.steps,
            "update_order": self.update_order,
            "rounding": self.rounding,
            "precision": self.precision,
        }


@dataclass(frozen=True)
class GivenValues:
    """Explicit numbers from a spec file; None where they are to be drawn from the seed."""

    input: Vector | None = None
    target: Vector | None = None
    weights: dict[int, Matrix] = field(default_factory=dict)  # l -> W(l), rows = layer-l neurons
    biases: dict[int, Vector] = field(default_factory=dict)

    def is_complete(self, spec: NetworkSpec) -> bool:
        """True when nothing is left to draw from a seed."""
        layers = range(1, spec.depth + 1)
        return (
            self.input is not None
            and self.target is not None
            and all(l in self.weights for l in layers)
            and (not spec.bias or all(l in self.biases for l in layers))
        )


@dataclass(frozen=True)
class Values:
    """The numbers of one problem."""

    input: Vector
    target: Vector
    weights: tuple[Matrix, ...]  # weights[l-1] is W(l)
    biases: tuple[Vector, ...] | None


# ---------------------------------------------------------------- parsing single options


def parse_layers(text: str | list | tuple) -> tuple[int, ...]:
    if isinstance(text, (list, tuple)):
        parts = list(text)
        shown = "-".join(str(p) for p in parts)
    else:
        shown = str(text)
        parts = shown.strip().split("-")
    sizes = []
    for p in parts:
        if isinstance(p, bool) or not (isinstance(p, int) or (isinstance(p, str) and p.strip().isascii()
                                                               and p.strip().isdigit())):
            raise SpecError(
                f"layers {shown!r}: expected neuron counts joined by '-', for example 2-2-2 or 3-4-2"
            )
        sizes.append(int(p))
    if len(sizes) < 2:
        raise SpecError(f"layers {shown!r}: need at least an input and an output layer, for example 2-2")
    if len(sizes) - 1 > MAX_WEIGHT_LAYERS:
        raise SpecError(
            f"layers {shown!r}: {len(sizes) - 1} weight layers; at most {MAX_WEIGHT_LAYERS} are allowed"
        )
    for s in sizes:
        if not 1 <= s <= MAX_WIDTH:
            raise SpecError(f"layers {shown!r}: every layer needs 1 to {MAX_WIDTH} neurons, got {s}")
    return tuple(sizes)


def parse_activations(text: str | list | tuple, depth: int) -> tuple[str, ...]:
    names = list(text) if isinstance(text, (list, tuple)) else [s.strip() for s in str(text).split(",")]
    for n in names:
        if not isinstance(n, str):
            raise SpecError(f"activation {n!r} is not a name; allowed: {', '.join(ACTIVATIONS)}")
        get_activation(n)
    if len(names) == 1:
        names = names * depth
    if len(names) != depth:
        raise SpecError(
            f"activation: {len(names)} names given for {depth} weight layers; "
            "give one name for all layers or one per weight layer"
        )
    return tuple(names)


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise SpecError(f"{key} {value!r} is not allowed; allowed: {', '.join(allowed)}")
    return value


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SpecError(f"{key} {value!r} is not a number")
    if isinstance(value, str):
        value = inputs.parse_decimal(value, key, SpecError)
    try:
        value = float(value)
    except OverflowError:  # an integer beyond the float range
        raise SpecError(f"{key} {value} is out of range; allowed: at most {MAX_GIVEN:g} in size") from None
    if not math.isfinite(value):
        raise SpecError(f"{key} {value!r} is not a finite number")
    return value


def _given(key: str, value: Any) -> float:
    """An input, target, weight or bias: small enough that every quantity of the pass stays finite."""
    x = _number(key, value)
    if abs(x) > MAX_GIVEN:
        raise SpecError(f"{key} {x:g} is out of range; allowed: at most {MAX_GIVEN:g} in size")
    return x


def _integer(key: str, value: Any, lo: int, hi: int | None) -> int:
    return inputs.whole_number(value, key, lo, hi, SpecError)


def _vector(key: str, value: Any, size: int | None = None) -> Vector:
    if not isinstance(value, list) or not value:
        raise SpecError(f"{key} must be a non-empty list of numbers, got {value!r}")
    out = tuple(_given(f"{key}[{n + 1}]", v) for n, v in enumerate(value))
    if size is not None and len(out) != size:
        raise SpecError(f"{key} has {len(out)} values; the network needs {size}")
    return out


def _matrix(key: str, value: Any) -> Matrix:
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        raise SpecError(f"{key} must be a list of rows (one row per neuron of the layer), got {value!r}")
    rows = tuple(_vector(f"{key} row {n + 1}", r) for n, r in enumerate(value))
    if len({len(r) for r in rows}) != 1:
        raise SpecError(f"{key}: rows have different lengths {[len(r) for r in rows]}")
    return rows


# ---------------------------------------------------------------- whole specs

OPTION_KEYS = (
    "layers", "activation", "loss", "bias", "bias_policy", "lr", "leaky_slope", "steps",
    "update_order", "rounding", "precision", "seed", "title",
)
ALIASES = {"activations": "activation", "learning_rate": "lr"}


def read_spec_file(path: Path) -> dict[str, Any]:
    """The TOML table of a spec file; unknown keys are an error."""
    return spec_table(read_toml(path), f"spec file {path}")


def read_toml(path: Path) -> dict[str, Any]:
    return inputs.read_toml(path, "spec file", SpecError)


def spec_table(data: dict[str, Any], where: str) -> dict[str, Any]:
    """Options and explicit values of one network, aliases resolved; unknown keys are an error."""
    out = {}
    written = {}
    for key, value in data.items():
        name = ALIASES.get(key, key)
        if name not in OPTION_KEYS and name not in ("input", "target") and not _is_param_key(name):
            raise SpecError(
                f"{where}: unknown key {key!r}; allowed: {', '.join(OPTION_KEYS)}, "
                "input, target, W1, W2, ..., b1, b2, ..."
            )
        if name in out:
            raise SpecError(f"{where}: {key!r} and {written[name]!r} both give {name}; keep one")
        out[name] = value
        written[name] = key
    return out


_PARAM_KEY = re.compile(r"[Wb][1-9][0-9]?", re.ASCII)


def _is_param_key(key: str) -> bool:
    """W1, b2, ...: layer numbers as written, without leading zeros (W01 would alias W1)."""
    return bool(_PARAM_KEY.fullmatch(key))


def build_spec(options: dict[str, Any], file: dict[str, Any] | None = None) -> tuple[NetworkSpec, GivenValues]:
    """Combine spec-file values and command-line options (which win) into a validated spec."""
    merged: dict[str, Any] = dict(file or {})
    merged.update({k: v for k, v in options.items() if v is not None})

    given = _given_values(merged)
    default = NetworkSpec()

    if "layers" in merged:
        layers = parse_layers(merged["layers"])
    elif given.input is not None and given.weights:
        layers = _infer_layers(given)
    else:
        layers = default.layers
    depth = len(layers) - 1
    activations = parse_activations(merged.get("activation", "sigmoid"), depth)
    loss = merged.get("loss", default.loss)
    if not isinstance(loss, str):
        raise SpecError(f"loss {loss!r} is not a name; allowed: {', '.join(LOSSES)}")
    get_loss(loss)
    bias = merged.get("bias", bool(given.biases))
    if not isinstance(bias, bool):
        raise SpecError(f"bias {bias!r} must be true or false")

    seed = merged.get("seed")
    if seed is not None:
        seed = inputs.seed(seed, "seed", SpecError)
    title = merged.get("title")
    if title is not None:
        inputs.check_text(title, "title", SpecError)

    lr = _number("lr", merged.get("lr", default.lr))
    if not 0 < lr <= MAX_LR:
        raise SpecError(f"lr {lr:g} is out of range; the learning rate must be > 0 and at most {MAX_LR:g}")
    slope = _number("leaky_slope", merged.get("leaky_slope", default.leaky_slope))
    if not 0 < slope < 1:
        raise SpecError(f"leaky_slope {slope:g} is out of range; allowed: greater than 0 and less than 1")

    spec = NetworkSpec(
        layers=layers,
        activations=activations,
        loss=loss,
        bias=bias,
        bias_policy=_choice("bias_policy", merged.get("bias_policy", default.bias_policy), BIAS_POLICIES),
        lr=lr,
        leaky_slope=slope,
        steps=_integer("steps", merged.get("steps", default.steps), 1, MAX_STEPS),
        update_order=_choice("update_order", merged.get("update_order", default.update_order), UPDATE_ORDERS),
        rounding=_choice("rounding", merged.get("rounding", default.rounding), ROUNDINGS),
        precision=_integer("precision", merged.get("precision", default.precision), *PRECISION_RANGE),
        seed=seed,
        title=title,
    )
    check_combination(spec)
    check_given(spec, given)
    return spec, given


def check_combination(spec: NetworkSpec) -> None:
    """Reject activation and loss combinations that make no sense."""
    for l, name in enumerate(spec.activations[:-1], start=1):
        if get_activation(name).output_only:
            raise SpecError(f"activation {name!r} is allowed on the output layer only, not on weight layer {l}")
    out = spec.activations[-1]
    loss = get_loss(spec.loss)
    if out not in loss.outputs:
        allowed = ", ".join(
            f"{name} with {'/'.join(l.outputs)}" for name, l in LOSSES.items()
        )
        raise SpecError(
            f"loss {spec.loss!r} does not go with a {out} output layer; allowed combinations: {allowed}"
        )
    width = get_activation(out).min_width
    if spec.layers[-1] < width:
        raise SpecError(f"a {out} output layer needs at least {width} neurons")


def _given_values(merged: dict[str, Any]) -> GivenValues:
    weights, biases = {}, {}
    for key, value in merged.items():
        if _is_param_key(key):
            l = int(key[1:])
            if key[0] == "W":
                weights[l] = _matrix(key, value)
            else:
                biases[l] = _vector(key, value)
    input_ = _vector("input", merged["input"]) if "input" in merged else None
    target = _vector("target", merged["target"]) if "target" in merged else None
    return GivenValues(input=input_, target=target, weights=weights, biases=biases)


def _infer_layers(given: GivenValues) -> tuple[int, ...]:
    sizes = [len(given.input)]
    l = 1
    while l in given.weights:
        sizes.append(len(given.weights[l]))
        l += 1
    if len(sizes) < 2:
        raise SpecError("spec file gives weights but not W1; give W1, W2, ... or layers")
    return parse_layers(sizes)


def check_given(spec: NetworkSpec, given: GivenValues) -> None:
    """Shapes and ranges of explicit values."""
    layers, depth = spec.layers, spec.depth
    shown = "-".join(map(str, layers))
    if given.input is not None and len(given.input) != layers[0]:
        raise SpecError(f"input has {len(given.input)} values; layers {shown} need {layers[0]}")
    if given.target is not None and len(given.target) != layers[-1]:
        raise SpecError(f"target has {len(given.target)} values; layers {shown} need {layers[-1]}")
    for l, W in given.weights.items():
        if l > depth:
            raise SpecError(f"W{l} is given but layers {shown} have only {depth} weight layers")
        if len(W) != layers[l] or len(W[0]) != layers[l - 1]:
            raise SpecError(
                f"W{l} is {len(W)}x{len(W[0])}; layers {shown} need {layers[l]}x{layers[l - 1]} "
                f"(one row per layer-{l} neuron, one column per layer-{l - 1} neuron)"
            )
    for l, b in given.biases.items():
        if not spec.bias:
            raise SpecError(f"b{l} is given but bias is off; set bias = true or remove b{l}")
        if l > depth:
            raise SpecError(f"b{l} is given but layers {shown} have only {depth} weight layers")
        if len(b) != layers[l]:
            raise SpecError(f"b{l} has {len(b)} values; layer {l} of {shown} has {layers[l]} neurons")
    if given.target is not None:
        check_target(spec, given.target)


def check_target(spec: NetworkSpec, target: Vector) -> None:
    loss = get_loss(spec.loss)
    if loss.target_range is not None:
        lo, hi = loss.target_range
        for k, t in enumerate(target, start=1):
            if not lo <= t <= hi:
                raise SpecError(f"target t{k} = {t:g} is outside [{lo:g}, {hi:g}], which {spec.loss} requires")
    if loss.target_sum is not None and abs(math.fsum(target) - loss.target_sum) > 1e-9:
        raise SpecError(
            f"targets sum to {math.fsum(target):g}; cross_entropy needs a probability distribution "
            "(non-negative, summing to 1, for example one-hot)"
        )

