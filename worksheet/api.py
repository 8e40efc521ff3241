"""The library entry point: spec -> sampling -> calculator -> context -> render -> output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .errors import SpecError
from .engine.spec import NetworkSpec, build_spec, read_spec_file

FORMATS = ("md", "json", "tex", "pdf")


def parse_formats(text: str | None, default: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
    """The formats of a --format list, in FORMATS order; `default` (None: decided later by
    default_formats) when no list is given."""
    if text is None:
        return default
    names = [s.strip() for s in text.split(",") if s.strip()]
    for n in names:
        if n not in FORMATS:
            raise SpecError(f"format {n!r} is not known; allowed: {', '.join(FORMATS)} (comma-separated)")
    if not names:
        raise SpecError(f"no format given; allowed: {', '.join(FORMATS)} (comma-separated)")
    return tuple(f for f in FORMATS if f in names)


def default_formats(reference: bool = False) -> tuple[str, ...]:
    """The formats written when none are asked for: Markdown (and the JSON solution for
    `reference`) plus the PDF when a TeX engine is installed. Without one, `generate` writes the
    LaTeX source instead of the PDF, and a one-line hint on stderr says how to get PDFs."""
    from .publish.pdf import INSTALL_HINT, tex_engine

    base = ("md", "json") if reference else ("md",)
    if tex_engine() is not None:
        return (*base, "pdf")
    print(f"worksheet: note: no PDF written, as pdflatex is not installed; to get PDFs, {INSTALL_HINT}",
          file=sys.stderr)
    return base if reference else (*base, "tex")


def load_spec(options: dict[str, Any], spec_path: Path | None = None):
    """Validated spec and explicit values from a spec file and options (options win)."""
    file = read_spec_file(spec_path) if spec_path is not None else None
    return build_spec(options, file)


def solve(spec: NetworkSpec, given):
    """Draw (or take) the problem's numbers and compute every quantity."""
    from .engine.sampling import draw_problem

    return draw_problem(spec, given)[1]


def render_documents(trace, formats: tuple[str, ...], stem: str, extra: dict | None = None) -> dict[str, str | bytes]:
    """File name -> content for every requested format, all rendered in memory."""
    files: dict[str, str | bytes] = {}
    if "json" in formats:
        from .documents.export import to_json

        files["solution.json"] = to_json(trace)
    if {"md", "tex", "pdf"} & set(formats):
        from .documents.context import walkthrough_context
        from .documents.render import render_markdown

        contrast = None
        if trace.spec.update_order == "sequential" and trace.spec.depth > 1:
            from dataclasses import replace

            from .engine.calculator import calculate

            contrast = calculate(replace(trace.spec, update_order="simultaneous"), trace.values)
        ctx = walkthrough_context(trace, contrast=contrast, **(extra or {}))
        if "md" in formats:
            files[f"{stem}.md"] = render_markdown("walkthrough.md.j2", ctx)
        if "tex" in formats or "pdf" in formats:
            from .documents.render import render_latex

            tex = render_latex("walkthrough.tex.j2", ctx)
            if "tex" in formats:
                files[f"{stem}.tex"] = tex
            if "pdf" in formats:
                from .publish.pdf import compile_pdf

                files[f"{stem}.pdf"] = compile_pdf(tex, name=f"{stem}.tex")
    return files


def generate(
    options: dict[str, Any],
    spec_path: Path | None = None,
    formats: tuple[str, ...] | None = None,
    out: Path | None = None,
) -> list[Path]:
    """`worksheet generate`: one problem's walkthrough and solution."""
    from .publish.output import write_all

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
    from .publish.output import write_all

    spec, given = load_spec({}, reference_spec_path())
    trace = solve(spec, given)
    files = render_documents(trace, formats or default_formats(reference=True), "reference", {"reference": True})
    out = Path("output") if out is None else Path(out)
    return write_all({out / name: data for name, data in files.items()})


# ---------------------------------------------------------------- practice sheets and exams

SHEET_FORMATS = ("md", "tex", "pdf", "json")


