"""The command line: bad input is one line on stderr, exit code 2 and no files; good input writes
the documented JSON."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

SPEC_FILES = {
    "wrong_shape.toml": 'layers = "2-2-2"\nW1 = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]\n',
    "not_a_number.toml": 'layers = "2-2-2"\nW1 = [[0.1, "zero"], [0.4, 0.5]]\n',
    "bce_target.toml": 'loss = "bce"\ntarget = [0.5, 1.5]\n',
    "invalid.toml": "layers = 2-2-2\n",
}

BAD_INPUTS = [
    (["--activation", "swish"], "unknown activation 'swish'"),
    (["--layers", "2-0-2"], "every layer needs 1 to 10 neurons, got 0"),
    (["--layers", "abc"], "layers 'abc': expected neuron counts"),
    (["--layers", "2-2-2-2-2-2-2-2"], "7 weight layers"),
    (["--lr", "0"], "lr 0 is out of range"),
    (["--lr", "-1"], "lr -1 is out of range"),
    (["--lr", "abc"], "--lr"),
    (["--activation", "softmax,sigmoid"], "output layer only"),
    (["--loss", "cross_entropy"], "does not go with a sigmoid output layer"),
    (["--spec", "wrong_shape.toml"], "W1 is 2x3; layers 2-2-2 need 2x2"),
    (["--spec", "not_a_number.toml"], "'zero' is not a number"),
    (["--spec", "bce_target.toml"], "target t2 = 1.5 is outside [0, 1]"),
    (["--spec", "invalid.toml"], "not valid TOML"),
    (["--spec", "missing.toml"], "no such file"),
    (["--format", "docx"], "format 'docx' is not known"),
]


def run(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "worksheet", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.mark.parametrize("args, message", BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_is_one_error_line_and_no_files(tmp_path, args, message):
    for name, text in SPEC_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run(["generate", "--seed", "1", "--format", "json", "--out", str(out), *args], tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("worksheet: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SPEC_FILES)  # nothing else written


def test_generate_writes_the_documented_json(tmp_path):
    out = tmp_path / "DIR"
    result = run(
        ["generate", "--seed", "7", "--layers", "3-4-2", "--activation", "tanh,sigmoid", "--loss", "half_sse",
         "--bias", "--lr", "0.3", "--format", "json", "--out", str(out)],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == ["solution.json"]
    assert result.stdout.strip() == str(out / "solution.json")
    data = json.loads((out / "solution.json").read_text(encoding="utf-8"))

    assert data["schema"] == "worksheet.solution/1"
    assert data["seed"] == 7
    network = data["network"]
    assert {"layers", "activations", "loss", "bias", "bias_policy", "learning_rate", "leaky_slope",
            "update_order", "rounding", "precision"} <= set(network)
    assert network["layers"] == [3, 4, 2]
    assert network["activations"] == ["tanh", "sigmoid"]
    assert (network["loss"], network["bias"], network["learning_rate"]) == ("half_sse", True, 0.3)
    assert network["bias_policy"] == "trained"
    assert (network["update_order"], network["rounding"]) == ("simultaneous", "exact")
    assert network["leaky_slope"] == 0.01 and network["precision"] == 5
    assert len(data["input"]) == 3 and len(data["target"]) == 2
    assert {"terms", "total", "after_update"} <= set(data["loss"])
    assert data["loss"]["total"] == pytest.approx(math.fsum(data["loss"]["terms"]), rel=1e-15)

    layers = data["layers"]
    assert len(layers) == 2
    sizes = network["layers"]
    a_prev = data["input"]
    for l, layer in enumerate(layers, start=1):
        assert {"W", "b", "z", "a", "delta", "grad_W", "grad_b", "W_new", "b_new"} <= set(layer)
        rows, cols = sizes[l], sizes[l - 1]
        for key in ("W", "grad_W", "W_new"):
            assert len(layer[key]) == rows and all(len(r) == cols for r in layer[key])
        for key in ("b", "z", "a", "delta", "grad_b", "b_new"):
            assert len(layer[key]) == rows
        # W[j][i] connects neuron i of the previous layer to neuron j of this one.
        for j in range(rows):
            z = math.fsum(layer["W"][j][i] * a_prev[i] for i in range(cols)) + layer["b"][j]
            assert layer["z"][j] == pytest.approx(z, rel=1e-12)
            for i in range(cols):
                assert layer["grad_W"][j][i] == pytest.approx(layer["delta"][j] * a_prev[i], rel=1e-12)
                assert layer["W_new"][j][i] == pytest.approx(layer["W"][j][i] - 0.3 * layer["grad_W"][j][i], rel=1e-12)
        a_prev = layer["a"]
    assert layers[0]["a"] == pytest.approx([math.tanh(z) for z in layers[0]["z"]], rel=1e-15)

    by_name = {p["name"]: p for p in data["parameters"]}
    w = by_name["w7"]  # layer 1, row 3, column 1: I1 -> H3
    assert (w["layer"], w["j"], w["i"], w["from"], w["to"]) == (1, 3, 1, "I1", "H3")
    assert w["value"] == layers[0]["W"][2][0]
    w = by_name["w14"]  # layer 2: 12 weights before it, row 1, column 2: H2 -> O1
    assert (w["layer"], w["j"], w["i"], w["from"], w["to"]) == (2, 1, 2, "H2", "O1")
    assert w["grad"] == layers[1]["grad_W"][0][1]


def test_help_and_version_exit_cleanly(tmp_path):
    result = run(["--version"], tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("worksheet ")
    result = run(["generate", "--help"], tmp_path)
    assert result.returncode == 0 and "--layers" in result.stdout and result.stderr == ""


def test_the_start_up_benchmarks_floor_declares_the_same_commands():
    """benchmarks/startup.py compares `worksheet --help` with a bare Typer app of the same commands."""
    import importlib.util
    from pathlib import Path

    from worksheet.cli import app

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bare_app.py"
    spec = importlib.util.spec_from_file_location("bare_app", path)
    bare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bare)

    def described(typer_app):
        return sorted((c.name or c.callback.__name__, c.callback.__doc__) for c in typer_app.registered_commands)

    assert described(bare.app) == described(app)


def test_no_arguments_print_where_to_start(tmp_path):
    result = run([], tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    commands = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  worksheet ")]
    assert commands == ["generate", "practice", "exam"]
    assert "seed" in result.stdout
    assert list(tmp_path.iterdir()) == []


COMMANDS = ["generate", "reference", "specs", "practice", "exam", "grade"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_gives_every_option_its_default_and_no_value_placeholder_for_flags(tmp_path, command):
    import typer

    from worksheet.cli import app

    result = run([command, "--help"], tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert "<bool>" not in result.stdout and "BOOLEAN" not in result.stdout
    group = typer.main.get_command(app)
    for param in group.commands[command].params:
        if not param.required and param.name != "help":
            assert "[default: " in (param.help or ""), f"{command} {param.opts[0]} states no default"
            assert param.opts[0] in result.stdout


def test_help_names_every_activation_and_loss():
    import typer

    from worksheet.cli import app
    from worksheet.engine.activations import ACTIVATIONS
    from worksheet.engine.losses import LOSSES

    helps = {p.name: p.help for p in typer.main.get_command(app).commands["generate"].params}
    assert all(name in helps["activation"] for name in ACTIVATIONS)
    assert all(name in helps["loss"] for name in LOSSES)


@pytest.mark.slow
def test_generate_without_a_seed_draws_one_and_says_how_to_get_it_again(tmp_path):
    result = run(["generate", "--format", "md,json"], tmp_path)
    assert result.returncode == 0, result.stderr
    (note,) = result.stderr.splitlines()
    seed = int(note.split("seed ")[1].split()[0])
    assert note == f"worksheet: note: seed {seed} was used; --seed {seed} gives the same problem"
    folder = tmp_path / "output" / f"seed-{seed}"
    assert result.stdout.splitlines() == [str(folder / "solution.json"), str(folder / "walkthrough.md"),
                                          f"open first: {folder / 'walkthrough.md'}"]
    again = run(["generate", "--seed", str(seed), "--format", "md,json", "--out", "again"], tmp_path)
    assert again.returncode == 0 and again.stderr == ""
    for name in ("solution.json", "walkthrough.md"):
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes()


@pytest.mark.slow
def test_built_in_specs_by_name_from_any_folder(tmp_path):
    from worksheet.resources import specs_dir

    result = run(["specs"], tmp_path)
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()[:-1]]
    assert names == sorted(p.stem for p in specs_dir().glob("*.toml")) and "reference" in names
    by_name = run(["generate", "--spec", "mazur", "--format", "json", "--out", "a"], tmp_path)
    by_path = run(["generate", "--spec", str(specs_dir() / "mazur.toml"), "--format", "json", "--out", "b"], tmp_path)
    assert by_name.returncode == 0 and by_path.returncode == 0, by_name.stderr + by_path.stderr
    assert (tmp_path / "a" / "solution.json").read_bytes() == (tmp_path / "b" / "solution.json").read_bytes()
    unknown = run(["generate", "--spec", "nosuch"], tmp_path)
    assert unknown.returncode == 2 and "built-in: hmkcode, mazur, reference" in unknown.stderr


@pytest.mark.slow
def test_every_command_says_where_its_files_went_and_what_to_open_first(tmp_path):
    result = run(["practice", "--seed", "3", "--format", "md,json", "--out", "p"], tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    folder = tmp_path / "p"
    assert result.stdout.splitlines() == [str(folder / name) for name in ("key.json", "key.md", "practice.md")] + [
        f"open first: {folder / 'practice.md'}"]
    result = run(["exam", "--seed", "3", "--variants", "2", "--format", "md", "--out", "e"], tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    count = sum(1 for p in (tmp_path / "e").rglob("*") if p.is_file())
    assert result.stdout.splitlines() == [f"wrote {count} files to {tmp_path / 'e'}",
                                          f"open first: {tmp_path / 'e' / 'sheets' / '1.md'}"]


def test_the_library_prints_nothing_and_writes_nothing(tmp_path, monkeypatch, capfd):
    import worksheet

    monkeypatch.chdir(tmp_path)
    docs = worksheet.generate(worksheet.Network(layers="3-2"), formats=("md", "json"))
    exam = worksheet.exam(worksheet.Network(seed=1), variants=2, formats=("md",))
    assert list(tmp_path.iterdir()) == []
    assert capfd.readouterr() == ("", "")
    assert docs.notes == (f"seed {docs.seed} was used; --seed {docs.seed} gives the same problem",)
    assert docs.folder == Path("output") / f"seed-{docs.seed}"
    assert set(docs.files) == {"walkthrough.md", "solution.json"} and docs.open_first == "walkthrough.md"
    assert exam.folder.name == "backpropagation-exam" and "manifest.json" in exam.files
    written = worksheet.write(exam)
    assert sorted(p.relative_to(exam.folder).as_posix() for p in written) == sorted(exam.files)


def test_help_loads_no_heavy_module():
    code = ("import sys, contextlib, io\nfrom worksheet.cli import app\n"
            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
            "    app(['generate', '--help'])\n"
            "print(sorted(m for m in ('numpy', 'sympy', 'jinja2', 'pypdf', 'rich') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_compiled_templates_cache_changes_no_byte(tmp_path):
    """Compiled templates are cached in the temporary folder between runs; a cache that is new,
    warm, corrupt or unsafe gives the same documents."""
    import os

    def generate(name, tmp):
        env = {**os.environ, "TMPDIR": str(tmp)}
        result = subprocess.run([sys.executable, "-m", "worksheet", "generate", "--seed", "3", "--format",
                                 "md,tex", "--out", str(tmp_path / name)], capture_output=True, text=True,
                                env=env, timeout=120)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        return {p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())}

    fresh = tmp_path / "tmp-fresh"
    fresh.mkdir()
    first = generate("cold", fresh)
    (cache,) = fresh.glob("_jinja2-cache-*")
    files = sorted(cache.glob("worksheet-*.cache"))
    assert files, "the first run caches its compiled templates"
    assert generate("warm", fresh) == first
    for path in files:
        path.write_bytes(b"not bytecode")
    assert generate("corrupt", fresh) == first
    unsafe = tmp_path / "tmp-unsafe"
    unsafe.mkdir()
    (unsafe / cache.name).write_text("a file where the cache folder belongs")
    assert generate("unsafe", unsafe) == first


def test_documents_show_their_files_by_name_and_size():
    from worksheet.api import generate
    from worksheet.options import Network

    docs = generate(Network(seed=42), formats=("json",))
    size = len(docs.files["solution.json"])
    assert repr(docs) == (f"Documents(folder='output/seed-42', files={{solution.json: {size} bytes}}, "
                          "open_first='solution.json')")
    assert docs == generate(Network(seed=42), formats=("json",))  # compared by their fields, bytes included


@pytest.mark.parametrize("args", [
    ["generate", "--out", ""], ["generate", "--out="], ["exam", "--roster", "", "--variants", "2"],
    ["practice", "--seed", "3", "--title", ""],
])
def test_an_option_given_no_value_is_one_error_line(tmp_path, args):
    """`--out ""` would write into the current folder; every option given an empty value is refused."""
    result = run(args, tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    option = next(a for a in args if a.startswith("--") and (a.endswith("=") or args[args.index(a) + 1] == ""))
    assert result.stderr.strip().splitlines() == [f"worksheet: error: option {option.rstrip('=')}: the value is empty"]
    assert list(tmp_path.iterdir()) == []


def test_an_empty_value_after_the_end_of_options_is_an_argument(tmp_path):
    assert run(["generate", "--seed", "3", "--format", "json", "--out", str(tmp_path / "o"), "--", ""],
               tmp_path).stderr.find("the value is empty") == -1
