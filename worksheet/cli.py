"""The command line: Typer declarations, the terminal (notes, progress bar, where files went), the
writes, and one error boundary. The library (api.py) computes and renders."""

# No `from __future__ import annotations` here: Typer would compile and evaluate every option's
# annotation again from its text each time it reads a command line (some 25 ms of every command).
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
    rich_markup_mode=None,  # Click's plain help: fast, and flags show no value placeholder
)

START_HERE = """\
worksheet: verified, step-by-step worked solutions for neural-network backpropagation.

Start here:
  worksheet generate --seed 42                  a worked problem: output/seed-42/walkthrough.md (+ .pdf)
  worksheet practice --problems 3               a practice sheet and its answer key
  worksheet exam --variants 30 --format md,pdf  an exam, one variant per student (or --roster class.csv)

A seed is the number that draws a problem's values: the same seed gives the same problem.
`worksheet specs` lists the built-in networks; `worksheet COMMAND --help` shows every option.
"""


def _option(*names: str, help: str, **kwargs):
    """An option whose help states its default itself (the values are None until the library
    decides, so Click could show none)."""
    return typer.Option(*names, help=help, show_default=False, **kwargs)


Seed = Annotated[Optional[int], _option(
    "--seed", min=0, metavar="N",
    help="Number that draws the problem's values; the same seed gives the same problem. "
         "[default: drawn at random, and printed]")]
SpecFile = Annotated[Optional[str], _option(
    "--spec", metavar="FILE|NAME",
    help="TOML spec file with options and explicit values (input, target, W1, b1, ...), or the name of a "
         "built-in spec: reference, mazur, hmkcode (`worksheet specs`). Options given here win over it. [default: none]")]
Layers = Annotated[Optional[str], _option(
    "--layers", metavar="N-N-N",
    help="Neuron counts joined by '-', e.g. 3-4-4-2: at most 6 weight layers and 10 neurons a layer. "
         "[default: 2-2-2]")]
Activation = Annotated[Optional[str], _option(
    "--activation", metavar="NAME[,NAME...]",
    help="sigmoid, tanh, relu, leaky_relu, linear, softmax (output layer only); one for every layer or a "
         "comma list per weight layer. [default: sigmoid]")]
LossOpt = Annotated[Optional[str], _option(
    "--loss", metavar="NAME", help="half_sse, mse, bce or cross_entropy. [default: half_sse]")]
Bias = Annotated[Optional[bool], _option(
    "--bias/--no-bias", help="One bias per neuron. [default: --no-bias]")]
BiasPolicy = Annotated[Optional[str], _option(
    "--bias-policy", metavar="POLICY",
    help="trained, or frozen (gradients shown, not applied). [default: trained]")]
Lr = Annotated[Optional[float], _option(
    "--lr", metavar="RATE", help="Learning rate, > 0 and at most 10. [default: 0.5]")]
LeakySlope = Annotated[Optional[float], _option(
    "--leaky-slope", metavar="SLOPE", help="Slope of leaky_relu for z <= 0, in (0, 1). [default: 0.01]")]
Steps = Annotated[Optional[int], _option(
    "--steps", metavar="N", help="Gradient-descent steps on the same sample, 1 to 50. [default: 1]")]
UpdateOrder = Annotated[Optional[str], _option(
    "--update-order", metavar="ORDER",
    help="simultaneous (correct), or sequential (the classic mistake, shown beside the correct values). "
         "[default: simultaneous]")]
Rounding = Annotated[Optional[str], _option(
    "--rounding", metavar="MODE",
    help="exact (full precision), or carried (every step rounded and reused, as by hand). [default: exact]")]
Precision = Annotated[Optional[int], _option(
    "--precision", metavar="DIGITS", help="Decimal places shown, 2 to 10. [default: 5]")]
Format = Annotated[Optional[str], _option(
    "--format", metavar="LIST",
    help="Comma list of md, json, tex, pdf, html (a web page). [default: md,pdf; md,tex without pdflatex]")]
ReferenceFormat = Annotated[Optional[str], _option(
    "--format", metavar="LIST",
    help="Comma list of md, json, tex, pdf, html (a web page). [default: md,json,pdf; md,json without "
         "pdflatex]")]
Title = Annotated[Optional[str], _option("--title", metavar="TEXT", help="Document title. [default: the spec's, "
                                         "or one naming the document]")]


def _out(default: str):
    return Annotated[Optional[Path], _option("--out", metavar="FOLDER", file_okay=False,
                                             help=f"Folder for the files. [default: {default}]")]


