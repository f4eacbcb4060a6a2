"""One account scan end to end: select checks, open the target, run, enrich, write, summarise."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scanner import interrupts
from scanner.document import scope_summary
from scanner.errors import UsageError
from scanner.fsutil import atomic_write, check_writable_dir, write_json
from scanner.model import CheckMeta, Severity
from scanner.registry import discover
from scanner.runner import DEFAULT_WORKERS, ProgressFn, ScanResult, run_checks, select_checks
from scanner.scope import Scope, apply_scope, tags_for_scope
from scanner.session import open_target

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


@dataclass
class ScanOptions:
    """What the user asked of a scan (from the CLI, or built by the demo and tests)."""

    regions: list[str] = field(default_factory=list)
    check_ids: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    check_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    out: Path | None = None
    force: bool = False
    fail_on: str | None = None
    workers: int = DEFAULT_WORKERS
    io_workers: int = 64
    max_attempts: int = 10
    plugins: bool = True
    mapping: Path | None = None
    lens: Path | None = None
    formats: tuple[str, ...] = ("json",)
    quiet: bool = False
    profile: str | None = None
    db: Path | None = None
    record: bool = True
    scope: Scope | None = None  # the workload's scope (scanner.scope); None keeps every resource


def parse_check_options(items: list[str], available: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``CHECK_ID.NAME=VALUE`` strings into per-check option dicts, typed like the declared defaults."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        check_id, _, name = key.rpartition(".")
        if not sep or not check_id or not name:
            raise UsageError(f"--option {item!r}: expected CHECK_ID.NAME=VALUE")
        if check_id not in available:
            raise UsageError(f"--option {item!r}: unknown check id {check_id!r}")
        defaults = available[check_id].meta.options
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            raise UsageError(f"--option {item!r}: {check_id} has no option {name!r} (options: {known})")
        kind = type(defaults[name])
        try:
            value: Any = raw.lower() in ("1", "true", "yes") if kind is bool else kind(raw)
        except ValueError:
            raise UsageError(f"--option {item!r}: {name} must be {kind.__name__}") from None
        out.setdefault(check_id, {})[name] = value
    return out


def default_out_dir(account: str) -> Path:
    """``./wa-scan-results/<account>-<UTC timestamp>/``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path("wa-scan-results") / f"{account}-{stamp}"


def check_out_dir(out: Path | None, force: bool) -> None:
    """Refuse to overwrite an earlier scan's results unless ``--force`` says so."""
    if out is not None and (out / "scan.json").exists() and not force:
        raise UsageError(f"{out / 'scan.json'} already exists; choose another --out or pass --force")
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a directory")
    # Found now, not after the scan: a parent that is a file, a read-only filesystem, no permission.
    check_writable_dir(out if out is not None else Path("wa-scan-results"), "--out")


def check_history(db: Path | None) -> None:
    """Open the history database (creating it) before any AWS call: a bad ``--db`` stops the scan before
    it starts, not after its results are gathered."""
    from scanner.history import open_history

    with open_history(db):
        pass