def parse_sheet_formats(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of a sheet: `default` when none are asked for, with the LaTeX source instead of
    the PDF (and a note on stderr) when no TeX engine is installed."""
    formats = parse_formats(text)
    if formats is not None:
        return formats
    from .publish.pdf import INSTALL_HINT, tex_engine

    if "pdf" in default and tex_engine() is None:
        print(f"worksheet: note: no PDF written, as pdflatex is not installed; to get PDFs, {INSTALL_HINT}",
              file=sys.stderr)
        return tuple(f for f in FORMATS if f in {*default, "tex"} - {"pdf"})
    return default


def load_sheet(options: dict[str, Any], spec_path: Path | None, level: str | None, points: str | None,
               problems: int | None, full_solutions: bool, default_title: str):
    """The sheet's problems from options and a spec file (options win), validated."""
    from .assessment.sheetspec import build_sheet_spec

    return build_sheet_spec(options, level=level, points=points, problems=problems, spec_path=spec_path,
                            default_title=default_title, full_solutions=full_solutions)


def _sheet_files(ctx: dict, problems, formats: tuple[str, ...], names: dict[str, str], tags: tuple[str, str],
                 student: dict | None = None, engine: str = "pdflatex"):
    """One sheet and its key in memory: file name -> content (PDFs aside), the LaTeX bodies to
    compile, and the full-solution walkthroughs (LaTeX) of the key."""
    from .assessment.sheetdocs import (add_full_solutions, full_solution_tex, key_json, render_pair, tex_document,
                            walkthrough_contexts)

    files: dict[str, str | bytes] = {}
    solutions: list[str] = []
    key_ctx = ctx
    if ctx["full_solutions"]:
        walks = walkthrough_contexts(problems)
        key_ctx = add_full_solutions(ctx, walks, formats)
        if "tex" in formats or "pdf" in formats:
            solutions = [full_solution_tex(w, p.number) for w, p in zip(walks, problems)]
    r = render_pair(ctx, *tags, formats)
    if "md" in formats:
        files[f"{names['sheet']}.md"] = r.sheet_md
        files[f"{names['key']}.md"] = r.key_md if key_ctx is ctx else render_pair(key_ctx, *tags, ("md",)).key_md
    if "tex" in formats:
        files[f"{names['sheet']}.tex"] = tex_document([r.sheet_body], engine)
        files[f"{names['key']}.tex"] = tex_document([r.key_body], engine)
        for n, tex in enumerate(solutions, start=1):
            files[f"{names['key']}-solution-{n}.tex"] = tex
    if "json" in formats:
        files[f"{names['key']}.json"] = key_json(ctx, problems, student)
    return files, r, solutions


def practice(
    options: dict[str, Any],
    spec_path: Path | None = None,
    *,
    level: str | None = None,
    points: str | None = None,
    problems: int | None = None,
    full_solutions: bool = False,
    formats: tuple[str, ...] | None = None,
    out: Path | None = None,
) -> list[Path]:
    """`worksheet practice`: a sheet of problems and its answer key, from one draw."""
    from .assessment.examdir import new_seed
    from .publish.output import write_all
    from .assessment.sheetdocs import append_pdfs, compile_bodies, compile_full_solutions
    from .publish.pdfsplit import extract
    from .assessment.sheets import build_problems, sheet_context

    formats = formats or ("md", "pdf")
    # Spec: the sheet's problems, validated.
    sheet = load_sheet(options, spec_path, level, points, problems, full_solutions, "Backpropagation practice")
    seed = sheet.seed if sheet.seed is not None else new_seed()
    # Sampling, calculation and questions: every problem drawn once, for the sheet and the key.
    drawn = build_problems(sheet, seed)
    # Context and rendering, all in memory.
    ctx = sheet_context(sheet, drawn, {"seed": seed, "options_hash": sheet.options_hash()})
    names = {"sheet": "practice", "key": "key"}
    files, r, solutions = _sheet_files(ctx, drawn, formats, names, ("sheet-practice", "key-practice"))
    if "pdf" in formats:
        reader, pages = compile_bodies([("sheet-practice", r.sheet_body), ("key-practice", r.key_body)], "practice.tex")
        files["practice.pdf"] = extract(reader, pages["sheet-practice"])
        key_pdf = extract(reader, pages["key-practice"])
        files["key.pdf"] = append_pdfs(key_pdf, compile_full_solutions(solutions, "solution")) if solutions else key_pdf
    # Output: atomic writes.
    out = Path("output") / f"practice-{seed}" if out is None else Path(out)
    return write_all({out / name: data for name, data in sorted(files.items())})


MAX_VARIANTS = 5000


def exam(
    options: dict[str, Any],
    spec_path: Path | None = None,
    *,
    roster: Path | None = None,
    variants: int | None = None,
    level: str | None = None,
    points: str | None = None,
    problems: int | None = None,
    full_solutions: bool = False,
    formats: tuple[str, ...] | None = None,
    out: Path | None = None,
    force: bool = False,
    manifest: Path | None = None,
    jobs: int | None = None,
    progress: bool = False,
) -> list[Path]:
    """`worksheet exam`: one variant per student, with its key, answers.csv and manifest.json;
    or, from an exam's manifest.json, the same exam again. `jobs` processes (None: every core)
    share the work, with the same files whatever their number; `progress` shows a bar on a
    terminal's stderr when the exam takes more than a second."""
    import time

    from . import stages
    from .publish.batch import check_jobs
    from .publish.progress import Progress

    started = time.perf_counter()
    jobs = check_jobs(jobs)
    with Progress(progress) as bar:
        written = _exam(options, spec_path, roster=roster, variants=variants, level=level, points=points,
                        problems=problems, full_solutions=full_solutions, formats=formats, out=out, force=force,
                        manifest=manifest, jobs=jobs, bar=bar)
    if stages.ENABLED:
        stages.report(time.perf_counter() - started, jobs)
    return written


def _exam(options, spec_path, *, roster, variants, level, points, problems, full_solutions, formats, out, force,
          manifest, jobs: int, bar) -> list[Path]:
    import json
    from functools import partial

    from . import __version__
    from .publish.batch import ordered_map
    from .assessment.examdir import MANIFEST, SCHEMA, check_folder, new_seed, slug
    from .assessment.grading import answers_csv
    from .publish.output import write_folder
    from .assessment.roster import numbered, read_roster
    from .stages import stage

    # Spec: the problems, the students, the exam seed, and whether the folder may be written.
    if manifest is not None:
        if (roster, variants, spec_path, level, points, problems) != (None,) * 6 or full_solutions or any(
                v is not None for v in options.values()):
            raise SpecError(
                "--manifest regenerates an exam as it was made; give only --out, --format and --force with it")
        sheet, students, made = _from_manifest(manifest)
        formats = formats or made
        source = f"manifest {manifest}"
    else:
        sheet = load_sheet(options, spec_path, level, points, problems, full_solutions, "Backpropagation exam")
        if (roster is None) == (variants is None):
            raise SpecError("give either --roster FILE.csv, --variants N or --manifest FILE")
        if variants is not None and not 1 <= variants <= MAX_VARIANTS:
            raise SpecError(f"variants {variants} is out of range; allowed: 1 to {MAX_VARIANTS}")
        students = read_roster(roster) if roster is not None else numbered(variants)
        source = f"roster {roster}" if roster is not None else "--variants"
    formats = formats or ("md", "tex", "pdf")
    names_tex, engine = _names_tex(students, source, formats) if {"tex", "pdf"} & set(formats) else ({}, "pdflatex")
    exam_seed = sheet.seed if sheet.seed is not None else new_seed()
    options_hash = sheet.options_hash()
    out = Path("output") / slug(sheet.title) if out is None else Path(out)
    keep = check_folder(out, exam_seed, options_hash, [s.id for s in students], force)

    # Per student: the variant drawn once, its sheet and key rendered in memory (on every core).
    job = partial(_variant, sheet, exam_seed, options_hash, formats, names_tex, engine=engine)
    files: dict[str, str | bytes] = {}
    expected, records, bodies, solutions = [], [], {}, {}
    task = bar.task("variants", len(students))
    for s, v in zip(students, ordered_map(job, students, jobs, partial(bar.advance, task))):
        files.update(v["files"])
        expected += v["expected"]
        records.append(v["record"])
        bodies[s.id] = v["bodies"]
        solutions[s.id] = v["solutions"]

    # PDFs: the sheets and keys typeset in groups of students, side by side, then split at each
    # body's destination.
    if "pdf" in formats:
        from .publish.typeset import exam_pdfs

        task = bar.task("typesetting", len(students))
        files.update(exam_pdfs(students, bodies, solutions, jobs, partial(bar.advance, task), engine))
    with stage("rendering"):
        files["answers.csv"] = answers_csv(expected)
    listed = sorted(set(files) | {rel for rel in keep if rel not in files and (out / rel).is_file()})
    contents = {
        "schema": SCHEMA,
        "generator": f"worksheet {__version__}",
        "private": "The seed is the key to every student's answers: keep this file away from students.",
        "title": sheet.title,
        "seed": exam_seed,
        "options_hash": options_hash,
        "options": sheet.options(),
        "formats": list(formats),
        "students": records,
        "files": listed,
    }
    files[MANIFEST] = json.dumps(contents, indent=2, ensure_ascii=False) + "\n"
    # Output: the folder written as a whole.
    task = bar.task("writing", len(files))
    with stage("writing"):
        written = write_folder(out, dict(sorted(files.items())), keep=keep, advance=partial(bar.advance, task))
    if sheet.seed is None:
        print(f"worksheet: note: the exam seed was drawn at random and recorded in {out / MANIFEST}; it is the "
              "key to every variant's answers, so keep that file private", file=sys.stderr)
    return written


def _variant(sheet, exam_seed: int, options_hash: str, formats: tuple[str, ...], names_tex: dict[str, str], s,
             engine: str = "pdflatex"):
    """One student's variant: drawn once, its sheet and key rendered in memory."""
    from decimal import Decimal

    from .assessment.examdir import variant_code, variant_seed
    from .assessment.grading import Expected
    from .assessment.questions import quantity_name
    from .assessment.sheets import build_problems, sheet_context
    from .stages import stage

    seed = variant_seed(exam_seed, s.id)
    code = variant_code(seed)
    drawn = build_problems(sheet, seed)
    person = {"id": s.id, "name": s.name, "name_tex": names_tex.get(s.id)}
    with stage("context"):
        ctx = sheet_context(sheet, drawn, {"code": code, "options_hash": options_hash}, student=person)
        expected = [
            Expected(s.id, s.name, code, q["label"], Decimal(a.text), a.tolerance, p.source.points,
                     quantity_name(p.trace.spec, a.quantity))
            for record, p in zip(ctx["problems"], drawn)
            for q, a in zip(record["questions"], p.answers)
        ]
    with stage("rendering"):
        files, rendered, walks = _sheet_files(ctx, drawn, formats,
                                              {"sheet": f"sheets/{s.id}", "key": f"keys/{s.id}"},
                                              (f"sheet-{s.id}", f"key-{s.id}"), student={"id": s.id, "name": s.name},
                                              engine=engine)
    record = {"id": s.id, "name": s.name, "variant": code, "seed": seed,
              "problem_seeds": [p.trace.spec.seed for p in drawn]}
    return {"files": files, "expected": expected, "record": record,
            "bodies": (rendered.sheet_body, rendered.key_body), "solutions": walks}


def _from_manifest(path: Path):
    """The sheet spec, students and formats an exam's manifest records."""
    import json

    from . import __version__
    from .errors import InputFileError
    from .assessment.examdir import SCHEMA
    from .assessment.roster import ID_PATTERN, Student
    from .assessment.sheetspec import build_sheet_spec, manifest_table

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(f"manifest {path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"manifest {path}: not a readable JSON file ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputFileError(f"manifest {path}: not a worksheet exam manifest (schema {SCHEMA})")
    students = []
    for n, s in enumerate(data.get("students") or [], start=1):
        if not isinstance(s, dict) or not ID_PATTERN.fullmatch(str(s.get("id", ""))):
            raise InputFileError(f"manifest {path}: student {n} has no valid id")
        students.append(Student(str(s["id"]), str(s.get("name", "")), 0))
    if not students:
        raise InputFileError(f"manifest {path}: no students")
    full = bool((data.get("options") or {}).get("full_solutions"))
    sheet = build_sheet_spec({}, level=None, points=None, problems=None, spec_path=None,
                             default_title="Backpropagation exam",
                             full_solutions=full, data=manifest_table(data), where=f"manifest {path}")
    if sheet.seed is None:
        raise InputFileError(f"manifest {path}: no exam seed")
    if data.get("generator") != f"worksheet {__version__}":
        print(f"worksheet: note: {path} was made by {data.get('generator')}, this is worksheet {__version__}; "
              "the papers can differ from the ones handed out", file=sys.stderr)
    formats = tuple(f for f in SHEET_FORMATS if f in (data.get("formats") or []))
    return sheet, students, formats or None


def _names_tex(students, source: str, formats: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """Each name as LaTeX text, and the engine of the sheets: pdflatex with T1 fonts, or lualatex
    (with fallback fonts) when a name has a character T1 cannot set. Then the PDFs need lualatex
    and its fonts: one error naming the first such student when they are missing."""
    from .errors import RenderError
    from .assessment.sheets import tex_name, tex_name_unicode

    out = {}
    first = None
    for s in students:
        try:
            out[s.id] = tex_name(s.name)
        except ValueError:
            first = first or s
    if first is None:
        return out, "pdflatex"
    if "pdf" in formats:
        from .publish.pdf import LUALATEX_INSTALL_HINT, lualatex_missing

        missing = lualatex_missing()
        if missing is not None:
            where = f"{source} line {first.line}" if first.line else source
            raise RenderError(
                f"{where}: the name of student {first.id} ({first.name}) needs lualatex for the pdf format, and "
                f"{missing} is not installed: {LUALATEX_INSTALL_HINT}; or use --format md"
            )
    return {s.id: tex_name_unicode(s.name) for s in students}, "lualatex"


def grade(exam_dir: Path, responses: Path, out: Path | None = None, carry_forward: bool = False,
          carry_fraction: float = 1.0, report: bool = False) -> tuple[Path, list[str]]:
    """`worksheet grade`: each response marked within its tolerance; grades.csv with each wrong
    answer's diagnosis, a feedback file per student, and a summary. With `carry_forward`, an
    answer right given the student's own earlier answers gets `carry_fraction` of its points. With
    `report`, report.md and its SVG figures (item analysis) beside grades.csv."""
    from decimal import Decimal

    from .assessment.examdir import load_exam
    from .assessment.grading import grade as mark
    from .assessment.grading import grades_csv, read_answers, summary
    from .assessment.review import diagnosis_cell, feedback_md, review, student_problems
    from .publish.output import write_all
    from .assessment.roster import read_responses

    if not 0 < carry_fraction <= 1:
        raise SpecError(f"carry fraction {carry_fraction} is out of range; allowed: above 0, at most 1")
    # Input: the exam's answers and the students' responses, validated.
    manifest = load_exam(exam_dir)
    expected = read_answers(exam_dir)
    given = read_responses(responses)
    # Marking, then each student's variant drawn again from the manifest for the review.
    grades = mark(expected, given, responses)
    problems = student_problems(manifest, f"manifest in {exam_dir}")
    credited = {}
    if carry_forward:
        from .assessment.carry_forward import credit

        grades, credited = credit(grades, expected, given, problems, Decimal(repr(carry_fraction)).normalize())
    reviews = review(grades, expected, given, problems, credited)
    # Output: grades.csv, and feedback/<id>.md beside it.
    path = Path(exam_dir) / "grades.csv" if out is None else Path(out)
    title = str((manifest.get("options") or {}).get("title") or manifest.get("title") or "Exam")
    files = {path: grades_csv(grades, {r.first.id: diagnosis_cell(r) for r in reviews})}
    for r in reviews:
        files[path.parent / "feedback" / f"{r.first.id}.md"] = feedback_md(r, title, grades.maximum)
    if report:
        from .assessment.itemanalysis import report_files

        files.update({path.parent / rel: text for rel, text in report_files(grades, reviews, title).items()})
    write_all(files)
    diagnosed = sum(1 for r in reviews for i in r.items if i.suspect is not None)
    lines = summary(grades)
    lines.append(f"{diagnosed} wrong answer(s) matched a misconception; feedback in {path.parent / 'feedback'}")
    if carry_forward:
        lines.append(f"{len(credited)} answer(s) credited by error carried forward")
    return path, lines
