"""Security Hub collects findings and checks the account against security standards in every region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

# Standards whose subscription is in one of these states are evaluating controls (or about to).
_ACTIVE = ("READY", "PENDING", "INCOMPLETE")


def _standard_name(arn: str) -> str:
    """'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0' ->
    'aws-foundational-security-best-practices/v/1.0.0'; subscription ARNs keep their tail too."""
    tail = arn.split(":", 5)[-1]
    for prefix in ("standards/", "subscription/", "ruleset/"):
        if tail.startswith(prefix):
            return tail[len(prefix):]
    return tail


@check(
    id="securityhub.enabled",
    title="Security Hub is enabled with a standard",
    service="securityhub",
    severity="medium",
    effort="low",
    description="""Security Hub is enabled in the region and at least one security standard (for example AWS
        Foundational Security Best Practices or CIS AWS Foundations) is enabled, so findings from GuardDuty,
        Inspector, Macie and the standards' controls land in one place. The enabled standards are listed in
        the evidence. A region where Security Hub answers InvalidAccessException has it switched off.""",
    remediation="""Enable Security Hub in every enabled region (for the organization, from a delegated
        administrator with central configuration) with AWS Foundational Security Best Practices, and set a
        finding aggregation region.""",
    reads=["securityhub:DescribeHub", "securityhub:GetEnabledStandards"],
)
def securityhub_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region: hub off, hub on without standards, or hub on with its standards."""
    resource = ctx.account_resource()
    hub = ctx.call("securityhub", "DescribeHub", absent=("InvalidAccessException",))
    if hub is None:
        yield ctx.failed(resource, f"Security Hub is not enabled in {ctx.region}",
                         {"enabled": False, "error_code": "InvalidAccessException"})
        return
    subscriptions = ctx.call("securityhub", "GetEnabledStandards",
                             required=("StandardsSubscriptions",)).get("StandardsSubscriptions", [])
    standards: list[dict[str, Any]] = [
        {"standard": _standard_name(s.get("StandardsArn", "")), "status": s.get("StandardsStatus")}
        for s in subscriptions
    ]
    active = [s["standard"] for s in standards if s["status"] in _ACTIVE]
    observed = {"enabled": True, "hub_arn": hub.get("HubArn"), "subscribed_at": hub.get("SubscribedAt"),
                "auto_enable_controls": hub.get("AutoEnableControls"), "standards": standards}
    if active:
        yield ctx.passed(resource, f"Security Hub is enabled in {ctx.region} with {len(active)} standard(s): "
                         + ", ".join(sorted(active)), observed)
    else:
        yield ctx.failed(resource, f"Security Hub is enabled in {ctx.region} but no security standard is "
                         "enabled: it checks no controls", observed)
