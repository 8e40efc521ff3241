"""Two checkouts side by side: every command the benchmarks time (their COMPARED lists), run with
each checkout's worksheet in turn, and a table of medians and ratios.

    python benchmarks/compare.py BEFORE [AFTER] [--runs N] [--profile] [--only exam_scale,...]

BEFORE and AFTER are folders holding a checkout (AFTER: this one). Each command runs once in each
as a warm-up, then N times (5) in alternating order (before-after, after-before, ...), so that a
change in the machine's load falls on both. A command that fails in BEFORE (a format it does not
have yet) shows as "-"; one that fails in AFTER stops the comparison. With --profile, worksheet's
own stage timings (WORKSHEET_PROFILE=1) of the exam commands are compared too. Only the command
line is used: PYTHONPATH picks the checkout, so both run under the same interpreter and packages."""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import HERE, TINY, machine, sized, worksheet

SCRIPTS = ("startup", "one_document", "exam_scale", "exam_pdfs", "lms_export", "html_page")
PROFILE = "worksheet: profile: "


def checkout(text: str) -> Path:
    path = Path(text).resolve()
    if not (path / "worksheet" / "__init__.py").is_file():
        sys.exit(f"{text} holds no checkout of worksheet (no worksheet/__init__.py)")
    return path


def commands(scripts: tuple[str, ...] = SCRIPTS) -> list[tuple[str, str, list[str]]]:
    """(script, label, arguments) of every compared command of `scripts`."""
    out = []
    for script in scripts:
        module = importlib.import_module(script)
        out += [(script, label, args) for label, args in module.COMPARED]
    return out


def run(root: Path, args: list[str], out: Path, profile: bool,
        must: bool = False) -> tuple[float, dict[str, float]] | None:
    """Wall time of one whole process with `root`'s worksheet, and its stage seconds; None when
    it fails (an error that stops the comparison when it `must` run)."""
    # Python's byte-code is written (by the warm-up) and read, as an installed worksheet's is, even
    # where the environment says not to write it: compiling the sources is no part of a command.
    env = {k: v for k, v in os.environ.items() if k not in ("WORKSHEET_PROFILE", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])])
    if profile:
        env["WORKSHEET_PROFILE"] = "1"
    writes = not args[0].startswith("-")
    command = [*worksheet(), *args, *(["--out", str(out)] if writes else [])]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=out.parent, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        if must:
            sys.exit(f"worksheet {' '.join(args)} failed in {root}: {done.stderr.strip()}")
        return None
    stages = {}
    for line in done.stderr.splitlines():
        if line.startswith(PROFILE):
            name, _, rest = line.removeprefix(PROFILE).partition("  ")
            value = rest.split()
            if len(value) >= 2 and value[1] == "s":
                stages[name.strip()] = float(value[0])
    return elapsed, stages


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def cell(x: float | None) -> str:
    return f"{x:9.3f}" if x is not None else f"{'-':>9}"


def ratio(before: float | None, after: float | None) -> str:
    return f"{before / after:7.2f}x" if before and after else f"{'-':>8}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after", nargs="?", default=str(HERE.parent))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="compare the exam commands' stage timings too")
    parser.add_argument("--only", help=f"a comma list of benchmarks: {', '.join(SCRIPTS)} (default: all)")
    options = parser.parse_args()
    scripts = SCRIPTS if options.only is None else tuple(s.strip() for s in options.only.split(","))
    unknown = [s for s in scripts if s not in SCRIPTS]
    if unknown:
        sys.exit(f"no benchmark {unknown[0]!r}; known: {', '.join(SCRIPTS)}")
    roots = {"before": checkout(options.before), "after": checkout(options.after)}
    runs = sized(options.runs, 1)
    print(f"machine: {machine()}")
    print(f"before: {roots['before']}\nafter:  {roots['after']}")
    print(f"each command: one warm-up run in each, then {runs} runs alternating which goes first; "
          "medians of wall seconds; ratio = before / after (above 1: after is faster)\n")
    print(f"{'benchmark':<13} {'command':<58} {'before':>9} {'after':>9} {'ratio':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        folders = (Path(tmp) / f"run-{k}" for k in range(10**6))
        for script, label, args in commands(scripts):
            profile = options.profile and args[0] == "exam"
            times = {"before": [], "after": []}
            stages = {"before": [], "after": []}
            for side in roots:
                run(roots[side], args, next(folders), False, must=side == "after")  # warm-up: caches, byte-code
            for n in range(runs):
                for side in (("before", "after") if n % 2 == 0 else ("after", "before")):
                    result = run(roots[side], args, next(folders), profile)
                    if result is not None:
                        times[side].append(result[0])
                        stages[side].append(result[1])
            b, a = median(times["before"]), median(times["after"])
            print(f"{script:<13} {label:<58} {cell(b)} {cell(a)} {ratio(b, a)}", flush=True)
            if profile:
                names = [n for n in dict.fromkeys(k for s in (*stages["before"], *stages["after"]) for k in s)
                         if n != "work"]
                for name in names:
                    b = median([s[name] for s in stages["before"] if name in s])
                    a = median([s[name] for s in stages["after"] if name in s])
                    print(f"{'':<13} {'  stage ' + name:<58} {cell(b)} {cell(a)} {ratio(b, a)}")
    if TINY:
        print("(tiny size: one run each, the figures mean nothing)")


if __name__ == "__main__":
    main()
