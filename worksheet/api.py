"""The library entry points: spec -> sampling -> calculator -> context -> render, all in memory.

Each command returns its documents (options.Documents) and prints nothing; the command line
shows their notes, and `write` (below) writes them."""

from __future__ import annotations

from pathlib import Path

from .errors import InputFileError, SpecError
from .engine.spec import NetworkSpec, build_spec, read_spec_file
from .options import Documents, Network, Sheet

FORMATS = ("md", "json", "tex", "pdf", "html")
# Learning-management-system imports of practice sheets and exams (worksheet/publish/lms).
LMS_FORMATS = ("moodle", "qti", "canvas")
MOODLE_STYLES = ("numerical", "cloze")
SHEET_FORMATS = ("md", "tex", "pdf", "json", "html", *LMS_FORMATS)
SHEET_FORMAT_ORDER = (*FORMATS, *LMS_FORMATS)
MAX_VARIANTS = 5000
SHORT_SEEDS = 10_000  # a seed generate draws is below this: easy to read and type again


def parse_formats(text: str | None, allowed: tuple[str, ...] = FORMATS) -> tuple[str, ...] | None:
    """The formats of a --format list, in `allowed` order; None when no list is given."""
    if text is None:
        return None
    names = [s.strip() for s in text.split(",") if s.strip()]
    for n in names:
        if n not in allowed:
            raise SpecError(f"format {n!r} is not known; allowed: {', '.join(allowed)} (comma-separated)")
    if not names:
        raise SpecError(f"no format given; allowed: {', '.join(allowed)} (comma-separated)")
    return tuple(f for f in allowed if f in names)


def check_moodle_style(style: str | None) -> str:
    style = style or "numerical"
    if style not in MOODLE_STYLES:
        raise SpecError(f"moodle style {style!r} is not known; allowed: {', '.join(MOODLE_STYLES)}")
    return style


def default_formats(base: tuple[str, ...], source_without_tex: bool = True) -> tuple[tuple[str, ...], str | None]:
    """The formats written when none are asked for: `base` plus the PDF when pdflatex is
    installed. Without it, the LaTeX source instead of the PDF (unless `source_without_tex` is
    False), and a note that says how to get PDFs."""
    from .publish.pdf import INSTALL_HINT, tex_engine

    if tex_engine() is not None:
        return tuple(f for f in FORMATS if f in {*base, "pdf"}), None
    note = f"no PDF written, as pdflatex is not installed; to get PDFs, {INSTALL_HINT}"
    return tuple(f for f in FORMATS if f in {*base, *(("tex",) if source_without_tex else ())}), note


def _first(folder_files: dict[str, bytes], candidates: list[str]) -> str:
    """The file to open first: the first of `candidates` that was made."""
    return next((name for name in candidates if name in folder_files), next(iter(folder_files), ""))


def drawn_seed_note(seed: int) -> str:
    """What to tell the reader of a seed drawn for them."""
    return f"seed {seed} was used; --seed {seed} gives the same problem"


def spec_path(spec: str | Path | None) -> Path | None:
    """A spec file's path, or a built-in spec's by name (`reference`, `mazur`)."""
    from .resources import spec_file

    return None if spec is None else spec_file(spec)


def reference_spec_path() -> Path:
    """The reference network's spec file."""
    return spec_path("reference")


def load_spec(network: Network = Network(), spec: str | Path | None = None):
    """Validated spec and explicit values from a spec file and options (options win)."""
    path = spec_path(spec)
    file = read_spec_file(path) if path is not None else None
    return build_spec(network.given(), file)


def solve(spec: NetworkSpec, given):
    """Draw (or take) the problem's numbers and compute every quantity."""
    from .engine.sampling import draw_problem

    return draw_problem(spec, given)[1]


def _with_corrections(trace, extra: dict) -> dict:
    """The reference walkthrough (`extra["reference"]`) ends with its corrections table: what
    `worksheet check` finds wrong in the values the original printed (a slip, or a value a hand
    computation reaches only by rounding earlier steps), so the table and the checker cannot disagree."""
    if not extra.get("reference"):
        return extra
    from .check.corrections import corrections
    from .documents.reference_original import REFERENCE_PRINTED

    return {**extra, "corrections": corrections(REFERENCE_PRINTED, trace)}


