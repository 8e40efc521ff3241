"""LaTeX of each activation's and loss's SymPy derivative and of the lines deriving it, kept in formulas.json so that
rendering a document does not import SymPy (about 0.3 s); tests/test_formulas.py checks the
file against a fresh SymPy computation, and `python -m worksheet.formulas` rewrites it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CACHE = Path(__file__).with_name("formulas.json")


@cache
def _stored() -> dict[str, list[str]]:
    try:
        return json.loads(CACHE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def activation_latex(name: str) -> tuple[str, str]:
    """f(x) and f'(x) from SymPy, for activation `name`."""
    from .activations import derivative_formula_latex

    stored = _stored().get(f"activation:{name}")
    return tuple(stored) if stored else derivative_formula_latex(name)


def loss_latex(name: str) -> tuple[str, str]:
    """E_k and dE_k/do_k from SymPy, for loss `name`."""
    from .losses import loss_formula_latex

    stored = _stored().get(f"loss:{name}")
    return tuple(stored) if stored else loss_formula_latex(name)


def activation_steps(name: str) -> list:
    """[what, side, [LaTeX, ...]] of each line deriving activation `name`'s derivative."""
    from . import activations, derivations

    stored = _stored().get(f"steps:activation:{name}")
    return stored if stored else derivations.lines_latex(activations.derivation_lines(name))


def loss_steps(name: str) -> list:
    """[what, side, [LaTeX, ...]] of each line deriving loss `name`'s dE_k/do_k."""
    from . import derivations, losses

    stored = _stored().get(f"steps:loss:{name}")
    return stored if stored else derivations.lines_latex(losses.derivation_lines(name))


def computed() -> dict[str, list]:
    """Every entry, freshly from SymPy."""
    from . import activations, derivations, losses

    out = {f"activation:{n}": list(activations.derivative_formula_latex(n)) for n in activations.ACTIVATIONS}
    out.update({f"loss:{n}": list(losses.loss_formula_latex(n)) for n in losses.LOSSES})
    out.update({f"steps:activation:{n}": derivations.lines_latex(activations.derivation_lines(n))
                for n in activations.ACTIVATIONS})
    out.update({f"steps:loss:{n}": derivations.lines_latex(losses.derivation_lines(n)) for n in losses.LOSSES})
    return out


if __name__ == "__main__":
    CACHE.write_text(json.dumps(computed(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {CACHE}")
