"""The pages the HTML tests open: the networks the practice page must serve, at every level."""

from __future__ import annotations

from pathlib import Path

from worksheet import api
from worksheet.assessment.questions import LEVELS

# The reference network (its values from specs/reference.toml), a 3-4-2 tanh network with biases,
# and a softmax output with cross-entropy.
NETWORKS = {
    "reference": ({}, True),
    "tanh-3-4-2": (dict(layers="3-4-2", activation="tanh", bias=True), False),
    "softmax-ce": (dict(layers="3-3-2", activation="relu,softmax", loss="cross_entropy", bias=True), False),
}
CASES = [(name, level) for name in NETWORKS for level in LEVELS]
OPTION_NAMES = ("seed", "layers", "activation", "loss", "bias", "bias_policy", "lr", "leaky_slope", "steps",
                "update_order", "rounding", "precision", "title")


def options(name: str, seed: int, **extra) -> tuple[dict, Path | None]:
    """The command's options for network `name`, and its spec file (the reference's)."""
    chosen, reference = NETWORKS[name]
    out = {k: None for k in OPTION_NAMES}
    out.update(chosen, seed=seed, **extra)
    return out, api.reference_spec_path() if reference else None


def practice_page(folder: Path, name: str, level: str, problems: int = 2, seed: int = 11, **extra) -> Path:
    """Write the practice page of network `name` at `level` into `folder`; its path."""
    opts, spec = options(name, seed, **extra)
    api.practice(opts, spec, level=level, problems=problems, formats=("html",), out=folder)
    return folder / "practice.html"
