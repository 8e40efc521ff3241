"""Names in any script: a student whose name pdflatex's T1 fonts cannot set gets a sheet and key
whose .tex files are LuaLaTeX documents (fontspec, fallback fonts) and whose PDFs are pdflatex's
with the name as a picture lualatex typesets; every PDF shows every name exactly and regenerates
byte for byte; the students of Latin names have documents that do not depend on who else is in
the roster; --tex-engine lualatex makes every document a LuaLaTeX one."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from mdcheck import skip_or_fail
from test_exam import roster, run, tree

from worksheet import api
from worksheet.errors import RenderError, WorksheetError
from worksheet import Network, Sheet, write

NAMES = [
    ("g1", "Ελένη Παπαδοπούλου"),
    ("c1", "Дмитрий Иванов"),
    ("z1", "王小明"),
    ("a1", "José Ñúñez-Łukasz Ștefan"),
    ("o1", "O'Brien & Co_ #1 {x} ~^\\ 50%$ -- <<y>>"),
    ("i1", "\\input{/etc/passwd}"),
]
LUALATEX_COMMENT = "% Compile with lualatex (not pdflatex)"


def pdftext(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def lua_exam(tmp_path_factory):
    from worksheet.publish.pdf import lualatex_missing

    missing = lualatex_missing()
    if missing is not None:
        skip_or_fail(f"{missing} is not installed (Debian: texlive-luatex fonts-arphic-uming fonts-dejavu-core)")
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("names")
    write(api.exam(Network(seed=11), Sheet(problems=1), roster=roster(folder / "class.csv", NAMES), formats=("md",
                   "tex", "pdf"), out=folder / "exam"))
    return folder, folder / "exam"


@pytest.mark.tex
@pytest.mark.slow
def test_every_name_prints_exactly_in_its_sheet_and_key_pdf(lua_exam):
    _, out = lua_exam
    every = pdftext(out / "sheets.pdf")
    for sid, name in NAMES:
        for part in ("sheets", "keys"):
            text = pdftext(out / part / f"{sid}.pdf")
            if sid in ("g1", "c1", "z1"):  # a picture lualatex typeset: the text as written
                assert name in text, (sid, part, text[:300])
            else:  # T1 builds Ș from S and a comma below, which pdftotext extracts as "S, "
                assert _letters(name) in _letters(text), (sid, part, text[:300])
        assert _letters(name) in _letters(every), sid


@pytest.mark.tex
@pytest.mark.slow
def test_a_name_in_another_script_is_a_picture_in_a_pdflatex_pdf(lua_exam):
    """The sheets and keys themselves are pdflatex's (Type 1 Latin Modern); the name is a picture
    lualatex typeset with the fallback font of its own script alone."""
    _, out = lua_exam
    for sid, fallback, other in (("g1", "DejaVuSerif", "UMingCN"), ("z1", "UMingCN", None)):
        for part in ("sheets", "keys"):
            fonts = subprocess.run(["pdffonts", str(out / part / f"{sid}.pdf")], capture_output=True, text=True,
                                   check=True).stdout
            assert any("LMRoman10-Regular" in line and "Type 1" in line for line in fonts.splitlines()), fonts
            assert fallback in fonts and (other is None or other not in fonts), fonts


@pytest.mark.tex
@pytest.mark.slow
def test_a_students_pdfs_show_the_same_without_the_other_names(lua_exam, tmp_path):
    """Removing the students with names in other scripts changes nothing the others' PDFs show."""
    folder, out = lua_exam
    write(api.exam(Network(seed=11), Sheet(problems=1), roster=roster(tmp_path / "latin.csv", NAMES[3:]),
                   formats=("pdf",), out=tmp_path / "latin"))
    for sid, _ in NAMES[3:]:
        for part in ("sheets", "keys"):
            assert pdftext(out / part / f"{sid}.pdf") == pdftext(tmp_path / "latin" / part / f"{sid}.pdf"), sid


def test_the_names_document_loads_only_the_fonts_a_name_needs():
    from worksheet.publish.names import pictures_document

    greek = pictures_document({"g1": "Ελένη", "c1": "Дмитрий"})
    assert "DejaVu Serif" in greek and "UMing" not in greek and greek.count("add_fallback") == 1
    both = pictures_document({"g1": "Ελένη", "z1": "王小明"})
    assert both.count("add_fallback") == 2 and '"AR PL UMing CN:mode=node;", "DejaVu Serif:mode=node;"' in both
    assert "\\namepage{{\\namefont 王小明}}" in both


