"""Atomic writes: every file of a run is rendered first, then each lands whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import WorksheetError


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


def write_folder(target: Path, files: dict[str, str | bytes], keep: list[str] = (),
                 advance=None) -> list[Path]:
    """Write a folder of files (relative paths) as a whole: into a temporary folder beside the
    target, then renamed into place. Files of an existing target listed in `keep` are carried
    over (an instructor's grades.csv, files of formats not asked for this time); the rest of the
    old folder goes. An error or Ctrl-C before the rename leaves the target as it was.
    `advance(1)` is called after each file."""
    import shutil
    import signal

    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as exc:
        raise WorksheetError(f"cannot write {target}: {exc.strerror or exc}") from None
    old = None
    try:
        for rel, data in files.items():
            path = stage / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
            os.chmod(path, 0o644)
            if advance is not None:
                advance(1)
        for rel in keep:
            if rel not in files and (target / rel).is_file():
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target / rel, stage / rel)
        os.chmod(stage, 0o755)
        # The two renames happen with Ctrl-C held back, so the target is never missing.
        blocked = hasattr(signal, "pthread_sigmask")
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            if target.exists():
                old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
                os.replace(target, old / "folder")
            os.replace(stage, target)
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if old is not None and not target.exists() and (old / "folder").exists():
            os.replace(old / "folder", target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        if isinstance(exc, OSError):
            raise WorksheetError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return [target / rel for rel in files]


def write_documents(documents, advance=None) -> list[Path]:
    """Write what a library command made (options.Documents): an exam's folder as a whole
    (write_folder, keeping the files it lists), any other command's files one by one."""
    if documents.whole_folder:
        return write_folder(documents.folder, documents.files, keep=list(documents.keep), advance=advance)
    return write_all({documents.folder / name: data for name, data in documents.files.items()})