def render_documents(trace, formats: tuple[str, ...], stem: str, extra: dict | None = None) -> dict[str, str | bytes]:
    """File name -> content for every requested format, all rendered in memory."""
    files: dict[str, str | bytes] = {}
    if "json" in formats:
        from .documents.export import to_json

        files["solution.json"] = to_json(trace)
    if {"md", "tex", "pdf", "html"} & set(formats):
        from .documents.context import walkthrough_context
        from .documents.render import render_markdown

        contrast = None
        if trace.spec.update_order == "sequential" and trace.spec.depth > 1:
            from dataclasses import replace

            from .engine.calculator import calculate

            contrast = calculate(replace(trace.spec, update_order="simultaneous"), trace.values)
        ctx = walkthrough_context(trace, contrast=contrast, **_with_corrections(trace, extra or {}))
        # The web page is the walkthrough's Markdown rendered as HTML.
        markdown = render_markdown("walkthrough.md.j2", ctx) if {"md", "html"} & set(formats) else None
        if "md" in formats:
            files[f"{stem}.md"] = markdown
        if "html" in formats:
            from .publish.html.walkthrough import walkthrough_page

            files[f"{stem}.html"] = walkthrough_page(markdown, trace, ctx["title"])
        if "tex" in formats or "pdf" in formats:
            from .documents.render import render_latex

            tex = render_latex("walkthrough.tex.j2", ctx)
            if "tex" in formats:
                files[f"{stem}.tex"] = tex
            if "pdf" in formats:
                from .publish.pdf import compile_pdf

                files[f"{stem}.pdf"] = compile_pdf(tex, name=f"{stem}.tex")
    return files


def _encoded(files: dict[str, str | bytes]) -> dict[str, bytes]:
    return {name: data.encode("utf-8") if isinstance(data, str) else data for name, data in files.items()}


def generate(network: Network = Network(), *, spec: str | Path | None = None,
             formats: tuple[str, ...] | None = None, out: Path | None = None) -> Documents:
    """One problem's walkthrough and solution (`worksheet generate`). Without a seed (and a spec
    that gives every value), a seed is drawn and named in the notes."""
    from dataclasses import replace

    notes = []
    # Spec: options and spec file, validated.
    problem, given = load_spec(network, spec)
    if problem.seed is None and not given.is_complete(problem):
        import secrets

        network = replace(network, seed=secrets.randbelow(SHORT_SEEDS))
        problem, given = load_spec(network, spec)
        notes.append(drawn_seed_note(network.seed))
    # Sampling and calculation.
    trace = solve(problem, given)
    # Context and rendering, all in memory.
    if formats is None:
        formats, note = default_formats(("md",))
        notes += [note] if note else []
    files = _encoded(render_documents(trace, formats, "walkthrough"))
    if out is None:
        name = f"seed-{problem.seed}" if problem.seed is not None else spec_path(spec).stem
        out = Path("output") / name
    first = _first(files, ["walkthrough.pdf", "walkthrough.md", "walkthrough.html", "walkthrough.tex", "solution.json"])
    return Documents(Path(out), files, first, tuple(notes), seed=problem.seed)


def reference(formats: tuple[str, ...] | None = None, out: Path | None = None) -> Documents:
    """The reference network's walkthrough, with its corrections table (`worksheet reference`)."""
    notes = []
    problem, given = load_spec(Network(), "reference")
    trace = solve(problem, given)
    if formats is None:
        formats, note = default_formats(("md", "json"), source_without_tex=False)
        notes += [note] if note else []
    files = _encoded(render_documents(trace, formats, "reference", {"reference": True}))
    first = _first(files, ["reference.pdf", "reference.md", "reference.html", "reference.tex", "solution.json"])
    return Documents(Path("output") if out is None else Path(out), files, first, tuple(notes))


# ---------------------------------------------------------------- practice sheets and exams


