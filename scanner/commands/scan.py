"""``wa-scan scan`` (the default command): scan one AWS account."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.registry import discover
from scanner.scan import ScanOptions, parse_check_options, scan_account
from scanner.session import make_session

ORDER = 10

FORMATS = ("json", "html", "md", "csv")


def _split(values: list[str] | None) -> list[str]:
    return [v for item in values or [] for v in item.split(",") if v]


def add_scan_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``scan`` and ``demo``."""
    p.add_argument("--region", action="append", metavar="REGION",
                   help="region to scan; repeat or comma-separate (default: every region enabled "
                        "for the account)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write results into DIR, creating it (default: "
                        "./wa-scan-results/<account>-<UTC timestamp>/)")
    p.add_argument("--force", action="store_true", help="overwrite results already in --out")
    p.add_argument("--checks", nargs="+", action="extend", metavar="ID",
                   help="run only these checks (ids from 'wa-scan checks')")
    p.add_argument("--services", nargs="+", action="extend", metavar="NAME",
                   help="run only the checks of these services (e.g. iam s3)")
    p.add_argument("--option", action="append", default=[], metavar="CHECK_ID.NAME=VALUE",
                   help="tune a check, e.g. iam.access_keys_rotated.max_age_days=120")
    p.add_argument("--fail-on", choices=("critical", "high", "medium", "low"),
                   help="exit 1 when failures at or above this severity exist (for CI)")
    p.add_argument("--format", default="json,html,md,csv", metavar="LIST",
                   help=f"outputs to write, comma-separated from {','.join(FORMATS)} "
                        "(default: all; scan.json is always written)")
    p.add_argument("--mapping", type=Path, metavar="FILE", help="your own check-to-WA-choice mapping file")
    p.add_argument("--lens", type=Path, metavar="FILE",
                   help="your own lens (WA Tool custom-lens JSON) instead of the default lens")
    p.add_argument("--workers", type=int, default=16, metavar="N",
                   help="concurrent check tasks (default: 16)")
    p.add_argument("--max-attempts", type=int, default=10, metavar="N",
                   help="attempts per AWS call with adaptive retries (default: 10)")
    p.add_argument("--no-plugins", action="store_true",
                   help="ignore checks from installed plugins (entry-point group wa_scan.checks)")
    p.add_argument("--db", type=Path, metavar="PATH",
                   help="history database (default: $WA_SCAN_DB, else wa-scan.db in the user data directory)")
    p.add_argument("--no-history", action="store_true", help="do not record this scan in the history database")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


def options_from_args(args: argparse.Namespace) -> ScanOptions:
    """``ScanOptions`` from parsed arguments; bad values raise ``UsageError``."""
    from scanner.errors import UsageError

    formats = tuple(_split([args.format]))
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise UsageError(f"--format: unknown output {bad[0]!r}; choose from {', '.join(FORMATS)}")
    if args.workers < 1 or args.max_attempts < 1:
        raise UsageError("--workers and --max-attempts must be at least 1")
    for path, flag in ((args.mapping, "--mapping"), (args.lens, "--lens")):
        if path is not None and not path.is_file():
            raise UsageError(f"{flag} {path}: no such file")
    available = discover(plugins=not args.no_plugins)
    return ScanOptions(
        regions=_split(args.region),
        check_ids=_split(args.checks),
        services=_split(args.services),
        check_options=parse_check_options(args.option, available),
        out=args.out,
        force=args.force,
        fail_on=args.fail_on,
        workers=args.workers,
        max_attempts=args.max_attempts,
        plugins=not args.no_plugins,
        mapping=args.mapping,
        lens=args.lens,
        formats=formats,
        quiet=args.quiet,
        profile=getattr(args, "profile", None),
        db=args.db,
        record=not args.no_history,
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``scan`` to the CLI."""
    p = sub.add_parser(
        "scan", help="scan an AWS account (the default command)",
        description="Scan the AWS account of the given credentials, read-only, and write scan.json "
                    "and reports. Credentials come from --profile or the default chain (environment, "
                    "SSO profiles, instance roles).",
        epilog="examples:\n  wa-scan --profile prod\n"
               "  wa-scan --profile prod --region eu-west-1 --region us-east-1 --out results/\n"
               "  wa-scan --services iam s3 --fail-on high",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--profile", metavar="NAME", help="AWS profile from ~/.aws/config (default: the "
                   "default credential chain)")
    add_scan_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run a scan from parsed arguments."""
    opts = options_from_args(args)
    return scan_account(make_session(args.profile), opts)
