"""``wa-scan drift``: the latest scan of an account against the one before it."""

from __future__ import annotations

import argparse

from scanner.cli.commands.diff import emit
from scanner.cli.options import add_report_options
from scanner.errors import UsageError
from scanner.history import open_history

ORDER = 65

EPILOG = """\
examples:
  wa-scan drift                                   # the latest scan against the previous one
  wa-scan drift --account 123456789012 --format html --out drift.html
  wa-scan drift --fail-on-new high                # exit 1 when new high or critical failures appeared
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``drift`` to the CLI."""
    p = sub.add_parser("drift", help="compare an account's latest scan with its previous one",
                       description="Report what changed between the latest recorded scan of an account and the "
                                   "scan before it (see 'wa-scan diff'). Meant for a nightly job.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--account", metavar="ID", help="the account (default: the account of the latest scan)")
    add_report_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compare the latest two scans of the account."""
    from scanner.drift import compare

    with open_history(args.db, create=False) as history:
        new_id = history.resolve("latest", account=args.account)
        old_id = history.previous(new_id)
        if old_id is None:
            account = args.account or history.load(new_id).get("account")
            raise UsageError(f"only one scan of account {account} is recorded; drift needs two")
        report = compare(history.load(old_id), history.load(new_id), decisions=history.decisions(new_id),
                         drafts=history.drafts(new_id))
    return emit(report, args)
