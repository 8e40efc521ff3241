"""Verified, step-by-step worked solutions for neural-network backpropagation.

    import worksheet
    docs = worksheet.generate(worksheet.Network(seed=42), formats=("md", "json"))
    worksheet.write(docs)   # output/seed-42/walkthrough.md, solution.json

The commands (generate, reference, practice, exam, grade) return their documents in memory and
print nothing; they are imported on first use, so `import worksheet` stays light."""

__version__ = "0.1.0"

_LAZY = {
    "generate": "api", "reference": "api", "practice": "api", "exam": "api", "grade": "api",
    "Network": "options", "Sheet": "options", "Documents": "options",
    "write": "api",
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    import importlib

    if name not in _LAZY:
        raise AttributeError(f"module 'worksheet' has no attribute {name!r}")
    module, _, attribute = _LAZY[name].partition(":")
    value = getattr(importlib.import_module(f".{module}", __name__), attribute or name)
    globals()[name] = value
    return value
