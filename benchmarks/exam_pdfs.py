"""Class scale with PDFs: a 30-student exam with every sheet and key as a PDF of its own and the
combined sheets.pdf and keys.pdf, whole process, against the floor measured in the same run: one
pdflatex run over one document of every sheet and key (target: under 2x). Only the command line
is used: the combined document is made from the LaTeX files `worksheet exam --format tex` writes.

Then names in other scripts: the same exam of a roster of Latin names and of that roster with one
name in Greek, Cyrillic or Chinese instead, alternating runs, the ratio of the medians (target:
at most 1.5x)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import machine, measured, sized, worksheet

STUDENTS = sized(30, 2)
SEED = 2026
# Roster sizes and the name in another script that takes the place of the middle student's.
ROSTERS = sized((5, 30), (2,))
OTHER_NAMES = sized({"Greek": "Ελένη Παπαδοπούλου", "Cyrillic": "Дмитрий Иванов", "Chinese": "王小明"},
                    {"Greek": "Ελένη Παπαδοπούλου"})
LATIN_NAMES = ("Ann Lee", "Bob Stone", "Carla Díaz", "Dan O'Neil", "Eve Park")
# The sandbox and reproducibility settings worksheet runs pdflatex with (publish/pdf.py).
PDFLATEX = ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error"]
TEX_ENV = {"openin_any": "p", "openout_any": "p", "shell_escape": "f", "SOURCE_DATE_EPOCH": "0",
           "FORCE_SOURCE_DATE": "1"}
# The commands benchmarks/compare.py times in two checkouts: a label and worksheet's arguments.
COMPARED = [(f"exam --variants {STUDENTS} --format pdf", ["exam", "--seed", str(SEED), "--variants", str(STUDENTS),
                                                          "--format", "pdf", "--quiet"])]


def combined_document(command: list[str], folder: Path, env: dict) -> str:
    """One LaTeX document of every sheet, then every key, of the exam below: the bodies of the
    files `--format tex` writes, under the preamble they share."""
    subprocess.run([*command, "exam", "--seed", str(SEED), "--variants", str(STUDENTS), "--format", "tex",
                    "--quiet", "--out", str(folder)], check=True, capture_output=True, env=env)
    ids = [str(n) for n in range(1, STUDENTS + 1)]
    texts = [(folder / kind / f"{sid}.tex").read_text(encoding="utf-8") for kind in ("sheets", "keys") for sid in ids]
    begin, end = "\\begin{document}", "\\end{document}"
    preamble = texts[0].split(begin)[0]
    bodies = [text.split(begin, 1)[1].rsplit(end, 1)[0] for text in texts]
    return preamble + begin + "".join(bodies) + end + "\n"


def one_pass(tex: str) -> float:
    """One pdflatex run over the document, with the flags and sandbox worksheet uses."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "exam.tex").write_text(tex, encoding="utf-8")
        start = time.perf_counter()
        subprocess.run([*PDFLATEX, "exam.tex"], cwd=tmp, env={**os.environ, **TEX_ENV}, check=True,
                       capture_output=True)
        return time.perf_counter() - start


def write_roster(path: Path, size: int, other: str | None = None) -> Path:
    rows = [f"s{n:02d},{LATIN_NAMES[n % len(LATIN_NAMES)]} {n}" for n in range(size)]
    if other is not None:
        rows[size // 2] = f"s{size // 2:02d},{other}"
    path.write_text("id,name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def other_scripts(command: list[str], folder: Path, env: dict) -> None:
    """Each roster size with Latin names only and with one name in another script instead, in
    alternating runs: the medians and their ratio."""
    if shutil.which("lualatex") is None:
        print("\nnames in other scripts: not measured (lualatex is not installed)")
        return
    runs = sized(5, 1)
    print(f"\nworksheet exam --roster R.csv --format pdf, one name in another script, median of {runs} "
          "alternating runs (target at most 1.5x):")
    for size in ROSTERS:
        rosters = {"Latin": write_roster(folder / f"latin-{size}.csv", size)}
        rosters.update({script: write_roster(folder / f"{script}-{size}.csv", size, name)
                        for script, name in OTHER_NAMES.items()})
        times: dict[str, list[float]] = {script: [] for script in rosters}
        for k in range(runs):
            for script, roster in rosters.items():
                times[script].append(measured([*command, "exam", "--seed", str(SEED), "--roster", str(roster),
                                               "--format", "pdf", "--quiet", "--out",
                                               str(folder / f"{script}-{size}-{k}")],
                                              env=env)[0])
        latin = statistics.median(times["Latin"])
        cells = [f"Latin only {latin:6.2f} s"]
        cells += [f"{script} {statistics.median(t):6.2f} s = {statistics.median(t) / latin:.2f}x"
                  for script, t in times.items() if script != "Latin"]
        print(f"  {size:3d} students: " + "; ".join(cells))


def main() -> None:
    shutil.which("pdflatex") or sys.exit("pdflatex is not installed")
    command = worksheet()
    cores = os.cpu_count()
    print(f"machine: {machine()}")
    env = {k: v for k, v in os.environ.items() if k != "WORKSHEET_PROFILE"}
    with tempfile.TemporaryDirectory() as tmp:
        combined = combined_document(command, Path(tmp) / "tex", env)
        one_pass(combined)  # warm-up: the TeX tree's files in the page cache
        tex_run = statistics.median(one_pass(combined) for _ in range(sized(3, 1)))
        print(f"\nfloor: one pdflatex run over the document of {STUDENTS} sheets and {STUDENTS} keys "
              f"{tex_run:6.2f} s")

        def exam(folder: str, *extra: str, profile: bool = False):
            return measured([*command, "exam", "--seed", str(SEED), "--variants", str(STUDENTS), "--format", "pdf",
                             "--quiet", "--out", str(Path(tmp) / folder), *extra],
                            env={**env, "WORKSHEET_PROFILE": "1"} if profile else env)

        runs = [exam(f"run-{k}") for k in range(sized(3, 1))]
        whole = statistics.median(r[0] for r in runs)
        memory = max(r[1] for r in runs)
        t1, _, _ = exam("jobs-1", "--jobs", "1")
        _, _, profile = exam("profiled", profile=True)
        size = sum((Path(tmp) / "run-0" / name).stat().st_size for name in ("sheets.pdf", "keys.pdf"))
    print(f"\nworksheet exam --variants {STUDENTS} --format pdf (every sheet and key, sheets.pdf, keys.pdf), "
          f"whole process, median of {len(runs)}:")
    print(f"  --jobs {cores}: {whole:6.2f} s = {whole / tex_run:.2f}x the floor (target under 2x); "
          f"peak memory {memory:.1f} MB")
    print(f"  --jobs 1: {t1:6.2f} s = {t1 / tex_run:.2f}x the floor")
    print(f"  sheets.pdf and keys.pdf: {size / 1e6:.2f} MB together")
    for line in profile.splitlines():
        print("    " + line.removeprefix("worksheet: profile: "))
    with tempfile.TemporaryDirectory() as tmp:
        other_scripts(command, Path(tmp), env)


if __name__ == "__main__":
    main()
