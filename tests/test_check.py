"""Tests of `worksheet check`: names in every notation, arithmetic lines, the original reference's
slips, no slip in this project's own walkthroughs, and injected slips found on their lines."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from mdcheck import skip_or_fail
from worksheet.api import render_documents
from worksheet.check.arith import NotArithmetic, evaluate
from worksheet.check.corrections import corrections, findings
from worksheet.check.document import Report, check, problem, read_document
from worksheet.check.names import Names, Ref
from worksheet.check.report import render
from worksheet.check.verdicts import DRIFT, SLIP, check_lines
from worksheet.errors import InputFileError, SpecError

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
# The original reference document, written for GitHub; CI lays shared/ beside the clone.
ORIGINAL = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_d20166ee3d0b4582.txt"


def reference_trace():
    return problem({}, SPECS / "reference.toml")


def walkthrough(options: dict, spec: Path | None = None) -> tuple[list[str], object]:
    trace = problem(options, spec)
    text = render_documents(trace, ("md",), "walkthrough")["walkthrough.md"]
    return text.splitlines(), trace


def slips(found) -> list:
    return [f for f in found if f.kind == SLIP]


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("text, ref", [
    ("o_1", Ref("a", 2, 0)),
    ("o₁", Ref("a", 2, 0)),
    ("out_{o1}", Ref("a", 2, 0)),
    (r"\text{net}_{h1}", Ref("z", 1, 0)),
    ("net_{h2}", Ref("z", 1, 1)),
    ("E_{total}", Ref("E")),
    ("E_{o1}", Ref("E_k", 0, 0)),
    (r"\frac{\partial E_{total}}{\partial w_5}", Ref("grad_W", 2, 0, 0)),
    (r"\partial E / \partial w_5", Ref("grad_W", 2, 0, 0)),
    ("∂E/∂w₅", Ref("grad_W", 2, 0, 0)),
    (r"\frac{\partial E_{total}}{\partial out_{o1}}", Ref("dE_do", 2, 0)),
    (r"\frac{\partial out_{o1}}{\partial net_{o1}}", Ref("derivative", 2, 0)),
    (r"\frac{\partial E_{total}}{\partial out_{h1}}", Ref("error", 1, 0)),
    (r"\delta_{o1}", Ref("delta", 2, 0)),
    ("δ_o2", Ref("delta", 2, 1)),
    (r"\delta_{o1} \times w_5", Ref("path", 1, 0, 0)),
    ("w_5^{+}", Ref("W_new", 2, 0, 0)),
    ("w5 new", Ref("W_new", 2, 0, 0)),
    (r"w_{6,\text{new}}", Ref("W_new", 2, 0, 1)),
    ("w_5^{new}", Ref("W_new", 2, 0, 0)),
    ("h_1(1 - h_1)", Ref("derivative", 1, 0)),
    # the i, j, k notation of the bias notes: layer l in the superscript, neurons j, i below
    ("a^{(1)}_{2}", Ref("a", 1, 1)),
    ("z^{(2)}_{1}", Ref("z", 2, 0)),
    (r"\delta^{(1)}_{2}", Ref("delta", 1, 1)),
    ("w^{(2)}_{12}", Ref("W", 2, 0, 1)),
    (r"\frac{\partial E}{\partial w^{(1)}_{21}}", Ref("grad_W", 1, 1, 0)),
    ("I_1", Ref("input", 0, 0)),
    ("t_2", Ref("target", 2, 1)),
])
def test_names_of_the_reference_network(text, ref):
    spec = reference_trace().spec
    assert Names(spec).lookup(text) == ref


def test_names_of_a_deeper_network_with_biases():
    trace = problem({"seed": 5, "layers": "3-3-2-2", "activation": "relu,tanh,softmax",
                     "loss": "cross_entropy", "bias": True})
    names = Names(trace.spec)
    assert names.lookup("h^{(2)}_{1}") == Ref("a", 2, 0)
    assert names.lookup(r"\text{net}_{h^{(1)}_{3}}") == Ref("z", 1, 2)
    assert names.lookup(r"\frac{\partial E}{\partial b^{(1)}_{2}}") == Ref("grad_b", 1, 1)
    assert names.lookup("b_{o1}^{new}") == Ref("b_new", 3, 0)
    assert names.lookup(r"\frac{\partial E}{\partial w_{16}}") == Ref("grad_W", 3, 0, 0)
    assert names.lookup("q_1") is None


# ---------------------------------------------------------------- arithmetic


@pytest.mark.parametrize("expr, value", [
    (r"0.59648 \times 0.23866", "0.1423559168"),
    ("0.05 × 0.15 + 0.10 × 0.20", "0.0275"),
    ("(0.05)(0.15) + (0.10)(0.20)", "0.0275"),
    (r"\frac{1}{2}(-0.59635)^2", "0.17781666125"),
    (r"0.45 - 0.5 \times (-0.07277)", "0.486385"),
    (r"\frac{1}{1.9729}", "0.50686806"),
    ("σ(0.0275)", "0.50687457"),
    (r"\frac{1}{1 + e^{-0.0275}}", "0.50687457"),
    ("e^{-0.43253}", "0.64886539"),
    (r"\ln 0.69427", "-0.36489435"),
    (r"\tanh(0.5)", "0.46211716"),
])
def test_arithmetic_lines_evaluate(expr, value):
    assert abs(evaluate(expr).lo - Decimal(value)) < Decimal("1e-8")


@pytest.mark.parametrize("text", ["0.5", "o_1 - t_1", r"\sigma(x)", "1 / 0", "", "0.5 +"])
def test_what_is_not_arithmetic(text):
    with pytest.raises(NotArithmetic):
        evaluate(text)


def test_rounded_operands_reach_more_than_the_exact_value():
    # 1.75950 stands for anything in [1.759495, 1.759505]: products from 0.72139295 to 0.72139705,
    # written 0.72139 or 0.72140.
    wide = evaluate(r"1.75950 \times 0.41", wide=True, precision=5)
    assert wide.lo <= Decimal("0.72139") and Decimal("0.72140") <= wide.hi
    assert evaluate(r"1.75950 \times 0.41").lo == Decimal("0.7213950")


def test_arithmetic_slip_and_drift():
    lines = [
        r"$0.59635 \times 0.23886 = 0.14247$",  # 0.142444: a slip
        r"$1.75950 \times 0.41 = 0.72139$",  # 0.72140 from the printed operands; reachable
        r"$0.05 \times 0.15 = 0.0075$",
    ]
    found = check_lines(lines, reference_trace())
    assert [(f.line, f.printed, f.correct, f.kind) for f in found] == [
        (1, "0.14247", "0.14244", SLIP), (2, "0.72139", "0.72140", DRIFT)]


# ---------------------------------------------------------------- the original reference


@pytest.fixture(scope="module")
def original() -> list[str]:
    if not ORIGINAL.is_file():
        skip_or_fail(f"reference document {ORIGINAL} is missing")
    return ORIGINAL.read_text(encoding="utf-8").splitlines()


def _printed_reference():
    from worksheet.documents.reference_original import REFERENCE_PRINTED

    return REFERENCE_PRINTED


def test_corrections_table_comes_from_the_checker():
    from worksheet import api

    trace = reference_trace()
    md = api.reference(formats=("md",)).files["reference.md"].decode("utf-8")
    table = md.split("## Corrections to the Original Walkthrough")[1].split("\n## ")[0]
    cells = [[c.strip() for c in line.strip("|").split(" | ")] for line in table.splitlines()
             if line.startswith("| ") and not line.startswith("| Quantity")]
    shown = [{"label": label, "printed": printed.strip("$"), "exact": exact.strip("$")} for label, printed, exact in cells]
    rows = corrections(_printed_reference(), trace)
    assert shown == rows
    # Every row is a value the original printed that the correct computation does not give.
    assert len(rows) == 31 and all(r["printed"] != r["exact"] for r in rows)


# The three corrections a hand computation rounding to 5 decimals can reach: the carried
# walkthrough of the reference network itself prints 0.000376 for dE/dw2.
REACHABLE = {r"$\partial E / \partial w_2$", r"$\partial E / \partial w_4$", "$w_4^{new}$"}


def test_corrections_are_slips_except_the_reachable_ones():
    kinds = {label: f.kind for label, f in findings(_printed_reference(), reference_trace())}
    assert {label for label, kind in kinds.items() if kind == DRIFT} == REACHABLE
    assert len(kinds) == len(_printed_reference()) - 4  # w1..w3 new and dE/dw1 are right


def test_every_correction_is_found_on_its_lines(original):
    trace = reference_trace()
    found = check_lines(original, trace)
    for label, expected in findings(_printed_reference(), trace):
        hits = [f for f in found if f.source == "value" and f.printed == expected.printed
                and f.what == expected.what]
        assert hits, f"{label} = {expected.printed} not reported"
        assert all(f.kind == expected.kind for f in hits)
        assert all(expected.printed in original[f.line - 1] for f in hits)
    assert {f.kind for f in found if f.source == "value" and f.what in {e.what for _, e in findings(
        _printed_reference(), trace) if e.kind == SLIP}} == {SLIP}


def test_no_slip_before_the_output_activations(original):
    found = check_lines(original, trace := reference_trace())
    first_output = min(n for n, line in enumerate(original, start=1) if "0.60635" in line)
    early = [f for f in found if f.line < first_output]
    assert early == []
    names = {"net_h1", "net_h2", "h1", "h2", "net_o1", "net_o2", "I1", "I2"} | {f"w{k}" for k in range(1, 9)}
    assert [f for f in found if f.what in names] == []
    assert trace.spec.layers == (2, 2, 2)


def test_original_reference_on_the_command_line(original, capsys):
    from worksheet.cli import app

    code = app(["check", str(ORIGINAL), "--spec", "reference", "--format", "json"], standalone_mode=False)
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["slips"] == len(data["findings"]) > 30 and data["drift"] == 0


# ---------------------------------------------------------------- this project's walkthroughs


def test_the_reference_walkthrough_has_no_slip():
    lines = read_document(ROOT / "output" / "reference.md")
    assert slips(check_lines(lines, reference_trace())) == []


CONFIGS = [
    {"seed": 42},
    {"seed": 7, "layers": "3-4-2", "activation": "tanh,sigmoid", "bias": True, "lr": 0.3},
    {"seed": 5, "layers": "3-3-2-2", "activation": "relu,tanh,softmax", "loss": "cross_entropy", "bias": True},
    {"seed": 12, "layers": "2-3-2", "update_order": "sequential"},
    {"seed": 14, "layers": "4-3-3-2", "activation": "leaky_relu,relu,sigmoid", "loss": "bce", "bias": True,
     "bias_policy": "frozen"},
    {"seed": 15, "layers": "3-2", "activation": "linear", "loss": "mse"},
    {"seed": 16, "layers": "2-4-3", "activation": "tanh,softmax", "loss": "bce", "bias": True},
    {"seed": 17, "layers": "5-6-6-6-3", "bias": True, "precision": 6},
    {"seed": 18, "layers": "2-2-2-2-2", "activation": "tanh,relu,leaky_relu,sigmoid", "loss": "mse",
     "leaky_slope": 0.1},
    {"seed": 19, "layers": "3-3-3", "activation": "relu,softmax", "loss": "cross_entropy", "precision": 3},
    {"seed": 20, "layers": "2-3-2", "update_order": "sequential", "steps": 2, "bias": True},
    {"seed": 11, "precision": 4, "steps": 3},
]
SPEC_FILES = ["mazur", "hmkcode", "reference"]


def _name(config) -> str:
    return " ".join(f"{k}={v}" for k, v in config.items())


@pytest.mark.slow
def test_a_walkthrough_has_no_slip():
    lines, trace = walkthrough({"seed": 42})
    assert slips(check_lines(lines, trace)) == []


@pytest.mark.slow
@pytest.mark.parametrize("rounding", ["exact", "carried"])
@pytest.mark.parametrize("config", CONFIGS + [{"spec": s} for s in SPEC_FILES], ids=_name)
def test_walkthroughs_have_no_slip(config, rounding):
    config = dict(config)
    spec = SPECS / f"{config.pop('spec')}.toml" if "spec" in config else None
    lines, trace = walkthrough({**config, "rounding": rounding}, spec)
    assert slips(check_lines(lines, trace)) == []


# ---------------------------------------------------------------- injected slips

_RESULTS = [
    re.compile(r"\\boxed\{(-?\d+\.\d+)\}"),
    re.compile(r"\|\s*\**\$(-?\d+\.\d+)\$\**\s*(?:\[\^exact\])?\s*\|\s*$"),
    re.compile(r"= (-?\d+\.\d+)(?=\$(?!\$)|\s*$)"),
]
_SKIPPED = re.compile(r"^#+ .*(?:Gradient Descent Over|Corrections)|^#+ ")


def result_sites(lines: list[str], precision: int) -> list[tuple[int, int, int, str]]:
    """(line index, start, end, text) of the results a walkthrough prints: boxed values, the last
    cell of a table row, the number after the last `=` of a formula; computed values only."""
    sites = []
    fence = skip = False
    for n, line in enumerate(lines):
        if line.startswith("```"):
            fence = not fence
        if line.startswith("#"):
            skip = bool(re.search(r"Gradient Descent Over|Corrections|Parameters After", line))
        if fence or skip or "After" in line or "after the update" in line:
            continue
        for pattern in _RESULTS:
            matches = list(pattern.finditer(line))
            if matches:
                m = matches[-1]
                text = m.group(1)
                digits = text.lstrip("-").replace(".", "").lstrip("0")
                if len(text.split(".")[1]) >= precision or len(digits) >= 3:
                    if Decimal(text) != 0:
                        sites.append((n, m.start(1), m.end(1), text))
                break
    return sites


def _digit(text: str, rng: random.Random) -> str:
    """The second significant digit changed."""
    first = next(k for k, ch in enumerate(text) if ch in "123456789")
    k = first + 1 if first + 1 < len(text) and text[first + 1] != "." else first + 2
    k = min(k, len(text) - 1)
    new = str((int(text[k]) + 1 + rng.randrange(8)) % 10)
    return text[:k] + new + text[k + 1:]


def _shifted(text: str) -> str:
    """A product with its decimal point misplaced: ten times the value, same decimals."""
    places = len(text.split(".")[1])
    return format((Decimal(text) * 10).quantize(Decimal(1).scaleb(-places)), "f")


def inject(lines: list[str], precision: int, count: int, seed: int) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Slips in `count` result sites on distinct lines: a digit changed, a sign dropped, a product
    miscomputed, a value copied from the neighbouring neuron's line. Returns the document and
    (line number, printed before, printed after) of each."""
    rng = random.Random(seed)
    sites = result_sites(lines, precision)
    chosen = sorted(rng.sample(range(len(sites)), min(count, len(sites))))
    out = list(lines)
    done = []
    for n, index in enumerate(chosen):
        row, start, end, text = sites[index]
        kind = ("digit", "sign", "product", "neighbour")[n % 4]
        if kind == "sign" and not text.startswith("-"):
            kind = "digit"
        if kind == "product" and "times" not in lines[row][:start] and "×" not in lines[row][:start]:
            kind = "digit"
        if kind == "digit":
            new = _digit(text, rng)
        elif kind == "sign":
            new = text[1:]
        elif kind == "product":
            new = _shifted(text)
        else:
            near = [s for s in sites if s[0] != row and Decimal(s[3]) != Decimal(text) and abs(s[0] - row) < 40
                    and len(s[3].split(".")[1]) == len(text.split(".")[1])]
            new = min(near, key=lambda s: abs(s[0] - row))[3] if near else _digit(text, rng)
        if Decimal(new) == Decimal(text):
            continue
        out[row] = out[row][:start] + new + out[row][end:]
        done.append((row + 1, text, new))
    return out, done


