"""Page-layout faults of a PDF, read from its text with positions and fonts (pypdf): a heading or a
lead-in line as the last line of a page, a repeated table header with nothing of its table under
it, a page more than half empty that no new section (of any level) or problem follows.

A line is the runs of text whose baselines lie within 4 pt of each other. A heading or lead-in is a
line that starts in a bold font and whose words outside mathematics are all bold: the walkthrough's
numbered headings, `\\lead{...}` lines such as "Weights: Input -> Hidden Layer:", the sheets'
"Problem 2" and "(c) The total loss" lines (their numbers are not bold, so they are matched by
their words)."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

FOOTER = 60  # pt above the paper's lower edge: page numbers and running feet live below this
HEADER = 60  # pt below the upper edge: running heads


@dataclass(frozen=True)
class Run:
    x: float
    y: float
    size: float  # the font's size on the page, pt
    font: str
    text: str

    @property
    def end(self) -> float:
        """Where the run ends, about: half an em a character."""
        return self.x + 0.5 * self.size * len(self.text)

    @property
    def bold(self) -> bool:
        return "Bold" in self.font or re.search(r"\b(cmbx|bx)", self.font) is not None

    @property
    def prose(self) -> bool:
        """Words in a text font (mathematics sets `net` or `total` in roman too, never a phrase)."""
        return "Math" not in self.font and (re.search(r"[A-Za-z]{6,}", self.text) is not None
                                            or re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", self.text) is not None)


@dataclass(frozen=True)
class Line:
    y: float  # baseline, pt above the paper's lower edge
    runs: tuple[Run, ...]  # left to right

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.runs)

    @property
    def heading(self) -> bool:
        """A heading or a lead-in: it starts bold, every phrase in it is bold, and it is one piece
        of text, not a table row (whose cells lie apart), nor the last line of a sentence (a bold
        phrase wrapped to the line that ends its paragraph)."""
        words = [r for r in self.runs if r.prose]
        one_word = len(self.text.split()) == 1 and not self.text.endswith(":")  # a table cell's wrapped line
        sentence_end = self.text.rstrip().endswith(".")
        return (bool(self.runs) and self.runs[0].bold and bool(words) and all(r.bold for r in words)
                and not self.cells and not one_word and not sentence_end)

    @property
    def cells(self) -> bool:
        """Whether the line's runs lie apart as a table row's cells do."""
        return any(b.x - a.end > 4 * a.size for a, b in zip(self.runs, self.runs[1:]))

    @property
    def numbered(self) -> bool:
        return self.heading and re.match(r"\d+(\.\d+)* ", self.text) is not None

    @property
    def question(self) -> bool:
        """A sheet's problem heading (`1. Problem 1: ...`) or a lettered question (`(c) ...`)."""
        return re.match(r"(\d+\.? )?Problem \d+|\([a-z]\) ", self.text) is not None

    @property
    def chapter(self) -> bool:
        """A heading that opens a part of the document: a section (`7 Part 2: ...`), a problem."""
        return ((self.heading and re.match(r"\d+ ", self.text) is not None)
                or re.match(r"(\d+\.? )?Problem \d+", self.text) is not None)


def pages(pdf: bytes) -> list[tuple[float, list[Line]]]:
    """Each page's height and its lines, top to bottom, running heads and feet left out."""
    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        runs: list[Run] = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = math.hypot(tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])
                runs.append(Run(x, y, size * scale, str((font or {}).get("/BaseFont", "")), text.strip()))

        page.extract_text(visitor_text=visit)
        height = float(page.mediabox.height)
        runs = [r for r in runs if FOOTER < r.y < height - HEADER]
        lines: list[list[Run]] = []
        for run in sorted(runs, key=lambda r: -r.y):
            # Sub- and superscripts (smaller type) sit up to 7 pt off their line's baseline.
            if lines and (lines[-1][-1].y - run.y <= 4
                          or (lines[-1][-1].y - run.y <= 7 and min(run.size, lines[-1][-1].size) < 9)):
                lines[-1].append(run)
            else:
                lines.append([run])
        page_lines = [Line(max(r.y for r in group), tuple(sorted(group, key=lambda r: r.x))) for group in lines]
        if page_lines and re.fullmatch(r"\d+|Page \d+ of \d+", page_lines[-1].text):
            page_lines.pop()  # the page number, where the margin leaves it above FOOTER
        found.append((height, page_lines))
    return found


def faults(pdf: bytes) -> list[str]:
    """Every layout fault, one line each: the page number and what is wrong."""
    found = []
    read = pages(pdf)
    for number, (height, lines) in enumerate(read, start=1):
        contents = sum(re.match(r"\d+(\.\d+)* .* \d+$", line.text) is not None for line in lines) >= 5
        if not lines or contents:  # a table of contents: its entries look like headings
            continue
        last = lines[-1]
        following = read[number][1] if number < len(read) else []
        # A lead-in line just before a page that opens with a heading leads into nothing: it is the
        # last line of its part (the network's targets under "Initial Parameters").
        opens_part = bool(following) and (following[0].chapter or (following[0].numbered and not last.numbered))
        if (last.heading or last.question) and following and not opens_part:
            found.append(f"p. {number}: ends with the heading or lead-in {last.text!r}")
        if (any(line.question and "Problem" in line.text for line in lines) and following
                and re.match(r"Input\b.*\bOutput$", following[0].text)):
            found.append(f"p. {number}: a problem's data parted from its drawing")
        if (number < len(read) and last.y - FOOTER > (height - HEADER - FOOTER) / 2
                and not (following and (following[0].chapter or following[0].numbered))):
            found.append(f"p. {number}: more than half empty and no new part follows")
    found += _orphan_headers(read)
    return found


def _orphan_headers(read) -> list[str]:
    """A page that opens with a table's header row and goes on with a heading: the header of a
    table that starts later on that page, repeated with nothing under it."""
    found = []
    for number, (_, lines) in enumerate(read, start=1):
        if len(lines) < 2 or not lines[0].cells or lines[0].heading or not lines[1].heading:
            continue
        header = lines[0].text
        if any(line.text == header for line in lines[2:]):
            found.append(f"p. {number}: opens with the table header {header!r} and no rows under it")
    return found
