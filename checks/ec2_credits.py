"""Burstable (T-class) instances keep a CPU credit balance instead of running dry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from checks._ec2 import instance_arn, instances, name_tag
from scanner.api import CheckContext, Finding, Reason, Status, check

# T2 and later earn CPU credits (T1 predates the credit model and publishes no credit metrics).
_BURSTABLE = re.compile(r"^t[2-9][a-z]*\.")
BATCH = 250  # two queries per instance; GetMetricData takes at most 500 queries per request


def is_burstable(instance_type: str) -> bool:
    """True for instance types that earn and spend CPU credits."""
    return bool(_BURSTABLE.match(instance_type.lower()))


def credit_metrics(ctx: CheckContext, instance_ids: list[str], days: int) -> dict[str, dict[str, list[float]]]:
    """Per instance: daily minimum CPUCreditBalance and daily sum of CPUSurplusCreditsCharged.

    The window ends at the last full hour, so that every check asking for it shares one cached read.
    """
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    out: dict[str, dict[str, list[float]]] = {iid: {"balance": [], "charged": []} for iid in instance_ids}
    for offset in range(0, len(instance_ids), BATCH):
        batch = instance_ids[offset:offset + BATCH]
        queries = []
        for n, iid in enumerate(batch):
            for prefix, metric, stat in (("b", "CPUCreditBalance", "Minimum"),
                                         ("s", "CPUSurplusCreditsCharged", "Sum")):
                queries.append({"Id": f"{prefix}{n}", "ReturnData": True, "MetricStat": {
                    "Metric": {"Namespace": "AWS/EC2", "MetricName": metric,
                               "Dimensions": [{"Name": "InstanceId", "Value": iid}]},
                    "Period": 86400, "Stat": stat}})
        answer = ctx.call("cloudwatch", "GetMetricData", MetricDataQueries=queries, StartTime=start, EndTime=end)
        # Pages repeat a query id with further values; gather them all.
        for result in answer.get("MetricDataResults", []):
            kind = "balance" if result["Id"].startswith("b") else "charged"
            out[batch[int(result["Id"][1:])]][kind].extend(float(v) for v in result.get("Values", []))
    return out


@check(
    id="ec2.burstable_credits_ok",
    title="Burstable instances do not run out of CPU credits",
    service="ec2",
    severity="medium",
    effort="medium",
    description="""Running T2/T3/T3a/T4g instances kept a CPU credit balance of at least
        min_credit_balance over the look-back window (option days, 7 by default) and were charged no
        surplus credits. An instance that drains its credits
        is throttled to its baseline (standard mode) or bills surplus credits (unlimited mode): either way
        it is the wrong size or type for its load. Read from CloudWatch (CPUCreditBalance,
        CPUSurplusCreditsCharged) in one GetMetricData request per 250 instances.""",
    remediation="""Move instances that spend their credits to a larger T size, or to a fixed-performance
        type (M7g, M7i, C7g ...) when the load is sustained; use Compute Optimizer's recommendations to
        pick the size.""",
    reads=["ec2:DescribeInstances", "cloudwatch:GetMetricData"],
    options={"days": 7, "min_credit_balance": 1.0},
)
def burstable_credits_ok(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per running burstable instance."""
    burstable = [i for i in instances(ctx, states=("running",)) if is_burstable(i.get("InstanceType", ""))]
    if not burstable:
        return
    days = int(ctx.option("days"))
    floor = float(ctx.option("min_credit_balance"))
    metrics = credit_metrics(ctx, [i["InstanceId"] for i in burstable], days)
    for inst in burstable:
        iid, itype = inst["InstanceId"], inst["InstanceType"]
        arn = instance_arn(ctx, iid)
        label = f"Instance {iid}" + (f" ({name_tag(inst)})" if name_tag(inst) else "") + f" [{itype}]"
        balance, charged = metrics[iid]["balance"], metrics[iid]["charged"]
        if not balance:
            # No data is a fact about the instance, not a failed read: keep the reads it rests on.
            message = (f"Not assessed: {label} has no CPUCreditBalance data in CloudWatch for the last {days} days "
                       "(launched moments ago, or metrics not published)")
            finding = ctx.finding(Status.NOT_ASSESSED, arn, message, {
                "instance_id": iid, "instance_type": itype, "days": days, "reason": "not_enabled",
                "detail": "no CPUCreditBalance datapoints", "launch_time": str(inst.get("LaunchTime") or "")})
            yield replace(finding, reason=Reason.NOT_ENABLED)
            continue
        lowest, surplus = min(balance), sum(charged)
        observed: dict[str, Any] = {
            "instance_id": iid, "instance_type": itype, "days": days, "min_credit_balance": round(lowest, 2),
            "surplus_credits_charged": round(surplus, 2), "threshold": floor, "days_with_data": len(balance)}
        problems = []
        if lowest < floor:
            problems.append(f"its CPU credit balance fell to {lowest:g}")
        if surplus > 0:
            problems.append(f"{surplus:g} surplus credits were charged")
        if problems:
            yield ctx.failed(arn, f"{label} ran out of CPU credits in the last {days} days: " + " and ".join(problems),
                             observed)
        else:
            yield ctx.passed(arn, f"{label} kept at least {lowest:g} CPU credits over the last {days} days", observed)