def scan_account(session: boto3.Session, opts: ScanOptions, console: Console | None = None,
                 after_guard: Callable[[boto3.Session], None] | None = None) -> int:
    """Scan the account behind ``session`` as ``opts`` says; returns the process exit code.

    ``after_guard`` runs once the read-only guard is on the session (the demo's fill-ins use it).
    """
    console = console or Console(stderr=True, quiet=opts.quiet)
    available = discover(plugins=opts.plugins)
    chosen = select_checks(available, opts.check_ids, opts.services)
    check_options = opts.check_options
    check_out_dir(opts.out, opts.force)
    if opts.record:
        check_history(opts.db)
    target = open_target(session, opts.regions or None, max_attempts=opts.max_attempts, profile=opts.profile,
                         after_guard=after_guard)
    if target.disabled_regions:
        console.print(f"[yellow]Not enabled for this account, reported as not assessed:[/] "
                      f"{', '.join(target.disabled_regions)}")
    console.print(f"Scanning account [bold]{target.account}[/] as {target.caller_arn}: "
                  f"{len(chosen)} checks in {len(target.regions)} regions")
    with interrupts.stopping(target.collector.stop):
        # Tags first, one bulk read per region, so the scan's call count includes them.
        tags = tags_for_scope(opts.scope, target)
        result = _run_with_progress(target, chosen, check_options, opts, console)
    if opts.scope is not None:
        result = apply_scope(result, opts.scope, tags, target.home_region)
    # What was gathered is kept whatever signal comes now: the files and the history row are written whole.
    with interrupts.writing():
        doc = build_document(result, opts)
        out = opts.out or default_out_dir(result.account)
        if opts.record:
            assign_scan_id(doc)
        # Interrupted by a signal: scan.json and the history row now, the reports left for 'wa-scan report'.
        stopped = interrupts.received()
        written = write_outputs(doc, out, formats_to_write(opts, stopped))
        if opts.record:
            record_in_history(doc, opts.db, console)
    if stopped and set(opts.formats) - {"json"}:
        console.print(f"Interrupted: reports not rendered; render them with: wa-scan report {out / 'scan.json'}")
    print_summary(console, doc, result, written)
    return exit_code(result, opts.fail_on)


def formats_to_write(opts: ScanOptions, interrupted: bool) -> tuple[str, ...]:
    """The outputs to write now: every one asked for, or scan.json alone after a signal (so the scan ends
    at once; 'wa-scan report' renders the rest from it)."""
    return ("json",) if interrupted else opts.formats


def _run_with_progress(target: Any, chosen: list, check_options: dict, opts: ScanOptions,
                       console: Console) -> ScanResult:
    with progress_display(console, opts.quiet) as show:
        return run_checks(target, chosen, options=check_options, workers=opts.workers, progress=show,
                          scope=opts.scope)


@contextmanager
def progress_display(console: Console, quiet: bool, prefix: str = "") -> Iterator[ProgressFn | None]:
    """A ``progress(done, total, label)`` callback drawing a bar on stderr, or ``None`` when stderr is not
    a terminal (or ``quiet``), so logs and CI output stay clean."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn(prefix + "[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def show(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=label[:48])

        yield show


def build_document(result: ScanResult, opts: ScanOptions) -> dict[str, Any]:
    """``scan.json``: the scan result, with the WA suggestions the mappings derive from it."""
    doc = result.to_dict()
    from mappings.suggest import add_suggestions

    add_suggestions(doc, lens_path=opts.lens, mapping_path=opts.mapping, checks=installed_checks(opts.plugins))
    return doc


def installed_checks(plugins: bool = True) -> dict[str, CheckMeta]:
    """Every installed check's metadata by id, as ``mappings`` and ``reports`` take it."""
    return {cid: reg.meta for cid, reg in discover(plugins=plugins).items()}


