"""Published walkthroughs, recomputed: the numbers their authors printed, to their digits."""

from __future__ import annotations

import pytest

from worksheet.api import load_spec, solve
from worksheet.resources import specs_dir


def _trace(name: str):
    spec, given = load_spec(spec=specs_dir() / name)
    return solve(spec, given).first


def _by_name(step) -> dict[str, float]:
    out = {}
    number = 0
    for layer in step.layers:
        for row in layer.W_new:
            for value in row:
                number += 1
                out[f"w{number}"] = value
    return out


@pytest.mark.parametrize(
    "name, value",
    [
        # As printed in the article, each to its own number of decimals.
        ("out_h1", "0.593269992"), ("out_o1", "0.75136507"), ("out_o2", "0.772928465"),
        ("E_total", "0.298371109"),
        ("w5", "0.35891648"), ("w6", "0.408666186"), ("w7", "0.511301270"), ("w8", "0.561370121"),
        ("w1", "0.149780716"), ("w2", "0.19956143"), ("w3", "0.24975114"), ("w4", "0.29950229"),
    ],
)
def test_mazur_step_by_step_example(name, value):
    step = _trace("mazur.toml")
    got = {
        "out_h1": step.layers[0].a[0], "out_o1": step.layers[1].a[0], "out_o2": step.layers[1].a[1],
        "E_total": step.loss.total, **_by_name(step),
    }[name]
    decimals = len(value.partition(".")[2])
    assert round(got, decimals) == pytest.approx(float(value), abs=1e-15)
    assert step.layers[0].b_new == (0.35, 0.35)  # frozen, as in the article


@pytest.mark.parametrize(
    "name, printed, by_hand",
    [
        # The article prints two decimals; by hand: w - 0.05 * delta * input, delta = 0.191 - 1.
        ("prediction", 0.191, 0.191), ("delta", -0.809, -0.809),
        ("w1", 0.12, 0.11 + 0.05 * 0.809 * 0.14 * 2), ("w2", 0.23, 0.21 + 0.05 * 0.809 * 0.14 * 3),
        ("w3", 0.13, 0.12 + 0.05 * 0.809 * 0.15 * 2), ("w4", 0.10, 0.08 + 0.05 * 0.809 * 0.15 * 3),
        ("w5", 0.17, 0.14 + 0.05 * 0.809 * 0.85), ("w6", 0.17, 0.15 + 0.05 * 0.809 * 0.48),
    ],
)
def test_hmkcode_backpropagation_step_by_step(name, printed, by_hand):
    step = _trace("hmkcode.toml")
    got = {"prediction": step.layers[-1].a[0], "delta": step.layers[-1].delta[0], **_by_name(step)}[name]
    assert round(got, 2 if name.startswith("w") else 3) == pytest.approx(printed)
    assert got == pytest.approx(by_hand, abs=1e-12)
