"""``wa-scan scan`` (the default command): scan one AWS account."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.cli.options import add_scan_options, options_from_args
from scanner.scan import scan_account
from scanner.session import make_session

ORDER = 10

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
    many.add_argument("--executor", default="local", metavar="local|dask|dask-processes|dask://HOST:PORT",
                      help="where account scans run: a local pool (default), a local Dask cluster of threads or "
                           "of worker processes (one per parallel account), or a Dask cluster")
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
