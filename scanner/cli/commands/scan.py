"""``wa-scan scan`` (the default command): scan one AWS account."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.registry import discover
from scanner.runner import DEFAULT_WORKERS
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
    p.add_argument("--mapping", type=Path, metavar="FILE",
                   help="your own check-to-WA-choice mapping: a TOML or JSON file, or a directory of them")
    p.add_argument("--lens", type=Path, metavar="FILE",
                   help="your own lens (WA Tool custom-lens JSON) instead of the default lens")
    p.add_argument("--workers", type=int, default=DEFAULT_WORKERS, metavar="N",
                   help=f"concurrent check tasks (default: {DEFAULT_WORKERS})")
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
    if args.lens is not None and not args.lens.is_file():
        raise UsageError(f"--lens {args.lens}: no such file")
    if args.mapping is not None and not args.mapping.exists():
        raise UsageError(f"--mapping {args.mapping}: no such file or directory")
    if args.lens is not None or args.mapping is not None:
        # Fail before the scan, not after it: a bad lens or mapping costs nothing to find now.
        from mappings.bundle import load_bundle

        load_bundle(args.lens, args.mapping)
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
    many = p.add_argument_group(
        "many accounts", "Scan several accounts through a role assumed in each; results go to one folder per "
        "account under --out, with org.json and org-report.html beside them.")
    many.add_argument("--org", action="store_true",
                      help="every active account of the organization (run from the management or a "
                           "delegated-administrator account)")
    many.add_argument("--accounts", action="append", default=[], metavar="ID,ID",
                      help="these account ids (comma-separated or repeated)")
    many.add_argument("--accounts-file", type=Path, metavar="FILE",
                      help="account ids from FILE, one per line, # comments allowed")
    many.add_argument("--role-name", metavar="NAME", help="role to assume in each account, e.g. WaScanReadOnly")
    many.add_argument("--external-id", metavar="ID", help="external id the role's trust policy requires")
    many.add_argument("--role-session-name", default="wa-scan", metavar="NAME",
                      help="session name shown in the member accounts' CloudTrail (default: wa-scan)")
    many.add_argument("--skip-caller", action="store_true",
                      help="with --org: do not scan the caller's own account")
    many.add_argument("--workload", metavar="NAME",
                      help="one WA workload whose evidence spans the accounts: suggestions over their union")
    many.add_argument("--executor", default="local", metavar="local|dask://HOST:PORT",
                      help="where account scans run: a local pool (default) or a Dask cluster")
    many.add_argument("--max-parallel-accounts", type=int, default=4, metavar="N",
                      help="accounts scanned at once on the local pool (default: 4)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run a scan from parsed arguments."""
    from scanner.accounts.scan_many import ManyOptions, scan_many

    opts = options_from_args(args)
    many = ManyOptions(
        org=args.org, accounts=tuple(args.accounts), accounts_file=args.accounts_file, role_name=args.role_name,
        external_id=args.external_id, session_name=args.role_session_name, skip_caller=args.skip_caller,
        workload=args.workload, executor=args.executor, max_parallel=args.max_parallel_accounts,
    )
    if many.max_parallel < 1:
        from scanner.errors import UsageError

        raise UsageError("--max-parallel-accounts must be at least 1")
    if many.wanted:
        return scan_many(opts, many)
    return scan_account(make_session(args.profile), opts)
