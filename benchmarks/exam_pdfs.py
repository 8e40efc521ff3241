"""Class scale with PDFs: a 30-student exam with every sheet and key as a PDF of its own and the
combined sheets.pdf and keys.pdf, whole process, against one run of the TeX engine over the
combined document of every sheet and key (target: under 2x). Beside it, the two other ways to get
the same files: the whole document compiled once (latexmk's two passes) and split, and every
student's sheet and key compiled as a document of its own, in parallel on every core."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import machine, measured

STUDENTS = 30
SEED = 2026


def bodies() -> list[tuple[str, str, str]]:
    """(student id, sheet body, key body) of the exam the command below writes."""
    from worksheet import api
    from worksheet.assessment.roster import numbered

    sheet = api.load_sheet({"seed": SEED}, None, None, None, None, False, "Backpropagation exam")
    students = numbered(STUDENTS)
    names = api._names_tex(students, "--variants")
    out = []
    for s in students:
        v = api._variant(sheet, SEED, sheet.options_hash(), ("pdf",), names, s)
        out.append((s.id, *v["bodies"]))
    return out


def one_pass(tex: str) -> float:
    """One pdflatex run over the document, with the flags and sandbox worksheet uses."""
    from worksheet.publish.pdf import _PDFLATEX_FLAGS, _environment

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "exam.tex").write_text(tex, encoding="utf-8")
        start = time.perf_counter()
        subprocess.run(["pdflatex", *_PDFLATEX_FLAGS, "exam.tex"], cwd=tmp, env=_environment(), check=True,
                       capture_output=True)
        return time.perf_counter() - start


def once_and_split(parts) -> float:
    """The whole exam as ONE document through latexmk, cut into every student's PDFs and the booklets."""
    from worksheet.publish.pdf import compile_pdf
    from worksheet.publish.pdfsplit import booklet, extract, page_ranges
    from worksheet.assessment.sheetdocs import tex_document

    start = time.perf_counter()
    order = [(f"sheet-{sid}", sheet) for sid, sheet, _ in parts] + [(f"key-{sid}", key) for sid, _, key in parts]
    reader, pages = page_ranges(compile_pdf(tex_document([b for _, b in order]), "exam.tex"), [t for t, _ in order])
    for tag, _ in order:
        extract(reader, pages[tag])
    booklet([(reader, pages[f"sheet-{sid}"]) for sid, _, _ in parts])
    booklet([(reader, pages[f"key-{sid}"]) for sid, _, _ in parts])
    return time.perf_counter() - start


def per_student(parts, cores: int) -> float:
    """Each student's sheet and key as a document of its own (latexmk), compiled side by side on
    every core, cut in two, and the booklets joined from the pieces."""
    from worksheet.publish.pdf import compile_pdf, each
    from worksheet.publish.pdfsplit import booklet_of, split
    from worksheet.assessment.sheetdocs import tex_document

    def compile_one(part):
        sid, sheet, key = part
        pdf = compile_pdf(tex_document([sheet, key]), f"student-{sid}.tex")
        return split(pdf, [f"sheet-{sid}", f"key-{sid}"])

    start = time.perf_counter()
    pieces = each(compile_one, parts, cores)
    booklet_of([p[f"sheet-{sid}"] for p, (sid, _, _) in zip(pieces, parts)])
    booklet_of([p[f"key-{sid}"] for p, (sid, _, _) in zip(pieces, parts)])
    return time.perf_counter() - start


def main() -> None:
    worksheet = shutil.which("worksheet") or sys.exit("worksheet is not installed")
    shutil.which("pdflatex") or sys.exit("pdflatex is not installed")
    from worksheet.publish.pdf import compile_pdf
    from worksheet.assessment.sheetdocs import tex_document

    cores = os.cpu_count()
    print(f"machine: {machine()}")
    parts = bodies()
    combined = tex_document([sheet for _, sheet, _ in parts] + [key for _, _, key in parts])
    one_pass(combined)  # warm-up: the TeX tree's files in the page cache
    tex_run = statistics.median(one_pass(combined) for _ in range(3))
    start = time.perf_counter()
    compile_pdf(combined, "exam.tex")
    latexmk = time.perf_counter() - start
    print(f"\ncombined document of {STUDENTS} sheets and {STUDENTS} keys:")
    print(f"  one pdflatex run                 {tex_run:6.2f} s   (the reference: target under 2x this)")
    print(f"  one compile_pdf (latexmk)        {latexmk:6.2f} s   (two pdflatex runs, for Page X of Y)")

    env = {k: v for k, v in os.environ.items() if k != "WORKSHEET_PROFILE"}
    with tempfile.TemporaryDirectory() as tmp:
        runs = [measured([worksheet, "exam", "--seed", str(SEED), "--variants", str(STUDENTS), "--format", "pdf",
                          "--quiet", "--out", str(Path(tmp) / f"run-{k}")], env=env) for k in range(3)]
        whole = statistics.median(r[0] for r in runs)
        memory = max(r[1] for r in runs)
        t1, _, _ = measured([worksheet, "exam", "--seed", str(SEED), "--variants", str(STUDENTS), "--format", "pdf",
                             "--quiet", "--jobs", "1", "--out", str(Path(tmp) / "jobs-1")], env=env)
        _, _, profile = measured([worksheet, "exam", "--seed", str(SEED), "--variants", str(STUDENTS), "--format",
                                  "pdf", "--quiet", "--out", str(Path(tmp) / "profiled")],
                                 env={**env, "WORKSHEET_PROFILE": "1"})
        sheets = Path(tmp) / "run-0" / "sheets.pdf"
        size = sheets.stat().st_size + (Path(tmp) / "run-0" / "keys.pdf").stat().st_size
    print(f"\nworksheet exam --variants {STUDENTS} --format pdf (every sheet and key, sheets.pdf, keys.pdf), "
          f"whole process, median of 3:")
    print(f"  --jobs {cores}: {whole:6.2f} s = {whole / tex_run:.2f}x one pdflatex run "
          f"({whole / latexmk:.2f}x one compile_pdf); peak memory {memory:.1f} MB")
    print(f"  --jobs 1: {t1:6.2f} s = {t1 / tex_run:.2f}x one pdflatex run")
    print(f"  sheets.pdf and keys.pdf: {size / 1e6:.2f} MB together")
    for line in profile.splitlines():
        print("    " + line.removeprefix("worksheet: profile: "))

    print("\nthe other ways to the same files (in one process, start-up excluded):")
    t = once_and_split(parts)
    print(f"  one document through latexmk, then split            {t:6.2f} s = {t / tex_run:.2f}x one pdflatex run")
    t = per_student(parts, cores)
    print(f"  a document per student, {cores} at a time (latexmk)      {t:6.2f} s = "
          f"{t / tex_run:.2f}x one pdflatex run")
    print("  worksheet itself: groups of students typeset side by side, each group in one pdflatex pass started "
          "from the page counts the first student's pass found (see the whole-process figure above)")


if __name__ == "__main__":
    main()
