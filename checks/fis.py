"""Resilience is tested by injecting faults: AWS FIS experiments have run recently."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from checks._dates import as_datetime
from checks._time import ago
from scanner.api import CheckContext, Finding, NotAssessed, check

# An experiment in these states never injected a fault.
_NOT_RUN = ("cancelled",)


@dataclass
class RegionFis:
    """FIS templates and experiments of one region, or why they could not be read."""

    region: str
    templates: list[dict[str, Any]] = field(default_factory=list)
    experiments: list[dict[str, Any]] = field(default_factory=list)
    error: NotAssessed | None = None


def _read(ctx: CheckContext, region: str) -> RegionFis:
    try:
        templates = ctx.call("fis", "ListExperimentTemplates", region=region,
                             required=("experimentTemplates",)).get("experimentTemplates", [])
        experiments = ctx.call("fis", "ListExperiments", region=region,
                               required=("experiments",)).get("experiments", [])
    except NotAssessed as exc:
        return RegionFis(region, error=exc)
    return RegionFis(region, templates, experiments)


@check(
    id="fis.experiments_recent",
    title="Fault-injection experiments have run recently",
    service="fis",
    scope="global",
    severity="medium",
    effort="medium",
    description="""At least one AWS Fault Injection Service experiment started in the last `days` days in
        one of the scanned regions (account-level finding), and every experiment template has been run in
        that window (one finding per template). Experiments that were cancelled before starting do not count.
        Chaos tests run with other tools are not visible to this check.""",
    remediation="""Write experiment templates for the failures the workload must survive (instance loss,
        Availability Zone impairment, API throttling, dependency latency) with stop conditions on alarms, and
        run them on a schedule and before major releases, in production where the risk allows.""",
    reads=["fis:ListExperimentTemplates", "fis:ListExperiments"],
    options={"days": 90},
)
def experiments_recent(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per experiment template, then one account-level finding."""
    days = int(ctx.option("days"))
    since = datetime.now(UTC) - timedelta(days=days)
    recent_total = 0
    unreadable: list[RegionFis] = []
    for fis in ctx.map(lambda region: _read(ctx, region), list(ctx.regions)):
        if fis.error is not None:
            unreadable.append(fis)
            yield ctx.not_assessed(ctx.account_resource(region=fis.region), fis.error, region=fis.region)
            continue
        last_run: dict[str, datetime] = {}
        for exp in fis.experiments:
            started = as_datetime(exp.get("startTime") or exp.get("creationTime"))
            status = (exp.get("state") or {}).get("status")
            if started is None or status in _NOT_RUN:
                continue
            if started >= since:
                recent_total += 1
            template = exp.get("experimentTemplateId", "")
            if template not in last_run or started > last_run[template]:
                last_run[template] = started
        for tpl in fis.templates:
            tid = tpl["id"]
            arn = tpl.get("arn") or ctx.arn("fis", f"experiment-template/{tid}", region=fis.region)
            last = last_run.get(tid)
            observed = {"template": tid, "description": tpl.get("description"), "days": days,
                        "last_experiment": last.strftime("%Y-%m-%dT%H:%M:%SZ") if last else None}
            if last is not None and last >= since:
                yield ctx.passed(arn, f"FIS template {tid} last ran {ago((datetime.now(UTC) - last).days)}",
                                 observed, region=fis.region)
            elif last is not None:
                yield ctx.failed(arn, f"FIS template {tid} has not run in {days} days (last "
                                 f"{ago((datetime.now(UTC) - last).days)})", observed, region=fis.region)
            else:
                yield ctx.failed(arn, f"FIS template {tid} has never been run", observed, region=fis.region)
    observed = {"days": days, "recent_experiments": recent_total,
                "regions": list(ctx.regions), "unreadable_regions": [f.region for f in unreadable]}
    account = ctx.account_resource()
    if recent_total:
        yield ctx.passed(account, f"{recent_total} FIS experiment(s) started in the last {days} days", observed)
    elif unreadable:
        # No experiment where we could look; the regions we could not read may hold some.
        yield ctx.not_assessed(account, unreadable[0].error)
    else:
        yield ctx.failed(account, f"No FIS experiment has run in the last {days} days in "
                         f"{len(ctx.regions)} scanned region(s)", observed)
