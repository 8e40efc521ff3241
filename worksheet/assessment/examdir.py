"""Exam folders: variant seeds and codes, folder names, and overwrite protection."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from ..errors import WorksheetError
from ..inputs import MAX_SEED
from ..engine.sampling import derive_seed
from .manifest import MANIFEST, read_manifest

# Crockford's base 32 without the letters that read as digits: codes are read aloud and typed.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_seed() -> int:
    """An unguessable exam seed from the operating system: it is the key to every variant."""
    return secrets.randbelow(MAX_SEED + 1)


def variant_seed(exam_seed: int, student_id: str) -> int:
    """The student's own seed: from the exam seed and the id alone, so adding or removing
    other students changes nothing for this one."""
    return derive_seed(exam_seed, "student", student_id)


def variant_code(seed: int) -> str:
    """Six characters that name a variant on its sheet and key without revealing its seed."""
    digest = int.from_bytes(hashlib.sha256(f"worksheet-variant/1|{seed}".encode()).digest()[:8], "big")
    return "".join(_CODE_ALPHABET[(digest >> (5 * n)) & 31] for n in range(6))


def slug(title: str) -> str:
    """A folder name from a title: lower-case ASCII letters and digits joined by '-'."""
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return text or "exam"


def check_folder(folder: Path, seed: int, options_hash: str, ids: list[str], force: bool) -> list[str]:
    """Whether the exam may be written into `folder`; the files of the old exam to carry over.

    An existing exam made with the same seed and options is the same exam: regenerating it writes
    the same bytes, and its files of formats not asked for now stay. Anything else would lose the
    keys of an exam that may have been handed out, and needs --force. The writer runs this check
    with the folder locked (publish.output.check_locked)."""
    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        return []
    if folder.is_symlink() or not folder.is_dir():
        raise WorksheetError(f"{folder} exists and is not a folder; choose another --out")
    entries = _entries(folder)
    old = read_manifest(folder)
    own = [str(p.relative_to(folder)) for p in entries]
    if old is None:
        if entries and not force:
            raise WorksheetError(
                f"{folder} exists and holds files but no {MANIFEST}; it is not an exam folder. "
                "Choose another --out, or add --force to write the exam into it"
            )
        return own
    if not old:
        if not force:
            raise WorksheetError(f"{folder}/{MANIFEST} is not a worksheet exam manifest; add --force to replace it")
        return own
    listed = set(old.get("files", []))
    foreign = [rel for rel in own if rel not in listed and rel != MANIFEST]
    if old.get("seed") != seed or old.get("options_hash") != options_hash:
        if not force:
            what = (f"other options (options {old.get('options_hash')}, now {options_hash})"
                    if old.get("options_hash") != options_hash else
                    f"another seed (to regenerate it, give --seed from its {MANIFEST})")
            raise WorksheetError(
                f"{folder} holds an exam made with {what}; writing would replace the sheets and keys "
                "already made. Choose another --out, or add --force"
            )
        return foreign
    gone = [s.get("id") for s in old.get("students", []) if s.get("id") not in set(ids)]
    if gone and not force:
        shown = ", ".join(map(str, gone[:5])) + (" ..." if len(gone) > 5 else "")
        raise WorksheetError(
            f"{folder}: {len(gone)} student(s) of this exam are not in the roster any more ({shown}); "
            "writing would delete their sheets and keys. Add --force to do so"
        )
    if gone:
        drop = {p for s in old.get("students", []) if s.get("id") in set(gone) for p in _student_files(listed, s["id"])}
        return [rel for rel in own if rel != MANIFEST and rel not in drop]
    return [rel for rel in own if rel != MANIFEST]


def _entries(folder: Path) -> list[Path]:
    """The files of a folder, at any depth; a symbolic link (whose target would be copied into the
    new exam and listed in its manifest) or a special file is an error."""
    out = []
    for root, dirs, names in os.walk(folder):
        for name in sorted(dirs + names):
            path = Path(root) / name
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                kind = "a symbolic link" if path.is_symlink() else "a special file"
                raise WorksheetError(f"{folder} holds {kind}, {path.relative_to(folder)}, that worksheet did not "
                                     "write; remove it or choose another --out")
        out += [Path(root) / name for name in names]
    return out


def _student_files(listed: set[str], sid: str) -> list[str]:
    return [rel for rel in listed if Path(rel).stem == sid or Path(rel).stem.startswith(f"{sid}-solution-")]