def sheet_formats(formats: tuple[str, ...] | None, default: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """The formats of a sheet: `default` when none are asked for, with the LaTeX source instead of
    the PDF (and a note) when no TeX engine is installed."""
    if formats is not None:
        return formats, None
    if "pdf" not in default:
        return default, None
    return default_formats(default)


def load_sheet(network: Network, sheet: Sheet, spec: str | Path | None, default_title: str,
               page_only: bool = False):
    """The sheet's problems from options and a spec file (options win), validated; a web page
    alone (`page_only`) may hold more problems than a printed sheet."""
    from dataclasses import replace

    from .assessment.choices import check_choices
    from .assessment.sheetspec import MAX_PAGE_PROBLEMS, MAX_PROBLEMS, build_sheet_spec

    choices = check_choices(sheet.choices)
    built = build_sheet_spec(network.given(), level=sheet.level, points=sheet.points, ask=sheet.ask,
                             problems=sheet.problems, spec_path=spec_path(spec), default_title=default_title,
                             full_solutions=sheet.full_solutions,
                             max_problems=MAX_PAGE_PROBLEMS if page_only else MAX_PROBLEMS)
    return replace(built, choices=choices, diagnosis=sheet.diagnosis)


def _sheet_files(ctx: dict, problems, formats: tuple[str, ...], names: dict[str, str], tags: tuple[str, str],
                 student: dict | None = None, engine: str = "pdflatex"):
    """One sheet and its key in memory: file name -> content (PDFs aside), the LaTeX bodies to
    compile, and the full-solution walkthroughs (LaTeX) of the key."""
    from .assessment.sheetdocs import (add_full_solutions, full_solution_tex, key_json, render_pair, tex_document,
                            walkthrough_contexts)
    from .documents.texescape import FALLBACK_FONTS, fallback_fonts

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
        fallback = fallback_fonts(student["name"]) if student is not None else FALLBACK_FONTS
        files[f"{names['sheet']}.tex"] = tex_document([r.sheet_body], engine, fallback)
        files[f"{names['key']}.tex"] = tex_document([r.key_body], engine, fallback)
        for n, tex in enumerate(solutions, start=1):
            files[f"{names['key']}-solution-{n}.tex"] = tex
    if "json" in formats:
        files[f"{names['key']}.json"] = key_json(ctx, problems, student)
    return files, r, solutions


def practice(network: Network = Network(), sheet: Sheet = Sheet(), *, spec: str | Path | None = None,
             formats: tuple[str, ...] | None = None, out: Path | None = None,
             moodle_style: str | None = None) -> Documents:
    """A sheet of problems and its answer key, from one draw (`worksheet practice`); `moodle_style`
    (numerical or cloze) shapes the moodle format."""
    from .assessment.examdir import new_seed
    from .assessment.sheets import build_problems, sheet_context

    formats, note = sheet_formats(formats, ("md", "pdf"))
    moodle_style = check_moodle_style(moodle_style)
    notes = [note] if note else []
    # Spec: the sheet's problems, validated.
    drawn_sheet = load_sheet(network, sheet, spec, "Backpropagation practice", page_only=set(formats) == {"html"})
    seed = drawn_sheet.seed
    if seed is None:
        seed = new_seed()
        notes.append(drawn_seed_note(seed))
    # Sampling, calculation and questions: every problem drawn once, for the sheet and the key.
    drawn = build_problems(drawn_sheet, seed)
    # Context and rendering, all in memory.
    ctx = with_choices(sheet_context(drawn_sheet, drawn, {"seed": seed, "options_hash": drawn_sheet.options_hash()}),
                       drawn_sheet, drawn)
    names = {"sheet": "practice", "key": "key"}
    files, r, solutions = _sheet_files(ctx, drawn, formats, names, ("sheet-practice", "key-practice"))
    if "html" in formats:
        from .assessment.diagnosis import suspects
        from .publish.html.practice import practice_page

        # The known mistakes the page names: the grader's diagnosis of each answer.
        files["practice.html"] = practice_page(ctx, drawn, [suspects(p) for p in drawn])
    if "pdf" in formats:
        from .assessment.sheetdocs import tex_document
        from .publish.pdf import compile_pdf
        from .publish.pdfsplit import append_pdfs, split
        from .publish.typeset import solution_pdfs

        # The sheet and the key typeset as one document, then split at their destinations.
        pdfs = split(compile_pdf(tex_document([r.sheet_body, r.key_body]), name="practice.tex"),
                     ["sheet-practice", "key-practice"])
        files["practice.pdf"] = pdfs["sheet-practice"]
        key_pdf = pdfs["key-practice"]
        files["key.pdf"] = append_pdfs(key_pdf, solution_pdfs(solutions, "solution")) if solutions else key_pdf
    if set(LMS_FORMATS) & set(formats):
        from .publish.lms.export import lms_files
        from .publish.lms.items import variant

        files.update(lms_files(drawn_sheet.title, [variant(ctx, drawn, f"seed-{seed}", f"seed {seed}")], formats,
                               moodle_style))
    files = _encoded(dict(sorted(files.items())))
    first = _first(files, ["practice.pdf", "practice.md", "practice.html", "practice.tex", "key.json"])
    out = Path("output") / f"practice-{seed}" if out is None else Path(out)
    return Documents(out, files, first, tuple(notes), seed=seed)


def exam(network: Network = Network(), sheet: Sheet = Sheet(), *, spec: str | Path | None = None,
         roster: Path | None = None, variants: int | None = None, manifest: Path | None = None,
         formats: tuple[str, ...] | None = None, out: Path | None = None, force: bool = False,
         jobs: int | None = None, progress=None, moodle_style: str | None = None,
         tex_engine: str | None = None) -> Documents:
    """One variant per student (of a `roster` CSV, or `variants` numbered ones), each with its
    key, answers.csv and manifest.json; or, from an exam's `manifest`, the same exam again
    (`worksheet exam`). `out` is the folder it is meant for: an exam already there is checked
    (another seed or options, or students dropped, need `force`) and its files of formats not
    asked for now are kept. `jobs` processes (None: every core) share the work, with the same
    files whatever their number; `progress` (publish.progress.Progress) counts the work done;
    `moodle_style` (numerical or cloze; from a manifest, the one it records) shapes the moodle format.
    `tex_engine`: `auto` (pdflatex; a student's .tex is a lualatex document where their own name
    needs it, and their PDF pdflatex's with the name as a picture lualatex typesets) or `lualatex`
    (every document); from a manifest, the one it records."""
    from functools import partial

    from . import __version__
    from .assessment.examdir import check_folder, new_seed, slug
    from .assessment.grading import answers_csv
    from .assessment.manifest import MANIFEST, load_manifest, manifest_json
    from .assessment.roster import numbered, read_roster
    from .publish.batch import check_jobs, ordered_map
    from .publish.output import check_locked
    from .publish.progress import Progress
    from .stages import stage

    bar = progress if progress is not None else Progress(False)
    jobs = check_jobs(jobs)
    notes = []
    generator = f"worksheet {__version__}"
    # Spec: the problems, the students, the exam seed, and whether the folder may be written.
    if manifest is not None:
        if (roster, variants, spec) != (None,) * 3 or sheet != Sheet() or network != Network():
            raise SpecError(
                "--manifest regenerates an exam as it was made; give only --out, --format and --force with it")
        exam_sheet, students, made, note = load_manifest(manifest, generator)
        notes += [note] if note else []
        if formats is None and made is not None:
            formats = tuple(f for f in SHEET_FORMATS if f in made) or None
        moodle_style = moodle_style or _recorded(manifest, "moodle_style")
        tex_engine = tex_engine or _recorded(manifest, "tex_engine")
        source = f"manifest {manifest}"
    else:
        exam_sheet = load_sheet(network, sheet, spec, "Backpropagation exam")
        if (roster is None) == (variants is None):
            raise SpecError("give either --roster FILE.csv, --variants N or --manifest FILE")
        if variants is not None and not 1 <= variants <= MAX_VARIANTS:
            raise SpecError(f"variants {variants} is out of range; allowed: 1 to {MAX_VARIANTS}")
        students = read_roster(roster) if roster is not None else numbered(variants)
        source = f"roster {roster}" if roster is not None else "--variants"
    formats, note = sheet_formats(formats, ("md", "tex", "pdf"))
    moodle_style = check_moodle_style(moodle_style)
    notes += [note] if note else []
    if "html" in formats:
        raise SpecError("format 'html' is for generate, reference and practice, not for an exam")
    tex_engine = tex_engine or "auto"
    from .publish.names import TEX_ENGINES, name_of, tex_names

    if tex_engine not in TEX_ENGINES:
        raise SpecError(f"tex engine {tex_engine!r} is not known; allowed: {', '.join(TEX_ENGINES)}")
    names_tex, engines = (tex_names(students, source, formats, tex_engine) if {"tex", "pdf"} & set(formats)
                          else ({}, {}))
    # A name pdflatex cannot set makes its student's LaTeX files lualatex documents; their PDFs
    # are pdflatex's all the same, with the name a picture lualatex typesets (publish/names.py),
    # unless every document is to be lualatex's.
    pictures = ({s.id: (s.name, name_of(s, source)) for s in students if engines.get(s.id) == "lualatex"}
                if "pdf" in formats and tex_engine == "auto" else {})
    exam_seed = exam_sheet.seed if exam_sheet.seed is not None else new_seed()
    options_hash = exam_sheet.options_hash()
    out = Path("output") / slug(exam_sheet.title) if out is None else Path(out)
    guard = (exam_seed, options_hash, tuple(s.id for s in students), force)
    keep = check_locked(out, lambda folder: check_folder(folder, *guard), hold=False)

    # Per student: the variant drawn once, its sheet and key rendered in memory (on every core).
    job = partial(_variant, exam_sheet, exam_seed, options_hash, formats, names_tex, engines,
                  pictures=frozenset(pictures))
    files: dict[str, str | bytes] = {}
    expected, records, bodies, solutions, lms_variants = [], [], {}, {}, []
    task = bar.task("variants", len(students))
    for s, v in zip(students, ordered_map(job, students, jobs, partial(bar.advance, task))):
        files.update(v["files"])
        expected += v["expected"]
        records.append(v["record"])
        bodies[s.id] = v["bodies"]
        solutions[s.id] = v["solutions"]
        if v["lms"] is not None:
            lms_variants.append(v["lms"])

    # PDFs: the sheets and keys typeset in groups of students, side by side, then split at each
    # body's destination.
    if "pdf" in formats:
        from .assessment.sheetdocs import tex_document
        from .publish.typeset import exam_pdfs

        task = bar.task("typesetting", len(students))
        pdf_engines = {sid: "pdflatex" if sid in pictures else engine for sid, engine in engines.items()}
        files.update(exam_pdfs(students, bodies, solutions, jobs, tex_document, partial(bar.advance, task), pdf_engines,
                               pictures))
    with stage("rendering"):
        files["answers.csv"] = answers_csv(expected)
        if lms_variants:
            from .publish.lms.export import lms_files

            files.update(lms_files(exam_sheet.title, lms_variants, formats, moodle_style))
    listed = sorted(set(files) | {rel for rel in keep if rel not in files and (out / rel).is_file()})
    files[MANIFEST] = manifest_json(generator, exam_sheet, exam_seed, options_hash, formats, records, listed,
                                    moodle_style if "moodle" in formats else None,
                                    tex_engine if tex_engine != "auto" else None)
    if exam_sheet.seed is None:
        notes.append(f"the exam seed was drawn at random and recorded in {out / MANIFEST}; it is the key to "
                     "every variant's answers, so keep that file private")
    first_id = students[0].id
    first = _first(files, ["sheets.pdf", f"sheets/{first_id}.md", f"sheets/{first_id}.tex",
                           f"keys/{first_id}.json"])
    return Documents(out, _encoded(dict(sorted(files.items()))), first, tuple(notes), seed=exam_seed,
                     whole_folder=True, keep=tuple(keep), guard=guard)


def _variant(sheet, exam_seed: int, options_hash: str, formats: tuple[str, ...], names_tex: dict[str, str],
             engines: dict[str, str], s, pictures: frozenset[str] = frozenset()):
    """One student's variant: drawn once, its sheet and key rendered in memory; the LaTeX bodies
    to typeset print the student's name as a picture where their id is in `pictures`."""
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
        ctx = with_choices(sheet_context(sheet, drawn, {"code": code, "options_hash": options_hash}, student=person),
                           sheet, drawn)
        expected = [
            Expected(s.id, s.name, code, q["label"], Decimal(a.text), a.tolerance, points,
                     quantity_name(p.trace.spec, a.quantity), *_choice_cells(q))
            for record, p in zip(ctx["problems"], drawn)
            for q, a, points in zip(record["questions"], p.answers, p.points)
        ]
    with stage("rendering"):
        files, rendered, walks = _sheet_files(ctx, drawn, formats,
                                              {"sheet": f"sheets/{s.id}", "key": f"keys/{s.id}"},
                                              (f"sheet-{s.id}", f"key-{s.id}"), student={"id": s.id, "name": s.name},
                                              engine=engines.get(s.id, "pdflatex"))
    lms = None
    if any(f in formats for f in LMS_FORMATS):
        from .publish.lms.items import variant

        with stage("rendering"):
            lms = variant(ctx, drawn, s.id, code)
    record = {"id": s.id, "name": s.name, "variant": code, "seed": seed,
              "problem_seeds": [p.trace.spec.seed for p in drawn]}
    if s.id in pictures:
        from .assessment.sheetdocs import render_pair
        from .publish.names import picture_tex

        with stage("rendering"):
            pictured = {**ctx, "student": {**ctx["student"], "name_tex": picture_tex(s.id)}}
            rendered = render_pair(pictured, f"sheet-{s.id}", f"key-{s.id}", ("pdf",))
    return {"files": files, "expected": expected, "record": record,
            # The LaTeX bodies only where PDFs are typeset from them: no more is sent back from a worker.
            "bodies": (rendered.sheet_body, rendered.key_body) if "pdf" in formats else None,
            "solutions": walks if "pdf" in formats else None, "lms": lms}


def with_choices(ctx: dict, sheet, problems) -> dict:
    """A sheet's context with each question's options, where the sheet is multiple choice."""
    if not sheet.choices:
        return ctx
    from .assessment.choices import add_choices

    return add_choices(ctx, problems, sheet.choices)


def _choice_cells(question: dict) -> tuple[str, str]:
    """answers.csv's letter and options of a question; empty for an open one."""
    if "choices" not in question:
        return "", ""
    from .assessment.choices import options_cell

    return question["answer"]["letter"], options_cell(question)


def _recorded(manifest: Path, key: str) -> str | None:
    """A choice an exam's manifest (read and checked already) records (moodle_style, tex_engine), if any."""
    import json

    value = json.loads(Path(manifest).read_text(encoding="utf-8")).get(key)
    return value if isinstance(value, str) else None




def grade(exam_dir: Path, responses: Path, out: Path | None = None, carry_forward: bool = False,
          carry_fraction: float = 1.0, report: bool = False, pdf: bool = False,
          strict: bool = False) -> Documents:
    """Each response marked within its tolerance (`worksheet grade`): grades.csv with each wrong
    answer's diagnosis, feedback/<id>.md per student, and a summary in the report. An answer
    that is not a number is wrong and listed in the report (with `strict`, an error). With
    `carry_forward`, an answer right given the student's own earlier answers gets
    `carry_fraction` of its points; with `report`, report.md and its SVG figures (item analysis);
    with `pdf`, feedback/<id>.pdf too (and report.pdf with `report`)."""
    from decimal import Decimal

    from . import __version__
    from .assessment.choices import resolve_letters
    from .assessment.grading import grade as mark
    from .assessment.grading import by_kind, check_output, grades_csv, read_answers, summary
    from .assessment.manifest import load_exam
    from .assessment.review import diagnosis_cell, feedback_md, review, student_problems
    from .assessment.roster import listed, read_responses

    if not 0 < carry_fraction <= 1:
        raise SpecError(f"carry fraction {carry_fraction} is out of range; allowed: above 0, at most 1")
    # Input: the exam's answers and the students' responses, validated.
    manifest = load_exam(exam_dir)
    expected = read_answers(exam_dir)
    given = resolve_letters(expected, read_responses(responses), responses)
    path = Path(exam_dir) / "grades.csv" if out is None else Path(out)
    check_output(path, exam_dir, responses, manifest)
    unreadable = [f"line {r.line}: {r.text!r} is not a number" for r in given if r.unreadable]
    if unreadable and strict:
        raise InputFileError(listed(f"responses {responses}", unreadable))
    # Marking, then each student's variant drawn again from the manifest for the review.
    grades = mark(expected, given, responses)
    problems = student_problems(manifest, Path(exam_dir), f"worksheet {__version__}")
    credited = {}
    if carry_forward:
        from .assessment.carry_forward import credit

        grades, credited = credit(grades, expected, given, problems, Decimal(repr(carry_fraction)).normalize())
    reviews = review(grades, expected, given, problems, credited)
    # Output: grades.csv, and feedback/<id>.md (and the report) beside it.
    title = str((manifest.get("options") or {}).get("title") or manifest.get("title") or "Exam")
    asked: dict[str, dict[str, str]] = {}
    for e in expected:
        asked.setdefault(e.id, {})[e.question] = e.quantity
    files = {path.name: grades_csv(grades, {r.first.id: diagnosis_cell(r) for r in reviews}, asked)}
    for r in reviews:
        files[f"feedback/{r.first.id}.md"] = feedback_md(r, title, grades.maximum)
    if report:
        from .assessment.itemanalysis import report_files

        files.update(report_files(grades, reviews, title))
    if pdf:
        from .assessment.gradepdf import feedback_documents, report_document
        from .assessment.roster import Student
        from .publish.names import tex_names
        from .publish.pdf import compile_pdf
        from .publish.pdfsplit import split

        # feedback/<id>.pdf: one TeX run per engine, cut at each student's destination.
        names, engines = tex_names([Student(r.first.id, r.first.name, 0) for r in reviews], "answers.csv",
                                   ("pdf",), "auto")
        feedback = {}
        for engine, tex, paths in feedback_documents(reviews, title, grades.maximum, names, engines):
            pdfs = split(compile_pdf(tex, name="feedback.tex", engine=engine), list(paths))
            feedback.update({paths[tag]: data for tag, data in pdfs.items()})
        files.update(sorted(feedback.items()))
        if report:
            tex, figures = report_document(grades, reviews, title)
            files["report.pdf"] = compile_pdf(tex, name="report.tex", files=figures)
    diagnosed = sum(1 for r in reviews for i in r.items if i.suspect is not None)
    lines = summary(grades) + by_kind(grades, expected)
    if unreadable:
        lines.append(listed(f"counted as wrong, not a number: responses {responses}", unreadable))
    lines.append(f"{diagnosed} wrong answer(s) matched a misconception; feedback in {path.parent / 'feedback'}")
    if carry_forward:
        lines.append(f"{len(credited)} answer(s) credited by error carried forward")
    return Documents(path.parent, _encoded(files), path.name, report=tuple(lines))


def write(documents: Documents, advance=None) -> list[Path]:
    """Write what a library command made: an exam's folder as a whole (checked again, with its
    parent locked until written, and keeping the files it lists), any other command's files one
    by one, all or none. `advance(1)` is called after each file of a folder."""
    from .publish.output import check_locked, write_all, write_folder

    if documents.whole_folder:
        keep = list(documents.keep)
        if documents.guard:
            from .assessment.examdir import check_folder

            # Locked until written.
            keep = check_locked(documents.folder, lambda folder: check_folder(folder, *documents.guard))
        return write_folder(documents.folder, documents.files, keep=keep, advance=advance)
    return write_all({documents.folder / name: data for name, data in documents.files.items()})
