"""Tests mirror the package: every module with logic has tests/test_<module>.py, or is tested
where this table says (a module whose behaviour is seen through a command, or whose tests share
a fixture with another module's). A new module needs one or the other."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "worksheet"
TESTS = ROOT / "tests"

# Module (path inside worksheet/, without .py) -> the test files that test it.
TESTED_IN = {
    "api": ["test_walkthrough.py", "test_practice.py", "test_exam.py", "test_published.py"],
    "errors": ["test_cli.py", "test_hostile.py"],
    "inputs": ["test_cli.py", "test_hostile.py", "test_hostile_property.py"],
    "interrupts": ["test_faults.py"],
    "options": ["test_published.py", "test_cli.py"],
    "resources": ["test_packaging.py", "test_published.py"],
    "assessment/carry_forward": ["test_grade.py", "test_cohorts.py"],
    "assessment/diagnosis": ["test_grade.py", "test_cohorts.py"],
    "assessment/examdir": ["test_exam.py", "test_faults.py"],
    "assessment/grading": ["test_grade.py", "test_hostile.py"],
    "assessment/itemanalysis": ["test_grade.py"],
    "assessment/manifest": ["test_exam.py", "test_grade.py"],
    "assessment/redraw": ["test_choices.py", "test_practice.py"],
    "assessment/review": ["test_grade.py", "test_cohorts.py"],
    "assessment/roster": ["test_exam.py", "test_names.py"],
    "assessment/sheetdocs": ["test_practice.py", "test_latex.py"],
    "assessment/sheets": ["test_practice.py", "test_exam.py"],
    "assessment/sheetspec": ["test_practice.py", "test_hostile_property.py"],
    "assessment/spreadsheet": ["test_grade.py", "test_hostile.py"],
    "check/arith": ["test_check.py"],
    "check/corrections": ["test_check.py"],
    "check/document": ["test_check.py"],
    "check/parsing": ["test_check.py"],
    "check/report": ["test_check.py"],
    "check/verdicts": ["test_check.py"],
    "documents/context": ["test_walkthrough.py", "test_dialects.py"],
    "documents/export": ["test_walkthrough.py", "test_calculator.py"],
    "documents/mathml": ["test_html.py", "test_dialects.py"],
    "documents/notation": ["test_walkthrough.py", "test_diagrams.py"],
    "documents/render": ["test_dialects.py", "test_walkthrough.py"],
    "documents/texescape": ["test_names.py", "test_latex.py"],
    "documents/usertext": ["test_names.py"],
    "engine/activations": ["test_registries.py", "test_calculator.py"],
    "engine/derivations": ["test_registries.py"],
    "engine/finite": ["test_calculator.py"],
    "engine/losses": ["test_registries.py", "test_calculator.py"],
    "publish/lock": ["test_faults.py", "test_exam.py"],
    "publish/output": ["test_faults.py", "test_cli.py"],
    "publish/pdf": ["test_latex.py", "test_typeset.py"],
    "publish/pdfsplit": ["test_typeset.py", "test_latex.py"],
    "publish/html/page": ["test_html.py", "test_html_browser.py"],
    "publish/lms/export": ["test_moodle.py", "test_qti.py", "test_canvas.py"],
    "publish/lms/items": ["test_moodle.py", "test_canvas.py"],
    "publish/lms/package": ["test_qti.py", "test_canvas.py"],
}


def _with_logic() -> list[str]:
    """Modules that define a function or a class (not only constants or re-exports)."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, (ast.FunctionDef, ast.ClassDef)) for node in tree.body):
            out.append(path.relative_to(PACKAGE).with_suffix("").as_posix())
    return out


def test_every_module_with_logic_has_its_tests():
    missing = [m for m in _with_logic()
               if not (TESTS / f"test_{m.rsplit('/', 1)[-1]}.py").is_file() and m not in TESTED_IN]
    assert missing == [], f"no tests/test_<module>.py and no entry in TESTED_IN for {missing}"


def test_the_table_names_modules_and_test_files_that_exist():
    modules = set(_with_logic())
    assert sorted(set(TESTED_IN) - modules) == []
    absent = sorted({name for names in TESTED_IN.values() for name in names if not (TESTS / name).is_file()})
    assert absent == []


def test_a_module_with_a_test_file_of_its_own_is_not_also_in_the_table():
    doubled = [m for m in TESTED_IN if (TESTS / f"test_{m.rsplit('/', 1)[-1]}.py").is_file()]
    assert doubled == []
