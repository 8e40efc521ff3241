"""Spec validation: every bad option or spec file is a SpecError that names the problem."""

from __future__ import annotations

import re

import pytest

from worksheet.errors import SpecError
from worksheet.engine.spec import NetworkSpec, build_spec, read_spec_file

OPTION_ERRORS = [
    ({"activation": "swish"}, "unknown activation 'swish'; allowed: sigmoid, tanh, relu, leaky_relu, linear, softmax"),
    ({"activation": "sigmoid,tanh,relu"}, "3 names given for 2 weight layers"),
    ({"layers": "2-0-2"}, "every layer needs 1 to 10 neurons, got 0"),
    ({"layers": "abc"}, "layers 'abc': expected neuron counts joined by '-'"),
    ({"layers": "2--2"}, "layers '2--2': expected neuron counts"),
    ({"layers": "2-2.5-2"}, "layers '2-2.5-2': expected neuron counts"),
    ({"layers": "3"}, "need at least an input and an output layer"),
    ({"layers": "2-2-2-2-2-2-2-2"}, "7 weight layers; at most 6 are allowed"),
    ({"layers": "2-11-2"}, "every layer needs 1 to 10 neurons, got 11"),
    ({"lr": 0}, "lr 0 is out of range; the learning rate must be > 0"),
    ({"lr": -1}, "lr -1 is out of range"),
    ({"lr": 10.5}, "lr 10.5 is out of range"),
    ({"lr": "abc"}, "lr 'abc' is not a number"),
    ({"lr": float("nan")}, "lr nan is not a finite number"),
    ({"leaky_slope": 1.5}, "leaky_slope 1.5 is out of range"),
    ({"leaky_slope": 0}, "leaky_slope 0 is out of range"),
    ({"loss": "hinge"}, "unknown loss 'hinge'; allowed: half_sse, mse, bce, cross_entropy"),
    ({"activation": "softmax,sigmoid"},
     "activation 'softmax' is allowed on the output layer only, not on weight layer 1"),
    ({"activation": "sigmoid", "loss": "cross_entropy"},
     "loss 'cross_entropy' does not go with a sigmoid output layer"),
    ({"activation": "tanh", "loss": "bce"}, "loss 'bce' does not go with a tanh output layer"),
    ({"activation": "relu", "loss": "bce"}, "loss 'bce' does not go with a relu output layer"),
    ({"activation": "linear", "loss": "bce"}, "loss 'bce' does not go with a linear output layer"),
    ({"layers": "2-1", "activation": "softmax"}, "a softmax output layer needs at least 2 neurons"),
    ({"loss": "bce", "target": [1.2, 0.5]}, "target t1 = 1.2 is outside [0, 1], which bce requires"),
    ({"loss": "bce", "target": [0.5, -0.01]}, "target t2 = -0.01 is outside [0, 1]"),
    ({"activation": "sigmoid,softmax", "loss": "cross_entropy", "target": [0.5, 0.6]},
     "targets sum to 1.1; cross_entropy needs a probability distribution"),
    ({"activation": "sigmoid,softmax", "loss": "cross_entropy", "target": [1.5, -0.5]},
     "target t1 = 1.5 is outside [0, 1]"),
    ({"bias_policy": "sometimes"}, "bias_policy 'sometimes' is not allowed; allowed: trained, frozen"),
    ({"update_order": "random"}, "update_order 'random' is not allowed; allowed: simultaneous, sequential"),
    ({"rounding": "up"}, "rounding 'up' is not allowed; allowed: exact, carried"),
    ({"precision": 1}, "precision 1 is out of range; allowed: 2 to 10"),
    ({"precision": 11}, "precision 11 is out of range"),
    ({"precision": 2.5}, "precision 2.5 is not a whole number"),
    ({"steps": 0}, "steps 0 is out of range; allowed: 1 to 50"),
    ({"steps": 51}, "steps 51 is out of range"),
    ({"seed": -1}, "seed -1 is out of range"),
    ({"bias": "yes"}, "bias 'yes' must be true or false"),
    ({"input": [0.1, 0.2, 0.3]}, "input has 3 values; layers 2-2-2 need 2"),
    ({"target": [0.1]}, "target has 1 values; layers 2-2-2 need 2"),
]


@pytest.mark.parametrize("options, message", OPTION_ERRORS)
def test_bad_options_are_spec_errors_naming_the_problem(options, message):
    with pytest.raises(SpecError, match=re.escape(message)):
        build_spec(options)


