"""The command line: Typer declarations only, and one error boundary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__

app = typer.Typer(
    name="worksheet",
    help="Verified, step-by-step worked solutions for neural-network backpropagation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Seed = Annotated[Optional[int], typer.Option("--seed", help="Seed that draws the problem's numbers.", min=0)]
SpecFile = Annotated[
    Optional[Path],
    typer.Option("--spec", help="TOML spec file with options and explicit values (input, target, W1, b1, ...).",
                 dir_okay=False),
]
Layers = Annotated[Optional[str], typer.Option("--layers", help="Layer sizes joined by '-', e.g. 2-2-2 or 3-4-4-2.")]
Activation = Annotated[
    Optional[str],
    typer.Option("--activation", help="sigmoid, tanh, relu, leaky_relu, linear, softmax (output only); "
                 "one for all layers or a comma list per weight layer."),
]
LossOpt = Annotated[Optional[str], typer.Option("--loss", help="half_sse, mse, bce or cross_entropy.")]
Bias = Annotated[Optional[bool], typer.Option("--bias/--no-bias", help="One bias per neuron (default: none).")]
BiasPolicy = Annotated[Optional[str], typer.Option("--bias-policy", help="trained or frozen (gradients shown, not applied).")]
Lr = Annotated[Optional[float], typer.Option("--lr", help="Learning rate, > 0 (default 0.5).")]
LeakySlope = Annotated[Optional[float], typer.Option("--leaky-slope", help="Slope of leaky_relu for z <= 0 (default 0.01).")]
Steps = Annotated[Optional[int], typer.Option("--steps", help="Gradient-descent steps on the sample (default 1).")]
UpdateOrder = Annotated[
    Optional[str],
    typer.Option("--update-order", help="simultaneous (correct) or sequential (the classic mistake)."),
]
Rounding = Annotated[
    Optional[str],
    typer.Option("--rounding", help="exact (full precision) or carried (each step rounded, as by hand)."),
]
Precision = Annotated[Optional[int], typer.Option("--precision", help="Decimal places shown (default 5).")]
Format = Annotated[
    Optional[str],
    typer.Option("--format", help="Comma list of md, json, tex, pdf. Default: md and pdf (md and tex without "
                 "pdflatex); for reference, md and json, and pdf with pdflatex."),
]
Out = Annotated[Optional[Path], typer.Option("--out", help="Folder for the files.", file_okay=False)]
Title = Annotated[Optional[str], typer.Option("--title", help="Document title.")]


NETWORK_OPTIONS = (
    "seed", "layers", "activation", "loss", "bias", "bias_policy", "lr", "leaky_slope", "steps",
    "update_order", "rounding", "precision", "title",
)


def _network_options(params: dict) -> dict:
    """The network options among a command's parameters, by the spec's names."""
    return {name: params[name] for name in NETWORK_OPTIONS}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"worksheet {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Verified, step-by-step worked solutions for neural-network backpropagation."""


@app.command()
def generate(
    seed: Seed = None,
    spec: SpecFile = None,
    layers: Layers = None,
    activation: Activation = None,
    loss: LossOpt = None,
    bias: Bias = None,
    bias_policy: BiasPolicy = None,
    lr: Lr = None,
    leaky_slope: LeakySlope = None,
    steps: Steps = None,
    update_order: UpdateOrder = None,
    rounding: Rounding = None,
    precision: Precision = None,
    title: Title = None,
    format: Format = None,
    out: Out = None,
) -> None:
    """Write the worked solution of one problem (default: the reference's 2-2-2 network)."""
    from . import api

    options = _network_options(locals())
    formats = api.parse_formats(format)  # None: the library's defaults (PDF when TeX is installed)
    for path in api.generate(options, spec, formats, out):
        typer.echo(str(path))


@app.command()
def reference(format: Format = None, out: Out = None) -> None:
    """Regenerate the reference walkthrough (2-2-2 sigmoid network) with exact numbers."""
    from . import api

    formats = api.parse_formats(format)
    for path in api.reference(formats, out):
        typer.echo(str(path))


