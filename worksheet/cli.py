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
Format = Annotated[Optional[str], typer.Option("--format", help="Comma list of md, json, tex, pdf.")]
Out = Annotated[Optional[Path], typer.Option("--out", help="Folder for the files.", file_okay=False)]
Title = Annotated[Optional[str], typer.Option("--title", help="Document title.")]


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

    options = dict(
        seed=seed, layers=layers, activation=activation, loss=loss, bias=bias, bias_policy=bias_policy,
        lr=lr, leaky_slope=leaky_slope, steps=steps, update_order=update_order, rounding=rounding,
        precision=precision, title=title,
    )
    formats = api.parse_formats(format, api.default_formats())
    for path in api.generate(options, spec, formats, out):
        typer.echo(str(path))


@app.command()
def reference(format: Format = None, out: Out = None) -> None:
    """Regenerate the reference walkthrough (2-2-2 sigmoid network) with exact numbers."""
    from . import api

    formats = api.parse_formats(format, (*api.default_formats(), "json"))
    for path in api.reference(formats, out):
        typer.echo(str(path))


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
        print("worksheet: interrupted; no partial files were left", file=sys.stderr)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
