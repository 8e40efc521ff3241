"""Reading what users give, with limits: regular files of bounded size, numbers, seeds, TOML and text."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import InputFileError, WorksheetError

# The largest input file read: a roster of thousands of students is well under 1 MB.
MAX_BYTES = 16 * 2**20
# Seeds are 63-bit everywhere: drawn by `secrets.randbelow(2**63)` and stored in manifests as JSON.
MAX_SEED = 2**63 - 1
# Tables in spec files and manifests nest a few levels: [[problem]] holding W1's rows.
MAX_DEPTH = 8
# Numbers a user writes as text: decimals with an optional sign and exponent, ASCII digits only
# (str.isdigit and re's \d take '²' and '٣' as digits too).
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
# Exponents beyond this are no number a worksheet shows; Decimal arithmetic would overflow on them.
MAX_EXPONENT = 1000


def read_bytes(path: Path, what: str, error: type[WorksheetError] = InputFileError, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes: devices (/dev/zero), FIFOs and
    folders are refused before anything is read, so reading never hangs or fills the memory."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO without a writer would wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{what} {path}: no such file") from None
    except OSError as exc:
        raise error(f"{what} {path}: cannot be read ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise error(f"{what} {path}: {kind}; give a file")
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > limit:
            raise error(f"{what} {path}: {info.st_size} bytes; at most {limit} are read")
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise error(f"{what} {path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise error(f"{what} {path}: more than {limit} bytes; at most {limit} are read")
    return data


def read_text(path: Path, what: str, error: type[WorksheetError] = InputFileError) -> str:
    """A bounded regular file as UTF-8 text (a spreadsheet's byte order mark dropped)."""
    raw = read_bytes(path, what, error)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{what} {Path(path)} line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None


def read_toml(path: Path, what: str, error: type[WorksheetError]) -> dict[str, Any]:
    """A TOML file's table, nested at most MAX_DEPTH levels (TOML itself refuses duplicate keys)."""
    import tomllib  # here: only a command given a spec file reads TOML

    text = read_text(path, what, error)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{what} {path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise error(f"{what} {path}: nested more than {MAX_DEPTH} levels deep") from None
    check_depth(data, f"{what} {path}", error)
    return data


def check_depth(value: Any, where: str, error: type[WorksheetError], depth: int = 0) -> None:
    """Lists and tables nested at most MAX_DEPTH levels (a parsed TOML or JSON document)."""
    if depth > MAX_DEPTH:
        raise error(f"{where}: nested more than {MAX_DEPTH} levels deep")
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        check_depth(child, where, error, depth + 1)


def parse_decimal(text: str, what: str, error: type[WorksheetError] = InputFileError) -> Decimal:
    """A number written as text: ASCII digits, a decimal point, an optional sign (the minus sign
    U+2212 too) and exponent; finite and with an exponent Decimal arithmetic can hold."""
    t = text.strip().replace("\u2212", "-")
    if not _DECIMAL.fullmatch(t):
        hint = "; use a point for decimals" if "," in t else ""
        raise error(f"{what} {text!r} is not a number{hint}")
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise error(f"{what} {text!r} is not a number") from None
    if d and abs(d.adjusted()) > MAX_EXPONENT:
        raise error(f"{what} {text!r} is out of range; allowed: sizes from 1e-{MAX_EXPONENT} to 1e{MAX_EXPONENT}")
    return d


# A decimal comma, as many locales write 0,48555: read as a point unless it could be a thousands
# separator (1,234 is 1.234 or 1234).
_COMMA = re.compile(r"([+-]?)([0-9]+),([0-9]+)", re.ASCII)


def read_answer(text: str) -> Decimal | None:
    """A student's answer as a number, a decimal comma read as a point where it is unambiguous;
    None when it is not a number."""
    t = text.strip().replace("\u2212", "-")
    comma = _COMMA.fullmatch(t)
    if comma:
        sign, whole, fraction = comma.groups()
        if whole.lstrip("0") and len(fraction) == 3:
            return None
        t = f"{sign}{whole}.{fraction}"
    try:
        return parse_decimal(t, "answer")
    except InputFileError:
        return None


def whole_number(value: Any, what: str, lo: int, hi: int | None, error: type[WorksheetError]) -> int:
    """An integer from a TOML or JSON value or a text of ASCII digits, within [lo, hi]."""
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{what} {value!r} is not a whole number")
    if value < lo or (hi is not None and value > hi):
        allowed = f"{lo} to {hi}" if hi is not None else f"{lo} or more"
        raise error(f"{what} {value} is out of range; allowed: {allowed}")
    return value


def seed(value: Any, what: str = "seed", error: type[WorksheetError] = InputFileError) -> int:
    """A seed, the same limit for every command and for manifests: 0 to 2^63 - 1."""
    return whole_number(value, what, 0, MAX_SEED, error)


def is_control(ch: str) -> bool:
    """Control, format and line-separator characters (NUL, ESC, newline, bidi overrides); the
    zero-width joiner stays, as names in several scripts need it."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") and ch != "\u200d"


def check_text(value: Any, what: str, error: type[WorksheetError]) -> str:
    """A title or name: a string without control characters."""
    if not isinstance(value, str):
        raise error(f"{what} {value!r} must be a string")
    for ch in value:
        if is_control(ch):
            raise error(f"{what} contains the control character U+{ord(ch):04X}")
    return value


def read_json(path: Path, what: str, error: type[WorksheetError] = InputFileError) -> Any:
    """A JSON file's value: bounded, without duplicate keys, NaN or Infinity, nested at most MAX_DEPTH."""
    import json

    text = read_text(path, what, error)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise error(f"{what} {path}: the key {key!r} appears twice in one object")
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise error(f"{what} {path}: {name} is not a number JSON allows")

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise error(f"{what} {path}: not a readable JSON file ({exc.msg}, line {exc.lineno})") from None
    except RecursionError:
        raise error(f"{what} {path}: nested more than {MAX_DEPTH} levels deep") from None
    check_depth(data, f"{what} {path}", error)
    return data
