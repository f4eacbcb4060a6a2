"""``wa-scan report SCAN.json``: render the reports again from a stored scan, without calling AWS."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reports import OUTPUT_FORMATS
from scanner.cli.options import add_db_option, parse_formats
from scanner.cli.record import record_files, recorded_decisions, write_record
from scanner.document import fill_check_metadata, load_document
from scanner.errors import UsageError
from scanner.scan import installed_checks

ORDER = 40
DEFAULT_FORMATS = "html,md,csv"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``report`` to the CLI."""
    p = sub.add_parser(
        "report", help="render report.html, report.md and the CSVs again from a stored scan.json",
        description="Render the reports of a stored scan (scan.json) again, for instance after upgrading "
                    "wa-scan or to write them somewhere else. Makes no AWS call. Reports in the scan's own "
                    "directory are regenerated in place; in any other directory an existing report file is "
                    "only replaced with --force. Once the review has confirmed answers on the scan (in the "
                    "history, see --db), the review record is written too: review-report.html, "
                    "review-report.md and questions.csv (and review-report.pdf with pdf).",
        epilog="examples:\n  wa-scan report wa-scan-results/123456789012-20260302T101430Z/scan.json\n"
               "  wa-scan report scan.json --out review-pack/ --format html,csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scan", type=Path, metavar="SCAN.json", help="a scan.json written by wa-scan")
    p.add_argument("--out", type=Path, metavar="DIR", help="write the reports into DIR (default: the directory "
                   "of SCAN.json)")
    p.add_argument("--format", default=DEFAULT_FORMATS, metavar="LIST",
                   help=f"outputs, comma-separated from {','.join(OUTPUT_FORMATS)} (default: {DEFAULT_FORMATS}; "
                        "csv is findings.csv and risk-register.csv; json copies scan.json into --out)")
    p.add_argument("--force", action="store_true", help="replace report files already in --out")
    add_db_option(p)
    p.add_argument("-q", "--quiet", action="store_true", help="do not list the files written")
    p.set_defaults(func=run)


def check_targets(scan: Path, out: Path, names: list[str], force: bool) -> None:
    """Refuse to replace report files that do not belong to this scan, unless ``force``.

    Reports beside the scan's own scan.json are derived from it, so regenerating them loses nothing;
    in another directory they may belong to another scan or be someone's edited copy.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a directory")
    if force or _same_dir(scan.parent, out):
        return
    existing = [name for name in names if (out / name).exists()]
    if existing:
        raise UsageError(f"{out / existing[0]} already exists; choose another --out or pass --force")


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def run(args: argparse.Namespace) -> int:
    """Render the reports of a stored scan."""
    from reports import render_reports, report_files
    from scanner.fsutil import atomic_write

    formats = parse_formats(args.format, require_one=True)
    # An older scan.json does not carry its checks' descriptions: the installed checks fill them in.
    doc = fill_check_metadata(load_document(args.scan), installed_checks())
    out: Path = args.out if args.out is not None else args.scan.parent
    copy_json = "json" in formats and not _same_dir(args.scan.parent, out)
    # The review record comes with the pack once the review has confirmed answers on this scan.
    decisions = recorded_decisions(doc, args.db)
    names = report_files(formats) + (record_files(formats) if decisions else []) + (
        ["scan.json"] if copy_json else [])
    check_targets(args.scan, out, names, args.force)
    try:
        written = [atomic_write(out / name, data) for name, data in render_reports(doc, formats).items()]
        written.extend(write_record(doc, decisions, out, formats))
        if copy_json:
            written.append(atomic_write(out / "scan.json", args.scan.read_bytes()))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{args.scan}: malformed scan document ({type(exc).__name__}: {exc})") from None
    except OSError as exc:
        raise UsageError(f"cannot write reports to {out}: {exc.strerror or exc}") from None
    if not args.quiet:
        listing = ", ".join(p.name for p in written) or "nothing"
        print(f"Reports written to {out} ({listing})", file=sys.stderr)
    return 0
