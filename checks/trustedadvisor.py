"""Trusted Advisor check results as evidence, and the support plan that makes them (and a TAM) available.

Trusted Advisor's full set of checks and the AWS Support API need a Business, Enterprise On-Ramp or
Enterprise support plan: on Basic and Developer plans every Support API call answers
SubscriptionRequiredException. The adapter then reports not assessed with that reason, never a pass;
``support.plan_business_or_higher`` reports the same answer as a fact about the account.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._adapter import adapted, adapted_not_assessed, emitted_id, service_off
from scanner.api import CheckContext, Finding, Status, check

PREFIX = "trustedadvisor.check."
NO_PLAN = "SubscriptionRequiredException"
# The Support API has one endpoint per partition; Trusted Advisor results are account-wide.
SUPPORT_REGIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}


def support_region(ctx: CheckContext) -> str:
    """Where the Support API answers for the scanned account's partition."""
    return SUPPORT_REGIONS.get(ctx.partition, ctx.api_region)

# Trusted Advisor check ids (AWS Trusted Advisor check reference,
# https://docs.aws.amazon.com/awssupport/latest/user/trusted-advisor-check-reference.html) that the default
# mapping links to a best practice, with the check's name.
CHECKS = {
    "7DAFEmoDos": "MFA on Root Account",
    "Yw2K9puPzl": "IAM Password Policy",
    "DqdJqYeRm5": "IAM Access Key Rotation",
    "12Fnkpl8Y5": "Exposed Access Keys",
    "HCP4007jGY": "Security Groups - Specific Ports Unrestricted",
    "1iG5NDGVre": "Security Groups - Unrestricted Access",
    "Pfx0RwqBli": "Amazon S3 Bucket Permissions",
    "vjafUGJ9H0": "AWS CloudTrail Logging",
    "ePs02jT06w": "Amazon EBS Public Snapshots",
    "rSs93HQwa1": "Amazon RDS Public Snapshots",
    "H7IgTzjTYb": "Amazon EBS Snapshots",
    "opQPADkZvH": "Amazon RDS Backups",
    "f2iK5R6Dep": "Amazon RDS Multi-AZ",
    "wuy7G1zxql": "Amazon EC2 Availability Zone Balance",
    "CLOG40CDO8": "Auto Scaling Group Health Check",
    "R365s2Qddf": "Amazon S3 Bucket Versioning",
    "S45wrEXrLz": "VPN Tunnel Redundancy",
    "0t121N1Ty3": "AWS Direct Connect Connection Redundancy",
    "Qch7DwouX1": "Low Utilization Amazon EC2 Instances",
    "hjLMh88uM8": "Idle Load Balancers",
    "DAvU99Dc4C": "Underutilized Amazon EBS Volumes",
    "Z4AUBRNSmz": "Unassociated Elastic IP Addresses",
    "Ti39halfu8": "Amazon RDS Idle DB Instances",
    "1e93e4c0b5": "Amazon EC2 Reserved Instance Lease Expiration",
    "ZRxQlPsb6c": "High Utilization Amazon EC2 Instances",
    "0Xc6LMYG8P": "EC2 On-Demand Instances",
    "jL7PP0l7J9": "VPC",
    "lN7RR0l7J9": "EC2-VPC Elastic IP Address",
    "fW7HH0l7J9": "Auto Scaling Groups",
    "EM8b3yLRTr": "ELB Application Load Balancers",
    "XG0aXHpIEt": "RDS DB Instances",
    "oQ7TT0l7J9": "IAM Roles",
}

# Trusted Advisor summary status -> our verdict; "not_available" means the check had nothing to evaluate.
_STATUS = {"ok": Status.PASS, "warning": Status.FAIL, "error": Status.FAIL}


