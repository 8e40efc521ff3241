"""`python -m worksheet` (and the `worksheet` script) runs the command line, signals handled from the start."""

import sys

from . import interrupts


def run() -> None:
    # Before the command line's imports: a signal while they load ends the run as one later would.
    interrupts.install()
    try:
        from .cli import main
    except KeyboardInterrupt:
        print(f"worksheet: {interrupts.message()}", file=sys.stderr)
        sys.exit(interrupts.exit_code())
    main()


if __name__ == "__main__":
    run()
