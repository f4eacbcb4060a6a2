"""CloudWatch Logs: every log group has a retention period, so log data follows a lifecycle.

One finding per region summarises all log groups: accounts with thousands of groups (one per Lambda
function, per container task family) would otherwise bury the report in near-identical findings.
The finding counts the groups and names the ones without retention, largest first, up to a limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

_IN_MESSAGE = 5  # group names quoted in the one-line message; the evidence lists up to max_listed


@check(
    id="logs.retention_set",
    title="CloudWatch log groups have a retention period",
    service="logs",
    severity="low",
    description="""Every CloudWatch Logs log group in the region has a retention period, so log data is
        kept as long as it is needed and then expires, instead of growing forever by default. With option
        min_days above 0, groups kept for fewer days are flagged too (for example 365 where investigations
        need a year of logs). One finding per region, naming up to max_listed offending groups, largest
        first.""",
    remediation="""Set a retention on every log group (logs put-retention-policy), matching the data's
        classification and the investigation window; set it in the infrastructure code that creates the
        group, and export logs that must outlive it to S3 with a lifecycle policy.""",
    reads=["logs:DescribeLogGroups"],
    options={"min_days": 0, "max_listed": 50},
)
def retention_set(ctx: CheckContext) -> Iterator[Finding]:
    """One summary finding per region."""
    min_days = int(ctx.option("min_days"))
    max_listed = int(ctx.option("max_listed"))
    groups = ctx.call("logs", "DescribeLogGroups").get("logGroups", [])
    forever = [g for g in groups if not g.get("retentionInDays")]
    short = [g for g in groups if g.get("retentionInDays") and g["retentionInDays"] < min_days]
    retentions = [g["retentionInDays"] for g in groups if g.get("retentionInDays")]

    def names(items: list[dict[str, Any]]) -> list[str]:
        ranked = sorted(items, key=lambda g: (-(g.get("storedBytes") or 0), g.get("logGroupName", "")))
        return [g.get("logGroupName", "") for g in ranked[:max_listed]]

    observed: dict[str, Any] = {
        "log_groups": len(groups),
        "without_retention": len(forever),
        "without_retention_names": names(forever),
        "without_retention_stored_bytes": sum(g.get("storedBytes") or 0 for g in forever),
        "shortest_retention_days": min(retentions) if retentions else None,
        "min_days": min_days,
    }
    if min_days:
        observed["below_min_days"] = len(short)
        observed["below_min_days_names"] = names(short)
    resource = ctx.account_resource()
    if not groups:
        yield ctx.passed(resource, f"No CloudWatch log groups in {ctx.region}", observed)
        return
    problems = []
    if forever:
        problems.append(f"{len(forever)} of {len(groups)} log groups keep logs forever (no retention set)")
    if short:
        problems.append(f"{len(short)} keep logs for fewer than {min_days} days")
    if problems:
        listed = names(forever + short)[:_IN_MESSAGE]
        more = len(forever) + len(short) - len(listed)
        tail = f" (and {more} more)" if more > 0 else ""
        yield ctx.failed(resource, f"In {ctx.region}, " + " and ".join(problems) + ": "
                         + ", ".join(listed) + tail, observed)
    else:
        yield ctx.passed(resource, f"All {len(groups)} log groups in {ctx.region} have a retention period "
                         f"(shortest {min(retentions)} days)", observed)