def injection_score(config: dict, count: int, seed: int, spec: Path | None = None):
    lines, trace = walkthrough(config, spec)
    assert slips(check_lines(lines, trace)) == []
    bad, injected = inject(lines, trace.spec.precision, count, seed)
    found = slips(check_lines(bad, trace))
    hit = {(f.line, Decimal(f.printed)) for f in found}
    caught = [s for s in injected if (s[0], Decimal(s[2])) in hit]
    lines_injected = {s[0] for s in injected}
    false = [f for f in found if f.line not in lines_injected]
    return injected, caught, false


def test_injected_slips_are_found_on_their_lines():
    injected, caught, false = injection_score({"seed": 42}, count=30, seed=1)
    assert len(injected) >= 25
    assert len(caught) >= 0.95 * len(injected), sorted(set(injected) - set(caught))
    assert false == []


@pytest.mark.slow
@pytest.mark.parametrize("rounding", ["exact", "carried"])
@pytest.mark.parametrize("config", CONFIGS[:10], ids=_name)
def test_injected_slips_in_the_spread(config, rounding):
    injected, caught, false = injection_score({**config, "rounding": rounding}, count=40, seed=len(_name(config)))
    assert len(injected) >= 30
    assert len(caught) >= 0.95 * len(injected), sorted(set(injected) - set(caught))
    assert false == []


