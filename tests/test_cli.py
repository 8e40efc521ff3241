"""The command line: bad input is one line on stderr, exit code 2 and no files; good input writes
the documented JSON."""

from __future__ import annotations

import json
import math
import subprocess
import sys

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
