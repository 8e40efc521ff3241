"""LaTeX of each activation's and loss's SymPy derivative, kept in formulas.json so that
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


def computed() -> dict[str, list[str]]:
    """Every entry, freshly from SymPy."""
    from .activations import ACTIVATIONS, derivative_formula_latex
    from .losses import LOSSES, loss_formula_latex

    out = {f"activation:{n}": list(derivative_formula_latex(n)) for n in ACTIVATIONS}
    out.update({f"loss:{n}": list(loss_formula_latex(n)) for n in LOSSES})
    return out


if __name__ == "__main__":
    CACHE.write_text(json.dumps(computed(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {CACHE}")