def _letters(text: str) -> str:
    """The letters of a text without their accents."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isalnum())


@pytest.mark.tex
@pytest.mark.slow
def test_the_tex_files_say_they_need_lualatex_and_escape_the_names(lua_exam):
    _, out = lua_exam
    for sid, _ in NAMES:
        for part in ("sheets", "keys"):
            tex = (out / part / f"{sid}.tex").read_text(encoding="utf-8")
            if sid in ("g1", "c1", "z1"):
                assert tex.startswith(LUALATEX_COMMENT) and "\\usepackage{fontspec}" in tex and "fontenc" not in tex
            else:
                assert tex.startswith("\\documentclass") and "\\usepackage[T1]{fontenc}" in tex
    tex = (out / "sheets" / "i1.tex").read_text(encoding="utf-8")
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in tex
    assert "\\input{" not in tex
    assert "{\\namefont Ελένη Παπαδοπούλου}" in (out / "sheets" / "g1.tex").read_text(encoding="utf-8")


@pytest.mark.tex
@pytest.mark.slow
def test_a_lualatex_exam_regenerates_byte_for_byte(lua_exam):
    folder, out = lua_exam
    first = tree(out)
    again = folder / "again"
    result = run(["exam", "--manifest", str(out / "manifest.json"), "--out", str(again)], folder)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert tree(again) == first
    for name, data in first.items():
        if name.endswith(".pdf"):
            assert b"CreationDate" not in data and b"ModDate" not in data and b"/ID" not in data, name


def test_latin_names_keep_pdflatex(tmp_path):
    latin = [("a1", "José Ñúñez"), ("o1", "O'Brien & Co")]
    write(api.exam(Network(seed=1), roster=roster(tmp_path / "c.csv", latin), formats=("tex",), out=tmp_path / "e"))
    tex = (tmp_path / "e" / "sheets" / "a1.tex").read_text(encoding="utf-8")
    assert tex.startswith("\\documentclass") and "\\usepackage[T1]{fontenc}" in tex
    assert "lualatex" not in tex and "namefont" not in tex


def test_a_students_files_do_not_depend_on_the_others_names(tmp_path):
    """Removing the students with non-Latin names changes no byte of the others' Markdown, LaTeX
    or JSON, nor their rows of answers.csv."""
    write(api.exam(Network(seed=3), roster=roster(tmp_path / "all.csv", NAMES), formats=("md", "tex", "json"),
                   out=tmp_path / "all"))
    write(api.exam(Network(seed=3), roster=roster(tmp_path / "latin.csv", NAMES[3:]), formats=("md", "tex", "json"),
                   out=tmp_path / "latin"))
    everyone, latin = tree(tmp_path / "all"), tree(tmp_path / "latin")
    for sid, _ in NAMES[3:]:
        for part in ("sheets", "keys"):
            for ext in ("md", "tex", "json"):
                name = f"{part}/{sid}.{ext}"
                if name in latin:
                    assert everyone[name] == latin[name], name
    rows = [line for line in latin["answers.csv"].decode().splitlines()[1:]]
    assert rows and all(row in everyone["answers.csv"].decode().splitlines() for row in rows)


def test_one_engine_for_every_document(tmp_path):
    write(api.exam(Network(seed=1), roster=roster(tmp_path / "c.csv", [("a1", "Ann Lee"), ("z1", "王小明")]),
                   formats=("tex",), out=tmp_path / "e", tex_engine="lualatex"))
    for sid in ("a1", "z1"):
        assert (tmp_path / "e" / "sheets" / f"{sid}.tex").read_text(encoding="utf-8").startswith(LUALATEX_COMMENT)
    assert '"tex_engine": "lualatex"' in (tmp_path / "e" / "manifest.json").read_text(encoding="utf-8")
    with pytest.raises(WorksheetError, match="tex engine 'xetex' is not known; allowed: auto, lualatex"):
        api.exam(Network(seed=1), variants=1, formats=("tex",), out=tmp_path / "x", tex_engine="xetex")


def test_tex_alone_needs_no_lualatex(tmp_path, monkeypatch):
    from worksheet.publish import pdf

    monkeypatch.setattr(pdf, "lualatex_missing", lambda fonts=(): pytest.fail("checked lualatex for --format tex"))
    write(api.exam(Network(seed=1), roster=roster(tmp_path / "c.csv", NAMES[:3]), formats=("md", "tex"),
                   out=tmp_path / "e"))
    assert (tmp_path / "e" / "keys" / "z1.tex").read_text(encoding="utf-8").startswith(LUALATEX_COMMENT)
    assert "| 王小明 | z1 |" in (tmp_path / "e" / "sheets" / "z1.md").read_text(encoding="utf-8")


def test_without_lualatex_one_line_names_the_student_and_what_to_install(tmp_path, monkeypatch):
    from worksheet.publish import pdf

    monkeypatch.setattr(pdf, "lualatex_missing", lambda fonts=(): "lualatex")
    r = roster(tmp_path / "c.csv", [("a1", "Ann Lee"), ("c1", "Дмитрий Иванов"), ("z1", "王小明")])
    with pytest.raises(RenderError) as info:
        write(api.exam(Network(seed=1), roster=r, formats=("md", "pdf"), out=tmp_path / "e"))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"roster {r} line 3: the name of student c1 (Дмитрий Иванов) needs lualatex")
    assert "texlive-luatex fonts-arphic-uming fonts-dejavu-core" in message and "--format md" in message
    assert not (tmp_path / "e").exists()


@pytest.mark.tex
@pytest.mark.slow
def test_a_character_no_font_has_is_an_error_not_a_gap(lua_exam, tmp_path):
    r = roster(tmp_path / "c.csv", [("e1", "Zoë \U0001F600 Smith"), ("g1", "Ελένη")])
    with pytest.raises(RenderError) as info:
        write(api.exam(Network(seed=2), Sheet(problems=1), roster=r, formats=("pdf",), out=tmp_path / "e"))
    message = str(info.value)
    assert "\n" not in message and "U+1F600" in message
    assert message.startswith(f"roster {r} line 2: the name of student e1 (Zoë \U0001F600 Smith): no installed font")
    assert not (tmp_path / "e").exists()


def test_markdown_escapes_only_what_markdown_would_read(tmp_path):
    people = [("m1", "Mary-Jane O'Connor (Jr.)"), ("m2", "A*B_C [x] <y> | $z$ ~w~ & #1")]
    write(api.exam(Network(seed=1), roster=roster(tmp_path / "c.csv", people), formats=("md",), out=tmp_path / "e"))
    assert "| Mary-Jane O'Connor (Jr.) | m1 |" in (tmp_path / "e" / "sheets" / "m1.md").read_text(encoding="utf-8")
    assert ("| A\\*B\\_C \\[x\\] \\<y\\> \\| \\$z\\$ \\~w\\~ \\& \\#1 | m2 |"
            in (tmp_path / "e" / "sheets" / "m2.md").read_text(encoding="utf-8"))
