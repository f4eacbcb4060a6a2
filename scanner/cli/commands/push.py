"""``wa-scan push``: write confirmed review answers to the AWS Well-Architected Tool."""

from __future__ import annotations

import argparse
import re
import sys

from scanner.cli.options import add_db_option
from scanner.errors import UsageError
from scanner.history import open_history

ORDER = 70

EPILOG = """\
examples:
  wa-scan push --preview                       # offline, no credentials: what an empty workload would get
  wa-scan push --workload-id 0123456789abcdef0123456789abcdef --dry-run
  wa-scan push --workload-name payments-prod --create --milestone "2025-Q3 review"

Only confirmed answers are pushed ('wa-scan review' first). For each question the current answer
is read and only what the review changed is written; choices set in the console are kept.
This command needs wellarchitected:GetAnswer and UpdateAnswer (plus ListWorkloads, CreateWorkload
and CreateMilestone for --workload-name, --create and --milestone); it calls no other service.
--preview calls nothing at all: it needs no credentials and no network.
"""
PREVIEW_WORKLOAD = "WORKLOAD_ID"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``push`` to the CLI."""
    p = sub.add_parser("push", help="write confirmed answers to a workload in the AWS WA Tool",
                       description="Push the confirmed review answers of a scan to a Well-Architected Tool "
                                   "workload (the scan's lens), with evidence summaries in the notes.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = p.add_mutually_exclusive_group()
    target.add_argument("--workload-id", metavar="ID", help="the workload's id (32 hex characters)")
    target.add_argument("--workload-name", metavar="NAME", help="the workload's name")
    p.add_argument("--create", action="store_true", help="with --workload-name: create the workload if missing")
    p.add_argument("--environment", choices=("PRODUCTION", "PREPRODUCTION"), default="PRODUCTION",
                   help="environment of a workload made by --create (default: PRODUCTION)")
    p.add_argument("--scan", default=None, metavar="SCAN_ID", help="the scan whose decisions to push "
                   "(default: the latest)")
    p.add_argument("--milestone", metavar="NAME", help="record a milestone after the push")
    p.add_argument("--report-url", metavar="URL", help="where the report lives, quoted in the notes")
    p.add_argument("--lens-arn", metavar="ARN", help="for a scan made with a custom lens: the lens's ARN in the "
                   "WA Tool (the workload must use that lens)")
    p.add_argument("--dry-run", action="store_true", help="print the exact requests; write nothing")
    p.add_argument("--preview", action="store_true", help="offline and without credentials: print the requests "
                   "the push would send to a new, empty workload (no AWS call; no workload needed)")
    p.add_argument("--profile", metavar="NAME", help="AWS profile for the WA Tool (default: the default chain)")
    p.add_argument("--region", metavar="REGION", help="the WA Tool's region (default: the profile's)")
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Push the confirmed answers."""
    from scanner.review.watool import Pusher, lens_alias_for, push_client, push_session

    if args.preview:
        return preview(args)
    if not (args.workload_id or args.workload_name):
        raise UsageError("push needs --workload-id or --workload-name (or --preview, which needs neither)")
    if args.workload_id and not re.fullmatch(r"[0-9a-f]{32}", args.workload_id):
        raise UsageError("--workload-id: expected 32 hexadecimal characters (see the workload's ARN)")
    if args.create and not args.workload_name:
        raise UsageError("--create needs --workload-name")
    if args.workload_name and not 3 <= len(args.workload_name) <= 100:
        raise UsageError("--workload-name: 3 to 100 characters")
    if args.milestone is not None and not 3 <= len(args.milestone) <= 100:
        raise UsageError("--milestone: 3 to 100 characters")
    with open_history(args.db, create=False) as history:
        scan_id = history.resolve(args.scan)
        doc = history.load(scan_id)
        decisions = [d for d in history.decisions(scan_id).values() if d.confirmed]
    if not decisions:
        raise UsageError(f"scan {scan_id} has no confirmed answers; nothing to push (run 'wa-scan review' first)")
    order = {s["question"]: i for i, s in enumerate(doc.get("suggestions") or [])}
    decisions.sort(key=lambda d: order.get(d.question, len(order)))
    lens_alias = lens_alias_for(doc, args.lens_arn)
    if lens_alias is None:
        raise UsageError(f"scan {scan_id} used the custom lens {doc['lens'].get('name')!r}: pass --lens-arn with "
                         "the ARN the WA Tool gave that lens")
    pusher = Pusher(push_client(push_session(args.profile, args.region)), dry_run=args.dry_run,
                    lens_alias=lens_alias)
    workload_id = args.workload_id
    created = False
    if args.workload_name:
        workload_id = pusher.find_workload(args.workload_name)
        if workload_id is None:
            if not args.create:
                raise UsageError(f"no workload named {args.workload_name!r} in this region; pass --create to "
                                 "create it")
            owner = doc.get("caller_arn") or "wa-scan"
            workload_id = pusher.create_workload(args.workload_name, doc, args.environment, owner)
            created = True

    labels = {s["question"]: s.get("label", s["question"]) for s in doc.get("suggestions") or []}

    def on_change(question: str, changes: list[str]) -> None:
        print(f"{labels.get(question, question)} ({question}):", file=sys.stderr)
        for line in changes:
            print(f"  {line}", file=sys.stderr)

    result = pusher.push(workload_id, decisions, suggestions={s["question"]: s for s in doc.get("suggestions") or []},
                         findings={f["id"]: f for f in doc.get("findings") or []}, scan=doc,
                         report=args.report_url, new_workload=created, milestone=args.milestone,
                         on_change=on_change)
    verb = "would write" if args.dry_run else "wrote"
    print(f"{verb} {len(result.requests)} answers to workload {workload_id}"
          + (f", {len(result.unchanged)} already up to date" if result.unchanged else "")
          + (f"; milestone {result.milestone} recorded" if result.milestone is not None else ""), file=sys.stderr)
    return 0


