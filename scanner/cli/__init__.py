"""The ``wa-scan`` command line. With no command, ``wa-scan [options]`` runs a scan."""

from __future__ import annotations

# Before any other import: Ctrl-C while wa-scan starts ends it quietly (see scanner.interrupts).
from scanner import interrupts

_restore_signals = interrupts.quiet_start()

import argparse  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402
import pkgutil  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import NoReturn  # noqa: E402

from mappings.errors import MappingError  # noqa: E402
from scanner import __version__  # noqa: E402
from scanner.cli import commands as commands_pkg  # noqa: E402
from scanner.errors import WaScanError  # noqa: E402
from scanner.memory import tune_collector  # noqa: E402

DESCRIPTION = """\
Gather evidence from a live AWS account for a Well-Architected review. Read-only: a scan never
calls an AWS API that changes anything.

With no command, wa-scan scans the account of the current credentials (see 'wa-scan scan --help'):
  wa-scan --profile prod
  wa-scan --profile prod --region eu-west-1 --region us-east-1 --out results/
Try it without an AWS account on a simulated one:
  wa-scan demo
"""

EPILOG = """\
exit codes: 0 scan complete (whatever it found); 1 failures at or above --fail-on; 2 bad usage or
credentials; 3 scan incomplete (interrupted, or errors other than missing permissions).
"""


def _command_modules() -> list:
    mods = [importlib.import_module(f"scanner.cli.commands.{m.name}")
            for m in pkgutil.iter_modules(commands_pkg.__path__) if not m.name.startswith("_")]
    return sorted(mods, key=lambda m: getattr(m, "ORDER", 100))


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (usage goes to --help, not in front of every mistake)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every subcommand."""
    parser = _Parser(
        prog="wa-scan", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"wa-scan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for module in _command_modules():
        module.register(sub)
    return parser


def _one_line(message: str, limit: int = 400) -> str:
    """An error as one line of readable length: a bad input file's content is quoted short, if at all."""
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wa-scan`` console script; returns the exit code."""
    restore = interrupts.quiet_start()
    tune_collector()
    try:
        code = _main(argv)
    finally:
        restore()
    if argv is None:
        interrupts.exit_if_interrupted(code)
    return code


def _main(argv: Sequence[str] | None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    if args_in and not args_in[0].startswith("-") and args_in[0] not in commands:
        import difflib

        close = difflib.get_close_matches(args_in[0], sorted(commands), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; commands: {', '.join(sorted(commands))}"
        print(f"wa-scan: error: unknown command {args_in[0]!r}{hint}", file=sys.stderr)
        return 2
    if not args_in or (args_in[0] not in commands and args_in[0] not in ("-h", "--help", "--version")):
        args_in.insert(0, "scan")
    try:
        args = parser.parse_args(args_in)
    except SystemExit as exc:  # --help, --version, or a usage error already printed in one line
        return int(exc.code or 0)
    # From here the first SIGINT or SIGTERM stops the scan and keeps what it gathered.
    restore = interrupts.install()
    try:
        return int(args.func(args) or 0)
    except (WaScanError, MappingError) as exc:  # bad input of any kind: one line, no traceback
        print(f"wa-scan: error: {_one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("wa-scan: interrupted", file=sys.stderr)
        return interrupts.EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`wa-scan push --preview | head`): nothing more to say, and no traceback
        # when Python flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        restore()


# Imported as a library (tests, embedding): the caller's own signal handling again.
_restore_signals()

if __name__ == "__main__":
    sys.exit(main())
