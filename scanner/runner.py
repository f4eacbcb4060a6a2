"""Runs the selected checks over the target's regions, concurrently, and gathers the scan result."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scanner import __version__
from scanner.collect import utcnow_iso
from scanner.context import CheckContext, account_arn, not_assessed_finding
from scanner.document import SCHEMA_VERSION, check_entry
from scanner.errors import NotAssessed, UsageError
from scanner.guard import ReadOnlyViolation
from scanner.interrupts import block_in_worker
from scanner.model import GLOBAL, CheckMeta, Finding, Reason, Status
from scanner.registry import RegisteredCheck
from scanner.scope import Scope
from scanner.session import Target

# Check tasks mostly wait on the network (and on their own per-resource reads), so there are many more
# of them than cores; AWS rate limits are kept by the collector's per-service limits, not by this.
DEFAULT_WORKERS = 48


@dataclass
class ScanResult:
    """Everything one account scan produced."""

    account: str
    caller_arn: str
    partition: str
    regions: list[str]
    disabled_regions: list[str]
    started_at: str
    finished_at: str
    checks: list[CheckMeta]
    findings: list[Finding]
    api_calls: dict[str, Any]
    complete: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def partial(self) -> bool:
        """True when errors other than missing permissions left parts of the account unassessed."""
        return not self.complete or any(
            f.reason is not None and f.reason.makes_scan_partial for f in self.findings
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``scan.json`` document."""
        counts: dict[str, dict[str, int]] = {c.id: {s.value: 0 for s in Status} for c in self.checks}
        for f in self.findings:
            counts.setdefault(f.check, {s.value: 0 for s in Status})[f.status.value] += 1
        doc: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "wa-scan", "version": __version__},
            "account": self.account,
            "caller_arn": self.caller_arn,
            "partition": self.partition,
            "regions": self.regions,
            "disabled_regions": self.disabled_regions,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "complete": self.complete,
            "partial": self.partial,
            "api_calls": self.api_calls,
            "checks": [check_entry(c, counts[c.id]) for c in self.checks],
            "findings": [f.to_dict() for f in self.findings],
        }
        doc.update(self.extra)
        return doc


ProgressFn = Callable[[int, int, str], None]


def select_checks(
    available: dict[str, RegisteredCheck],
    check_ids: Iterable[str] = (),
    services: Iterable[str] = (),
) -> list[RegisteredCheck]:
    """The checks named by ``--checks`` and ``--services`` (all when both are empty)."""
    ids, svcs = list(check_ids), list(services)
    unknown = [c for c in ids if c not in available]
    if unknown:
        raise UsageError(f"unknown check id {unknown[0]!r}; 'wa-scan checks' lists them")
    known_services = {c.meta.service for c in available.values()}
    bad = [s for s in svcs if s not in known_services]
    if bad:
        raise UsageError(f"unknown service {bad[0]!r}; known: {', '.join(sorted(known_services))}")
    chosen = [
        c for c in available.values()
        if (not ids and not svcs) or c.meta.id in ids or c.meta.service in svcs
    ]
    return chosen


def run_checks(
    target: Target,
    checks: list[RegisteredCheck],
    *,
    options: dict[str, dict[str, Any]] | None = None,
    workers: int = DEFAULT_WORKERS,
    progress: ProgressFn | None = None,
    scope: Scope | None = None,
) -> ScanResult:
    """Run every (check, region) task on a thread pool and return the result.

    A check that raises is isolated and reported as *not assessed*. Ctrl-C (or SIGTERM turned into
    ``KeyboardInterrupt`` by the CLI) stops the scan: what finished is kept, tasks that did not run
    are recorded as interrupted, and the result says ``complete: false``.
    """
    started = utcnow_iso()
    options = options or {}
    tasks: list[tuple[RegisteredCheck, str]] = []
    findings: list[Finding] = []
    for reg in checks:
        if reg.meta.scope == GLOBAL:
            tasks.append((reg, GLOBAL))
            continue
        tasks.extend((reg, region) for region in target.regions)
        for region in target.disabled_regions:
            findings.append(not_assessed_finding(
                reg.meta, target.account, region,
                account_arn(target.partition, reg.meta.service, region, target.account),
                NotAssessed(Reason.REGION_DISABLED, f"region {region} is not enabled for this account"),
            ))
    done = 0
    complete = True

    def run_one(reg: RegisteredCheck, region: str) -> list[Finding]:
        ctx = CheckContext(
            meta=reg.meta,
            account=target.account,
            partition=target.partition,
            region=region,
            api_region=target.home_region if region == GLOBAL else region,
            regions=tuple(target.regions),
            collector=target.collector,
            options=options.get(reg.meta.id, {}),
            scope=scope,
        )
        out: list[Finding] = []
        try:
            for item in reg.func(ctx):
                out.append(item)
        except NotAssessed as exc:
            out.append(not_assessed_finding(reg.meta, target.account, region,
                                            ctx.account_resource(), exc))
        except ReadOnlyViolation as exc:
            out.append(not_assessed_finding(reg.meta, target.account, region, ctx.account_resource(),
                                            NotAssessed(Reason.CHECK_ERROR, f"check bug: {exc}")))
        except Exception as exc:  # a check's own bug must not stop the scan
            out.append(not_assessed_finding(
                reg.meta, target.account, region, ctx.account_resource(),
                NotAssessed(Reason.CHECK_ERROR, f"the check raised {type(exc).__name__}: {exc}"),
            ))
        return out

    # Workers block SIGINT/SIGTERM, so the main thread takes them and stops the scan at once.
    pool = cf.ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="wa-scan",
                                 initializer=block_in_worker)
    futures: dict[cf.Future, tuple[RegisteredCheck, str]] = {}
    # Results by future, each stored in one step, so an interrupt never counts one twice or loses one.
    gathered: dict[cf.Future, list[Finding]] = {}
    try:
        # Submitting starts threads and waits for each to come up: a signal can land here too.
        for reg, region in tasks:
            futures[pool.submit(run_one, reg, region)] = (reg, region)
        pending = set(futures)
        while pending:
            finished, pending = cf.wait(pending, timeout=0.25, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                reg, region = futures[fut]
                # Only this thread gathers results, so no lock is needed here.
                gathered[fut] = fut.result()
                done += 1
                if progress:
                    progress(done, len(tasks), f"{reg.meta.id} {region}")
    except KeyboardInterrupt:
        complete = False
        pool.shutdown(wait=False, cancel_futures=True)
        submitted = list(futures)  # in the order of ``tasks``, as far as submitting got
        for index, (reg, region) in enumerate(tasks):
            fut = submitted[index] if index < len(submitted) else None
            if fut is not None and (fut in gathered or (fut.done() and not fut.cancelled())):
                gathered[fut] = fut.result()
                continue
            findings.append(not_assessed_finding(
                reg.meta, target.account, region,
                account_arn(target.partition, reg.meta.service, region, target.account),
                NotAssessed(Reason.INTERRUPTED, "the scan was interrupted before this check ran"),
            ))
    finally:
        pool.shutdown(wait=complete, cancel_futures=True)
    for result in gathered.values():
        findings.extend(result)

    findings.sort(key=lambda f: (f.check, f.region, f.resource))
    return ScanResult(
        account=target.account,
        caller_arn=target.caller_arn,
        partition=target.partition,
        regions=list(target.regions),
        disabled_regions=list(target.disabled_regions),
        started_at=started,
        finished_at=utcnow_iso(),
        checks=[c.meta for c in checks],
        findings=findings,
        api_calls=target.guard.snapshot(),
        complete=complete,
    )
