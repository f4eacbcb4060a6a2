"""Idle resources removed: AWS Compute Optimizer finds no idle instance, group, volume, ECS service, database
or NAT gateway still running and paid for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._compute_optimizer import OPT_IN, all_pages
from scanner.api import CheckContext, Finding, NotAssessed, Reason, check


def idle_recommendations(ctx: CheckContext) -> list[dict[str, Any]] | None:
    """Every idle recommendation of the region; ``None`` when the account has not opted in."""
    return all_pages(ctx, "GetIdleRecommendations", "idleRecommendations", required=("idleRecommendations",))


@check(
    id="computeoptimizer.no_idle_resources",
    title="No idle resource is left running",
    service="compute-optimizer",
    severity="medium",
    effort="medium",
    description="""AWS Compute Optimizer's idle recommendations (GetIdleRecommendations, one paginated read per
        region) name no EC2 instance, Auto Scaling group, EBS volume, ECS service, RDS instance or NAT
        gateway as idle, unattached or unused over its look-back period. One failure per idle resource with
        the saving Compute Optimizer estimates; one pass for a region with none. Not assessed where the
        account has not opted in to Compute Optimizer. A warm standby kept idle on purpose fails too and is
        for the reviewer to confirm.""",
    remediation="""Confirm with the owner that the resource is not needed (tags, last use), snapshot what must
        be kept, then stop or delete it; for standby capacity, record why it is idle. Review the idle
        recommendations on a schedule.""",
    reads=["compute-optimizer:GetIdleRecommendations"],
)
def no_idle_resources(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per idle resource, or one per region with none."""
    found = idle_recommendations(ctx)
    resource = ctx.account_resource()
    if found is None:
        yield ctx.not_assessed(resource, NotAssessed(
            Reason.NOT_ENABLED, "the account has not opted in to AWS Compute Optimizer", code=OPT_IN))
        return
    for rec in found:
        saving = ((rec.get("savingsOpportunity") or {}).get("estimatedMonthlySavings") or {})
        observed = {"resource_type": rec.get("resourceType"), "finding": rec.get("finding"),
                    "description": rec.get("findingDescription"), "look_back_days": rec.get("lookBackPeriodInDays"),
                    "estimated_monthly_savings": saving.get("value"), "currency": saving.get("currency")}
        label = f"{rec.get('resourceType', 'Resource')} {rec.get('resourceId') or rec.get('resourceArn')}"
        cost = f" (about {saving['value']:.2f} {saving.get('currency', 'USD')} a month)" \
            if isinstance(saving.get("value"), (int, float)) else ""
        yield ctx.failed(rec.get("resourceArn") or resource, f"{label} is {str(rec.get('finding', 'idle')).lower()} "
                         f"according to Compute Optimizer{cost}", observed)
    if not found:
        yield ctx.passed(resource, f"Compute Optimizer finds no idle resource in {ctx.region}", {"idle": 0})
