"""``wa-scan show``: re-render a recorded scan's results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reports import DEFAULT_FORMATS, OUTPUT_FORMATS
from scanner.cli.options import add_db_option, parse_formats
from scanner.cli.record import write_record
from scanner.errors import UsageError
from scanner.fsutil import atomic_write, write_json
from scanner.history import open_history

ORDER = 45


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``show`` to the CLI."""
    p = sub.add_parser("show", help="write a recorded scan's scan.json and reports again",
                       description="Re-render a scan from the history database: scan.json (with its scan_id) "
                                   "and the reports, into --out. Once the review has confirmed answers on the "
                                   "scan, the review record too: review-report.html, review-report.md and "
                                   "questions.csv.",
                       epilog="example:\n  wa-scan show latest --out review-pack/ --format html,md",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scan", nargs="?", default="latest", metavar="SCAN_ID",
                   help="scan id (or a unique prefix, or 'latest'; default: latest)")
    p.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: ./wa-scan-results/SCAN_ID/)")
    p.add_argument("--format", default=",".join(DEFAULT_FORMATS), metavar="LIST",
                   help=f"outputs, comma-separated from {','.join(OUTPUT_FORMATS)} (scan.json is always written; "
                        "pdf needs the pdf extra)")
    p.add_argument("--force", action="store_true", help="overwrite results already in --out")
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the scan and write its files."""
    formats = parse_formats(args.format)
    with open_history(args.db, create=False) as history:
        scan_id = history.resolve(args.scan)
        doc = history.load(scan_id)
        decisions = history.decisions(scan_id)
    out: Path = args.out or Path("wa-scan-results") / scan_id
    if (out / "scan.json").exists() and not args.force:
        raise UsageError(f"{out / 'scan.json'} already exists; choose another --out or pass --force")
    written = [write_json(out / "scan.json", doc)]
    from reports import render_reports

    written += [atomic_write(out / name, data) for name, data in render_reports(doc, formats).items()]
    # Once the review has confirmed answers, the record of the meeting is written beside the pack.
    written.extend(write_record(doc, decisions, out, formats))
    print(f"Scan {scan_id} written to {out} ({', '.join(p.name for p in written)})", file=sys.stderr)
    return 0
