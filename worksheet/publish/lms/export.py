"""Every asked LMS file of a sheet or an exam, in memory: moodle.xml, qti.zip, canvas.zip."""

from __future__ import annotations

from .items import Variant


def lms_files(title: str, variants: list[Variant], formats: tuple[str, ...], moodle_style: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    if "moodle" in formats:
        from .moodle import moodle_xml

        files["moodle.xml"] = moodle_xml(title, variants, moodle_style)
    if "qti" in formats:
        from .qti import qti_package

        files["qti.zip"] = qti_package(title, variants)
    if "canvas" in formats:
        from .canvas import canvas_package

        files["canvas.zip"] = canvas_package(title, variants)
    return files
