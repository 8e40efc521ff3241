"""CSV files for spreadsheets: no cell a spreadsheet would run as a formula, and such cells read back."""

from __future__ import annotations

import csv
import io
import re

# OWASP's rule for CSV injection: a cell starting with one of these is a formula (or, for tab and
# carriage return, hides one) in Excel, LibreOffice and Google Sheets.
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A leading apostrophe is the spreadsheets' own mark for text, hidden when shown: it is doubled
# too, so that every escaped cell reads back exactly.
_MARK = "'"
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)


def cell(value: str) -> str:
    """A cell as written: prefixed with ' when a spreadsheet would take it for a formula."""
    if value[:1] in _FIRST and not _NUMBER.fullmatch(value):
        return _MARK + value
    return value


_FIRST = frozenset((*_TRIGGERS, _MARK))  # what an escaped cell starts with


def uncell(value: str) -> str:
    """A cell as it was before `cell`."""
    return value[1:] if value.startswith(_MARK) else value


def write_rows(header: list[str], rows: list[list[str]]) -> str:
    """A CSV document, `\\n` line ends, every cell through `cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(c) for c in row])
    return buf.getvalue()
