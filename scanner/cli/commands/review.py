"""``wa-scan review``: confirm or change the suggested answers, interactively or through a YAML file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from scanner.cli.options import add_db_option
from scanner.errors import UsageError
from scanner.fsutil import check_output_file
from scanner.history import open_history

ORDER = 50

EPILOG = """\
examples:
  wa-scan review                              # the latest scan, question by question
  wa-scan review --question "SEC 2" --all     # one question again, even if already confirmed
  wa-scan review --export review.yaml         # an editable file for the team
  wa-scan review --import review.yaml --reviewer "Jane Doe"
  wa-scan review --web                        # the review meeting in the browser (127.0.0.1 only)

At each question: a (accept the proposed answer), c (change choices one by one: s selected,
u not selected, n not applicable with a reason, ? undecided, Enter keeps, . keeps the rest),
s (skip), q (stop). Every confirmed
question is saved at once; run the command again to resume where you stopped.
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``review`` to the CLI."""
    p = sub.add_parser("review", help="confirm or change the suggested answers of a scan",
                       description="Walk the suggested answers of a recorded scan question by question and record "
                                   "the reviewer's decisions (who and when), or export/import them as YAML.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scan", nargs="?", default=None, metavar="SCAN_ID",
                   help="scan id, unique prefix, 'latest' or a scan.json path (default: the latest scan)")
    p.add_argument("--reviewer", metavar="NAME", help="who decides (default: the scan's caller ARN)")
    p.add_argument("--all", action="store_true", help="revisit questions that already have a confirmed decision")
    p.add_argument("--question", action="append", metavar="ID", help="only this question (id or label like "
                   "'SEC 2'); repeatable")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--export", type=Path, metavar="FILE", help="write the questions as an editable YAML file")
    p.add_argument("--force", action="store_true", help="with --export: overwrite FILE if it exists (edits in it "
                   "that were not imported are lost)")
    group.add_argument("--import", dest="import_file", type=Path, metavar="FILE",
                       help="apply the confirmed questions of an edited YAML file (all or nothing)")
    group.add_argument("--web", action="store_true",
                       help="review in the browser: serve the questions on a local page (prints its address)")
    p.add_argument("--no-browser", action="store_true", help="with --web: print the address, open no browser")
    p.add_argument("--host", metavar="ADDRESS", help="with --web: listen on this address instead of 127.0.0.1 "
                   "(anyone who can reach it and has the printed address can change the review)")
    p.add_argument("--port", type=int, default=0, metavar="PORT", help="with --web: this port (default: a free one)")
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the interactive review, or the export or import, or the review server."""
    from scanner.review.file import export_review, import_review

    if not args.web and (args.no_browser or args.host or args.port):
        raise UsageError("--no-browser, --host and --port go with --web")
    if args.force and not args.export:
        raise UsageError("--force goes with --export")
    if args.export:
        # Before anything else: an exported file may hold a team's edits not yet imported.
        check_output_file(args.export, "--export", force=args.force)
    with open_history(args.db, create=False) as history:
        if args.import_file:
            scan_id, applied, same = import_review(history, args.import_file, scan_id=(
                history.resolve(args.scan) if args.scan else None), reviewer=args.reviewer)
            print(f"{args.import_file}: {applied} decisions recorded on scan {scan_id}"
                  + (f", {same} unchanged" if same else ""), file=sys.stderr)
            return 0
        scan_id = history.resolve(args.scan)
        doc = history.load(scan_id)
        if not doc.get("suggestions"):
            raise UsageError(f"scan {scan_id} has no suggested answers to review")
        if args.web:
            from scanner.review.web import serve

            return serve(history, scan_id, reviewer=args.reviewer or doc.get("caller_arn") or "unknown",
                         host=args.host or "127.0.0.1", port=args.port, open_browser=not args.no_browser)
        if args.export:
            count = export_review(history, scan_id, args.export)
            print(f"{count} questions written to {args.export}; edit it, then: wa-scan review --import "
                  f"{args.export}", file=sys.stderr)
            return 0
        from scanner.review.terminal import run_review

        console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
        reviewer = args.reviewer or doc.get("caller_arn") or "unknown"
        summary = run_review(history, scan_id, reviewer=reviewer, inp=sys.stdin, console=console,
                             revisit=args.all, only=args.question)
        if args.question and not (summary.confirmed or summary.skipped or summary.remaining):
            known = {s["question"] for s in doc.get("suggestions") or []}
            if not any(q in known for q in args.question):
                raise UsageError(f"--question: no question {args.question[0]!r} in scan {scan_id}")
    return 0
