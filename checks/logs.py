"""CloudWatch Logs: every log group has a retention period, so log data follows a lifecycle.

Each log group that never expires (or, with ``min_days``, expires too soon) is its own failing finding,
with the group's ARN as the resource, so a fix shows as resolved and exceptions can be made per group.
The groups that comply are summed up in one passing finding per region: accounts with hundreds of
thousands of groups (one per Lambda function, per container task family) stay readable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check


def _group_arn(ctx: CheckContext, group: dict[str, Any]) -> str:
    """The log group's ARN without the ``:*`` that DescribeLogGroups' ``arn`` field carries."""
    arn = group.get("logGroupArn") or str(group.get("arn") or "").removesuffix(":*")
    return arn or ctx.arn("logs", f"log-group:{group.get('logGroupName', '')}")


@check(
    id="logs.retention_set",
    title="CloudWatch log groups have a retention period",
    service="logs",
    severity="low",
    effort="low",
    description="""Every CloudWatch Logs log group has a retention period, so log data is kept as long as it
        is needed and then expires, instead of growing forever (a new group never expires by default). Each
        group without one fails on its own, named by its ARN; the groups that comply are summed up in one
        passing finding per region. Option min_days (default 0: any retention passes) also fails groups kept
        for fewer days. There is no default minimum because the right one is the workload's own: the
        investigation window and the data's classification or regulation set it (for example 365 where
        investigations need a year of logs), and a number picked here would be wrong for most groups.""",
    remediation="""Set a retention on every log group (logs put-retention-policy), matching the data's
        classification and the investigation window; set it in the infrastructure code that creates the
        group, and export logs that must outlive it to S3 with a lifecycle policy.""",
    reads=["logs:DescribeLogGroups"],
    options={"min_days": 0},
)
def retention_set(ctx: CheckContext) -> Iterator[Finding]:
    """One failing finding per group that never expires or expires too soon; one passing summary per region."""
    min_days = int(ctx.option("min_days"))
    groups = ctx.call("logs", "DescribeLogGroups", required=("logGroups",)).get("logGroups", [])
    forever = [g for g in groups if not g.get("retentionInDays")]
    short = [g for g in groups if g.get("retentionInDays") and g["retentionInDays"] < min_days]
    kept = [g for g in groups if g.get("retentionInDays") and g["retentionInDays"] >= min_days]
    for group in sorted(forever + short, key=lambda g: g.get("logGroupName", "")):
        name, days = group.get("logGroupName", ""), group.get("retentionInDays")
        observed = {"log_group": name, "retention_days": days, "min_days": min_days,
                    "stored_bytes": group.get("storedBytes") or 0}
        if days:
            message = f"Log group {name} keeps logs for {days} days, fewer than min_days {min_days}"
        else:
            message = f"Log group {name} has no retention period: its logs never expire"
        yield ctx.failed(_group_arn(ctx, group), message, observed)
    if groups and not kept:
        return  # nothing complies, so there is nothing to sum up as a pass
    retentions = [g["retentionInDays"] for g in kept]
    observed_summary: dict[str, Any] = {
        "log_groups": len(groups),
        "with_retention": len(kept),
        "without_retention": len(forever),
        "without_retention_stored_bytes": sum(g.get("storedBytes") or 0 for g in forever),
        "shortest_retention_days": min(retentions) if retentions else None,
        "min_days": min_days,
    }
    if min_days:
        observed_summary["below_min_days"] = len(short)
    if not groups:
        yield ctx.passed(ctx.account_resource(), f"No CloudWatch log groups in {ctx.region}", observed_summary)
        return
    bar = f"at least {min_days} days" if min_days else "a retention period"
    yield ctx.passed(ctx.account_resource(), f"{len(kept)} of {len(groups)} log groups in {ctx.region} have "
                     f"{bar} (shortest {min(retentions)} days); the others are reported one by one"
                     if len(kept) < len(groups) else
                     f"All {len(groups)} log groups in {ctx.region} have {bar} (shortest {min(retentions)} days)",
                     observed_summary)
