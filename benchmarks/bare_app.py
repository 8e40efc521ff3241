"""The floor for start-up: a Typer app with worksheet's commands that does nothing."""

import typer

app = typer.Typer(add_completion=False)


@app.command()
def generate(seed: int = 0) -> None:
    """Write the worked solution of one problem."""


@app.command()
def reference() -> None:
    """Regenerate the reference walkthrough."""


@app.command()
def practice(seed: int = 0) -> None:
    """Practice sheets with answer keys."""


@app.command()
def exam(seed: int = 0) -> None:
    """Per-student exam variants."""


@app.command()
def grade() -> None:
    """Grade responses."""


if __name__ == "__main__":
    app()
