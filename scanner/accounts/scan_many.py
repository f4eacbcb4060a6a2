"""``wa-scan --org`` / ``--accounts``: scan many accounts, write each one's results and the roll-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from scanner import interrupts
from scanner.accounts.fanout import account_out_dir, merge_workload, rollup, run_accounts, specs_for
from scanner.accounts.targets import list_organization_accounts, parse_account_ids, read_accounts_file
from scanner.errors import UsageError
from scanner.fsutil import write_json
from scanner.scan import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_PARTIAL,
    ScanOptions,
    assign_scan_id,
    check_history,
    check_out_dir,
    formats_to_write,
    progress_display,
    record_in_history,
    write_outputs,
)
from scanner.session import make_session, open_target


@dataclass
class ManyOptions:
    """How to find and enter the accounts of a multi-account scan."""

    org: bool = False
    accounts: tuple[str, ...] = ()
    accounts_file: Path | None = None
    role_name: str | None = None
    external_id: str | None = None
    session_name: str = "wa-scan"
    skip_caller: bool = False
    workload: str | None = None
    executor: str = "local"
    max_parallel: int = 4

    @property
    def wanted(self) -> bool:
        """True when the user asked for more than the caller's own account."""
        return self.org or bool(self.accounts) or self.accounts_file is not None or self.workload is not None


def scan_many(opts: ScanOptions, many: ManyOptions, console: Console | None = None) -> int:
    """Scan every account ``many`` names; returns the exit code (3 if any account was not scanned)."""
    console = console or Console(stderr=True, quiet=opts.quiet)
    if opts.out is None:
        from datetime import UTC, datetime

        opts.out = Path("wa-scan-results") / f"org-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    if (opts.out / "org.json").exists() and not opts.force:
        raise UsageError(f"{opts.out / 'org.json'} already exists; choose another --out or pass --force")
    check_out_dir(opts.out, opts.force)
    if opts.record:
        check_history(opts.db)  # a bad --db stops before any account is scanned, not after all of them
    ids = parse_account_ids(list(many.accounts))
    if many.accounts_file is not None:
        ids += read_accounts_file(many.accounts_file)
    caller = open_target(make_session(opts.profile), opts.regions or None, max_attempts=opts.max_attempts,
                         profile=opts.profile)
    names: dict[str, str] = {}
    skipped: list[dict[str, str]] = []
    if many.org:
        active, skipped = list_organization_accounts(caller.collector, caller.home_region)
        ids += [a["id"] for a in active]
        names.update({a["id"]: a["name"] for a in active})
        for s in skipped:
            console.print(f"[yellow]Skipped {s['id']} ({s['name']}): {s['status']}[/]")
    ids = list(dict.fromkeys(ids)) or [caller.account]
    if any(a != caller.account for a in ids) and not many.role_name:
        raise UsageError("scanning other accounts needs --role-name (the role to assume in each account)")
    specs = specs_for(ids, caller.account, opts, role_name=many.role_name, external_id=many.external_id,
                      session_name=many.session_name, names=names, skip_caller=many.skip_caller)
    console.print(f"Scanning {len(specs)} accounts, {many.max_parallel} at a time ({many.executor})")
    outcomes: list[dict[str, Any]] = []
    with progress_display(console, opts.quiet, prefix="accounts ") as show:
        for o in run_accounts(specs, opts, executor=many.executor, max_parallel=many.max_parallel, progress=show):
            # Each account is written as soon as it finishes (a signal never cuts its files or history row),
            # so an interrupted or crashed multi-account scan keeps every account already done.
            with interrupts.writing():
                _keep(o, opts, console)
            outcomes.append(o)
    with interrupts.writing():
        return _finish(outcomes, skipped, opts, many, console)


def _keep(o: dict[str, Any], opts: ScanOptions, console: Console) -> None:
    """One account's outputs and history row; an account not scanned is said on the console."""
    if o["doc"] is None:
        console.print(f"[red]{o['account']}: not assessed: {o['reason']}[/]")
        return
    out = account_out_dir(opts.out, o["account"])
    check_out_dir(out, opts.force)
    if opts.record:
        assign_scan_id(o["doc"])
    # Interrupted: scan.json now, the reports left for 'wa-scan report' (as for one account).
    write_outputs(o["doc"], out, formats_to_write(opts, interrupts.received()))
    o["scan_dir"] = str(out)
    if opts.record:
        record_in_history(o["doc"], opts.db, console)


def _finish(outcomes: list[dict[str, Any]], skipped: list[dict[str, str]], opts: ScanOptions, many: ManyOptions,
            console: Console) -> int:
    """org.json, the org report and the workload's pooled scan; returns the exit code."""
    summary = rollup(outcomes, skipped)
    write_json(opts.out / "org.json", summary)
    _write_org_html(summary, opts.out)
    if many.workload:
        merged = merge_workload(many.workload, [o["doc"] for o in outcomes if o["doc"] is not None], opts)
        write_outputs(merged, opts.out / f"workload-{_slug(many.workload)}",
                      formats_to_write(opts, interrupts.received()))
    _print_rollup(console, summary, opts.out)
    codes = [o["exit"] for o in outcomes]
    if any(c == EXIT_PARTIAL for c in codes):
        return EXIT_PARTIAL
    return EXIT_FINDINGS if EXIT_FINDINGS in codes else EXIT_OK


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)[:64] or "workload"


def _write_org_html(summary: dict[str, Any], out: Path) -> None:
    from reports.org import render_org
    from scanner.fsutil import atomic_write

    atomic_write(out / "org-report.html", render_org(summary))


def _print_rollup(console: Console, summary: dict[str, Any], out: Path) -> None:
    console.print(f"\n{len(summary['accounts'])} accounts scanned, {len(summary['not_scanned'])} not scanned, "
                  f"{len(summary['skipped'])} skipped")
    for q in summary["questions_high_in_most"][:5]:
        console.print(f"  {q['label']} High in {q['accounts_high']}/{q['of']} accounts: {q['title']}")
    for c in summary["checks_failing_in_most"][:5]:
        console.print(f"  {c['check']} failing in {c['accounts_failing']}/{c['of']} accounts")
    console.print(f"Results written to [bold]{out}[/] (org.json, org-report.html, one folder per account)")