def write(tmp_path, text: str, name: str = "spec.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FILE_ERRORS = [
    ('layers = "2-2-2"\nW1 = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]\n',
     "W1 is 3x2; layers 2-2-2 need 2x2 (one row per layer-1 neuron, one column per layer-0 neuron)"),
    ('layers = "2-2-2"\nW2 = [[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]]\n', "W2 is 2x3; layers 2-2-2 need 2x2"),
    ('W1 = [[0.1, "x"], [0.3, 0.4]]\n', "W1 row 1[2] 'x' is not a number"),
    ("W1 = [[0.1, true], [0.3, 0.4]]\n", "W1 row 1[2] True is not a number"),
    ("W1 = [[0.1, inf], [0.3, 0.4]]\n", "W1 row 1[2] inf is not a finite number"),
    ("W1 = [[0.1, 0.2], [0.3]]\n", "W1: rows have different lengths [2, 1]"),
    ("W1 = [0.1, 0.2]\n", "W1 must be a list of rows"),
    ("W1 = []\n", "W1 must be a list of rows"),
    ('input = [0.1, "a"]\n', "input[2] 'a' is not a number"),
    ("input = 0.5\n", "input must be a non-empty list of numbers"),
    ("hidden_units = 3\n", "unknown key 'hidden_units'; allowed: layers, activation"),
    ("W0 = [[0.1]]\n", "unknown key 'W0'"),
    ("[network]\nlayers = \"2-2\"\n", "unknown key 'network'"),
    ("layers = 2-2\n", "not valid TOML"),
    ('layers = "2-2-2"\nlayers = "2-2"\n', "not valid TOML"),
    ("layers = [2, true, 2]\n", "layers '2-True-2': expected neuron counts"),
    ('layers = "2-2"\nb1 = [0.1, 0.2]\nbias = false\n', "b1 is given but bias is off"),
    ('layers = "2-2"\nb1 = [0.1, 0.2, 0.3]\n', "b1 has 3 values; layer 1 of 2-2 has 2 neurons"),
    ('layers = "2-2"\nW2 = [[0.1, 0.2], [0.3, 0.4]]\n', "W2 is given but layers 2-2 have only 1 weight layers"),
    ('loss = "bce"\ntarget = [0.5, 1.01]\n', "target t2 = 1.01 is outside [0, 1], which bce requires"),
    ('activation = "sigmoid,softmax"\nloss = "cross_entropy"\ntarget = [0.3, 0.3]\n', "targets sum to 0.6"),
    ("input = [0.1, 0.2]\nW2 = [[0.1, 0.2]]\n", "spec file gives weights but not W1"),
    ('input = [0.1, 0.2]\nW1 = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]\nW2 = [[0.1, 0.2]]\n',
     "W2 is 1x2; layers 2-3-1 need 1x3"),
]


@pytest.mark.parametrize("text, message", FILE_ERRORS)
def test_bad_spec_files_are_spec_errors_naming_the_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SpecError, match=re.escape(message)):
        build_spec({}, read_spec_file(path))


def test_missing_spec_file(tmp_path):
    with pytest.raises(SpecError, match=re.escape(f"spec file {tmp_path / 'nope.toml'}: no such file")):
        read_spec_file(tmp_path / "nope.toml")


def test_unreadable_spec_files(tmp_path):
    with pytest.raises(SpecError, match=r"a folder; give a file"):
        read_spec_file(tmp_path)
    binary = tmp_path / "latin1.toml"
    binary.write_bytes('title = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SpecError, match=r"line 1: not UTF-8 text \(byte 0xe9\)"):
        read_spec_file(binary)


# ---------------------------------------------------------------- good specs


def test_defaults_are_the_reference_network():
    spec, given = build_spec({})
    assert spec == NetworkSpec()
    assert spec.layers == (2, 2, 2) and spec.activations == ("sigmoid", "sigmoid")
    assert (spec.loss, spec.bias, spec.lr) == ("half_sse", False, 0.5)
    assert not given.weights and given.input is None


def test_command_line_options_override_the_spec_file(tmp_path):
    path = write(tmp_path, 'layers = "3-4-2"\nactivation = "tanh,sigmoid"\nlearning_rate = 0.1\nsteps = 3\n')
    file = read_spec_file(path)
    spec, _ = build_spec({"lr": 0.3, "activation": None, "steps": None, "loss": "mse"}, file)
    assert spec.lr == 0.3  # the option wins
    assert spec.activations == ("tanh", "sigmoid")  # None means "not given": the file's value stands
    assert spec.steps == 3
    assert spec.loss == "mse"
    assert spec.layers == (3, 4, 2)


def test_an_option_can_make_a_file_value_invalid(tmp_path):
    file = read_spec_file(write(tmp_path, 'layers = "3-4-2"\nW1 = [[0.1, 0.2, 0.3]]\n'))
    with pytest.raises(SpecError, match=re.escape("W1 is 1x3; layers 3-4-2 need 4x3")):
        build_spec({}, file)
    with pytest.raises(SpecError, match=re.escape("W1 is 1x3; layers 3-2-2 need 2x3")):
        build_spec({"layers": "3-2-2"}, file)
    spec, given = build_spec({"layers": "3-1-2"}, file)
    assert spec.layers == (3, 1, 2) and given.weights[1] == ((0.1, 0.2, 0.3),)


def test_layers_are_inferred_from_the_spec_file_matrices(tmp_path):
    path = write(tmp_path, """
input = [0.1, 0.2, 0.3]
target = [0.4, 0.6]
W1 = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9], [-0.1, -0.2, -0.3]]
b1 = [0.1, 0.2, 0.3, 0.4]
W2 = [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]
b2 = [0.5, 0.6]
""")
    spec, given = build_spec({}, read_spec_file(path))
    assert spec.layers == (3, 4, 2)
    assert spec.bias  # biases given: bias on
    assert spec.activations == ("sigmoid", "sigmoid")
    assert given.is_complete(spec)
    assert given.weights[2] == ((0.1, 0.2, 0.3, 0.4), (0.5, 0.6, 0.7, 0.8))


def test_spec_file_aliases_and_numbers_as_text(tmp_path):
    path = write(tmp_path, 'activations = ["relu", "linear"]\nlearning_rate = 0.25\nlayers = [2, 3, 1]\nseed = "12"\n')
    spec, _ = build_spec({}, read_spec_file(path))
    assert spec.activations == ("relu", "linear")
    assert spec.lr == 0.25
    assert spec.layers == (2, 3, 1)
    assert spec.seed == 12


def test_shipped_reference_spec_is_valid():
    from worksheet.api import reference_spec_path

    spec, given = build_spec({}, read_spec_file(reference_spec_path()))
    assert spec.layers == (2, 2, 2) and given.is_complete(spec)
    assert given.weights[1] == ((0.15, 0.20), (0.25, 0.30))
