"""One writer per output folder: an exclusive lock, and the removal of what a killed writer left."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from ..errors import WorksheetError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one writer at a time is the user's care there
    fcntl = None

_held: dict[Path, int] = {}  # folder -> descriptor holding its lock
_created: dict[Path, list[Path]] = {}  # folder -> the folders hold() made for it, outermost first


def _key(folder: Path) -> Path:
    return Path(os.path.abspath(folder))


def hold(folder: Path, target: Path | None = None) -> None:
    """Lock `folder` (created if missing) against other worksheet processes until `release`:
    every temporary file or folder of a write is made in the folder holding the lock, so a
    second writer waits for the first instead of both writing and one being lost."""
    key = _key(folder)
    if key in _held:
        return
    created = [p for p in (key, *key.parents) if not p.exists()][::-1]
    try:
        key.mkdir(parents=True, exist_ok=True)
        fd = os.open(key, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise WorksheetError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            where = f"{target} or a folder beside it" if target is not None else f"into {folder}"
            print(f"worksheet: note: another worksheet is writing {where}; waiting for it to finish",
                  file=sys.stderr)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
        except OSError:
            pass  # a file system without locks (some network mounts): write as before
    _held[key] = fd
    _created[key] = created


def release(folder: Path, failed: bool = False) -> None:
    """Unlock `folder`; after a failed write, the folders `hold` created go too if still empty."""
    key = _key(folder)
    fd = _held.pop(key, None)
    created = _created.pop(key, [])
    if fd is not None:
        os.close(fd)  # closing the descriptor releases the lock
    for path in reversed(created) if failed else ():
        try:
            path.rmdir()
        except OSError:
            break


def sweep(folder: Path, names: set[str]) -> None:
    """Remove the temporary files and folders (.NAME.<8 random characters>.tmp or .old) that a
    writer of one of `names` killed outright (SIGKILL, power loss) left in `folder`, and say so.
    Called with the folder's lock held: no other writer is using them."""
    pattern = re.compile(r"\.(.+)\.[A-Za-z0-9_]{8}\.(tmp|old)")
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m and m.group(1) in names:
            found.append(entry.path)
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
    if found:
        print(f"worksheet: note: removed {len(found)} temporary file(s) that an interrupted run left in {folder}",
              file=sys.stderr)


def enter_folder(target: Path) -> None:
    """Lock the folder holding `target` (a folder written as a whole) and clean up after a killed
    writer: when the target is missing because the writer died between the two renames of its
    swap, the old folder is put back first; then the temporary folders go."""
    target = Path(target)
    hold(target.parent, target)
    if not target.exists() and not target.is_symlink():
        for entry in sorted(target.parent.glob(f".{target.name}.*.old")):
            if (entry / "folder").is_dir():
                os.replace(entry / "folder", target)
                print(f"worksheet: note: {target} was put back from {entry.name}, where an interrupted run "
                      "left it", file=sys.stderr)
                break
    sweep(target.parent, {target.name})
