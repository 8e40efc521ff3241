"""Atomic writes: every file of a run is rendered first, then the whole set lands or none of it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .. import interrupts
from ..errors import WorksheetError
from . import lock


def _error(path: Path, exc: OSError) -> WorksheetError:
    return WorksheetError(f"cannot write {path}: {exc.strerror or exc}")


def _check_name(path: Path) -> None:
    if path.name in ("", ".", ".."):
        raise WorksheetError(f"{str(path)!r} names no file or folder to write; give a path such as output/exam")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write one file whole: see write_all."""
    write_all({Path(path): data})


def write_all(files: dict[Path, str | bytes]) -> list[Path]:
    """Write a set of rendered files all or none: each into a temporary file beside it (the same
    file system, so a full disk fails here, before any file is replaced), then every one renamed
    into place with interrupts held back. Each folder written into is locked meanwhile."""
    paths = [Path(p) for p in files]
    for p in paths:
        _check_name(p)
    folders = sorted({p.parent for p in paths})
    temps: dict[Path, str] = {}
    done = False
    try:
        for folder in folders:
            lock.hold(folder)
            lock.sweep(folder, {p.name for p in paths if p.parent == folder})
        for path, data in zip(paths, files.values()):
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                temps[path] = tmp
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data.encode("utf-8") if isinstance(data, str) else data)
                os.chmod(tmp, 0o644)
            except OSError as exc:
                raise _error(path, exc) from None
        with interrupts.held():
            for path in paths:
                try:
                    os.replace(temps.pop(path), path)
                except OSError as exc:
                    raise _error(path, exc) from None
            interrupts.committed.extend(paths)
            done = True
    finally:
        for tmp in temps.values():
            try:
                os.unlink(tmp)
            except OSError:
                pass
        for folder in folders:
            lock.release(folder, failed=not done)
    return paths


def check_locked(target: Path, check, hold: bool = True):
    """`check(target)`, whether a folder may be written as a whole and what to keep of it, with
    the folder holding `target` locked and what a killed writer left repaired first. With `hold`
    the lock stays until write_folder has written the target, so no other writer can come between
    the check and the write; without, it goes at once (an early check, repeated under the lock
    when the folder is written), and nothing is made where nothing is yet."""
    target = Path(target)
    if not hold:
        if not target.parent.is_dir():
            return check(target)
        lock.enter_folder(target)
        try:
            return check(target)
        finally:
            lock.release(target.parent)
    lock.enter_folder(target)
    try:
        return check(target)
    except BaseException:
        lock.release(target.parent, failed=True)
        raise


def write_folder(target: Path, files: dict[str, str | bytes], keep: list[str] = (),
                 advance=None) -> list[Path]:
    """Write a folder of files (relative paths) as a whole: into a temporary folder beside the
    target, then renamed into place. Files of an existing target listed in `keep` are carried
    over (an instructor's grades.csv, files of formats not asked for this time); the rest of the
    old folder goes. An error or a signal before the rename leaves the target as it was; the
    renames and the removal of the old folder (its keys included) happen with SIGINT, SIGTERM
    and SIGHUP held back, so no copy of an exam is left beside it. The folder holding the
    target is locked from check_locked to here. `advance(1)` is called after each file."""
    target = Path(target)
    _check_name(target)
    parent = target.parent
    stage = old = None
    try:
        lock.enter_folder(target)
        try:
            stage = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
            for rel, data in files.items():
                path = stage / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
                os.chmod(path, 0o644)
                if advance is not None:
                    advance(1)
            for rel in keep:
                source = target / rel
                if rel not in files and source.is_file() and not source.is_symlink():
                    (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, stage / rel, follow_symlinks=False)
            os.chmod(stage, 0o755)
        except OSError as exc:
            raise _error(target, exc) from None
        with interrupts.held():
            try:
                if target.exists() or target.is_symlink():
                    old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".old"))
                    os.replace(target, old / "folder")
                os.replace(stage, target)
                stage = None
            except OSError as exc:
                if old is not None and not target.exists() and (old / "folder").exists():
                    os.replace(old / "folder", target)
                raise _error(target, exc) from None
            finally:
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
            interrupts.committed.append(target)
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        lock.release(parent, failed=not target.exists())
    return [target / rel for rel in files]
