"""The LaTeX walkthrough and its PDF: the same numbers as the Markdown, text that prints literally,
a sandboxed and reproducible compile, and pages where nothing runs into the margin."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mdcheck import skip_or_fail
from worksheet.inputs import is_control

from worksheet.publish import pdf as pdfmod
from worksheet.api import load_spec, reference_spec_path, render_documents, solve
from worksheet.errors import RenderError
from worksheet.documents.render import tex_escape, tex_footnote_mark
from worksheet import Network, Sheet, write

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# A spread of networks: every activation and loss, with and without biases, both rounding modes,
# sequential updates, several steps, the highest precision; then the largest network allowed.
SPREAD = [
    dict(seed=42),
    dict(seed=7, layers="3-4-2", activation="tanh,sigmoid", loss="half_sse", bias=True, lr=0.3),
    dict(seed=5, layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True),
    dict(seed=11, layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce", leaky_slope=0.1),
    dict(seed=12, layers="2-2", activation="linear", loss="mse"),
    dict(seed=14, layers="2-3-3", activation="sigmoid,softmax", loss="mse", bias=True),
    dict(seed=15, layers="2-2-2", rounding="carried"),
    dict(seed=16, layers="3-2-2", activation="relu,linear", bias=True, bias_policy="frozen"),
    dict(seed=17, layers="2-2-2", update_order="sequential"),
    dict(seed=18, layers="2-2-2", steps=3, rounding="carried", precision=4),
    dict(seed=19, layers="4-10-3", activation="tanh,softmax", loss="bce", precision=10),
    dict(seed=21, layers="2-4-4-4-2", activation="leaky_relu,tanh,relu,sigmoid", bias=True, rounding="carried"),
]
LARGEST = dict(seed=20, layers="10-10-10-10-10-10-10", activation="sigmoid", bias=True)
NASTY_TITLE = r"Quiz #3: 50% & $x_1$ {a} ~ ^ \input{/etc/passwd}"
MAX_OVERFULL_PT = 5.0


def accepted(ch: str) -> bool:
    try:
        tex_escape(ch)
    except RenderError:
        return False
    return True


# Every character a title may hold (no control or format characters: inputs.check_text) that the
# text filter lets through, so each is shown to typeset (in words of 12, which the title can
# break between).
_ACCEPTED = "".join(
    ch for ch in map(chr, [*range(0x21, 0x7F), *range(0xA1, 0x180), *range(0x391, 0x3CA), *range(0x2013, 0x2267)])
    if accepted(ch) and not is_control(ch)
)
ALL_CHARACTERS = " ".join(_ACCEPTED[n:n + 12] for n in range(0, len(_ACCEPTED), 12))


def render_tex(options: dict) -> tuple[str, str]:
    """(LaTeX, Markdown) of one problem (or of the reference), from one context."""
    extra = None
    if options.get("reference"):
        spec, given = load_spec(spec=reference_spec_path())
        extra = {"reference": True}
    else:
        spec, given = load_spec(Network(**options))
    files = render_documents(solve(spec, given), ("md", "tex"), "w", extra)
    return files["w.tex"], files["w.md"]


def require_tex() -> None:
    if pdfmod.tex_engine() is None:
        skip_or_fail(f"pdflatex is not installed; {pdfmod.INSTALL_HINT}")


def require_poppler() -> None:
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext is not installed (Debian: apt-get install poppler-utils)")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"doc-{len(list(tmp_path.glob('doc-*.pdf')))}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def overfull(log: str) -> list[str]:
    """Overfull boxes wider than the allowance, with the text TeX could not fit."""
    lines = log.splitlines()
    found = []
    for n, line in enumerate(lines):
        m = re.match(r"Overfull \\[hv]box \(([\d.]+)pt too (wide|high)\)", line)
        if m and float(m.group(1)) > MAX_OVERFULL_PT:
            found.append(f"{line} :: {lines[n + 1][:160] if n + 1 < len(lines) else ''}")
    return found


# ---------------------------------------------------------------- filters (no TeX needed)


@pytest.mark.parametrize("text, expected", [
    ("plain words", "plain words"),
    ("Leaky ReLU (slope 0.1), linear: x = y", "Leaky ReLU (slope 0.1), linear: x = y"),
    ("''quoted'' ,, !`", "'{}'quoted'{}' ,{}, !{}`"),
    ("a & b", r"a \& b"),
    ("50%", r"50\%"),
    ("$x_1$", r"\$x\_1\$"),
    ("#3", r"\#3"),
    ("{a}", r"\{a\}"),
    ("~", r"\textasciitilde{}"),
    ("^", r"\textasciicircum{}"),
    (r"\input{/etc/passwd}", r"\textbackslash{}input\{/etc/passwd\}"),
    ("half_sse", r"half\_sse"),
    ("a--b", "a-{}-b"),
    ("<<x>>", "<{}<x>{}>"),
    ("two\nlines", "two lines"),
    ("Über café", "Über café"),
    ("x ≤ σ", r"x \ensuremath{\le} \ensuremath{\sigma}"),
    ("w₅", r"w\textsubscript{5}"),
])
def test_tex_escape(text, expected):
    assert tex_escape(text) == expected


@pytest.mark.parametrize("text", ["emoji \U0001F600", "bell \x07", "中文"])
def test_tex_escape_refuses_what_pdflatex_cannot_typeset(text):
    with pytest.raises(RenderError, match=r"U\+"):
        tex_escape(text)


def test_footnote_mark():
    assert tex_footnote_mark("") == ""
    assert tex_footnote_mark(" [^exact]") == r"\exactnote{}"
    with pytest.raises(RenderError):
        tex_footnote_mark(" [^other]")


def test_templates_have_no_delimiter_next_to_a_parenthesis():
    # '(((( x )))' reads as '(((' plus '( x', silently dropping a parenthesis of the document.
    for path in sorted(TEMPLATES.rglob("*.j2")):
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            assert not re.search(r"\(\(\(\(|\(\(\(\*|\(\(\(=", line), f"{path}:{n}: {line}"


# ---------------------------------------------------------------- the LaTeX source (no TeX needed)


# Explicit values that make a dead ReLU and a saturated sigmoid (as in test_walkthrough.py), and
# a learning rate that overshoots.
EXPLICIT = [
    (dict(layers="2-2-2", activation="relu,sigmoid", seed=1),
     {"input": [0.5, 0.5], "target": [0.01, 0.99], "W1": [[0.4, 0.3], [-0.5, -0.2]], "W2": [[0.4, 0.5], [0.6, -0.3]]}),
    (dict(layers="2-2-2", seed=1),
     {"input": [1.0, 1.0], "target": [0.01, 0.99], "W1": [[4.0, 4.0], [0.1, 0.2]], "W2": [[0.4, 0.5], [0.6, -0.3]]}),
    (dict(layers="2-2", activation="linear", loss="mse", lr=10.0, seed=1),
     {"input": [1.0, 2.0], "target": [0.5, -0.5], "W1": [[0.5, -0.4], [0.3, 0.8]]}),
]


@pytest.fixture(scope="module")
def sources() -> list[tuple[dict, str, str]]:
    from worksheet.engine.spec import build_spec

    cases = [{"reference": True}, *SPREAD, LARGEST, dict(seed=24, layers="3-4-2", title=NASTY_TITLE),
             dict(seed=25, layers="1-1", title=ALL_CHARACTERS)]
    out = [(options, *render_tex(options)) for options in cases]
    for options, values in EXPLICIT:
        spec, given = build_spec(options, values)
        files = render_documents(solve(spec, given), ("md", "tex"), "w")
        out.append(({**options, **values}, files["w.tex"], files["w.md"]))
    return out


@pytest.mark.slow
def test_no_template_leftovers_or_raw_numbers(sources):
    for options, tex, _ in sources:
        assert "(((" not in tex and "((*" not in tex and "((=" not in tex, options
        assert "None" not in tex and "[^exact]" not in tex, options
        assert not re.search(r"\d\.\d{12,}", tex), f"{options}: an unformatted number"
        assert tex.count(r"\begin{longtable}") == tex.count(r"\end{longtable}"), options


def test_every_number_of_the_markdown_is_in_the_latex(sources):
    """One context for both formats: the LaTeX shows every number the Markdown shows."""
    number = re.compile(r"\d+\.\d+")
    for options, tex, md in sources:
        missing = set(number.findall(md)) - set(number.findall(tex))
        assert not missing, f"{options}: {sorted(missing)[:10]}"


def _headings(md: str, tex: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(level, text) of the Markdown's ##-#### headings and of the LaTeX sections, compared as
    plain text: the LaTeX numbers its sections, so the Markdown's own '1. ' numbers are dropped."""
    subscripts = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    in_md = [(len(m.group(1)), re.sub(r"^\d\. ", "", m.group(2).replace("$", "")))
             for m in re.finditer(r"(?m)^(#{2,4}) (.+)$", md) if m.group(2) != "Table of Contents"]
    in_tex = []
    for m in re.finditer(r"(?m)^\\(section|subsection|subsubsection)\{(.+?)\}(?:\\label\{[^}]*\})?$", tex):
        text = re.sub(r"\\texorpdfstring\{\$w_\{(\d+)\}\$\}\{[^}]*\}", lambda w: "w" + w.group(1).translate(subscripts),
                      m.group(2))
        in_tex.append((("section", "subsection", "subsubsection").index(m.group(1)) + 2,
                       text.replace("{}", "").replace("\\_", "_")))
    return in_md, in_tex


