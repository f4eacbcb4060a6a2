"""Right-sizing: the account is enrolled in AWS Compute Optimizer, and its EC2 recommendations say Optimized."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from checks._compute_optimizer import all_pages
from scanner.api import CheckContext, Finding, Reason, Status, check


@check(
    id="computeoptimizer.enrolled",
    title="Compute Optimizer is enabled",
    service="compute-optimizer",
    scope="global",
    severity="low",
    effort="low",
    description="""The account is opted in to AWS Compute Optimizer (status Active), which analyses the
        utilisation of EC2 instances, Auto Scaling groups, EBS volumes, Lambda functions, ECS services and
        RDS databases and recommends types and sizes. Without it, sizing decisions rest on guesses.""",
    remediation="""Opt in (compute-optimizer update-enrollment-status --status Active, with
        --include-member-accounts from the management account), and review its recommendations on a
        schedule; enable enhanced infrastructure metrics for workloads with monthly cycles.""",
    reads=["compute-optimizer:GetEnrollmentStatus"],
)
def enrolled(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding with the enrollment status."""
    answer = ctx.call("compute-optimizer", "GetEnrollmentStatus")
    status = answer.get("status", "Inactive")
    observed = {"status": status, "status_reason": answer.get("statusReason"),
                "member_accounts_enrolled": answer.get("memberAccountsEnrolled")}
    if status == "Active":
        yield ctx.passed(ctx.account_resource(), "Compute Optimizer is active for the account", observed)
    else:
        yield ctx.failed(ctx.account_resource(), f"Compute Optimizer is {status} for the account", observed)


def ec2_recommendations(ctx: CheckContext) -> list[dict[str, Any]] | None:
    """Every EC2 instance recommendation of the region; ``None`` when the account has not opted in."""
    return all_pages(ctx, "GetEC2InstanceRecommendations", "instanceRecommendations")


def _best_option(rec: dict[str, Any]) -> dict[str, Any]:
    options = sorted(rec.get("recommendationOptions") or [], key=lambda o: o.get("rank", 99))
    if not options:
        return {}
    best = options[0]
    saving = (best.get("savingsOpportunity") or {}).get("estimatedMonthlySavings") or {}
    return {"recommended_type": best.get("instanceType"), "performance_risk": best.get("performanceRisk"),
            "estimated_monthly_savings": saving.get("value"), "currency": saving.get("currency")}


@check(
    id="computeoptimizer.ec2_rightsized",
    title="EC2 instances are right-sized",
    service="compute-optimizer",
    severity="medium",
    effort="medium",
    description="""Compute Optimizer finds each analysed EC2 instance Optimized, not Overprovisioned (paying
        for unused capacity) or Underprovisioned (short of CPU, memory, storage or network throughput). One
        finding per instance Compute Optimizer has a recommendation for (it needs about 30 hours of
        metrics); not assessed where the account has not opted in.""",
    remediation="""Change over- and under-provisioned instances to the recommended type (stop, modify the
        instance type, start; or update the launch template of the Auto Scaling group), after checking the
        projected utilisation and platform differences of the recommendation.""",
    reads=["compute-optimizer:GetEC2InstanceRecommendations"],
    # Compute Optimizer authorises this read only with the EC2 describe permission as well.
    permissions=["ec2:DescribeInstances"],
)
def ec2_rightsized(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per instance recommendation of the region."""
    recommendations = ec2_recommendations(ctx)
    if recommendations is None:
        finding = ctx.finding(Status.NOT_ASSESSED, ctx.account_resource(),
                              "Not assessed: Compute Optimizer is not enabled for the account", {
                                  "reason": "not_enabled", "error_code": "OptInRequiredException",
                                  "detail": "the account has not opted in to Compute Optimizer"})
        yield replace(finding, reason=Reason.NOT_ENABLED)
        return
    for rec in recommendations:
        arn, finding = rec["instanceArn"], rec.get("finding", "")
        iid = arn.rsplit("/", 1)[-1]
        label = f"Instance {iid}" + (f" ({rec['instanceName']})" if rec.get("instanceName") else "") + \
            f" [{rec.get('currentInstanceType')}]"
        observed = {"instance_id": iid, "current_type": rec.get("currentInstanceType"), "finding": finding,
                    "reasons": rec.get("findingReasonCodes") or [], "look_back_days": rec.get("lookBackPeriodInDays"),
                    **_best_option(rec)}
        if finding == "Optimized":
            yield ctx.passed(arn, f"{label} is optimized", observed)
            continue
        advice = ""
        if observed.get("recommended_type"):
            advice = f"; recommended {observed['recommended_type']}"
            if observed.get("estimated_monthly_savings"):
                advice += f", saving about {observed['estimated_monthly_savings']:.2f} {observed['currency']} a month"
        yield ctx.failed(arn, f"{label} is {finding.lower()}{advice}", observed)