# ---------------------------------------------------------------- the command


HANDWRITTEN = """# Backprop by hand

Forward pass: $\\text{net}_{h1} = 0.05 \\times 0.15 + 0.10 \\times 0.20 = 0.0275$, so
$h_1 = \\sigma(0.0275) = 0.50687$ and $o_1 = 0.60648$.

$$
\\delta_{o1} = 0.59648 \\times 0.23866 = 0.14263
$$

| Weight | Gradient |
|--------|----------|
| $w_5$ | $0.07216$ |
| $w_6$ | $0.07296$ |
"""


def test_exit_codes_and_formats(tmp_path, capsys):
    from worksheet.cli import app

    doc = tmp_path / "solution.md"
    doc.write_text(HANDWRITTEN, encoding="utf-8")
    assert app(["check", str(doc), "--spec", "reference"], standalone_mode=False) == 1
    table = capsys.readouterr().out
    assert "delta_o1" in table and "0.14263" in table and "dE/dw6" in table
    assert app(["check", str(doc), "--spec", "reference", "--format", "md"], standalone_mode=False) == 1
    md = capsys.readouterr().out
    assert md.startswith("| Line | Quantity | Printed | Correct | Kind |")
    clean = tmp_path / "clean.md"
    clean.write_text(HANDWRITTEN.replace("0.14263", "0.14236").replace("0.07296", "0.07269"), encoding="utf-8")
    assert app(["check", str(clean), "--spec", "reference"], standalone_mode=False) == 0
    assert capsys.readouterr().out.endswith(" checked, 0 slips\n")