Problems = Annotated[Optional[int], typer.Option("--problems", help="Problems on the sheet (default 1).", min=1)]
Level = Annotated[
    Optional[str],
    typer.Option("--level", help="Questions asked: forward, loss, output, hidden or full (default full)."),
]
Points = Annotated[Optional[str], typer.Option("--points", help="Points per question (default 1).")]
FullSolutions = Annotated[
    bool, typer.Option("--full-solutions", help="Append each problem's complete walkthrough to the key.")
]
SheetFormat = Annotated[
    Optional[str], typer.Option("--format", help="Comma list of md, tex, pdf, json (the key's answers).")
]
Roster = Annotated[
    Optional[Path],
    typer.Option("--roster", help="UTF-8 CSV with a header and columns id and name: one variant per student.",
                 dir_okay=False),
]
Variants = Annotated[
    Optional[int], typer.Option("--variants", help="Number of variants, ids 1 to N (instead of --roster).")
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an exam folder made with another seed or options.")]
Manifest = Annotated[
    Optional[Path],
    typer.Option("--manifest", help="An exam's manifest.json: write the same exam again (a reprint).", dir_okay=False),
]
Jobs = Annotated[
    Optional[int],
    typer.Option("--jobs", help="Processes that share the work, 1 or more (default: every core); the files are "
                 "the same whatever the number.", show_default=False),
]
Quiet = Annotated[bool, typer.Option("--quiet", help="No progress bar (one shows only on a terminal, for batches "
                                     "that take more than a second).")]


@app.command()
def practice(
    seed: Seed = None,
    spec: SpecFile = None,
    problems: Problems = None,
    level: Level = None,
    points: Points = None,
    full_solutions: FullSolutions = False,
    layers: Layers = None,
    activation: Activation = None,
    loss: LossOpt = None,
    bias: Bias = None,
    bias_policy: BiasPolicy = None,
    lr: Lr = None,
    leaky_slope: LeakySlope = None,
    steps: Steps = None,
    update_order: UpdateOrder = None,
    rounding: Rounding = None,
    precision: Precision = None,
    title: Title = None,
    format: SheetFormat = None,
    out: Out = None,
) -> None:
    """Write a practice sheet and its answer key (practice.md/.pdf, key.md/.pdf) from one draw."""
    from . import api

    options = _network_options(locals())
    formats = api.parse_sheet_formats(format, ("md", "pdf"))
    for path in api.practice(options, spec, level=level, points=points, problems=problems,
                             full_solutions=full_solutions, formats=formats, out=out):
        typer.echo(str(path))


@app.command()
def exam(
    seed: Seed = None,
    roster: Roster = None,
    variants: Variants = None,
    spec: SpecFile = None,
    problems: Problems = None,
    level: Level = None,
    points: Points = None,
    full_solutions: FullSolutions = False,
    layers: Layers = None,
    activation: Activation = None,
    loss: LossOpt = None,
    bias: Bias = None,
    bias_policy: BiasPolicy = None,
    lr: Lr = None,
    leaky_slope: LeakySlope = None,
    steps: Steps = None,
    update_order: UpdateOrder = None,
    rounding: Rounding = None,
    precision: Precision = None,
    title: Title = None,
    format: SheetFormat = None,
    out: Out = None,
    force: Force = False,
    manifest: Manifest = None,
    jobs: Jobs = None,
    quiet: Quiet = False,
) -> None:
    """Write one exam variant per student: sheets, keys, answers.csv and manifest.json (keep it private)."""
    from . import api

    options = _network_options(locals())
    # From a manifest, the formats it records unless others are asked for.
    formats = (api.parse_formats(format) if manifest is not None
               else api.parse_sheet_formats(format, ("md", "tex", "pdf")))
    paths = api.exam(options, spec, roster=roster, variants=variants, level=level, points=points,
                     problems=problems, full_solutions=full_solutions, formats=formats, out=out, force=force,
                     manifest=manifest, jobs=jobs, progress=not quiet)
    typer.echo(str(paths[0].parent) if paths else "")


@app.command()
def grade(
    exam: Annotated[Path, typer.Option("--exam", help="The folder `worksheet exam` wrote.", file_okay=False)],
    responses: Annotated[
        Path, typer.Option("--responses", help="UTF-8 CSV with columns id, question, value (blank: unanswered).",
                           dir_okay=False)
    ],
    out: Annotated[Optional[Path], typer.Option("--out", help="The grades file (default: EXAM/grades.csv).",
                                                dir_okay=False)] = None,
    carry_forward: Annotated[bool, typer.Option(
        "--carry-forward", help="Credit an answer that is right given the student's own earlier answers.")] = False,
    carry_fraction: Annotated[float, typer.Option(
        "--carry-fraction", help="Share of a question's points an answer carried forward gets.")] = 1.0,
    report: Annotated[bool, typer.Option(
        "--report", help="Also write report.md: item analysis with SVG plots (needs matplotlib).")] = False,
) -> None:
    """Mark students' answers within each answer's tolerance: grades.csv with a diagnosis of each
    wrong answer, a feedback file per student (feedback/ beside grades.csv), and a summary."""
    from . import api

    path, lines = api.grade(exam, responses, out, carry_forward, carry_fraction, report)
    for line in lines:
        typer.echo(line)
    typer.echo(str(path))


INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def _click_exceptions():
    try:  # Typer 0.26 and later carry their own copy of Click
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def main() -> None:
    """Console entry point: the project's errors and usage errors become one line and exit code 2."""
    from .errors import WorksheetError

    click = _click_exceptions()
    try:
        code = app(standalone_mode=False)
    except WorksheetError as exc:
        print(f"worksheet: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except click.ClickException as exc:
        message = exc.format_message()
        if message:  # empty when no arguments were given and the help was printed instead
            print(f"worksheet: error: {message}", file=sys.stderr)
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        code = INTERRUPTED
    if code == INTERRUPTED:  # Typer turns a Ctrl-C inside a command into this exit code
        print("worksheet: interrupted; no partial files were left", file=sys.stderr)
    sys.exit(code if isinstance(code, int) else 0)
