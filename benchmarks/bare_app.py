"""The floor for start-up: a Typer app with worksheet's commands, their one-line help and --version,
that does nothing (startup.py checks that the commands match worksheet's)."""

import typer

app = typer.Typer(
    name="worksheet",
    help="Verified, step-by-step worked solutions for neural-network backpropagation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo("worksheet 0.0.0")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Verified, step-by-step worked solutions for neural-network backpropagation."""


@app.command()
def generate(seed: int = 0) -> None:
    """Write the worked solution of one problem (default: the reference's 2-2-2 network)."""


@app.command()
def reference() -> None:
    """Regenerate the reference walkthrough (2-2-2 sigmoid network) with exact numbers."""


@app.command()
def practice(seed: int = 0) -> None:
    """Write a practice sheet and its answer key (practice.md/.pdf, key.md/.pdf) from one draw."""


@app.command()
def exam(seed: int = 0, jobs: int = 0, quiet: bool = False) -> None:
    """Write one exam variant per student: sheets, keys, answers.csv and manifest.json (keep it private)."""


@app.command()
def grade() -> None:
    """Mark students' answers within each answer's tolerance: grades.csv with a diagnosis of each
    wrong answer, a feedback file per student (feedback/ beside grades.csv), and a summary."""


if __name__ == "__main__":
    app()
