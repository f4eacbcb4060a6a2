"""Command-line options more than one command shares, parsed one way: the scan's, --db, --format."""

from __future__ import annotations

import argparse
from pathlib import Path

from reports import DEFAULT_FORMATS, OUTPUT_FORMATS
from reports import pdf as report_pdf
from reports.drift import DRIFT_FORMATS
from scanner.errors import UsageError
from scanner.runner import DEFAULT_WORKERS
from scanner.scan import ScanOptions, parse_check_options

# --fail-on thresholds, worst first (the severities a failure can be ranked by).
FAIL_ON = ("critical", "high", "medium", "low")
DB_HELP = "history database (default: $WA_SCAN_DB, else wa-scan.db in the user data directory)"


def split_list(values: list[str] | None) -> list[str]:
    """``["a,b", "c"]`` -> ``["a", "b", "c"]``: repeatable, comma-separated option values."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def parse_formats(value: str, *, require_one: bool = False) -> list[str]:
    """``html,md`` -> ``["html", "md"]`` from the one list of outputs; unknown names raise ``UsageError``."""
    formats = list(dict.fromkeys(split_list([value])))
    bad = [f for f in formats if f not in OUTPUT_FORMATS]
    if bad:
        raise UsageError(f"--format: unknown output {bad[0]!r}; choose from {', '.join(OUTPUT_FORMATS)}")
    if require_one and not formats:
        raise UsageError("--format: name at least one output")
    if "pdf" in formats and not report_pdf.pdf_available():
        raise UsageError(report_pdf.INSTALL_HINT)
    return formats


def installed_check_ids(plugins: bool = True) -> set[str]:
    """The check ids a mapping may link: every installed check's and those its adapter emits."""
    from scanner.registry import discover, known_check_ids

    return known_check_ids(discover(plugins=plugins))


def add_db_option(p: argparse.ArgumentParser) -> None:
    """``--db``, for every command that reads or writes the history."""
    p.add_argument("--db", type=Path, metavar="PATH", help=DB_HELP)


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
    p.add_argument("--fail-on", choices=FAIL_ON,
                   help="exit 1 when failures at or above this severity exist (for CI)")
    p.add_argument("--format", default=",".join(DEFAULT_FORMATS), metavar="LIST",
                   help=f"outputs to write, comma-separated from {','.join(OUTPUT_FORMATS)} "
                        "(default: all but pdf, which needs the pdf extra; scan.json is always written)")
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
    scope = p.add_argument_group(
        "scope", "Keep only the workload's resources; account- and region-level settings always count, and "
        "scan.json lists what was left out and why.")
    scope.add_argument("--include-tag", action="append", default=[], metavar="KEY=VALUE",
                       help="keep only resources carrying this tag (repeat: any of them)")
    scope.add_argument("--exclude-tag", action="append", default=[], metavar="KEY=VALUE",
                       help="leave out resources carrying this tag (repeatable)")
    scope.add_argument("--exclude-arn", action="append", default=[], metavar="GLOB",
                       help="leave out resources whose ARN matches GLOB, e.g. 'arn:aws:lambda:*:function:legacy-*'")
    scope.add_argument("--scope", type=Path, metavar="FILE|WORKLOAD",
                       help="the rules in a YAML scope file, or the workload whose scope the history remembers")
    add_db_option(p)
    p.add_argument("--no-history", action="store_true", help="do not record this scan in the history database")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


def options_from_args(args: argparse.Namespace) -> ScanOptions:
    """``ScanOptions`` from parsed arguments; bad values raise ``UsageError``."""
    from scanner.registry import discover, known_check_ids

    formats = tuple(parse_formats(args.format))
    if args.workers < 1 or args.max_attempts < 1:
        raise UsageError("--workers and --max-attempts must be at least 1")
    if args.lens is not None and not args.lens.is_file():
        raise UsageError(f"--lens {args.lens}: no such file")
    if args.mapping is not None and not args.mapping.exists():
        raise UsageError(f"--mapping {args.mapping}: no such file or directory")
    from scanner.scope import resolve_scope, scope_from_options

    scope = resolve_scope(args.scope, scope_from_options(args.include_tag, args.exclude_tag, args.exclude_arn),
                          args.db)
    available = discover(plugins=not args.no_plugins)
    if args.lens is not None or args.mapping is not None:
        # Fail before the scan, not after it: a bad lens or mapping costs nothing to find now.
        from mappings.bundle import load_bundle

        load_bundle(args.lens, args.mapping, known_check_ids(available))
    return ScanOptions(
        regions=split_list(args.region),
        check_ids=split_list(args.checks),
        services=split_list(args.services),
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
        scope=scope,
    )


def add_report_options(p: argparse.ArgumentParser) -> None:
    """``--format``, ``--out``, ``--force`` and ``--fail-on-new``, shared by ``diff`` and ``drift``."""
    p.add_argument("--format", choices=DRIFT_FORMATS,
                   help="report format (default: from --out's suffix, else md)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite --out FILE if it exists")
    p.add_argument("--fail-on-new", choices=FAIL_ON, metavar="SEVERITY",
                   help="exit 1 when a new failure of this severity or worse appeared (high, medium, low)")
    add_db_option(p)