def preview(args: argparse.Namespace) -> int:
    """``push --preview``: the UpdateAnswer requests for a new, empty workload, built offline.

    The push's own dry run with every current answer taken as empty, so it needs no client, no
    credentials and no network; what a real push sends to an existing workload can only be smaller
    (questions the WA Tool already agrees on are left out).
    """
    from scanner.review.watool import Pusher, lens_alias_for

    if args.create or args.milestone or args.profile or args.region:
        raise UsageError("--preview calls nothing: drop --create, --milestone, --profile and --region")
    if args.workload_id and not re.fullmatch(r"[0-9a-f]{32}", args.workload_id):
        raise UsageError("--workload-id: expected 32 hexadecimal characters (see the workload's ARN)")
    with open_history(args.db, create=False) as history:
        scan_id = history.resolve(args.scan)
        doc = history.load(scan_id)
        all_decisions = history.decisions(scan_id)
    suggestions = {s["question"]: s for s in doc.get("suggestions") or []}
    order = {q: i for i, q in enumerate(suggestions)}
    decisions = sorted((d for d in all_decisions.values() if d.confirmed and d.question in suggestions),
                       key=lambda d: order[d.question])
    flagged = sum(1 for d in all_decisions.values() if not d.confirmed)
    open_questions = len(suggestions) - len(decisions) - flagged
    alias = lens_alias_for(doc, args.lens_arn) or "CUSTOM_LENS_ARN"
    workload_id = args.workload_id or PREVIEW_WORKLOAD
    labels = {q: s.get("label", q) for q, s in suggestions.items()}

    def on_change(question: str, changes: list[str]) -> None:
        print(f"{labels.get(question, question)} ({question}):", file=sys.stderr)
        for line in changes:
            print(f"  {line}", file=sys.stderr)

    result = Pusher(client=None, dry_run=True, lens_alias=alias).push(
        workload_id, decisions, suggestions=suggestions, findings={f["id"]: f for f in doc.get("findings") or []},
        scan=doc, report=args.report_url, new_workload=True, on_change=on_change)
    print(f"preview of scan {scan_id}, offline (no AWS call): {len(result.requests)} answers would be written to an "
          f"empty workload; {open_questions} questions not confirmed"
          + (f" and {flagged} whose evidence changed since the review" if flagged else "")
          + " would be left as they are"
          + ("; confirm answers with 'wa-scan review' (or --web)" if not decisions else ""), file=sys.stderr)
    return 0
