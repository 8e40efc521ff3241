"""The library entry point: spec -> sampling -> calculator -> context -> render -> output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import SpecError
from .spec import NetworkSpec, build_spec, read_spec_file

FORMATS = ("md", "json", "tex", "pdf")


def parse_formats(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if text is None:
        return default
    names = [s.strip() for s in text.split(",") if s.strip()]
    for n in names:
        if n not in FORMATS:
            raise SpecError(f"format {n!r} is not known; allowed: {', '.join(FORMATS)} (comma-separated)")
    if not names:
        raise SpecError(f"no format given; allowed: {', '.join(FORMATS)} (comma-separated)")
    return tuple(f for f in FORMATS if f in names)


def default_formats() -> tuple[str, ...]:
    return ("md",)


def load_spec(options: dict[str, Any], spec_path: Path | None = None):
    """Validated spec and explicit values from a spec file and options (options win)."""
    file = read_spec_file(spec_path) if spec_path is not None else None
    return build_spec(options, file)


def solve(spec: NetworkSpec, given):
    """Draw (or take) the problem's numbers and compute every quantity."""
    from .sampling import draw_problem

    return draw_problem(spec, given)[1]


def render_documents(trace, formats: tuple[str, ...], stem: str, extra: dict | None = None) -> dict[str, str | bytes]:
    """File name -> content for every requested format, all rendered in memory."""
    files: dict[str, str | bytes] = {}
    if "json" in formats:
        from .export import to_json

        files["solution.json"] = to_json(trace)
    if {"md", "tex", "pdf"} & set(formats):
        from .context import walkthrough_context
        from .render import render_markdown

        contrast = None
        if trace.spec.update_order == "sequential" and trace.spec.depth > 1:
            from dataclasses import replace

            from .calculator import calculate

            contrast = calculate(replace(trace.spec, update_order="simultaneous"), trace.values)
        ctx = walkthrough_context(trace, contrast=contrast, **(extra or {}))
        if "md" in formats:
            files[f"{stem}.md"] = render_markdown("walkthrough.md.j2", ctx)
        if "tex" in formats or "pdf" in formats:
            from .render import render_latex

            tex = render_latex("walkthrough.tex.j2", ctx)
            if "tex" in formats:
                files[f"{stem}.tex"] = tex
            if "pdf" in formats:
                from .pdf import compile_pdf

                files[f"{stem}.pdf"] = compile_pdf(tex, name=f"{stem}.tex")
    return files


def generate(
    options: dict[str, Any],
    spec_path: Path | None = None,
    formats: tuple[str, ...] | None = None,
    out: Path | None = None,
) -> list[Path]:
    """`worksheet generate`: one problem's walkthrough and solution."""
    from .output import write_all

    # Spec: options and spec file, validated.
    spec, given = load_spec(options, spec_path)
    if spec.seed is None and not given.is_complete(spec):
        raise SpecError("give --seed N (or a spec file whose values are all given)")
    # Sampling and calculation.
    trace = solve(spec, given)
    # Context and rendering, all in memory.
    files = render_documents(trace, formats or default_formats(), "walkthrough")
    # Output: atomic writes.
    if out is None:
        name = f"seed-{spec.seed}" if spec.seed is not None else Path(spec_path).stem
        out = Path("output") / name
    return write_all({Path(out) / name: data for name, data in files.items()})


def reference_spec_path() -> Path:
    from .resources import specs_dir

    return specs_dir() / "reference.toml"


def reference(formats: tuple[str, ...] | None = None, out: Path | None = None) -> list[Path]:
    """`worksheet reference`: the reference network's walkthrough, with its corrections table."""
    from .output import write_all

    spec, given = load_spec({}, reference_spec_path())
    trace = solve(spec, given)
    files = render_documents(trace, formats or (*default_formats(), "json"), "reference", {"reference": True})
    out = Path("output") if out is None else Path(out)
    return write_all({out / name: data for name, data in files.items()})
