"""``wa-scan demo``: scan a simulated account, no AWS account needed."""

from __future__ import annotations

import argparse
import time
import warnings

from scanner.cli.options import add_scan_options, options_from_args
from scanner.errors import UsageError

ORDER = 20


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``demo`` to the CLI."""
    p = sub.add_parser(
        "demo", help="scan the built-in simulated account (needs the 'demo' extra: moto)",
        description="Start a simulated AWS account in-process (moto), seed it with a small payments "
                    "workload across us-east-1 and eu-west-1 (a mix of sound and misconfigured "
                    "resources), and scan it with the same code as a real scan. Nothing leaves "
                    "this machine.",
        epilog="example:\n  wa-scan demo --out demo-results/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scan_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Seed the simulated account and scan it."""
    from scanner.demo import (
        DEMO_REGIONS,
        install_fill_ins,
        prepare_environment,
        seed_account,
        share_service_models,
    )

    prepare_environment()
    # moto warns about simulation gaps in the demo's own fixtures; they say nothing about the account.
    warnings.filterwarnings("ignore", module=r"moto(\.|$)")
    try:
        import boto3
        from moto import mock_aws
    except ImportError:
        raise UsageError("the demo needs moto: pip install 'wa-scan[demo]'") from None
    share_service_models()
    opts = options_from_args(args)
    opts.regions = opts.regions or list(DEMO_REGIONS)
    from scanner.registry import discover
    from scanner.runner import select_checks
    from scanner.scan import check_history, check_out_dir, scan_account
    from scanner.session import botocore_session

    # An unknown check or service, a bad --out or --db is refused before the account is seeded (seconds).
    select_checks(discover(plugins=opts.plugins), opts.check_ids, opts.services)
    known = set(botocore_session().get_available_regions("ec2"))  # the demo account is in the aws partition
    unknown = [r for r in opts.regions if r not in known]
    if unknown:
        raise UsageError(f"unknown region {unknown[0]!r}; the demo's resources are in {', '.join(DEMO_REGIONS)}")
    check_out_dir(opts.out, opts.force)
    if opts.record:
        check_history(opts.db)

    started = time.monotonic()
    with mock_aws():
        # moto draws resource ids at random; a fixed seed gives the same ids (and so the same finding
        # ids) on every demo run, which is what drift and review across demo scans need.
        from moto.moto_api._internal import mock_random

        mock_random.seed(20201)
        # Both sessions share the process's service models: seeding and scanning parse each model once.
        seeding = boto3.Session(region_name="us-east-1", botocore_session=botocore_session())
        demo = seed_account(seeding)
        session = boto3.Session(region_name="us-east-1", botocore_session=botocore_session())
        code = scan_account(session, opts, after_guard=lambda s: install_fill_ins(s, demo))
    if not opts.quiet:
        import sys

        print(f"demo finished in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return code
