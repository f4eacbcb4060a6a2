"""Commitment pricing models: Savings Plans and Reserved Instances cover steady usage and are used.

Cost Explorer bills each request ($0.01 at the time of writing, AWS Cost Explorer pricing page); these two
checks make four, once per scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scanner.api import GLOBAL, CheckContext, Finding, check


def last_days(days: int) -> dict[str, str]:
    """A Cost Explorer TimePeriod of the last ``days`` whole days (End is exclusive)."""
    today = datetime.now(UTC).date()
    return {"Start": (today - timedelta(days=days)).isoformat(), "End": today.isoformat()}


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


@check(
    id="ce.commitment_coverage",
    title="Savings Plans or Reserved Instances cover steady usage",
    service="ce",
    scope="global",
    severity="medium",
    effort="medium",
    description="""Over the last `days` days, Savings Plans covered at least `min_percent` of the spend
        eligible for them, or Reserved Instances covered at least `min_percent` of the running hours
        eligible for them (Cost Explorer GetSavingsPlansCoverage and GetReservationCoverage). Seen from the
        management account the figures are the organization's; from a member account, that account's. An
        account with no eligible usage gets no finding.""",
    remediation="""Read the Savings Plans purchase recommendation in Cost Explorer for the steady part of the
        compute spend (the hourly floor of the last 30 to 60 days), buy a Compute Savings Plan for it, and
        review coverage monthly; use Reserved Instances for RDS, ElastiCache, OpenSearch and Redshift.""",
    reads=["ce:GetSavingsPlansCoverage", "ce:GetReservationCoverage"],
    options={"days": 30, "min_percent": 50},
)
def commitment_coverage(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    days, floor = int(ctx.option("days")), float(ctx.option("min_percent"))
    period = last_days(days)
    sp_items = ctx.call("ce", "GetSavingsPlansCoverage", TimePeriod=period, Granularity="MONTHLY").get(
        "SavingsPlansCoverages", [])
    covered = sum(_number(i.get("Coverage", {}).get("SpendCoveredBySavingsPlans")) for i in sp_items)
    eligible = sum(_number(i.get("Coverage", {}).get("TotalCost")) for i in sp_items)
    ri_total = ctx.call("ce", "GetReservationCoverage", TimePeriod=period, Granularity="MONTHLY").get(
        "Total", {}).get("CoverageHours", {})
    ri_hours = _number(ri_total.get("TotalRunningHours"))
    sp_percent = round(100 * covered / eligible, 1) if eligible else None
    ri_percent = round(_number(ri_total.get("CoverageHoursPercentage")), 1) if ri_hours else None
    observed = {"days": days, "min_percent": floor, "savings_plans_coverage_percent": sp_percent,
                "savings_plans_covered_spend": round(covered, 2), "savings_plans_eligible_spend": round(eligible, 2),
                "reserved_coverage_hours_percent": ri_percent, "reserved_eligible_hours": ri_hours}
    if sp_percent is None and ri_percent is None:
        return
    resource = ctx.account_resource(region=GLOBAL)
    best = max(p for p in (sp_percent, ri_percent) if p is not None)
    shown = ", ".join(f"{label} {p}%" for label, p in (("Savings Plans", sp_percent), ("Reserved Instances",
                                                                                     ri_percent)) if p is not None)
    if best >= floor:
        yield ctx.passed(resource, f"Commitments cover the eligible usage of the last {days} days: {shown}", observed)
    else:
        yield ctx.failed(resource, f"Commitments cover little of the eligible usage of the last {days} days: "
                         f"{shown} (below {floor:g}%)", observed)


@check(
    id="ce.commitments_utilised",
    title="Savings Plans and Reserved Instances are used",
    service="ce",
    scope="global",
    severity="medium",
    effort="medium",
    description="""Over the last `days` days, the Savings Plans commitment and the Reserved Instance hours that
        were paid for were used to at least `min_percent` (Cost Explorer GetSavingsPlansUtilization and
        GetReservationUtilization): one finding for Savings Plans and one for Reserved Instances, each only
        where the account has some.""",
    remediation="""Move the workloads a commitment was bought for back onto it (instance family, region,
        platform), exchange convertible Reserved Instances, sell unused standard ones on the Reserved
        Instance Marketplace, and size the next purchase from the recommendation rather than the peak.""",
    reads=["ce:GetSavingsPlansUtilization", "ce:GetReservationUtilization"],
    options={"days": 30, "min_percent": 90},
)
def commitments_utilised(ctx: CheckContext) -> Iterator[Finding]:
    """Up to two account-level findings."""
    days, floor = int(ctx.option("days")), float(ctx.option("min_percent"))
    period = last_days(days)
    sp = ctx.call("ce", "GetSavingsPlansUtilization", TimePeriod=period, Granularity="MONTHLY",
                  absent=("DataUnavailableException",))
    ri = ctx.call("ce", "GetReservationUtilization", TimePeriod=period, Granularity="MONTHLY",
                  absent=("DataUnavailableException",))
    sp_total = (sp or {}).get("Total", {}).get("Utilization", {})
    ri_total = (ri or {}).get("Total", {})
    for label, service, total, paid in (
            ("Savings Plans", "savingsplans", sp_total, _number(sp_total.get("TotalCommitment"))),
            ("Reserved Instances", "reservations", ri_total, _number(ri_total.get("PurchasedHours")))):
        if not paid:
            continue
        percent = round(_number(total.get("UtilizationPercentage")), 1)
        observed = {"days": days, "min_percent": floor, "utilization_percent": percent,
                    "unused": total.get("UnusedCommitment") or total.get("UnusedHours")}
        resource = ctx.account_resource(service, region=GLOBAL)
        if percent >= floor:
            yield ctx.passed(resource, f"{label} were {percent}% used over the last {days} days", observed)
        else:
            yield ctx.failed(resource, f"{label} were only {percent}% used over the last {days} days "
                             f"(below {floor:g}%): commitment paid for and not used", observed)