@pytest.mark.parametrize("config", [{"seed": 42}, {"seed": 5, "layers": "3-3-2-2", "activation": "relu,tanh,softmax",
                                                  "loss": "cross_entropy", "bias": True, "rounding": "carried"}],
                         ids=_name)
def test_latex_walkthroughs(config):
    trace = problem(config)
    lines = render_documents(trace, ("tex",), "walkthrough")["walkthrough.tex"].splitlines()
    assert slips(check_lines(lines, trace)) == []
    row, text = next((n, line) for n, line in enumerate(lines) if re.search(r"\\boxed\{0\.\d{5}\}", line))
    value = re.search(r"\\boxed\{(0\.\d{5})\}", text).group(1)
    wrong = value[:3] + str((int(value[3]) + 5) % 10) + value[4:]
    lines[row] = text.replace(value, wrong)
    assert {(f.line, f.printed) for f in slips(check_lines(lines, trace))} == {(row + 1, wrong)}


def test_plain_text_and_latex(tmp_path):
    trace = reference_trace()
    text = ["o1 = 0.60635, E_total = 0.24252", r"\[ \delta_{o1} = 0.14236 \]",
            r"$w_5^{+}$ & $0.36392$ \\", "w5 new = 0.36391"]
    found = check_lines(text, trace)
    assert [(f.line, f.what, f.kind) for f in found] == [(1, "o1", SLIP), (4, "w5_new", SLIP)]