NETWORK_OPTIONS = (
    "seed", "layers", "activation", "loss", "bias", "bias_policy", "lr", "leaky_slope", "steps",
    "update_order", "rounding", "precision", "title",
)


def _network(params: dict):
    """The network options among a command's parameters."""
    from .options import Network

    return Network(**{name: params[name] for name in NETWORK_OPTIONS})


def _sheet(params: dict):
    from .options import Sheet

    return Sheet(problems=params["problems"], level=params["level"], points=params["points"],
                 full_solutions=params["full_solutions"], ask=params["ask"], choices=params["choices"],
                 diagnosis=params["diagnosis"])


def _note(text: str) -> None:
    print(f"worksheet: note: {text}", file=sys.stderr)


def _publish(documents, advance=None) -> list[Path]:
    """Write what a command made, then tell where: every file (or, for an exam, the folder) as an
    absolute path on stdout, and the file to open first when there are several; notes on stderr."""
    from .api import write

    written = write(documents, advance)
    folder = documents.folder.resolve()
    if documents.whole_folder:
        typer.echo(f"wrote {len(written)} files to {folder}")
    else:
        for path in written:
            typer.echo(str(path.resolve()))
    if len(written) > 1:
        typer.echo(f"open first: {folder / documents.open_first}")
    for note in documents.notes:
        _note(note)
    return written


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
    out: _out("output/seed-N, or output/SPEC-NAME for a spec without a seed") = None,
) -> None:
    """Write one problem's worked solution, step by step."""
    from . import api

    _publish(api.generate(_network(locals()), spec=spec, formats=api.parse_formats(format), out=out))


@app.command()
def reference(format: ReferenceFormat = None, out: _out("output") = None) -> None:
    """Rewrite the reference walkthrough (exact numbers)."""
    from . import api

    _publish(api.reference(api.parse_formats(format), out))


@app.command()
def specs() -> None:
    """List the built-in specs that --spec takes by name."""
    from .resources import builtin_specs

    for name, path in builtin_specs().items():
        comment = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            comment.append(line.lstrip("# ").strip())
        typer.echo(f"{name:<10} {' '.join(comment)}")
    typer.echo("Use one with --spec NAME, e.g. worksheet generate --spec mazur; --spec also takes a file.")


Problems = Annotated[Optional[int], _option(
    "--problems", min=1, metavar="N", help="Problems on the sheet, 1 to 10 (50 with --format html alone). "
    "[default: 1]")]
Level = Annotated[Optional[str], _option(
    "--level", metavar="LEVEL", help="Questions asked: forward, loss, output, hidden or full. [default: full]")]
Points = Annotated[Optional[str], _option(
    "--points", metavar="P", help="Points per question, up to 100 with two decimals: one value for all, or one "
                                  "per question (1,1,2). [default: 1]")]
Ask = Annotated[Optional[str], _option(
    "--ask", metavar="KINDS",
    help="The quantities asked in each problem, in place of the level's, one question each: a comma list of "
         "net_h, h, net_o, o, E_k, E, dE/do, dE/dh, delta_o, delta_h, dE/dw_o, dE/dw_h, w_new_o, w_new_h, "
         "dE/db_o, dE/db_h, b_new_o, b_new_h (_o: the output layer, _h: a hidden one). [default: the level's]")]
FullSolutions = Annotated[bool, _option(
    "--full-solutions", help="Append each problem's complete walkthrough to the key. [default: off]")]
PracticeFormat = Annotated[Optional[str], _option(
    "--format", metavar="LIST",
    help="Comma list of md, tex, pdf, json (the key's answers), html (a page that checks answers), moodle, qti, "
         "canvas (quiz imports). "
         "[default: md,pdf; md,tex without pdflatex]")]
ExamFormat = Annotated[Optional[str], _option(
    "--format", metavar="LIST",
    help="Comma list of md, tex, pdf, json (the key's answers), moodle, qti, canvas (quiz imports of every "
         "variant). [default: md,tex,pdf; md,tex without pdflatex; with --manifest, the manifest's]")]
Choices = Annotated[Optional[int], _option(
    "--choices", metavar="N",
    help="Multiple choice: N options per question (2 to 6), from the values known mistakes give; the key "
         "and answers.csv give the letter. [default: open answers]")]
Diagnosis = Annotated[bool, _option(
    "--diagnosis",
    help="Redraw a problem until every known mistake that changes an asked answer gives a value of its own, "
         "so grading can name it. [default: off]")]
