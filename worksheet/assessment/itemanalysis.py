"""Item analysis after grading: score distribution, difficulty, discrimination, misconceptions, with SVG plots."""

from __future__ import annotations

import io
import math
from decimal import Decimal

from .grading import Grades, quantity_kind
from .review import Review


def _mean(xs: list[float]) -> float:
    return math.fsum(xs) / len(xs) if xs else 0.0


def _sd(xs: list[float]) -> float:
    m = _mean(xs)
    return math.sqrt(math.fsum((x - m) ** 2 for x in xs) / len(xs)) if xs else 0.0


def point_biserial(item: list[float], rest: list[float]) -> float | None:
    """The correlation of a question's score (its share of the points) with the rest score (the
    total without that question), so a question does not correlate with itself; None where
    either does not vary."""
    si, sr = _sd(item), _sd(rest)
    if si == 0 or sr == 0:
        return None
    mi, mr = _mean(item), _mean(rest)
    return math.fsum((a - mi) * (b - mr) for a, b in zip(item, rest)) / (len(item) * si * sr)


def statistics(g: Grades, reviews: list[Review]) -> list[dict]:
    """Per question in sheet order: difficulty (mean share of its points) and discrimination,
    over the students whose variant was reviewed."""
    shares = [{i.label: float(i.points / i.expected.points) if i.expected.points else 0.0 for i in r.items}
              for r in reviews if r.items]
    totals = [float(r.total) for r in reviews if r.items]
    points = [{i.label: float(i.points) for i in r.items} for r in reviews if r.items]
    out = []
    for q in g.questions:
        item = [s.get(q, 0.0) for s in shares]
        rest = [t - p.get(q, 0.0) for t, p in zip(totals, points)]
        out.append({"question": q, "difficulty": _mean(item), "discrimination": point_biserial(item, rest)})
    return out


def report_files(g: Grades, reviews: list[Review], title: str) -> dict[str, str]:
    """report.md and its figures (relative names -> text)."""
    stats = statistics(g, reviews)
    totals = [float(t) for _, _, t in g.students]
    n = len(totals)
    lines = [f"# {title}: item analysis", "",
             f"{n} students, {len(g.questions)} questions, {_num(float(g.maximum))} points: "
             f"mean {_num(_mean(totals))}, "
             f"standard deviation {_num(_sd(totals))}, lowest {_num(min(totals))}, highest {_num(max(totals))}.", "",
             "![Score distribution](report/scores.svg)", "",
             "## Questions", "",
             "Difficulty is the mean share of a question's points the students got (1: everyone right); "
             "discrimination the point-biserial correlation of a question's score with the rest of the total "
             "(near 0 or below: the question does not separate stronger from weaker students).", "",
             "| question | quantities asked | difficulty | discrimination | misconceptions diagnosed |",
             "|---|---|---|---|---|"]
    quantities: dict[str, set[str]] = {}
    kinds: dict[str, list[float]] = {}
    counts: dict[str, dict[str, int]] = {}
    for r in reviews:
        for i in r.items:
            quantities.setdefault(i.label, set()).add(i.quantity)
            share = float(i.points / i.expected.points) if i.expected.points else 0.0
            kinds.setdefault(quantity_kind(i.quantity), []).append(share)
            if i.suspect is not None:
                for name in i.suspect.names:
                    counts.setdefault(i.label, {})[name] = counts.setdefault(i.label, {}).get(name, 0) + 1
    for s in stats:
        q = s["question"]
        d = s["discrimination"]
        mis = ", ".join(f"{name} {c}" for name, c in sorted(counts.get(q, {}).items(), key=lambda x: (-x[1], x[0])))
        lines.append(f"| {q} | {', '.join(f'`{x}`' for x in sorted(quantities.get(q, ())))} | "
                     f"{s['difficulty']:.2f} | {'-' if d is None else f'{d:.2f}'} | {mis} |")
    lines += ["", "![Difficulty and discrimination](report/items.svg)", "",
              "## Quantities", "", "Across variants, by the kind of quantity asked:", "",
              "| quantity | answers | mean share of points |", "|---|---|---|"]
    for kind, shares in sorted(kinds.items()):
        lines.append(f"| `{kind}` | {len(shares)} | {_mean(shares):.2f} |")
    return {"report.md": "\n".join(lines) + "\n", "report/scores.svg": _scores_svg(totals, float(g.maximum)),
            "report/items.svg": _items_svg(stats)}


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Deterministic SVG: fixed ids and no date.
    matplotlib.rcParams["svg.hashsalt"] = "worksheet"
    fig, ax = plt.subplots(figsize=(6, 3.2))
    return plt, fig, ax


def _svg(plt, fig) -> str:
    buf = io.StringIO()
    fig.tight_layout()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


def _scores_svg(totals: list[float], maximum: float) -> str:
    plt, fig, ax = _figure()
    bins = max(1, min(20, int(maximum) + 1))
    ax.hist(totals, bins=bins, range=(0, maximum), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("total points")
    ax.set_ylabel("students")
    ax.set_title("Score distribution")
    return _svg(plt, fig)


def _items_svg(stats: list[dict]) -> str:
    plt, fig, ax = _figure()
    xs = range(len(stats))
    ax.bar([x - 0.2 for x in xs], [s["difficulty"] for s in stats], width=0.4, label="difficulty")
    ax.bar([x + 0.2 for x in xs], [s["discrimination"] or 0.0 for s in stats], width=0.4, label="discrimination")
    ax.set_xticks(list(xs), [s["question"] for s in stats])
    ax.axhline(0, color="black", linewidth=0.5)
    ax.legend()
    ax.set_title("Questions")
    return _svg(plt, fig)
