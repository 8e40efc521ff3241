"""Start-up time of `worksheet --help` and `--version` against a bare Typer app that declares the
same commands and does nothing (target: within 1.3x), and the heavy modules the CLI loads."""

from __future__ import annotations

import subprocess
import sys

from _timing import HERE, machine, wall, worksheet

# The commands benchmarks/compare.py times in two checkouts: a label and worksheet's arguments.
COMPARED = [("--help", ["--help"]), ("--version", ["--version"])]


def commands(module: str, path: str | None = None) -> list[str]:
    """The command names a Typer app declares (imported in a process of its own)."""
    code = ("import sys, importlib.util\n"
            f"spec = importlib.util.spec_from_file_location('m', {path!r})\n"
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n" if path else
            f"import {module} as m\n")
    code += "print(' '.join(sorted(c.name or c.callback.__name__ for c in m.app.registered_commands)))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def main() -> None:
    command = worksheet()
    ours, bare = commands("worksheet.cli"), commands("bare_app", str(HERE / "bare_app.py"))
    if ours != bare:
        sys.exit(f"bare_app.py is out of date: worksheet has {ours}, bare_app.py {bare}")
    print(f"machine: {machine()}")
    print(f"commands (both apps): {' '.join(ours)}")
    for flag in ("--help", "--version"):
        floor = wall([sys.executable, str(HERE / "bare_app.py"), flag])
        t = wall([*command, flag])
        print(f"{flag:<10} bare Typer app {floor:.3f} s   worksheet {t:.3f} s   "
              f"({t / floor:.2f}x the floor; target 1.3x)")
    code = ("import sys; from worksheet.cli import app; "
            "print(sorted(m for m in ('numpy', 'sympy', 'jinja2', 'rich', 'pypdf') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    print(f"heavy modules loaded by importing the CLI: {loaded}")
    code = ("import sys, contextlib, io\nfrom worksheet.cli import app\n"
            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
            "    app(['--help'])\n"
            "print(sorted(m for m in ('numpy', 'sympy', 'jinja2', 'pypdf') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    print(f"heavy modules loaded to print the help: {loaded}")


if __name__ == "__main__":
    main()