MoodleStyle = Annotated[Optional[str], _option(
    "--moodle-style", metavar="STYLE",
    help="numerical (a question per answer) or cloze (a question per problem). [default: numerical]")]
Roster = Annotated[Optional[Path], _option(
    "--roster", metavar="FILE.csv", dir_okay=False,
    help="UTF-8 CSV with a header and columns id and name: one variant per student. [default: none; "
         "give --roster, --variants or --manifest]")]
Variants = Annotated[Optional[int], _option(
    "--variants", metavar="N", help="Number of variants, ids 1 to N, 1 to 5000 (instead of --roster). [default: none]")]
Force = Annotated[bool, _option(
    "--force", help="Overwrite an exam folder made with another seed or options. [default: off]")]
Manifest = Annotated[Optional[Path], _option(
    "--manifest", metavar="FILE", dir_okay=False,
    help="An exam's manifest.json: write the same exam again (a reprint). [default: none]")]
Jobs = Annotated[Optional[int], _option(
    "--jobs", metavar="N",
    help="Processes that share the work, 1 or more; the files are the same whatever the number. "
         "[default: every core]")]
Quiet = Annotated[bool, _option(
    "--quiet", help="No progress bar (one shows only on a terminal, for batches that take more than a "
                    "second). [default: off]")]


@app.command()
def practice(
    seed: Seed = None,
    spec: SpecFile = None,
    problems: Problems = None,
    level: Level = None,
    points: Points = None,
    ask: Ask = None,
    full_solutions: FullSolutions = False,
    choices: Choices = None,
    diagnosis: Diagnosis = False,
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
    format: PracticeFormat = None,
    moodle_style: MoodleStyle = None,
    out: _out("output/practice-SEED") = None,
) -> None:
    """Write a practice sheet and its answer key."""
    from . import api

    params = locals()
    _publish(api.practice(_network(params), _sheet(params), spec=spec,
                          formats=api.parse_formats(format, api.SHEET_FORMAT_ORDER), out=out, moodle_style=moodle_style))


@app.command()
def exam(
    seed: Seed = None,
    roster: Roster = None,
    variants: Variants = None,
    spec: SpecFile = None,
    problems: Problems = None,
    level: Level = None,
    points: Points = None,
    ask: Ask = None,
    full_solutions: FullSolutions = False,
    choices: Choices = None,
    diagnosis: Diagnosis = False,
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
    format: ExamFormat = None,
    moodle_style: MoodleStyle = None,
    out: _out("output/TITLE-AS-A-FOLDER-NAME, e.g. output/backpropagation-exam") = None,
    force: Force = False,
    manifest: Manifest = None,
    tex_engine: Annotated[Optional[str], _option(
        "--tex-engine", metavar="ENGINE",
        help="auto: pdflatex, and each student's .tex a lualatex document where their own name needs it "
             "(their PDF still pdflatex's, the name set by lualatex as a picture); lualatex: every document. "
             "[default: auto]")] = None,
    jobs: Jobs = None,
    quiet: Quiet = False,
) -> None:
    """Write an exam: a variant and a key per student.

    Besides the sheets and keys: answers.csv (every expected answer with its tolerance) and
    manifest.json, which writes the same exam again; keep it private, as its seed is the key.
    """
    import time
    from functools import partial

    from . import api, stages
    from .publish.batch import check_jobs
    from .publish.progress import Progress

    params = locals()
    started = time.perf_counter()
    with Progress(not quiet) as bar:
        documents = api.exam(_network(params), _sheet(params), spec=spec, roster=roster, variants=variants,
                             manifest=manifest, formats=api.parse_formats(format, api.SHEET_FORMAT_ORDER), out=out,
                             force=force, jobs=jobs, progress=bar, moodle_style=moodle_style,
                             tex_engine=tex_engine)
        task = bar.task("writing", len(documents.files))
        with stages.stage("writing"):
            _publish(documents, partial(bar.advance, task))
    if stages.ENABLED:
        stages.report(time.perf_counter() - started, check_jobs(jobs))


