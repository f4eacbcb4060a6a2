"""``wa-scan history``: the scans recorded in the history database."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from scanner.cli.options import add_db_option
from scanner.history import open_history

ORDER = 40


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``history`` to the CLI."""
    p = sub.add_parser("history", help="list the scans recorded in the history database",
                       description="List recorded scans, oldest first: id, time, account, regions, finding counts "
                                   "and review decisions (confirmed / evidence changed).")
    p.add_argument("--account", metavar="ID", help="only this account's scans")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output (default: table)")
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the history."""
    with open_history(args.db, create=False) as history:
        rows = history.scans(args.account)
    if args.format == "json":
        print(json.dumps([r.__dict__ for r in rows], indent=2))
        return 0
    # Piped output gets full lines rather than a table squeezed to 80 columns.
    console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 200)
    if not rows:
        console.print("No scans recorded" + (f" for account {args.account}" if args.account else "") + ".")
        return 0
    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("scan id", "started (UTC)", "account", "regions", "fail", "pass", "not assessed", "reviewed"):
        table.add_column(col, no_wrap=col in ("scan id", "started (UTC)"))
    for r in rows:
        reviewed = str(r.decisions) + (f" ({r.flagged} evidence changed)" if r.flagged else "")
        state = "" if r.complete and not r.partial else " [red]partial[/]"
        table.add_row(r.id, r.started_at.replace("T", " ").rstrip("Z") + state, r.account,
                      ", ".join(r.regions), str(r.counts.get("fail", 0)), str(r.counts.get("pass", 0)),
                      str(r.counts.get("not_assessed", 0)), reviewed)
    console.print(table)
    return 0