def test_same_sections_as_the_markdown(sources):
    for options, tex, md in sources:
        in_md, in_tex = _headings(md, tex)
        assert len(in_md) > 20 and in_md == in_tex, options


PROSE = [
    ("**reinforce**", r"\textbf{reinforce}"),
    ("**partly cancel**", r"\textbf{partly cancel}"),
    ("**Dead ReLU:**", r"\textbf{Dead ReLU:}"),
    ("**Saturation:**", r"\textbf{Saturation:}"),
    ("does **not** reduce the loss", r"does \textbf{not} reduce the loss"),
    ("reduces the loss from", "reduces the loss from"),
    ("decreasing at every step", "decreasing at every step"),
    ("The bias policy is **frozen**", r"The bias policy is \textbf{frozen}"),
    ("**Update order: sequential.**", r"\textbf{Update order: sequential.}"),
    ("**vanishing gradient problem**", r"\textbf{vanishing gradient problem}"),
]


def test_same_adaptive_prose_as_the_markdown(sources):
    seen = set()
    for options, tex, md in sources:
        for in_md, in_tex in PROSE:
            assert (in_md in md) == (in_tex in tex), (options, in_md)
            if in_md in md:
                seen.add(in_md)
    assert seen == {in_md for in_md, _ in PROSE}, "some sentences occur in no document of the spread"


