"""Grading's PDFs in LaTeX: each student's feedback and the item-analysis report, set as the sheets are."""

from __future__ import annotations

from decimal import Decimal

from ..documents.texescape import tex_escape
from .grading import Grades
from .itemanalysis import DIFFICULTY, Analysis, _mean, analyse, items_figure, scores_figure
from .review import Review, _plain


def _head(tag: str, title: str, right: str) -> list[str]:
    """A body's start: a new page numbered from 1, the destination it is split at, its header."""
    return [r"\clearpage", r"\setcounter{page}{1}", rf"\pdfdest name{{{tag}}} xyz",
            rf"\header{{\small {tex_escape(title)}}}{{}}{{\small {right}}}",
            r"\footer{}{}{\small Page \thepage}",
            rf"\begin{{center}}{{\Large\bfseries {tex_escape(title)}\par}}\end{{center}}", ""]


def feedback_body(r: Review, title: str, maximum: Decimal, name_tex: str | None) -> str:
    """One student's feedback, as feedback_md says it: answers, marks, what each wrong answer
    suggests, and the key's worked lines for every answer without full marks."""
    sid = tex_escape(r.first.id)
    who = f"{name_tex} ({sid})" if r.first.name and name_tex else sid
    lines = _head(f"feedback-{r.first.id}", f"{title}: feedback", who)
    lines += [rf"{who}, variant {tex_escape(r.first.variant)}: {_plain(r.total)} of {_plain(maximum)} points.", "",
              r"\begin{center}\small",
              r"\begin{tabular}{@{}l l l l l >{\raggedright\arraybackslash}p{5.2cm}@{}}",
              r"\toprule",
              r"question & quantity & your answer & expected & points & what it suggests\\",
              r"\midrule"]
    for i in r.items:
        given = tex_escape(i.given) if i.given is not None else "(blank)"
        suggests = tex_escape(i.suspect.message) if i.suspect is not None else ""
        lines.append(rf"{i.label} & \texttt{{{tex_escape(i.quantity)}}} & {given} & "
                     rf"${_plain(i.expected.value)} \pm {_plain(i.expected.tolerance)}$ & "
                     rf"{_plain(i.points)} of {_plain(i.expected.points)} & {suggests}\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    missed = [i for i in r.items if i.points < i.expected.points or i.carried is not None]
    if missed:
        lines += ["", r"\subsection*{The key's working for the answers without full marks}"]
        for i in missed:
            lines += ["", rf"\textbf{{{i.label}.}} {i.prompt}"]
            if i.suspect is not None:
                lines += ["", rf"Your answer matches ${i.suspect.text}$, the value when "
                              rf"{tex_escape(i.suspect.message)}."]
            if i.carried is not None:
                lines += ["", rf"It follows from your own earlier answers ({tex_escape(i.carried)}): "
                              "error carried forward."]
            lines += [rf"\work{{{w}}}" for w in i.work]
    return "\n".join(lines) + "\n"


def feedback_documents(reviews: list[Review], title: str, maximum: Decimal, names: dict[str, str],
                       engines: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    """The feedback PDFs' LaTeX: per TeX engine, the engine, one document of its students' bodies,
    and each student's destination tag -> feedback/<id>.pdf (the document is cut there). `names`
    and `engines` are each student's name as LaTeX text and TeX engine (publish.names.tex_names):
    as for the sheets, a name in a script pdflatex's fonts cannot set is typeset by LuaLaTeX, in a
    document of its own engine's students only."""
    from .sheetdocs import tex_document

    out = []
    for engine in sorted(set(engines.values())):
        group = [r for r in reviews if engines[r.first.id] == engine]
        bodies = [feedback_body(r, title, maximum, names.get(r.first.id)) for r in group]
        out.append((engine, tex_document(bodies, engine),
                    {f"feedback-{r.first.id}": f"feedback/{r.first.id}.pdf" for r in group}))
    return out


def report_body(a: Analysis, questions: list[str], title: str) -> str:
    """report.md's item analysis in LaTeX, with its two figures as PDF files beside it."""
    lines = _head("report", f"{title}: item analysis", "item analysis")
    lines += [tex_escape(a.headline(len(questions))), "",
              r"\begin{center}\includegraphics[width=0.85\linewidth]{scores.pdf}\end{center}", "",
              r"\subsection*{Questions}", tex_escape(DIFFICULTY), "",
              r"\begin{center}\small",
              r"\begin{tabular}{@{}l >{\raggedright\arraybackslash}p{3.4cm} r r "
              r">{\raggedright\arraybackslash}p{5.6cm}@{}}",
              r"\toprule",
              r"question & quantities asked & difficulty & discrimination & misconceptions diagnosed\\",
              r"\midrule"]
    for s in a.stats:
        q = s["question"]
        d = s["discrimination"]
        asked = ", ".join(rf"\texttt{{{tex_escape(x)}}}" for x in a.quantities.get(q, ()))
        mis = ", ".join(tex_escape(f"{name} {c}") for name, c in a.counts.get(q, []))
        lines.append(rf"{q} & {asked} & {s['difficulty']:.2f} & {'--' if d is None else f'${d:.2f}$'} & {mis}\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}", "",
              r"\begin{center}\includegraphics[width=0.85\linewidth]{items.pdf}\end{center}", "",
              r"\subsection*{Quantities}", "Across variants, by the kind of quantity asked:", "",
              r"\begin{center}", r"\begin{tabular}{@{}l r r@{}}", r"\toprule",
              r"quantity & answers & mean share of points\\", r"\midrule"]
    for kind, shares in a.kinds.items():
        lines.append(rf"\texttt{{{tex_escape(kind)}}} & {len(shares)} & {_mean(shares):.2f}\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    return "\n".join(lines) + "\n"


def report_document(g: Grades, reviews: list[Review], title: str) -> tuple[str, dict[str, bytes]]:
    """report.pdf's LaTeX: the item analysis, and its plots as the PDF figures it includes."""
    from .sheetdocs import tex_document

    a = analyse(g, reviews)
    figures = {"scores.pdf": scores_figure(a, "pdf"), "items.pdf": items_figure(a, "pdf")}
    return tex_document([report_body(a, g.questions, title)]), figures
