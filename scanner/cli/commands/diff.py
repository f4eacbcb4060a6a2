"""``wa-scan diff``: what changed between two scans."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from scanner.cli.options import add_report_options
from scanner.document import load_document, scan_id_for
from scanner.errors import UsageError
from scanner.fsutil import atomic_write, check_output_file
from scanner.history import History, open_history, resolve_db

ORDER = 60


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``diff`` to the CLI."""
    p = sub.add_parser("diff", help="compare two scans (ids or scan.json files)",
                       description="Compare two scans: new and resolved failures, resources that appeared or "
                                   "went, checks that changed status, questions whose suggested risk changed.",
                       epilog="example:\n  wa-scan diff old/scan.json new/scan.json --format html --out drift.html",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old", metavar="OLD", help="the earlier scan: id, unique prefix or scan.json path")
    p.add_argument("new", metavar="NEW", help="the later scan: id, unique prefix or scan.json path")
    add_report_options(p)
    p.set_defaults(func=run)


def load_scan(ref: str, history: History | None) -> tuple[dict[str, Any], str | None]:
    """A scan document from a scan.json path or the history; returns it and its id in the history (if any)."""
    path = Path(ref)
    if path.is_file():
        doc = load_document(path)
        scan_id = scan_id_for(doc)
        doc.setdefault("scan_id", scan_id)
        if history is not None and history.conn.execute("SELECT 1 FROM scans WHERE id = ?", (scan_id,)).fetchone():
            return doc, scan_id
        return doc, None
    if history is None:
        raise UsageError(f"{ref}: no such scan.json, and there is no history database to look it up in")
    scan_id = history.resolve(ref)
    return history.load(scan_id), scan_id


def emit(report: dict[str, Any], args: argparse.Namespace) -> int:
    """Write the report as asked and return the exit code ``--fail-on-new`` calls for."""
    from reports.drift import render_drift
    from scanner.drift import has_new_failures_at

    if args.out:
        check_output_file(args.out, "--out", force=args.force)
    fmt = args.format
    if fmt is None:
        suffix = args.out.suffix.lower().lstrip(".") if args.out else ""
        fmt = {"htm": "html", "html": "html", "json": "json", "md": "md", "markdown": "md"}.get(suffix, "md")
    text = render_drift(report, fmt)
    if args.out:
        atomic_write(args.out, text)
        s = report["summary"]
        print(f"Drift written to {args.out}: {s['new_failures']} new failures, {s['resolved_failures']} resolved, "
              f"{s['risk_changes']} risk changes", file=sys.stderr)
        if report.get("setup"):
            print("the two scans were made differently (" + ", ".join(d["what"] for d in report["setup"])
                  + "): see the report's first section", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if args.fail_on_new and has_new_failures_at(report, args.fail_on_new):
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """Compare the two scans and report."""
    from scanner.drift import compare

    history = open_history(args.db) if resolve_db(args.db).exists() else None
    try:
        old, _ = load_scan(args.old, history)
        new, new_id = load_scan(args.new, history)
        decisions = history.decisions(new_id) if history is not None and new_id else None
        drafts = history.drafts(new_id) if history is not None and new_id else None
    finally:
        if history is not None:
            history.close()
    return emit(compare(old, new, decisions=decisions, drafts=drafts), args)
