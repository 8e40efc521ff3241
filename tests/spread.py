"""The spread of configurations whose every output byte is recorded (tests/spread/): run them,
hash what they write, and compare with or rewrite tests/spread/sha256.txt.

    python tests/spread.py --write    # record the hashes (after a deliberate change of output)
    python tests/spread.py            # compare, print the files that differ
"""

from __future__ import annotations

import hashlib
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "spread"
COMMANDS = HERE / "commands.txt"
HASHES = HERE / "sha256.txt"


def commands() -> list[str]:
    lines = COMMANDS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def run_one(n: int, command: str, base: Path) -> dict[str, str]:
    """Run configuration n into base/n; relative path -> sha256 of every file it wrote."""
    out = base / f"{n:02d}"
    args = [a.replace("{out}", str(out)) for a in shlex.split(command)]
    result = subprocess.run(
        [sys.executable, "-m", "worksheet", *args], cwd=ROOT, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"configuration {n} ({command}) exited {result.returncode}: {result.stderr.strip()}")
    return {
        f"{n:02d}/{p.relative_to(out).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*")) if p.is_file()
    }


def run_all(base: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for n, command in enumerate(commands(), start=1):
        hashes.update(run_one(n, command, base))
    return hashes


def recorded() -> dict[str, str]:
    pairs = (line.split("  ", 1) for line in HASHES.read_text(encoding="utf-8").splitlines() if line)
    return {path: digest for digest, path in pairs}


def text(hashes: dict[str, str]) -> str:
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(hashes.items()))


def differences(now: dict[str, str], then: dict[str, str]) -> list[str]:
    return [
        f"{'changed' if p in now and p in then else 'new' if p in now else 'missing'}: {p}"
        for p in sorted(set(now) | set(then)) if now.get(p) != then.get(p)
    ]


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        now = run_all(Path(tmp))
    if "--write" in argv:
        HASHES.write_text(text(now), encoding="utf-8")
        print(f"recorded {len(now)} files of {len(commands())} configurations")
        return 0
    diff = differences(now, recorded())
    print("\n".join(diff) or f"all {len(now)} files identical")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
