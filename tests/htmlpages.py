"""The pages the HTML tests open: the networks the practice page must serve, at every level."""

from __future__ import annotations

from pathlib import Path

import worksheet
from worksheet.assessment.questions import LEVELS

# The reference network (its values from the built-in spec), a 3-4-2 tanh network with biases,
# and a softmax output with cross-entropy.
NETWORKS = {
    "reference": ({}, "reference"),
    "tanh-3-4-2": (dict(layers="3-4-2", activation="tanh", bias=True), None),
    "softmax-ce": (dict(layers="3-3-2", activation="relu,softmax", loss="cross_entropy", bias=True), None),
}
CASES = [(name, level) for name in NETWORKS for level in LEVELS]


def options(name: str, seed: int, **extra) -> tuple[worksheet.Network, str | None]:
    """The network options of `name`, and its spec (the reference's by name)."""
    chosen, spec = NETWORKS[name]
    return worksheet.Network(**{**chosen, "seed": seed, **extra}), spec


def practice_page(folder: Path, name: str, level: str, problems: int = 2, seed: int = 11, **extra) -> Path:
    """Write the practice page of network `name` at `level` into `folder`; its path."""
    network, spec = options(name, seed, **extra)
    docs = worksheet.practice(network, worksheet.Sheet(problems=problems, level=level), spec=spec,
                              formats=("html",), out=folder)
    worksheet.write(docs)
    return folder / "practice.html"
