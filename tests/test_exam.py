"""Exams: a variant per student that depends on the exam seed and the student's id alone, files
that regenerate byte for byte, protection of an exam already made, names printed literally, and
bad input refused with one line and nothing written."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdcheck import check_github_math, check_math, check_tables, skip_or_fail

from worksheet import api
from worksheet.errors import WorksheetError
from worksheet.assessment.examdir import variant_code, variant_seed
from worksheet import Network, Sheet, write

NAMES = [
    ("s001", "Ana Pérez"),
    ("s002", "O'Brien & Co_ #1 {x} ~^\\ 50%$"),
    ("s003", "\\input{/etc/passwd}"),
    ("s004", "Ștefan Țăran-Łukasz Müller"),
]


def roster(path: Path, students=NAMES, extra: str = "email") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "name", extra])
    for sid, name in students:
        writer.writerow([sid, name, f"{sid}@example.org"])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(args, cwd, timeout=300):
    return subprocess.run([sys.executable, "-m", "worksheet", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


# ---------------------------------------------------------------- variants


def test_a_students_variant_does_not_change_when_others_join(tmp_path):
    small = roster(tmp_path / "small.csv", NAMES[:2])
    large = roster(tmp_path / "large.csv", [NAMES[2], *NAMES[:2], ("s999", "Late Joiner")])
    write(api.exam(Network(seed=2026), roster=small, formats=("md", "tex", "json"), out=tmp_path / "a"))
    write(api.exam(Network(seed=2026), roster=large, formats=("md", "tex", "json"), out=tmp_path / "b"))
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    for sid, _ in NAMES[:2]:
        for name in (f"sheets/{sid}.md", f"keys/{sid}.md", f"sheets/{sid}.tex", f"keys/{sid}.tex", f"keys/{sid}.json"):
            assert a[name] == b[name], name
    rows_a = [r for r in csv.DictReader(io.StringIO(a["answers.csv"].decode())) if r["id"] == "s001"]
    rows_b = [r for r in csv.DictReader(io.StringIO(b["answers.csv"].decode())) if r["id"] == "s001"]
    assert rows_a == rows_b and rows_a
    students = {s["id"]: s for s in json.loads(b["manifest.json"])["students"]}
    assert students["s001"]["seed"] == variant_seed(2026, "s001")
    assert students["s001"]["variant"] == variant_code(variant_seed(2026, "s001"))
    # Neighbours get different numbers.
    assert a["sheets/s001.md"].split(b"## Problem")[1] != a["sheets/s002.md"].split(b"## Problem")[1]


def test_the_exam_seed_and_an_id_reprint_a_key_with_practice(tmp_path):
    """A variant is a practice sheet drawn from the student's seed: whoever holds the exam seed
    can print any student's key, which is why manifest.json must stay private."""
    write(api.exam(Network(seed=99), variants=2, formats=("json",), out=tmp_path / "exam"))
    seed = variant_seed(99, "2")
    write(api.practice(Network(seed=seed), formats=("json",), out=tmp_path / "practice"))
    exam_key = json.loads((tmp_path / "exam" / "keys" / "2.json").read_text(encoding="utf-8"))
    practice_key = json.loads((tmp_path / "practice" / "key.json").read_text(encoding="utf-8"))
    assert exam_key["problems"] == practice_key["problems"]


