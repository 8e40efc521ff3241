"""The catalogue of misconceptions: each a named variation of the one pass, with where it applies."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from .activations import get_activation
from .calculator import CORRECT, Trace, Variation, calculate
from .losses import get_loss
from .spec import NetworkSpec, Values


@dataclass(frozen=True)
class Misconception:
    """One known mistake of backpropagation. `variation` is the step the pass does otherwise
    (`stale` instead runs the pass with update_order="sequential"); `unfit(spec)` says why the
    mistake cannot arise in a network, or None where it can; `message` is the one line a student
    reads."""

    name: str
    message: str
    variation: Variation
    unfit: Callable[[NetworkSpec], str | None]
    stale: bool = False

    def spec_for(self, spec: NetworkSpec) -> NetworkSpec:
        return replace(spec, update_order="sequential") if self.stale else spec

    def trace(self, spec: NetworkSpec, values: Values) -> Trace:
        """Every quantity of the problem as a student with this misconception computes it."""
        return calculate(self.spec_for(spec), values, self.variation)


def _always(spec: NetworkSpec) -> str | None:
    return None


def _hidden(spec: NetworkSpec) -> str | None:
    return None if spec.depth >= 2 else "no hidden layer"


def _stale(spec: NetworkSpec) -> str | None:
    if spec.update_order == "sequential":
        return "the problem itself asks for the sequential order"
    return _hidden(spec)


def _halved(spec: NetworkSpec) -> str | None:
    return None if get_loss(spec.loss).halved else f"{spec.loss} has no factor 1/2"


def _elementwise(spec: NetworkSpec) -> str | None:
    if any(get_activation(name).elementwise for name in spec.activations):
        return None
    return "no element-wise activation"


def _paths(spec: NetworkSpec) -> str | None:
    if any(spec.layers[l + 1] >= 2 for l in range(1, spec.depth)):
        return None
    return "no hidden neuron has more than one path" if spec.depth >= 2 else "no hidden layer"


def _square(spec: NetworkSpec) -> str | None:
    if spec.depth < 2:
        return "no hidden layer"
    if all(spec.layers[l] == spec.layers[l + 1] for l in range(1, spec.depth)):
        return None
    return "a weight matrix of the backward pass is not square, so its transpose has another shape"


def _jacobian(spec: NetworkSpec) -> str | None:
    return None if not get_activation(spec.activations[-1]).elementwise else "the output activation is element-wise"


def _bias(spec: NetworkSpec) -> str | None:
    return None if spec.bias else "no biases"


MISCONCEPTIONS: dict[str, Misconception] = {
    m.name: m
    for m in (
        Misconception("stale_weights",
                      "the output weights were updated before the hidden deltas were computed",
                      CORRECT, _stale, stale=True),
        Misconception("no_output_derivative",
                      "the activation's derivative is missing from the output delta",
                      Variation(output_derivative=False), _always),
        Misconception("no_hidden_derivative",
                      "the activation's derivative is missing from the hidden delta",
                      Variation(hidden_derivative=False), _hidden),
        Misconception("sign_flipped",
                      "t - o was written for o - t in the derivative of the loss",
                      Variation(derivative_sign=-1), _always),
        Misconception("half_forgotten",
                      "the 1/2 of the loss was forgotten (a factor of 2)",
                      Variation(loss_scale=2), _halved),
        Misconception("net_for_activation",
                      "the source neuron's net input was used where its activation belongs in a weight gradient",
                      Variation(source_net=True), _hidden),
        Misconception("activation_for_net",
                      "the activation was used where the net input belongs in f'(net)",
                      Variation(derivative_at_activation=True), _elementwise),
        Misconception("plus_update",
                      "the update added the step (w + eta g) instead of subtracting it",
                      Variation(update_sign=1), _always),
        Misconception("missing_path",
                      "a path (through the last neuron of the next layer) is missing from a hidden sum",
                      Variation(drop_last_path=True), _paths),
        Misconception("transposed",
                      "the weight matrix was transposed in the backward pass (w_jk for w_kj)",
                      Variation(transposed=True), _square),
        Misconception("softmax_elementwise",
                      "softmax was differentiated element-wise (o_k(1 - o_k) only, no cross terms)",
                      Variation(jacobian_diagonal=True), _jacobian),
        Misconception("bias_as_input",
                      "the bias gradient multiplied the delta by the bias, as if the bias were its input",
                      Variation(bias_as_input=True), _bias),
    )
}


def applicable(spec: NetworkSpec) -> list[Misconception]:
    """The misconceptions that can arise in this network, in catalogue order."""
    return [m for m in MISCONCEPTIONS.values() if m.unfit(spec) is None]
