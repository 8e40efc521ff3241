"""The floor for start-up: a Typer app with worksheet's commands, their one-line help and --version,
that does nothing (startup.py checks that the commands match worksheet's)."""

import typer

app = typer.Typer(
    name="worksheet",
    help="Verified, step-by-step worked solutions for neural-network backpropagation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
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
    """Write one problem's worked solution, step by step."""


@app.command()
def reference() -> None:
    """Rewrite the reference walkthrough (exact numbers)."""


@app.command()
def specs() -> None:
    """List the built-in specs that --spec takes by name."""


@app.command()
def practice(seed: int = 0) -> None:
    """Write a practice sheet and its answer key."""


@app.command()
def exam(seed: int = 0, jobs: int = 0, quiet: bool = False) -> None:
    """Write an exam: a variant and a key per student.

    Besides the sheets and keys: answers.csv (every expected answer with its tolerance) and
    manifest.json, which writes the same exam again; keep it private, as its seed is the key.
    """


@app.command()
def grade() -> None:
    """Mark answers within tolerance: grades.csv with a diagnosis of each wrong answer.

    Writes a feedback file per student (feedback/ beside grades.csv) and prints the mean and the
    questions most students missed.
    """


@app.command()
def check(document: str = "") -> None:
    """Find the slips in a worked solution: exit 0 without slips, 1 with slips, 2 for bad input."""


if __name__ == "__main__":
    app()