def test_reference_tex_golden_is_what_the_command_writes(tmp_path):
    from worksheet.api import reference

    write(reference(("md", "json", "tex"), tmp_path))
    assert (tmp_path / "reference.tex").read_bytes() == (ROOT / "output" / "reference.tex").read_bytes(), (
        "output/reference.tex is stale: run `worksheet reference --format md,json,tex --out output` and commit it"
    )


def test_title_is_escaped_in_the_source():
    tex, _ = render_tex(dict(seed=24, layers="2-2", title=NASTY_TITLE))
    assert r"\input{/etc/passwd}" not in tex
    assert r"Quiz \#3: 50\% \& \$x\_1\$ \{a\} \textasciitilde{} \textasciicircum{} \textbackslash{}input\{/etc/passwd\}" in tex


# ---------------------------------------------------------------- formats and the missing engine


def test_default_formats_follow_the_tex_engine(monkeypatch, capsys):
    from worksheet.api import default_formats

    monkeypatch.setattr(pdfmod, "tex_engine", lambda: "/usr/bin/pdflatex")
    assert default_formats(("md",)) == (("md", "pdf"), None)
    assert default_formats(("md", "json"), source_without_tex=False) == (("md", "json", "pdf"), None)
    monkeypatch.setattr(pdfmod, "tex_engine", lambda: None)
    formats, note = default_formats(("md",))
    assert formats == ("md", "tex") and "texlive-latex-base" in note and "latexmk" in note
    assert default_formats(("md", "json"), source_without_tex=False)[0] == ("md", "json")
    assert capsys.readouterr().err == ""  # the library leaves the note to the command line