@pytest.mark.parametrize("args, message", [
    (["missing.md", "--spec", "reference"], "no such file"),
    (["{doc}", "--spec", "nonexistent"], "neither a file nor a built-in spec"),
    (["{doc}"], "give the problem"),
    (["{doc}", "--spec", "reference", "--format", "html"], "format 'html' is not known"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    import subprocess
    import sys

    doc = tmp_path / "doc.md"
    doc.write_text("$o_1 = 0.60648$\n", encoding="utf-8")
    args = [a.replace("{doc}", str(doc)) for a in args]
    result = subprocess.run([sys.executable, "-m", "worksheet", "check", *args], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_binary_and_undecodable_files_are_bad_input(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_bytes(b"\xff\xfe\x00o_1")
    with pytest.raises(InputFileError):
        read_document(doc)


def test_report_json_lists_drift_only_when_strict(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("$1.75950 \\times 0.41 = 0.72139$\n", encoding="utf-8")
    quiet = check(doc, {}, SPECS / "reference.toml")
    strict = check(doc, {}, SPECS / "reference.toml", strict=True)
    assert quiet.findings == () and quiet.exit_code == 0
    data = json.loads(render(strict, "json"))
    assert data["drift"] == 1 and data["findings"][0]["kind"] == DRIFT and strict.exit_code == 0
    assert isinstance(strict, Report)


@pytest.mark.slow
@pytest.mark.tex
def test_pdf_through_pdftotext(tmp_path):
    import shutil

    if shutil.which("pdftotext") is None or shutil.which("pdflatex") is None:
        skip_or_fail("pdftotext and pdflatex are needed to read a PDF")
    from worksheet.publish.pdf import compile_pdf

    tex = "\\documentclass{article}\\begin{document}\n$o_1 = 0.60635$\n\n$E_{total} = 0.24252$\n\\end{document}\n"
    pdf = tmp_path / "solution.pdf"
    pdf.write_bytes(compile_pdf(tex, name="solution.tex"))
    report = check(pdf, {}, SPECS / "reference.toml")
    assert [(f.what, f.printed, f.kind) for f in report.findings] == [("o1", "0.60635", SLIP)]


def test_unknown_built_in_spec_names_the_known_ones():
    with pytest.raises(SpecError, match="mazur"):
        problem({}, Path("mazurr"))


def test_readme_example_is_what_the_command_prints(tmp_path, monkeypatch, capsys):
    from worksheet.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Checking a worked solution", 1)[1]
    solution = section.split("```markdown\n", 1)[1].split("```\n", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```\n", 1)[0]
    command, _, output = shown.partition("\n")
    (tmp_path / "solution.md").write_text(solution, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert command == "$ worksheet check solution.md --spec reference"
    assert app(command.split()[2:], standalone_mode=False) == 1
    assert capsys.readouterr().out == output


def test_scientific_notation():
    lines = [r"$\frac{\partial E}{\partial w_1} = 1.88 \times 10^{-4}$",
             r"$\frac{\partial E}{\partial w_2} = 3.67 \times 10^{-4}$",
             r"$0.00376 \times 0.10 = 3.76 \times 10^{-4}$"]
    found = check_lines(lines, reference_trace())
    assert [(f.line, f.printed, f.correct, f.kind) for f in found] == [
        (2, r"3.67 \times 10^{-4}", r"3.77 \times 10^{-4}", SLIP)]


# Mazur's "A Step by Step Backpropagation Example", its notation and its first step's numbers.
MAZUR = r"""$net_{h1} = 0.15 * 0.05 + 0.2 * 0.1 + 0.35 * 1 = 0.3775$

$out_{h1} = \frac{1}{1+e^{-0.3775}} = 0.593269992$

$out_{o1} = 0.75136507$ and $out_{o2} = 0.772928465$

$E_{total} = E_{o1} + E_{o2} = 0.274811083 + 0.023560026 = 0.298371109$

$\frac{\partial E_{total}}{\partial out_{o1}} = -(0.01 - 0.75136507) = 0.74136507$

$\frac{\partial out_{o1}}{\partial net_{o1}} = out_{o1}(1 - out_{o1}) = 0.75136507(1 - 0.75136507) = 0.186815602$

$\frac{\partial E_{total}}{\partial w_{5}} = 0.74136507 * 0.186815602 * 0.593269992 = 0.082167041$

$w_5^{+} = w_5 - \eta * \frac{\partial E_{total}}{\partial w_{5}} = 0.4 - 0.5 * 0.082167041 = 0.35891648$

$\frac{\partial E_{total}}{\partial w_{1}} = 0.036350306 * 0.241300709 * 0.05 = 0.000438568$

$w_1^{+} = 0.149780716$
"""


def test_mazurs_notation():
    trace = problem({}, SPECS / "mazur.toml")
    lines = MAZUR.splitlines()
    assert slips(check_lines(lines, trace)) == []
    wrong = [line.replace("0.35891648", "0.35981648").replace("0.772928465", "0.772982465") for line in lines]
    assert [(f.line, f.what) for f in slips(check_lines(wrong, trace))] == [(5, "o2"), (15, "w5_new")]


_PIECES = ["$", "$$", "=", " = ", "0.5", "-0.14236", "(", ")", "{", "}", "\\frac", "\\times", "×", "|", " | ",
           "o_1", "w_5", "\\delta_{o1}", "e^{", "\\sigma", "\\ln", "^", "2", "10^{-4}", "\\boxed{", "**", "\n",
           "&", "\\\\", "\\begin{bmatrix}", "\\end{bmatrix}", "\\begin{align}", "\\end{align}", "---", "# ", "```",
           "E_{total}", "net_{h1}", "+", "-", "/", " ", "0", "1e5", "9" * 30, "\\eta", "[^exact]", "\\begin{cases}"]


@pytest.mark.slow
def test_any_text_is_read_without_error():
    from hypothesis import given, settings, strategies as st

    trace = reference_trace()

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=60))
    def read(pieces):
        for f in check_lines("".join(pieces).splitlines(), trace):
            assert f.kind in (SLIP, DRIFT) and f.line >= 1

    read()


def test_extreme_numbers_are_not_errors():
    lines = ["$e^{99999999} = 1.00000$", "$10^{999999999} = 1.00000$", "$(0.5)^{99999999} = 0.00000$",
             r"$\ln 0 = 1.00000$", r"$\frac{1}{0} = 1.00000$", "$o_1 = " + "9" * 40 + ".5$"]
    assert check_lines(lines, reference_trace()) == []