def test_variants_without_names_and_answers_csv(tmp_path):
    files = write(api.exam(Network(seed=5), Sheet(level="output", points="2"), variants=3, formats=("md",),
                           out=tmp_path / "x"))
    assert tmp_path / "x" / "manifest.json" in files
    rows = list(csv.DictReader(io.StringIO((tmp_path / "x" / "answers.csv").read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["id", "name", "variant", "question", "quantity", "expected", "tolerance", "points"]
    assert {r["id"] for r in rows} == {"1", "2", "3"} and all(r["name"] == "" and r["points"] == "2" for r in rows)
    assert all(r["quantity"] for r in rows) and rows[0]["quantity"].startswith(("dE/do", "delta_o"))
    per_student = {sid: [r["question"] for r in rows if r["id"] == sid] for sid in ("1", "2", "3")}
    assert per_student["1"] == per_student["2"] == per_student["3"] == ["1a", "1b", "1c", "1d", "1e", "1f"]
    key = (tmp_path / "x" / "keys" / "2.md").read_text(encoding="utf-8")
    for r in rows:
        if r["id"] == "2":
            assert f"**Answer:** ${r['expected']}$" in key
            assert f"$\\pm {r['tolerance']}$" in key
    sheet = (tmp_path / "x" / "sheets" / "1.md").read_text(encoding="utf-8")
    assert "| ______________________ | 1 |" in sheet and "/ 12" in sheet


@pytest.mark.slow
def test_rerunning_writes_identical_bytes_and_protects_other_exams(tmp_path):
    r = roster(tmp_path / "class.csv")
    out = tmp_path / "exams" / "quiz3"
    args = ["exam", "--seed", "2026", "--roster", "class.csv", "--title", "ML 101 Quiz 3", "--format", "md,tex",
            "--out", str(out)]
    assert run(args, tmp_path).returncode == 0
    first = tree(out)
    assert run(args, tmp_path).returncode == 0
    assert tree(out) == first

    (out / "grades.csv").write_text("the instructor's\n", encoding="utf-8")
    for change, message in [
        (["--seed", "2027"], "holds an exam made with another seed"),
        (["--level", "hidden"], "holds an exam made with other options"),
        (["--title", "Other"], "holds an exam made with other options"),
    ]:
        result = run([*args, *change], tmp_path)
        assert result.returncode == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1
        assert tree(out) == {**first, "grades.csv": b"the instructor's\n"}
    roster(r, NAMES[:2])
    result = run(args, tmp_path)
    assert result.returncode == 2
    assert "2 student(s) of this exam are not in the roster any more (s003, s004)" in result.stderr

    result = run([*args, "--seed", "2027", "--force"], tmp_path)
    assert result.returncode == 0, result.stderr
    now = tree(out)
    assert now["grades.csv"] == b"the instructor's\n"  # not the exam's: kept
    assert "sheets/s003.md" not in now and now["sheets/s001.md"] != first["sheets/s001.md"]
    assert json.loads(now["manifest.json"])["seed"] == 2027
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary folders left behind"


@pytest.mark.slow
def test_a_manifest_reprints_the_exam_and_nothing_else(tmp_path):
    write(api.exam(Network(seed=8, layers="2-3-2"), Sheet(level="hidden", problems=2),
                   roster=roster(tmp_path / "c.csv"), formats=("md", "tex", "json"), out=tmp_path / "exam"))
    (tmp_path / "c.csv").unlink()  # the roster is in the manifest
    write(api.exam(Network(), manifest=tmp_path / "exam" / "manifest.json", out=tmp_path / "reprint"))
    assert tree(tmp_path / "reprint") == tree(tmp_path / "exam")
    with pytest.raises(api.SpecError, match="--manifest regenerates an exam as it was made"):
        write(api.exam(Network(layers="2-2-2"), manifest=tmp_path / "exam" / "manifest.json", out=tmp_path / "other"))
    result = run(["exam", "--manifest", "exam/answers.csv", "--out", "x"], tmp_path)
    assert result.returncode == 2 and "not a readable JSON file" in result.stderr


def test_regenerating_with_fewer_formats_keeps_the_other_files(tmp_path):
    write(api.exam(Network(seed=3), variants=2, formats=("md", "tex"), out=tmp_path / "e"))
    before = tree(tmp_path / "e")
    write(api.exam(Network(seed=3), variants=2, formats=("md",), out=tmp_path / "e"))
    after = tree(tmp_path / "e")
    assert set(after) == set(before)
    assert all(after[k] == before[k] for k in before if k != "manifest.json")


def test_a_folder_that_is_not_an_exam_is_not_overwritten(tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "todo.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(WorksheetError, match="not an exam folder"):
        write(api.exam(Network(seed=1), variants=1, formats=("md",), out=out))
    assert tree(out) == {"todo.txt": b"mine"}


def test_without_seed_the_exam_seed_is_drawn_and_recorded(tmp_path):
    seeds = []
    for name in ("a", "b"):
        write(api.exam(Network(), variants=1, formats=("md",), out=tmp_path / name))
        manifest = json.loads((tmp_path / name / "manifest.json").read_text(encoding="utf-8"))
        seeds.append(manifest["seed"])
        assert "private" in manifest and manifest["students"][0]["seed"] == variant_seed(manifest["seed"], "1")
        for path in (tmp_path / name).rglob("*.md"):
            assert str(manifest["seed"]) not in path.read_text(encoding="utf-8")
    assert seeds[0] != seeds[1] and all(0 <= s < 2**63 for s in seeds)


def test_an_exam_spec_file_lists_problems_with_their_own_options(tmp_path):
    spec = tmp_path / "exam.toml"
    spec.write_text(
        'title = "ML 101 Quiz 3"\nseed = 2026\nprecision = 4\n\n'
        '[[problem]]\nlayers = "2-2-2"\nlevel = "forward"\npoints = 1\n\n'
        '[[problem]]\nlayers = "2-3-2"\nactivation = "tanh,sigmoid"\nbias = true\nlevel = "hidden"\npoints = 2.5\n',
        encoding="utf-8",
    )
    write(api.exam(Network(), spec=spec, variants=2, formats=("md",), out=tmp_path / "q"))
    manifest = json.loads((tmp_path / "q" / "manifest.json").read_text(encoding="utf-8"))
    problems = manifest["options"]["problems"]
    assert manifest["seed"] == 2026 and manifest["title"] == "ML 101 Quiz 3"
    assert [p["level"] for p in problems] == ["forward", "hidden"] and [p["points"] for p in problems] == ["1", "2.5"]
    assert problems[1]["network"]["activations"] == ["tanh", "sigmoid"] and problems[1]["network"]["precision"] == 4
    key = (tmp_path / "q" / "keys" / "1.md").read_text(encoding="utf-8")
    assert "**2a** (2.5 points)" in key and "**1a** (1 point)" in key
    # Command-line options win over the file's, for every problem.
    write(api.exam(Network(precision=5), spec=spec, variants=1, formats=("md",), out=tmp_path / "r"))
    problems = json.loads((tmp_path / "r" / "manifest.json").read_text(encoding="utf-8"))["options"]["problems"]
    assert [p["network"]["precision"] for p in problems] == [5, 5]


# ---------------------------------------------------------------- names


@pytest.mark.slow
def test_names_appear_literally_in_markdown(tmp_path):
    write(api.exam(Network(seed=1), roster=roster(tmp_path / "c.csv"), formats=("md", "tex"), out=tmp_path / "e"))
    md = MarkdownIt("commonmark").enable("table")
    for sid, name in NAMES:
        for part in ("sheets", "keys"):
            text = (tmp_path / "e" / part / f"{sid}.md").read_text(encoding="utf-8")
            html = md.render(text)
            assert f"<td>{_html(name)}</td>" in html, (sid, part)
            assert not check_tables(text) and not check_github_math(text)
        tex = (tmp_path / "e" / "sheets" / f"{sid}.tex").read_text(encoding="utf-8")
        assert "\\input{" not in tex.replace("\\textbackslash{}input\\{", "")
    assert not check_math((tmp_path / "e" / "keys" / "s002.md").read_text(encoding="utf-8"))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@pytest.fixture(scope="module")
def pdf_exam(tmp_path_factory):
    from worksheet.publish.pdf import tex_engine

    if tex_engine() is None:
        skip_or_fail("pdflatex is not installed")
    folder = tmp_path_factory.mktemp("pdf")
    out = folder / "exam"
    write(api.exam(Network(seed=2026, bias=True), Sheet(problems=2), roster=roster(folder / "class.csv"),
                   formats=("md", "tex", "pdf"), out=out))
    return folder, out


@pytest.mark.tex
@pytest.mark.slow
def test_pdfs_per_student_and_combined_for_double_sided_printing(pdf_exam):
    from pypdf import PdfReader

    _, out = pdf_exam
    sheets = PdfReader(out / "sheets.pdf")
    keys = PdfReader(out / "keys.pdf")
    start = 0
    for sid, name in NAMES:
        own = PdfReader(out / "sheets" / f"{sid}.pdf")
        assert start % 2 == 0, f"{sid}'s sheet starts on page {start + 1}, an even page"
        first = sheets.pages[start].extract_text()
        assert first == own.pages[0].extract_text()
        assert f"({sid})" in first and "Page 1 of" in first
        n = len(own.pages)
        assert f"Page {n} of {n}" in own.pages[-1].extract_text()
        blank = n % 2
        if blank:
            assert not sheets.pages[start + n].extract_text().strip()
        start += n + blank
        key = PdfReader(out / "keys" / f"{sid}.pdf")
        assert "answer key" in key.pages[0].extract_text()
    assert start == len(sheets.pages)
    assert len(keys.pages) >= sum(len(PdfReader(out / "keys" / f"{sid}.pdf").pages) for sid, _ in NAMES)


@pytest.mark.tex
@pytest.mark.slow
def test_names_compile_and_print_literally_in_pdfs(pdf_exam):
    from pypdf import PdfReader

    _, out = pdf_exam
    for sid, name in NAMES[:3]:
        text = PdfReader(out / "sheets" / f"{sid}.pdf").pages[0].extract_text().replace("\u2019", "'")
        assert f"Name {name} ID {sid}" in text
    text = PdfReader(out / "keys" / "s004.pdf").pages[0].extract_text()
    assert "Łukasz Müller" in text


@pytest.mark.tex
@pytest.mark.slow
def test_pdfs_regenerate_byte_for_byte_and_carry_provenance(pdf_exam):
    folder, out = pdf_exam
    first = tree(out)
    # Reprinted years later from the manifest alone: the same bytes, PDFs included.
    again = folder / "again"
    result = run(["exam", "--manifest", str(out / "manifest.json"), "--out", str(again)], folder)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert tree(again) == first
    manifest = json.loads(first["manifest.json"])
    code = next(s["variant"] for s in manifest["students"] if s["id"] == "s001")
    stamp = f"worksheet 0.1.0 · variant {code} · options {manifest['options_hash']}"
    assert stamp in first["sheets/s001.md"].decode() and stamp in first["keys/s001.tex"].decode()
    for name, data in first.items():
        if name.endswith(".pdf"):
            assert b"CreationDate" not in data and b"ModDate" not in data, name


@pytest.mark.tex
@pytest.mark.slow
def test_full_solutions_follow_each_key_in_its_pdf(tmp_path):
    from pypdf import PdfReader

    from worksheet.publish.pdf import tex_engine

    if tex_engine() is None:
        skip_or_fail("pdflatex is not installed")
    write(api.exam(Network(seed=6), Sheet(full_solutions=True), variants=2, formats=("tex", "pdf"),
                   out=tmp_path / "e", jobs=2))
    out = tmp_path / "e"
    start = 0
    keys = PdfReader(out / "keys.pdf")
    for sid in ("1", "2"):
        key = PdfReader(out / "keys" / f"{sid}.pdf")
        texts = [page.extract_text() for page in key.pages]
        first_solution = next(n for n, text in enumerate(texts) if "Full solution of problem 1" in text)
        assert first_solution > 0 and f"Page {first_solution} of {first_solution}" in texts[first_solution - 1]
        assert all("answer key" in text for text in texts[:first_solution])
        assert keys.pages[start].extract_text() == texts[0]
        start += len(texts) + len(texts) % 2
    assert start == len(keys.pages)


def test_non_latin_names_are_written_for_lualatex(tmp_path):
    # Compiled and checked in test_names.py; here only what needs no TeX.
    roster(tmp_path / "c.csv", [("g1", "Ελένη Παπαδοπούλου"), ("c1", "Иван Петров"), ("z1", "王芳")])
    result = run(["exam", "--seed", "1", "--roster", "c.csv", "--format", "md,tex", "--out", "x"], tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    tex = (tmp_path / "x" / "sheets" / "g1.tex").read_text(encoding="utf-8")
    assert tex.startswith("% Compile with lualatex") and "{\\namefont Ελένη Παπαδοπούλου}" in tex
    assert "| 王芳 | z1 |" in (tmp_path / "x" / "sheets" / "z1.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- bad input


BAD_ROSTERS = [
    ("missing.csv", "id,email\n1,a@b\n", "roster missing.csv line 1: no 'name' column"),
    ("duplicate.csv", "id,name\n1,Ann\n2,Bob\n1,Cy\n", "roster duplicate.csv line 4: id '1' is already on line 2"),
    ("case.csv", "id,name\nAb1,Ann\nab1,Bob\n", "roster case.csv line 3: id 'ab1' is already on line 2 as 'Ab1'"),
    ("empty.csv", "", "roster empty.csv: the file is empty"),
    ("header_only.csv", "id,name\n", "roster header_only.csv: no students below the header"),
    ("quote.csv", 'id,name\n1,Ann\n2,"Bob"x\n', "roster quote.csv line 3: not valid CSV"),
    ("fields.csv", "id,name\n1,Ann,extra\n", "roster fields.csv line 2: 3 fields, but the header on line 1 has 2"),
    ("badid.csv", "id,name\n../x,Ann\n", "roster badid.csv line 2: id '../x' is not allowed"),
    ("noname.csv", "id,name\n1,\n", "roster noname.csv line 2: student 1 has no name"),
    ("latin1.csv", b"id,name\n1,Ren\xe9\n", "roster latin1.csv line 2: not UTF-8 text"),
]


@pytest.mark.parametrize("name, content, message", BAD_ROSTERS, ids=[b[0] for b in BAD_ROSTERS])
def test_bad_rosters_are_one_line_exit_2_and_nothing_written(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = run(["exam", "--seed", "1", "--roster", name, "--format", "md", "--out", "out"], tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""
    assert result.stderr.startswith("worksheet: error: ") and message in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("args, message", [
    ([], "give either --roster FILE.csv, --variants N or --manifest FILE"),
    (["--variants", "2", "--roster", "c.csv"], "give either --roster FILE.csv, --variants N or --manifest FILE"),
    (["--variants", "0"], "variants 0 is out of range"),
    (["--variants", "2", "--level", "deep"], "level 'deep' is not known"),
    (["--variants", "2", "--points", "-1"], "points -1 is out of range"),
    (["--variants", "2", "--format", "docx"], "format 'docx' is not known"),
    (["--variants", "2", "--jobs", "0"], "jobs 0 is out of range; allowed: 1 or more"),
    (["--variants", "2", "--jobs", "two"], "Invalid value for '--jobs'"),
])
def test_bad_exam_options(tmp_path, args, message):
    result = run(["exam", "--seed", "1", "--out", "out", *args], tmp_path)
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_error_half_way_writes_nothing(tmp_path, monkeypatch):
    from worksheet.assessment import sheets

    calls = {"n": 0}
    real = sheets.build_problems

    def failing(sheet, seed):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(sheet, seed)

    monkeypatch.setattr(sheets, "build_problems", failing)
    with pytest.raises(KeyboardInterrupt):
        write(api.exam(Network(seed=1), variants=5, formats=("md",), out=tmp_path / "out"))
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_leaves_the_old_exam(tmp_path, monkeypatch):
    write(api.exam(Network(seed=1), variants=3, formats=("md",), out=tmp_path / "out"))
    before = tree(tmp_path / "out")
    writes = {"n": 0}
    real = Path.write_bytes

    def interrupted(self, data):
        writes["n"] += 1
        if writes["n"] == 4:
            raise KeyboardInterrupt
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write(api.exam(Network(seed=1), variants=3, formats=("md", "tex"), out=tmp_path / "out"))
    monkeypatch.undo()
    assert tree(tmp_path / "out") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ---------------------------------------------------------------- at scale: cores, progress, Ctrl-C


@pytest.mark.slow
def test_jobs_do_not_change_a_byte(tmp_path, monkeypatch):
    from worksheet.publish import batch

    pools = []
    real = batch.ProcessPoolExecutor

    def counted(*args, **kwargs):
        pools.append(kwargs["max_workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", counted)
    options = {"seed": 31, "layers": "2-3-2", "bias": True}
    write(api.exam(Network(**options), Sheet(problems=2), variants=130, formats=("md", "tex", "json"),
                   out=tmp_path / "one", jobs=1))
    assert pools == []
    write(api.exam(Network(**options), Sheet(problems=2), variants=130, formats=("md", "tex", "json"),
                   out=tmp_path / "two", jobs=2))
    assert pools == [2]  # the variants were drawn by two worker processes
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


@pytest.mark.tex
@pytest.mark.slow
def test_jobs_do_not_change_a_pdf(tmp_path):
    from worksheet.publish.pdf import tex_engine
    from worksheet.publish.typeset import student_groups

    if tex_engine() is None:
        skip_or_fail("pdflatex is not installed")
    assert len(student_groups(13)) == 3  # the first student alone, then two groups typeset side by side
    write(api.exam(Network(seed=12), variants=13, formats=("pdf",), out=tmp_path / "one", jobs=1))
    write(api.exam(Network(seed=12), variants=13, formats=("pdf",), out=tmp_path / "two", jobs=2))
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="a pseudo-terminal")
def test_progress_bar_on_a_terminal_only_and_never_in_the_files(tmp_path):
    import threading

    args = ["exam", "--seed", "5", "--variants", "300", "--problems", "3", "--format", "md", "--jobs", "2"]

    def on_terminal(extra, out):
        master, slave = os.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "worksheet", *args, *extra, "--out", str(out)], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=slave, env={**os.environ, "COLUMNS": "100"})
        os.close(slave)
        chunks = []

        def read():
            while True:
                try:
                    data = os.read(master, 4096)
                except OSError:  # the terminal closed
                    return
                if not data:
                    return
                chunks.append(data)

        reader = threading.Thread(target=read)
        reader.start()
        proc.wait(timeout=300)
        reader.join(timeout=10)
        os.close(master)
        return proc.returncode, b"".join(chunks).decode("utf-8", "replace")

    code, shown = on_terminal([], tmp_path / "bar")
    assert code == 0 and "variants" in shown and "300/300" in shown, shown
    code, shown = on_terminal(["--quiet"], tmp_path / "quiet")
    assert code == 0 and shown == ""
    result = run([*args, "--out", "piped"], tmp_path)  # stderr a pipe: no bar either
    assert result.returncode == 0 and result.stderr == ""
    assert tree(tmp_path / "bar") == tree(tmp_path / "quiet") == tree(tmp_path / "piped")


def _children(pid: int) -> list[tuple[int, str]]:
    """The processes whose parent is `pid`, with their names, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        if int(rest[1]) == pid and rest[0] != "Z":
            found.append((int(entry.name), name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def _interrupt(args, cwd, started, env=None, deadline=120):
    """Run worksheet, wait until `started(children)` says it is at work, send SIGINT; the result
    and the children seen at work."""
    proc = subprocess.Popen([sys.executable, "-m", "worksheet", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    end = time.monotonic() + deadline
    seen: list = []
    while time.monotonic() < end and proc.poll() is None:
        seen = _children(proc.pid)
        if started(seen):
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the command ended before it was seen at work"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    return proc.returncode, stdout, stderr, seen


INTERRUPTED = ["worksheet: interrupted; no partial files were left"]
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(signal, "SIGINT"),
                                reason="POSIX signals and /proc")


@pytest.mark.slow
@needs_proc
def test_ctrl_c_during_the_variants_leaves_nothing_and_a_rerun_completes(tmp_path):
    # Four problems a variant: seconds of work on two worker processes, so the signal comes mid-batch.
    args = ["exam", "--seed", "1", "--variants", "200", "--problems", "4", "--format", "md,tex", "--jobs", "2",
            "--out", "DIR"]

    def workers(seen):  # the pool's processes: the batch has begun
        return len(seen) >= 2

    code, stdout, stderr, seen = _interrupt(args, tmp_path, workers)
    assert code == 130, stderr
    assert stderr.splitlines() == INTERRUPTED and stdout == ""
    assert list(tmp_path.iterdir()) == []
    assert not any(_alive(pid) for pid, _ in seen), "a worker outlived the command"

    assert run(args, tmp_path).returncode == 0
    done = tree(tmp_path / "DIR")
    manifest = json.loads(done["manifest.json"])
    assert len(manifest["students"]) == 200 and set(manifest["files"]) | {"manifest.json"} == set(done)

    # Interrupted while regenerating: the complete exam of before stays, and nothing beside it.
    code, _, stderr, _ = _interrupt(args, tmp_path, workers)
    assert code == 130 and stderr.splitlines() == INTERRUPTED
    assert [p.name for p in tmp_path.iterdir()] == ["DIR"]
    assert tree(tmp_path / "DIR") == done
    assert run(args, tmp_path).returncode == 0
    assert tree(tmp_path / "DIR") == done


@pytest.mark.tex
@pytest.mark.slow
@needs_proc
def test_ctrl_c_during_typesetting_ends_tex_and_leaves_nothing(tmp_path):
    from worksheet.publish.pdf import tex_engine

    if tex_engine() is None:
        skip_or_fail("pdflatex is not installed")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    args = ["exam", "--seed", "1", "--variants", "13", "--format", "md,pdf", "--jobs", "2", "--out", "DIR"]

    def tex_runs(seen):  # two TeX runs at once: past the first student's pass, groups side by side
        return sum(name == "pdflatex" for _, name in seen) >= 2

    code, stdout, stderr, seen = _interrupt(args, tmp_path, tex_runs, env=env)
    assert code == 130, stderr
    assert stderr.splitlines() == INTERRUPTED and stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"]
    assert _leftovers(temp) == [], "a TeX run's temporary folder was left"
    assert not any(_alive(pid) for pid, _ in seen), "pdflatex outlived the command"
    result = subprocess.run([sys.executable, "-m", "worksheet", *args], cwd=tmp_path, capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "DIR" / "sheets").glob("*.pdf"))) == 13
    assert _leftovers(temp) == []


def _leftovers(temp):
    """What a run left in its temporary folder: anything but the compiled templates' cache, which
    outlives runs on purpose, and any half-written file in that cache."""
    cache = [p for p in temp.iterdir() if p.name.startswith("_jinja2-cache-")]
    return sorted([p for p in temp.iterdir() if p not in cache] + [f for c in cache for f in c.glob("*.tmp")])