def write_outputs(doc: dict[str, Any], out: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write ``scan.json`` and the chosen reports into ``out``."""
    written = [write_json(out / "scan.json", doc)]
    from reports import iter_reports

    # One report rendered and written at a time, so only one is held in memory.
    written += [atomic_write(out / name, data) for name, data in iter_reports(doc, formats)]
    return written


def assign_scan_id(doc: dict[str, Any]) -> str:
    """Put the history's id for ``doc`` into it, so ``scan.json`` names the recorded scan."""
    from scanner.document import scan_id_for

    doc["scan_id"] = scan_id_for(doc)
    return doc["scan_id"]


def record_in_history(doc: dict[str, Any], db: Path | None, console: Console) -> str | None:
    """Record the scan in the history database (see ``scanner.history``); returns the scan id."""
    from scanner.history import record_scan

    try:
        return record_scan(doc, db)
    except UsageError as exc:
        # The scan's files are written; a history that cannot take it must not turn success into failure.
        console.print(f"[yellow]warning: not recorded in the history: {exc}[/]")
        return None


def exit_code(result: ScanResult, fail_on: str | None) -> int:
    """0 complete, 1 failures at or above ``fail_on``, 3 partial (interrupted or errors)."""
    if result.partial:
        return EXIT_PARTIAL
    if fail_on:
        floor = Severity(fail_on).rank
        if any(f.status == "fail" and f.severity.rank >= floor for f in result.findings):
            return EXIT_FINDINGS
    return EXIT_OK


def print_summary(console: Console, doc: dict[str, Any], result: ScanResult, written: list[Path]) -> None:
    """Counts by status and severity, the worst failures, what could not be assessed, where files went."""
    findings = result.findings
    by_status = Counter(f.status.value for f in findings)
    failing = [f for f in findings if f.status == "fail"]
    by_sev = Counter(f.severity.value for f in failing)
    calls = doc["api_calls"]["total"]
    console.print()
    state = "[green]complete[/]" if not result.partial else "[red]PARTIAL[/]"
    console.print(f"Scan {state}: {len(findings)} findings from {len(result.checks)} checks in "
                  f"{len(result.regions)} regions, {calls} API calls")
    console.print("  " + ", ".join(f"{by_status.get(s, 0)} {s}" for s in ("pass", "fail", "not_assessed")))
    if failing:
        console.print("  failures by severity: " + ", ".join(
            f"{by_sev[s.value]} {s.value}" for s in Severity if by_sev.get(s.value)))
        console.print("Worst failures:")
        worst = sorted(failing, key=lambda f: (-f.severity.rank, f.check, f.resource))[:8]
        for f in worst:
            console.print(f"  [{_colour(f.severity)}]{f.severity.value:>8}[/] {f.check} {f.region}: "
                          f"{f.message}", markup=True, highlight=False, soft_wrap=True)
    denied = sorted({f.missing_permission for f in findings if f.missing_permission})
    if denied:
        console.print(f"Not assessed for missing permissions ({len(denied)}): {', '.join(denied[:12])}"
                      + (" ..." if len(denied) > 12 else ""))
    errors = [f for f in findings if f.reason is not None and f.reason.makes_scan_partial]
    if errors:
        console.print(f"[red]{len(errors)} parts could not be assessed because of errors[/], e.g. "
                      f"{errors[0].check} {errors[0].region}: {errors[0].message}", highlight=False)
    sugg = doc.get("suggestions") or []
    if sugg:
        risks = Counter(s.get("risk") for s in sugg)
        console.print(f"WA questions (all {len(sugg)} of the lens): "
                      + ", ".join(f"{n} {r}" for r, n in sorted(risks.items())))
    scoped = scope_summary(doc.get("scope"))
    if scoped:
        console.print(f"Scope: {scoped}", highlight=False, markup=False)
    console.print(f"Results written to [bold]{written[0].parent}[/] ({', '.join(p.name for p in written)})")
    print_next_steps(console, written, recorded=bool(doc.get("scan_id")))


def print_next_steps(console: Console, written: list[Path], recorded: bool) -> None:
    """What to do with the results: read the pack, hold the review, preview what the WA Tool would get."""
    out = written[0].parent
    pack = out / "report.html"
    steps = [("read the review pack", f"open {_shown(pack)}") if pack in written else
             ("render the review pack", f"wa-scan report {_shown(out / 'scan.json')}")]
    if recorded:
        steps += [("hold the review meeting", "wa-scan review --web"),
                  ("preview the push to the WA Tool", "wa-scan push --preview")]
    else:
        steps.append(("review and push", "need the scan in the history: scan again without --no-history"))
    console.print("Next steps:")
    for n, (what, how) in enumerate(steps, 1):
        console.print(f"  {n}. {what + ':':<33}{how}", highlight=False, markup=False)


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it (shorter to copy), else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _colour(sev: Severity) -> str:
    return {"critical": "bold red", "high": "red", "medium": "yellow"}.get(sev.value, "cyan")
