"""The library's typed inputs and output: frozen option records, and the documents a command makes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Network:
    """A problem's network and numbers. None leaves a value to the spec file, or to its default:
    2-2-2, sigmoid, half_sse, no bias (trained when on), lr 0.5, leaky slope 0.01, 1 step,
    simultaneous updates, exact rounding, 5 decimals. `seed` draws the values a spec leaves out."""

    seed: int | None = None
    layers: str | None = None  # neuron counts joined by '-': "2-2-2", "3-4-4-2"
    activation: str | None = None  # one name, or a comma list per weight layer
    loss: str | None = None
    bias: bool | None = None
    bias_policy: str | None = None  # trained or frozen
    lr: float | None = None
    leaky_slope: float | None = None
    steps: int | None = None
    update_order: str | None = None  # simultaneous or sequential
    rounding: str | None = None  # exact or carried
    precision: int | None = None
    title: str | None = None

    def given(self) -> dict:
        """The options set, by the spec's names (what a spec file's values give way to)."""
        return {name: value for name, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class Sheet:
    """What a practice sheet or exam asks. None: the spec file's value, or 1 problem, level full,
    1 point a question."""

    problems: int | None = None
    level: str | None = None  # forward, loss, output, hidden or full
    points: str | None = None  # points per question, up to two decimals: one value, or one per question (1,1,2)
    full_solutions: bool = False  # the key appends each problem's complete walkthrough
    ask: str | None = None  # the kinds of quantity asked, in place of the level's (h,delta_o,w_new_o)
    choices: int | None = None  # options per question (multiple choice); None: open answers
    diagnosis: bool = False  # redraw until every known mistake's value can be told apart


@dataclass(frozen=True, repr=False)
class Documents:
    """What a command made, in memory: files by their path inside `folder`, the one to open
    first, and notes for the reader (a seed drawn, a format left out). Nothing is written until
    the caller writes it; an exam (`whole_folder`) replaces its folder as a whole, carrying over
    the files in `keep` that an earlier run of the same exam wrote there. `guard` is what the
    exam's folder check needs (seed, options hash, student ids, force): the check is made again,
    with the folder locked, when the exam is written."""

    folder: Path
    files: dict[str, bytes]
    open_first: str
    notes: tuple[str, ...] = ()
    seed: int | None = None
    report: tuple[str, ...] = ()  # lines of results (a grading summary), for the reader
    whole_folder: bool = False
    keep: tuple[str, ...] = field(default=())
    guard: tuple = field(default=())

    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.files]

    def __repr__(self) -> str:
        # The files' names and sizes, not their bytes: an exam's are megabytes.
        sizes = ", ".join(f"{name}: {len(data)} bytes" for name, data in self.files.items())
        return f"Documents(folder={str(self.folder)!r}, files={{{sizes}}}, open_first={self.open_first!r})"
