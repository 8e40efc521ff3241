"""Atomic writes: every file of a run is rendered first, then each lands whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import WorksheetError


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise WorksheetError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WorksheetError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def write_all(files: dict[Path, str | bytes]) -> list[Path]:
    """Write every rendered file; called only after all of them rendered without error."""
    for path, data in files.items():
        write_atomic(path, data)
    return list(files)