@check(
    id="trustedadvisor.check_results",
    title="Trusted Advisor check results",
    service="support",
    scope="global",
    severity="medium",
    description="""Reads the Trusted Advisor checks (DescribeTrustedAdvisorChecks) and the latest summaries
        of those the mapping knows in one call (DescribeTrustedAdvisorCheckSummaries), and reports each as a
        finding of its own, trustedadvisor.check.<check id>: status ok is a pass, warning or error a fail
        (with the number of flagged resources), not_available not assessed. On a Basic or Developer support
        plan the Support API answers SubscriptionRequiredException: reported once as not assessed.""",
    remediation="""Review the flagged resources of every warning and error in Trusted Advisor and fix them or
        exclude them with a recorded reason; Business support or higher gives the full set of checks.""",
    reads=["support:DescribeTrustedAdvisorChecks", "support:DescribeTrustedAdvisorCheckSummaries"],
    emits=[PREFIX + c for c in CHECKS],
)
def trusted_advisor_results(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per known Trusted Advisor check; one not-assessed finding without the support plan."""
    catalogue = ctx.call("support", "DescribeTrustedAdvisorChecks", region=support_region(ctx), language="en",
                         absent=(NO_PLAN,))
    resource = ctx.account_resource("trustedadvisor")
    if catalogue is None:
        yield service_off(ctx, "Trusted Advisor check results need a Business, Enterprise On-Ramp or Enterprise "
                          "support plan (the Support API answered SubscriptionRequiredException)",
                          "support:DescribeTrustedAdvisorChecks", resource)
        return
    names = {c["id"]: c for c in catalogue.get("checks", []) if c.get("id") in CHECKS}
    if not names:
        return
    summaries = ctx.call("support", "DescribeTrustedAdvisorCheckSummaries", region=support_region(ctx),
                         checkIds=sorted(names)).get("summaries", [])
    for summary in sorted(summaries, key=lambda s: s.get("checkId", "")):
        cid = summary.get("checkId", "")
        if cid not in names:
            continue
        counts: dict[str, Any] = summary.get("resourcesSummary") or {}
        observed = {"trusted_advisor_check": cid, "name": names[cid].get("name") or CHECKS[cid],
                    "category": names[cid].get("category"), "status": summary.get("status"),
                    "resources_processed": counts.get("resourcesProcessed"),
                    "resources_flagged": counts.get("resourcesFlagged"),
                    "resources_suppressed": counts.get("resourcesSuppressed"),
                    "refreshed_at": summary.get("timestamp"), "source": f"Trusted Advisor check {cid}"}
        name, check_id = observed["name"], emitted_id(PREFIX, cid)
        status = _STATUS.get(str(summary.get("status")))
        if status is None:
            yield adapted_not_assessed(ctx, check_id, resource, f"Trusted Advisor check {name} answered "
                                       f"{summary.get('status')}", "support:DescribeTrustedAdvisorCheckSummaries",
                                       observed)
        elif status is Status.PASS:
            yield adapted(ctx, check_id, status, resource, f"Trusted Advisor: {name} is ok "
                          f"({counts.get('resourcesProcessed', 0)} resources checked)", observed)
        else:
            yield adapted(ctx, check_id, status, resource, f"Trusted Advisor: {name} is {summary.get('status')} "
                          f"({counts.get('resourcesFlagged', 0)} of {counts.get('resourcesProcessed', 0)} "
                          "resources flagged)", observed)


@check(
    id="support.plan_business_or_higher",
    title="The account has Business support or higher",
    service="support",
    scope="global",
    severity="low",
    effort="low",
    description="""The account's support plan is Business, Enterprise On-Ramp or Enterprise: the AWS Support
        API answers (DescribeSeverityLevels), so production incidents can be raised with a response time of
        an hour or less, and Trusted Advisor's full checks are available. On Basic and Developer plans the
        API answers SubscriptionRequiredException. A "critical" severity level shows an Enterprise plan.""",
    remediation="""Choose a support plan that fits the workload's criticality (Business or higher for
        production), and record in the runbooks how to open a case and who may.""",
    reads=["support:DescribeSeverityLevels"],
)
def support_plan(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the account."""
    answer = ctx.call("support", "DescribeSeverityLevels", region=support_region(ctx), language="en", absent=(NO_PLAN,))
    resource = ctx.account_resource()
    if answer is None:
        yield ctx.failed(resource, "The account has Basic or Developer support: the Support API answered "
                         "SubscriptionRequiredException", {"support_api": False, "error_code": NO_PLAN})
        return
    levels = sorted(str(level.get("code")) for level in answer.get("severityLevels", []))
    tier = "Enterprise On-Ramp or Enterprise" if "critical" in levels else "Business"
    yield ctx.passed(resource, f"The account has {tier} support (severity levels: {', '.join(levels)})",
                     {"support_api": True, "severity_levels": levels, "tier": tier})
