"""Standard activities are carried out by runbooks: Systems Manager Automation runbooks that were run lately."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from checks._dates import as_datetime
from scanner.api import CheckContext, Finding, check

# One page is enough to show runbooks in use, and it bounds the cost where remediation runs all day.
# Systems Manager keeps Automation execution history for 30 days, so no time filter is sent; the
# executions older than ``days`` are left out here.
FIRST_PAGE = {"MaxItems": 50, "PageSize": 50}
LISTED = 10


@check(
    id="ssm.runbooks_executed",
    title="Automation runbooks carry out operational activities",
    service="ssm",
    scope="global",
    severity="low",
    effort="medium",
    description="""Systems Manager Automation runbooks were run in a scanned region in the last `days` days
        (DescribeAutomationExecutions, one page of 50 executions per region), so standard activities
        (deployments, patching, restarts, DNS changes) follow a predefined procedure rather than someone's
        memory. The runbooks run, how often and how they ended are listed per region. Runbooks kept in
        another tool, and procedures run by hand from a document, are not visible to this check.""",
    remediation="""Write the routine activities as Automation runbooks (or use the AWS-owned ones), run them
        from the console, a pipeline, a schedule or an alarm, and retire the steps people type by hand.""",
    reads=["ssm:DescribeAutomationExecutions"],
    options={"days": 30},
)
def runbooks_executed(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    days = int(ctx.option("days"))
    since = datetime.now(UTC) - timedelta(days=days)
    found: dict[str, dict[str, Any]] = {}
    for region in ctx.regions:
        listed = ctx.call("ssm", "DescribeAutomationExecutions", region=region,
                          PaginationConfig=FIRST_PAGE).get("AutomationExecutionMetadataList", [])
        runs = [r for r in listed if (as_datetime(r.get("ExecutionStartTime")) or since) >= since]
        if not runs:
            continue
        counts: dict[str, int] = {}
        for run in runs:
            counts[str(run.get("DocumentName"))] = counts.get(str(run.get("DocumentName")), 0) + 1
        statuses: dict[str, int] = {}
        for run in runs:
            status = str(run.get("AutomationExecutionStatus"))
            statuses[status] = statuses.get(status, 0) + 1
        found[region] = {"executions": len(runs), "runbooks": dict(sorted(counts.items())[:LISTED]),
                         "statuses": dict(sorted(statuses.items()))}
    observed = {"automation": found, "days": days}
    if found:
        total = sum(v["executions"] for v in found.values())
        yield ctx.passed(ctx.account_resource(), f"{total} Automation runbook execution(s) in the last {days} days "
                         f"in {', '.join(sorted(found))}", observed)
    else:
        yield ctx.failed(ctx.account_resource(), f"No Automation runbook ran in the last {days} days in "
                         f"{', '.join(ctx.regions)}", observed)
