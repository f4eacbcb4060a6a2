"""Reviews recur: the Well-Architected Tool's own workloads, milestones and lens reviews."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import as_datetime, days_since, iso
from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="wellarchitected.reviews_recur",
    title="Workloads are reviewed again and again",
    service="wellarchitected",
    scope="global",
    severity="low",
    effort="low",
    description="""Every workload defined in the Well-Architected Tool in a scanned region has a milestone
        (a saved review) from the last `days` days (ListWorkloads, then ListMilestones and ListLensReviews per
        workload), so reviews recur instead of happening once. One finding per workload, with its lenses
        and the number of milestones; one account-level failure when no workload is defined. Reviews kept
        outside the WA Tool are not visible to this check.""",
    remediation="""Define each workload in the Well-Architected Tool, review it at least once a year and
        after major changes, and save a milestone after each review so improvement can be followed.""",
    reads=["wellarchitected:ListWorkloads", "wellarchitected:ListMilestones", "wellarchitected:ListLensReviews"],
    options={"days": 365},
)
def reviews_recur(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per workload, or one account-level failure."""
    days = int(ctx.option("days"))
    workloads = [(region, w) for region in ctx.regions
                 for w in ctx.call("wellarchitected", "ListWorkloads", region=region,
                                   required=("WorkloadSummaries",)).get("WorkloadSummaries", [])]

    def one(item: tuple[str, dict[str, Any]]) -> Finding:
        region, workload = item
        wid, name = workload["WorkloadId"], workload.get("WorkloadName", workload["WorkloadId"])
        arn = workload.get("WorkloadArn") or ctx.arn("wellarchitected", f"workload/{wid}", region=region)
        try:
            milestones = ctx.call("wellarchitected", "ListMilestones", region=region,
                                  WorkloadId=wid).get("MilestoneSummaries", [])
            lenses = ctx.call("wellarchitected", "ListLensReviews", region=region,
                              WorkloadId=wid).get("LensReviewSummaries", [])
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc, region=region)
        recorded = sorted((d for m in milestones if (d := as_datetime(m.get("RecordedAt")))), reverse=True)
        age = days_since(recorded[0]) if recorded else None
        observed = {"workload": name, "milestones": len(milestones), "last_milestone": iso(recorded[0]) if recorded
                    else None, "lens_reviews": sorted(str(lens.get("LensAlias") or lens.get("LensName"))
                                                      for lens in lenses),
                    "risk_counts": workload.get("RiskCounts"), "improvement_status": workload.get("ImprovementStatus")}
        if age is not None and age <= days:
            return ctx.passed(arn, f"Workload {name} was reviewed {age} day(s) ago ({len(milestones)} milestone(s))",
                              observed, region=region)
        if age is None:
            return ctx.failed(arn, f"Workload {name} has no milestone: no review was saved", observed, region=region)
        return ctx.failed(arn, f"Workload {name}'s last milestone is {age} days old", observed, region=region)

    found = ctx.map(one, workloads)
    yield from found
    if not found:
        yield ctx.failed(ctx.account_resource(), "No workload is defined in the Well-Architected Tool in "
                         f"{', '.join(ctx.regions)}", {"workloads": 0})