def test_pdf_without_a_tex_engine_says_how_to_install_it(monkeypatch, tmp_path):
    from worksheet.api import generate

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RenderError, match="texlive-latex-base texlive-latex-recommended texlive-latex-extra "
                                          "texlive-pictures lmodern latexmk"):
        write(generate(Network(seed=1), formats=("md", "pdf"), out=tmp_path / "out"))
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- compiling (TeX needed)


@pytest.fixture(scope="module")
def compiled(sources) -> dict[str, tuple[dict, pdfmod.Compiled]]:
    """Every source compiled once, two at a time (pdflatex is single-threaded)."""
    require_tex()

    def build(case):
        options, tex, _ = case
        return options, pdfmod.compile_latex(tex, "walkthrough.tex")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {str(options): (options, result) for options, result in pool.map(build, sources)}


@pytest.mark.tex
@pytest.mark.slow
def test_every_network_compiles_without_overfull_boxes(compiled):
    for options, result in compiled.values():
        assert result.pdf.startswith(b"%PDF-"), options
        assert not re.search(r"^! ", result.log, re.M), options
        assert not overfull(result.log), f"{options}:\n" + "\n".join(overfull(result.log)[:5])
        assert "Reference `" not in result.log and "undefined references" not in result.log, options
        assert not re.search(r"Rerun to get|Rerun LaTeX|may have changed", result.log), options


@pytest.mark.tex
@pytest.mark.slow
def test_reference_pdf_shows_the_key_numbers(compiled, tmp_path):
    require_poppler()
    _, result = compiled[str({"reference": True})]
    text = pdf_text(result.pdf, tmp_path)
    for value in ("0.60648", "0.24252", "0.07216", "0.36392", "0.000188"):
        assert value in text, value
    assert "Corrections to the Original Walkthrough" in text
    assert "Table of Contents" in text


@pytest.mark.tex
@pytest.mark.slow
def test_largest_network_pdf(compiled, tmp_path):
    require_poppler()
    _, result = compiled[str(LARGEST)]
    text = pdf_text(result.pdf, tmp_path)
    assert "Sixth Hidden" not in text and "Fifth Hidden" in text
    assert "The connections are too many to label legibly" in text


@pytest.mark.tex
@pytest.mark.slow
def test_nasty_title_prints_literally_and_reads_no_file(compiled, tmp_path):
    require_poppler()
    options = dict(seed=24, layers="3-4-2", title=NASTY_TITLE)
    _, result = compiled[str(options)]
    text = pdf_text(result.pdf, tmp_path)
    assert NASTY_TITLE in text
    assert "root:" not in text
    info = subprocess.run(["pdfinfo", "-"], input=result.pdf, capture_output=True).stdout.decode()
    assert NASTY_TITLE in info