@app.command()
def grade(
    exam: Annotated[Path, _option("--exam", metavar="FOLDER", file_okay=False,
                                  help="The folder `worksheet exam` wrote.")],
    responses: Annotated[Path, _option(
        "--responses", metavar="FILE.csv", dir_okay=False,
        help="UTF-8 CSV with columns id, question, value (blank: unanswered).")],
    out: Annotated[Optional[Path], _option("--out", metavar="FILE", dir_okay=False,
                                           help="The grades file. [default: EXAM/grades.csv]")] = None,
    carry_forward: Annotated[bool, _option(
        "--carry-forward",
        help="Credit an answer that is right given the student's own earlier answers. [default: off]")] = False,
    carry_fraction: Annotated[float, _option(
        "--carry-fraction", metavar="F",
        help="Share of a question's points an answer carried forward gets. [default: 1]")] = 1.0,
    report: Annotated[bool, _option(
        "--report",
        help="Also write report.md: item analysis with SVG plots (needs matplotlib). [default: off]")] = False,
    pdf: Annotated[bool, _option(
        "--pdf",
        help="Also typeset feedback/ID.pdf for every student, and report.pdf with --report (needs pdflatex). "
             "[default: off]")] = False,
    strict: Annotated[bool, _option(
        "--strict",
        help="Refuse responses with any value that is not a number, instead of counting it wrong. "
             "[default: off]")] = False,
) -> None:
    """Mark answers within tolerance: grades.csv with a diagnosis of each wrong answer.

    Writes a feedback file per student (feedback/ beside grades.csv) and prints the mean and the
    questions most students missed.
    """
    from . import api

    documents = api.grade(exam, responses, out, carry_forward, carry_fraction, report, pdf=pdf, strict=strict)
    for line in documents.report:
        typer.echo(line)
    _publish(documents)


@app.command()
def check(
    document: Annotated[Path, typer.Argument(help="The worked solution: Markdown, LaTeX, plain text or PDF.",
                                             dir_okay=False)],
    spec: Annotated[
        Optional[str],
        typer.Option("--spec", help="The problem it solves: a TOML spec file, or a built-in name (reference, mazur)."),
    ] = None,
    seed: Seed = None,
    layers: Layers = None,
    activation: Activation = None,
    loss: LossOpt = None,
    bias: Bias = None,
    bias_policy: BiasPolicy = None,
    lr: Lr = None,
    leaky_slope: LeakySlope = None,
    update_order: UpdateOrder = None,
    steps: Steps = None,
    rounding: Rounding = None,
    precision: Precision = None,
    format: Annotated[str, typer.Option("--format", help="table, md (a corrections table) or json.")] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Also report rounding drift, not only slips.")] = False,
) -> None:
    """Find the slips in a worked solution: exit 0 without slips, 1 with slips, 2 for bad input."""
    from .check.document import check as run_check
    from .check.report import FORMATS, render
    from .errors import SpecError

    if format not in FORMATS:
        raise SpecError(f"format {format!r} is not known; allowed: {', '.join(FORMATS)}")
    options = {name: value for name, value in locals().items() if name in NETWORK_OPTIONS}
    options["title"] = None
    report = run_check(document, options, Path(spec) if spec is not None else None, strict=strict)
    typer.echo(render(report, format), nl=False)
    raise typer.Exit(report.exit_code)


INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def _click_exceptions():
    try:  # Typer 0.26 and later carry their own copy of Click
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def _check_arguments(args: list[str]) -> None:
    """No option given an empty value (`--out ""` would mean the current folder, silently). Here and
    not in inputs.py, whose decimal import would delay every command, --help included."""
    from .errors import WorksheetError

    for n, arg in enumerate(args):
        if arg == "--":
            return
        if arg.startswith("--") and arg.endswith("=") or (arg.startswith("--") and n + 1 < len(args)
                                                          and args[n + 1] == ""):
            raise WorksheetError(f"option {arg.rstrip('=')}: the value is empty")


def main() -> None:
    """Console entry point: the project's errors and usage errors become one line and exit code 2."""
    from . import interrupts
    from .errors import WorksheetError

    if len(sys.argv) == 1:
        print(START_HERE, end="")
        sys.exit(0)
    click = _click_exceptions()
    interrupts.install()
    try:
        _check_arguments(sys.argv[1:])
        code = app(standalone_mode=False)
    except WorksheetError as exc:
        print(f"worksheet: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except click.ClickException as exc:
        message = exc.format_message()
        if message:  # empty when a group is given no command and its help was printed instead
            print(f"worksheet: error: {message}", file=sys.stderr)
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        code = INTERRUPTED
    if code == INTERRUPTED:  # Typer turns a Ctrl-C inside a command into this exit code
        print(f"worksheet: {interrupts.message()}", file=sys.stderr)
        code = interrupts.exit_code()
    sys.exit(code if isinstance(code, int) else 0)
