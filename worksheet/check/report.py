"""Findings -> text: a terminal table, a Markdown corrections table, JSON."""

from __future__ import annotations

import json

from .document import Report

FORMATS = ("table", "md", "json")
HEAD = ("Line", "What", "Printed", "Correct", "Kind")


def _rows(report: Report) -> list[tuple[str, ...]]:
    return [(str(f.line), f.what, f.printed, f.correct, f.kind) for f in report.findings]


def summary(report: Report) -> str:
    slips = f"{report.slips} slip{'' if report.slips == 1 else 's'}"
    drift = f", {report.drift} rounding drift" if report.drift else ""
    checked = f"{report.checked} number{'' if report.checked == 1 else 's'} checked"
    return f"{report.document}: {checked}, {slips}{drift}"


def table(report: Report) -> str:
    rows = _rows(report)
    if not rows:
        return summary(report) + "\n"
    widths = [max(len(r[c]) for r in [HEAD, *rows]) for c in range(len(HEAD))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [HEAD, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", summary(report)]) + "\n"


def markdown(report: Report) -> str:
    lines = ["| Line | Quantity | Printed | Correct | Kind |", "|------|----------|---------|---------|------|"]
    for f in report.findings:
        what = f"`{f.what}`" if f.source == "arithmetic" else f.what
        lines.append(f"| {f.line} | {what} | {f.printed} | {f.correct} | {f.kind} |")
    return "\n".join([*lines, "", summary(report)]) + "\n"


def as_json(report: Report) -> str:
    data = {"document": report.document, "checked": report.checked, "slips": report.slips, "drift": report.drift,
            "findings": [f.as_dict() for f in report.findings]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(report: Report, fmt: str) -> str:
    return {"table": table, "md": markdown, "json": as_json}[fmt](report)
