"""``wa-scan checks``: list the available checks."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table

from scanner.registry import discover

ORDER = 30


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``checks`` to the CLI."""
    p = sub.add_parser("checks", help="list the available checks (id, service, title)",
                       description="List the checks a scan can run, built-in and from plugins.")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.add_argument("--service", action="append", metavar="NAME", help="only checks of this service")
    p.add_argument("--no-plugins", action="store_true", help="ignore checks from installed plugins")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the checks."""
    found = [c.meta for c in discover(plugins=not args.no_plugins).values()
             if not args.service or c.meta.service in args.service]
    if args.format == "json":
        print(json.dumps([m.to_dict() for m in found], indent=2))
        return 0
    table = Table("id", "service", "scope", "severity", "title", box=None, header_style="bold")
    for m in found:
        table.add_row(m.id, m.service, m.scope, str(m.severity), m.title)
    console = Console()
    console.print(table)
    console.print(f"{len(found)} checks")
    return 0
