"""formulas.json is exactly what SymPy derives from the registries' definitions."""

from worksheet.engine import formulas


def test_stored_formulas_are_sympy_output():
    assert formulas._stored() == formulas.computed(), "run `python -m worksheet.engine.formulas`"


def test_lookup_falls_back_to_sympy(monkeypatch):
    monkeypatch.setattr(formulas, "_stored", lambda: {})
    assert formulas.activation_latex("sigmoid")[1] == r"\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}"