@pytest.mark.tex
@pytest.mark.slow
def test_same_input_same_pdf_bytes(compiled):
    _, first = compiled[str({"reference": True})]
    tex, _ = render_tex({"reference": True})
    time.sleep(1.1)  # a timestamp in the PDF would now differ
    again = pdfmod.compile_latex(tex, "walkthrough.tex")
    assert again.pdf == first.pdf
    assert b"/CreationDate" not in again.pdf and b"/ModDate" not in again.pdf and b"/ID [" not in again.pdf


@pytest.mark.tex
@pytest.mark.slow
def test_pdflatex_without_latexmk_gives_the_same_pdf(compiled, monkeypatch):
    _, first = compiled[str(SPREAD[0])]
    which = shutil.which
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: None if name == "latexmk" else which(name))
    tex, _ = render_tex(SPREAD[0])
    assert pdfmod.compile_latex(tex, "walkthrough.tex").pdf == first.pdf


@pytest.mark.tex
@pytest.mark.slow
def test_tex_error_is_one_line_with_its_location():
    require_tex()
    tex = "\\documentclass{article}\n\\begin{document}\nfine\n\\undefinedmacro\n\\end{document}\n"
    with pytest.raises(RenderError) as info:
        pdfmod.compile_pdf(tex, "broken.tex")
    message = str(info.value)
    assert "! Undefined control sequence." in message and "l.4 \\undefinedmacro" in message
    assert "\n" not in message


@pytest.mark.tex
@pytest.mark.slow
def test_no_files_outside_the_folder_and_no_shell_escape(tmp_path):
    require_tex()
    marker = tmp_path / "shell-escape-ran"
    outside = tmp_path / "written-outside"
    tex = (
        "\\documentclass{article}\n\\begin{document}\n"
        f"\\immediate\\write18{{touch {marker}}}\n"
        f"\\newwrite\\out\\immediate\\openout\\out={outside}\\immediate\\write\\out{{x}}\\immediate\\closeout\\out\n"
        "x\n\\end{document}\n"
    )
    with pytest.raises(RenderError, match="I can't write on file"):
        pdfmod.compile_pdf(tex, "escape.tex")
    assert not marker.exists()
    assert not outside.exists() and not Path(f"{outside}.tex").exists()


@pytest.mark.tex
@pytest.mark.slow
def test_reading_a_system_file_is_refused():
    require_tex()
    tex = "\\documentclass{article}\n\\begin{document}\n\\input{/etc/passwd}\n\\end{document}\n"
    with pytest.raises(RenderError, match="passwd"):
        pdfmod.compile_pdf(tex, "read.tex")


@pytest.mark.tex
@pytest.mark.slow
def test_a_runaway_document_times_out():
    require_tex()
    tex = "\\documentclass{article}\n\\begin{document}\n\\def\\forever{\\forever}\\forever\n\\end{document}\n"
    with pytest.raises(RenderError, match="did not finish within 3 seconds"):
        pdfmod.compile_pdf(tex, "loop.tex", timeout=3)


@pytest.mark.tex
@pytest.mark.slow
def test_failed_pdf_writes_no_file(tmp_path, monkeypatch):
    require_tex()
    import worksheet.documents.render as render
    from worksheet.api import generate

    monkeypatch.setattr(render, "render_latex", lambda name, ctx: "\\documentclass{article}\\begin{document}\\oops\\end{document}")
    with pytest.raises(RenderError, match="Undefined control sequence"):
        write(generate(Network(seed=3), formats=("md", "json", "tex", "pdf"), out=tmp_path / "out"))
    assert not (tmp_path / "out").exists()


