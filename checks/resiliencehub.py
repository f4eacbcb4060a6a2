"""AWS Resilience Hub applications have recovery objectives and meet them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, Reason, check


def apps(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every application summary of the region (ListApps has no botocore paginator: pages are followed here)."""
    out: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = ctx.call("resiliencehub", "ListApps", required=("appSummaries",),
                        **({"nextToken": token} if token else {}))
        out.extend(page.get("appSummaries", []))
        token = page.get("nextToken")
        if not token:
            return out


def objectives(policy: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Disruption type -> {"rto_seconds", "rpo_seconds"} from a DescribeResiliencyPolicy answer."""
    return {kind: {"rto_seconds": target.get("rtoInSecs"), "rpo_seconds": target.get("rpoInSecs")}
            for kind, target in (policy.get("policy") or {}).items()}


@check(
    id="resiliencehub.apps_have_policy",
    title="Resilience Hub applications have a resiliency policy",
    service="resiliencehub",
    severity="high",
    effort="low",
    description="""Every application defined in AWS Resilience Hub has a resiliency policy attached, that is,
        written recovery time and recovery point objectives for application, infrastructure, Availability Zone
        and (optionally) Region disruptions. Applications are only found where the account uses Resilience
        Hub; an account that keeps its objectives elsewhere gets no finding.""",
    remediation="""Create a resiliency policy whose RTO and RPO come from the business impact of downtime and
        data loss (resiliencehub create-resiliency-policy) and attach it to the application
        (resiliencehub update-app --policy-arn).""",
    reads=["resiliencehub:ListApps", "resiliencehub:DescribeApp", "resiliencehub:DescribeResiliencyPolicy"],
)
def apps_have_policy(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per application."""

    def one(summary: dict[str, Any]) -> Finding:
        arn, name = summary["appArn"], summary.get("name", summary["appArn"])
        try:
            app = ctx.call("resiliencehub", "DescribeApp", appArn=arn).get("app", {})
            policy_arn = app.get("policyArn")
            if not policy_arn:
                return ctx.failed(arn, f"Resilience Hub application {name} has no resiliency policy",
                                  {"app": name, "policy": None})
            policy = ctx.call("resiliencehub", "DescribeResiliencyPolicy", policyArn=policy_arn).get("policy", {})
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        observed = {"app": name, "policy": policy.get("policyName"), "policy_arn": policy_arn,
                    "tier": policy.get("tier"), "objectives": objectives(policy)}
        return ctx.passed(arn, f"Resilience Hub application {name} has resiliency policy "
                          f"{policy.get('policyName')} (tier {policy.get('tier')})", observed)

    yield from ctx.map(one, apps(ctx))


_UNKNOWN = {
    "NotAssessed": "has never been assessed against its resiliency policy",
    "ChangesDetected": "has changed since its last assessment",
    "NotApplicable": "has no assessment result that applies",
}


@check(
    id="resiliencehub.apps_meet_policy",
    title="Resilience Hub applications meet their recovery objectives",
    service="resiliencehub",
    severity="high",
    effort="high",
    description="""The latest Resilience Hub assessment of each application found that its recovery strategy
        meets the RTO and RPO of its resiliency policy (PolicyMet). PolicyBreached and MissingPolicy fail; an
        application never assessed, or changed since its last assessment, is reported as not assessed.""",
    remediation="""Run an assessment (resiliencehub start-app-assessment), schedule daily assessments, and
        carry out the resiliency recommendations for the disruptions whose objectives are breached.""",
    reads=["resiliencehub:ListApps"],
)
def apps_meet_policy(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per application, from ListApps' compliance status."""
    for summary in apps(ctx):
        arn, name = summary["appArn"], summary.get("name", summary["appArn"])
        status = summary.get("complianceStatus") or "NotAssessed"
        observed = {"app": name, "compliance_status": status, "resiliency_score": summary.get("resiliencyScore"),
                    "rto_seconds": summary.get("rtoInSecs"), "rpo_seconds": summary.get("rpoInSecs"),
                    "assessment_schedule": summary.get("assessmentSchedule")}
        label = f"Resilience Hub application {name}"
        if status == "PolicyMet":
            yield ctx.passed(arn, f"{label} meets its resiliency policy", observed)
        elif status == "PolicyBreached":
            yield ctx.failed(arn, f"{label} breaches its resiliency policy's recovery objectives", observed)
        elif status == "MissingPolicy":
            yield ctx.failed(arn, f"{label} has no resiliency policy to meet", observed)
        else:
            why = _UNKNOWN.get(status, f"has compliance status {status}")
            # A fact of the account, not a failed read: nobody has checked the application against its policy.
            yield ctx.not_assessed(arn, NotAssessed(Reason.NOT_ENABLED, f"{label} {why}", code=status))
