"""Item analysis after grading: score distribution, difficulty, discrimination, misconceptions, with SVG plots."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from .grading import Grades
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


@dataclass(frozen=True)
class Analysis:
    """What the report shows, computed once for each of its formats."""

    stats: list[dict]  # per question: difficulty, discrimination
    totals: list[float]
    maximum: float
    quantities: dict[str, list[str]]  # label -> the quantities it asked, sorted
    kinds: dict[str, list[float]]  # kind of quantity -> shares of points
    counts: dict[str, list[tuple[str, int]]]  # label -> (misconception, answers diagnosed), most first

    def headline(self, questions: int) -> str:
        t = self.totals
        return (f"{len(t)} students, {questions} questions, {_num(self.maximum)} points: mean {_num(_mean(t))}, "
                f"standard deviation {_num(_sd(t))}, lowest {_num(min(t))}, highest {_num(max(t))}.")


def analyse(g: Grades, reviews: list[Review]) -> Analysis:
    quantities: dict[str, set[str]] = {}
    kinds: dict[str, list[float]] = {}
    counts: dict[str, dict[str, int]] = {}
    for r in reviews:
        for i in r.items:
            quantities.setdefault(i.label, set()).add(i.quantity)
            share = float(i.points / i.expected.points) if i.expected.points else 0.0
            kinds.setdefault(_kind(i.quantity), []).append(share)
            if i.suspect is not None:
                for name in i.suspect.names:
                    counts.setdefault(i.label, {})[name] = counts.setdefault(i.label, {}).get(name, 0) + 1
    return Analysis(statistics(g, reviews), [float(t) for _, _, t in g.students], float(g.maximum),
                    {q: sorted(v) for q, v in quantities.items()}, dict(sorted(kinds.items())),
                    {q: sorted(c.items(), key=lambda x: (-x[1], x[0])) for q, c in counts.items()})


DIFFICULTY = ("Difficulty is the mean share of a question's points the students got (1: everyone right); "
              "discrimination the point-biserial correlation of a question's score with the rest of the total "
              "(near 0 or below: the question does not separate stronger from weaker students).")


def report_files(g: Grades, reviews: list[Review], title: str) -> dict[str, str]:
    """report.md and its figures (relative names -> text)."""
    a = analyse(g, reviews)
    lines = [f"# {title}: item analysis", "", a.headline(len(g.questions)), "",
             "![Score distribution](report/scores.svg)", "",
             "## Questions", "", DIFFICULTY, "",
             "| question | quantities asked | difficulty | discrimination | misconceptions diagnosed |",
             "|---|---|---|---|---|"]
    for s in a.stats:
        q = s["question"]
        d = s["discrimination"]
        mis = ", ".join(f"{name} {c}" for name, c in a.counts.get(q, []))
        lines.append(f"| {q} | {', '.join(f'`{x}`' for x in a.quantities.get(q, ()))} | "
                     f"{s['difficulty']:.2f} | {'-' if d is None else f'{d:.2f}'} | {mis} |")
    lines += ["", "![Difficulty and discrimination](report/items.svg)", "",
              "## Quantities", "", "Across variants, by the kind of quantity asked:", "",
              "| quantity | answers | mean share of points |", "|---|---|---|"]
    for kind, shares in a.kinds.items():
        lines.append(f"| `{kind}` | {len(shares)} | {_mean(shares):.2f} |")
    return {"report.md": "\n".join(lines) + "\n", "report/scores.svg": scores_figure(a, "svg"),
            "report/items.svg": items_figure(a, "svg")}


def _kind(quantity: str) -> str:
    """delta_h1 -> delta_h, dE/dw5 -> dE/dw, w5_new -> w_new: the name without its indices."""
    return "".join(ch for ch in quantity if not ch.isdigit() and ch != ".")


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


def _save(plt, fig, format: str) -> str | bytes:
    """The figure as SVG text or PDF bytes, without a date (so the same grades give the same bytes)."""
    fig.tight_layout()
    if format == "svg":
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    else:
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None})
    plt.close(fig)
    return buf.getvalue()


def scores_figure(a: Analysis, format: str) -> str | bytes:
    plt, fig, ax = _figure()
    bins = max(1, min(20, int(a.maximum) + 1))
    ax.hist(a.totals, bins=bins, range=(0, a.maximum), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("total points")
    ax.set_ylabel("students")
    ax.set_title("Score distribution")
    return _save(plt, fig, format)


def items_figure(a: Analysis, format: str) -> str | bytes:
    plt, fig, ax = _figure()
    stats = a.stats
    xs = range(len(stats))
    ax.bar([x - 0.2 for x in xs], [s["difficulty"] for s in stats], width=0.4, label="difficulty")
    ax.bar([x + 0.2 for x in xs], [s["discrimination"] or 0.0 for s in stats], width=0.4, label="discrimination")
    ax.set_xticks(list(xs), [s["question"] for s in stats])
    ax.axhline(0, color="black", linewidth=0.5)
    ax.legend()
    ax.set_title("Questions")
    return _save(plt, fig, format)