@pytest.mark.tex
@pytest.mark.slow
def test_command_writes_tex_and_pdf(tmp_path):
    require_tex()
    out = tmp_path / "seed-42"
    result = subprocess.run(
        [sys.executable, "-m", "worksheet", "generate", "--seed", "42", "--format", "tex,pdf", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["walkthrough.pdf", "walkthrough.tex"]
    assert (out / "walkthrough.pdf").read_bytes().startswith(b"%PDF-")
    assert result.stderr == ""


# ---------------------------------------------------------------- one pass from a known .aux; Ctrl-C


def _exam_document(students: int) -> tuple[str, list[str]]:
    """An exam's sheets and keys as ONE document, and the body tags, as typeset.py builds them."""
    from worksheet.api import _variant, load_sheet
    from worksheet.assessment.roster import numbered
    from worksheet.assessment.sheetdocs import tex_document

    sheet = load_sheet(Network(seed=3, bias=True), Sheet(problems=2), None, "Quiz")
    order = []
    for s in numbered(students):
        v = _variant(sheet, 3, sheet.options_hash(), ("pdf",), {s.id: ""}, {}, s)
        order += [(f"sheet-{s.id}", v["bodies"][0]), (f"key-{s.id}", v["bodies"][1])]
    return tex_document([body for _, body in order]), [tag for tag, _ in order]


@pytest.mark.tex
@pytest.mark.slow
def test_one_pass_from_the_right_labels_gives_latexmks_bytes():
    require_tex()
    tex, tags = _exam_document(1)
    reference = pdfmod.compile_pdf(tex, "exam.tex")  # latexmk: passes until the .aux settles
    unseeded = pdfmod.compile_seeded(tex, "exam.tex")
    assert unseeded.passes == 2 and unseeded.pdf == reference
    labels = {f"{tag}-last": unseeded.labels[f"{tag}-last"] for tag in tags}
    pages = sum(pdfmod.label_page(v) for v in labels.values())
    assert pages > len(tags) and all(pdfmod.label_page(v) >= 1 for v in labels.values())
    right = pdfmod.compile_seeded(tex, "exam.tex", labels, pages)
    assert right.passes == 1 and right.pdf == reference
    # A wrong page count, or a label left out, costs a second pass and changes nothing.
    wrong = pdfmod.compile_seeded(tex, "exam.tex", {k: "{}{9}" for k in labels}, pages)
    assert wrong.passes == 2 and wrong.pdf == reference
    partial = pdfmod.compile_seeded(tex, "exam.tex", dict(list(labels.items())[1:]), None)
    assert partial.passes == 2 and partial.pdf == reference


RUNAWAY = "\\documentclass{article}\n\\begin{document}\n\\def\\forever{\\forever}\\forever\n\\end{document}\n"


def _ctrl_c_once_tex_runs(count: int, seen: list[int]) -> None:
    """Send SIGINT to the main thread once `count` TeX runs are going, noting their process ids."""
    import signal
    import threading

    def watch():
        while len(pdfmod._running) < count:
            time.sleep(0.01)
        seen.extend(pdfmod._running)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    threading.Thread(target=watch, daemon=True).start()


def _ended(pid: int) -> bool:
    import os

    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.tex
@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_ends_the_tex_runs_and_removes_their_folders(tmp_path, monkeypatch, workers):
    """TeX runs in a session of its own, out of reach of the terminal's Ctrl-C: an interrupt must
    end it (here a document that would run for the whole 900 s timeout), and remove its folder."""
    import tempfile
    import threading

    require_tex()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[int] = []
    rescued = []

    def rescue():  # only if the interrupt left runs going: end them, so that the test fails instead of hanging
        rescued.append(list(pdfmod._running))
        pdfmod.stop_all()

    watchdog = threading.Timer(120, rescue)
    watchdog.start()
    _ctrl_c_once_tex_runs(workers, seen)
    try:
        with pytest.raises(KeyboardInterrupt):
            pdfmod.each(lambda tex: pdfmod.compile_seeded(tex, "loop.tex"), [RUNAWAY] * 3, workers)
    finally:
        watchdog.cancel()
    assert not rescued, "the interrupt left TeX runs going"
    assert len(seen) == workers and all(_ended(pid) for pid in seen)
    assert not pdfmod._running
    assert list(tmp_path.iterdir()) == []
