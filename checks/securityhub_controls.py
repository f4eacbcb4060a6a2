"""Security Hub control results as evidence: one finding per control and resource, under the control's id.

Security Hub already evaluates hundreds of controls (AWS Foundational Security Best Practices, CIS, ...)
against the account. This adapter reads their results with paginated ``GetFindings`` calls per region
(the controls the mapping knows, 20 control ids per filter) and reports each control result under
``securityhub.control.<control id>`` (``securityhub.control.S3.8``), with the control's resource and the
control named as its source. Which WA choice a control informs is data:
``mappings/data/wellarchitected/securityhub-controls.toml``. An account can hold tens of thousands of
control findings, so only the listed controls are read unless the ``all_controls`` option is set; the
others then show in the scan, but no mapping can name them until they are listed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._adapter import SEVERITY_LABELS, adapted, adapted_not_assessed, emitted_id, service_off
from scanner.api import CheckContext, Finding, Status, check

PREFIX = "securityhub.control."

# Control ids and titles of the Security Hub controls reference
# (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-controls-reference.html) that the
# default mapping links to a best practice.
CONTROLS = {
    "Account.1": "Security contact information should be provided for an AWS account",
    "AutoScaling.1": "Auto Scaling groups associated with a load balancer should use ELB health checks",
    "Backup.1": "AWS Backup recovery points should be encrypted at rest",
    "CloudTrail.1": "CloudTrail should be enabled and configured with at least one multi-Region trail",
    "CloudTrail.2": "CloudTrail should have encryption at-rest enabled",
    "CloudTrail.4": "CloudTrail log file validation should be enabled",
    "CloudWatch.1": "A log metric filter and alarm should exist for usage of the root user",
    "Config.1": "AWS Config should be enabled and use the service-linked role for resource recording",
    "DynamoDB.2": "DynamoDB tables should have point-in-time recovery enabled",
    "EC2.2": "VPC default security groups should not allow inbound or outbound traffic",
    "EC2.6": "VPC flow logging should be enabled in all VPCs",
    "EC2.7": "EBS default encryption should be enabled",
    "EC2.8": "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
    "EC2.19": "Security groups should not allow unrestricted access to ports with high risk",
    "ECR.1": "ECR private repositories should have image scanning configured",
    "EFS.1": "Elastic File System should be configured to encrypt file data at-rest using AWS KMS",
    "ELB.1": "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
    "GuardDuty.1": "GuardDuty should be enabled",
    "IAM.1": "IAM policies should not allow full administrative privileges",
    "IAM.3": "IAM users' access keys should be rotated every 90 days or less",
    "IAM.4": "IAM root user access key should not exist",
    "IAM.5": "MFA should be enabled for all IAM users that have a console password",
    "IAM.9": "MFA should be enabled for the root user",
    "IAM.28": "IAM Access Analyzer external access analyzer should be enabled",
    "Inspector.1": "Amazon Inspector EC2 scanning should be enabled",
    "KMS.4": "AWS KMS key rotation should be enabled",
    "Lambda.2": "Lambda functions should use supported runtimes",
    "Macie.1": "Amazon Macie should be enabled",
    "RDS.2": "RDS DB instances should prohibit public access",
    "RDS.3": "RDS DB instances should have encryption at-rest enabled",
    "RDS.5": "RDS DB instances should be configured with multiple Availability Zones",
    "RDS.11": "RDS instances should have automatic backups enabled",
    "S3.1": "S3 general purpose buckets should have block public access settings enabled",
    "S3.5": "S3 general purpose buckets should require requests to use SSL",
    "S3.8": "S3 general purpose buckets should block public access",
    "S3.14": "S3 general purpose buckets should have versioning enabled",
    "SecretsManager.1": "Secrets Manager secrets should have automatic rotation enabled",
    "SSM.1": "Amazon EC2 instances should be managed by AWS Systems Manager",
    "SSM.2": "EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT",
}

# Compliance.Status -> our verdict. WARNING and NOT_AVAILABLE mean the control could not decide.
_STATUS = {"PASSED": Status.PASS, "FAILED": Status.FAIL}
_WORST = {Status.FAIL: 2, Status.NOT_ASSESSED: 1, Status.PASS: 0}


def control_id(finding: dict[str, Any]) -> str | None:
    """The control a Security Hub finding reports on (consolidated or per-standard findings), if any."""
    compliance = finding.get("Compliance") or {}
    if compliance.get("SecurityControlId"):
        return str(compliance["SecurityControlId"])
    fields = finding.get("ProductFields") or {}
    # Per-standard findings (ControlFindingGenerator STANDARD_CONTROL) carry the standard's own number.
    return fields.get("ControlId") or fields.get("RuleId")


# Security Hub accepts at most 20 values per filter field.
_PER_FILTER = 20


def _filters(ctx: CheckContext, controls: list[str] | None) -> dict[str, Any]:
    def eq(*values: str) -> list[dict[str, str]]:
        return [{"Value": v, "Comparison": "EQUALS"} for v in values]

    # The aggregation region returns every linked region's findings: ask for this account and region only.
    filters = {"ProductName": eq("Security Hub"), "RecordState": eq("ACTIVE"), "AwsAccountId": eq(ctx.account),
               "Region": eq(ctx.region), "ComplianceStatus": eq("PASSED", "FAILED", "WARNING", "NOT_AVAILABLE")}
    if controls is not None:
        filters["ComplianceSecurityControlId"] = eq(*controls)
    return filters


def _read(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's active control findings: the listed controls in chunks, or all with ``all_controls``."""
    if ctx.option("all_controls"):
        chunks: list[list[str] | None] = [None]
    else:
        known = sorted(CONTROLS)
        chunks = [known[i:i + _PER_FILTER] for i in range(0, len(known), _PER_FILTER)]
    found = [f for chunk in chunks
             for f in ctx.call("securityhub", "GetFindings", Filters=_filters(ctx, chunk),
                               MaxResults=100, required=("Findings",)).get("Findings", [])]
    return found if ctx.option("all_controls") else [f for f in found if control_id(f) in CONTROLS]


def _wanted(ctx: CheckContext, finding: dict[str, Any]) -> bool:
    """The same filter again, client-side: it keeps the adapter right where a filter is ignored."""
    return (finding.get("RecordState", "ACTIVE") == "ACTIVE"
            and finding.get("AwsAccountId", ctx.account) == ctx.account
            and finding.get("Region", ctx.region) == ctx.region
            and (finding.get("Workflow") or {}).get("Status") != "SUPPRESSED"
            and bool((finding.get("Compliance") or {}).get("Status"))
            and control_id(finding) is not None)


@check(
    id="securityhub.control_results",
    title="Security Hub control results",
    service="securityhub",
    severity="medium",
    description="""Reads the results of the Security Hub controls the account has enabled (paginated
        GetFindings calls per region: active control findings of this account and region, for the controls
        the mapping knows unless `all_controls` is set) and reports each as a finding of its own,
        securityhub.control.<control id>, for the control's resource: PASSED is a pass, FAILED a fail,
        WARNING or NOT_AVAILABLE not assessed. Suppressed findings are left out. A region where Security
        Hub is off is reported once as not assessed, never as a pass.""",
    remediation="""Enable Security Hub with AWS Foundational Security Best Practices in every region, fix the
        failing controls, and suppress a control finding only with a recorded reason.""",
    reads=["securityhub:DescribeHub", "securityhub:GetFindings"],
    emits=[PREFIX + c for c in CONTROLS],
    options={"all_controls": False},
)
def control_results(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per (control, resource) in the region; one not-assessed finding when the hub is off."""
    if ctx.call("securityhub", "DescribeHub", absent=("InvalidAccessException",)) is None:
        yield service_off(ctx, f"Security Hub is not enabled in {ctx.region}", "securityhub:DescribeHub")
        return
    worst: dict[tuple[str, str], tuple[Status, dict[str, Any]]] = {}
    for item in _read(ctx):
        if not _wanted(ctx, item):
            continue
        cid = str(control_id(item))
        status = _STATUS.get(item["Compliance"]["Status"], Status.NOT_ASSESSED)
        resources = item.get("Resources") or [{}]
        resource = resources[0].get("Id") or ctx.account_resource()
        if resource.startswith("AWS::::Account:"):
            # Account-level controls name the account; ours is the account's pseudo-ARN in the region.
            resource = ctx.account_resource()
        key = (cid, resource)
        # Per-standard findings repeat a control once per standard: the worst verdict stands.
        if key not in worst or _WORST[status] > _WORST[worst[key][0]]:
            worst[key] = (status, item)
    for (cid, resource), (status, item) in sorted(worst.items()):
        title = CONTROLS.get(cid) or item.get("Title") or cid
        compliance = item.get("Compliance") or {}
        observed = {"control": cid, "control_title": title, "compliance_status": compliance.get("Status"),
                    "standards": sorted({s.get("StandardsId", "") for s in
                                         compliance.get("AssociatedStandards") or []} - {""}),
                    "resource_type": (item.get("Resources") or [{}])[0].get("Type"),
                    "securityhub_finding": item.get("Id"), "updated_at": item.get("UpdatedAt"),
                    "source": f"Security Hub control {cid}"}
        check_id = emitted_id(PREFIX, cid)
        label = (item.get("Severity") or {}).get("Label", "")
        severity = SEVERITY_LABELS.get(label) if status is Status.FAIL else None
        verdict = {Status.PASS: "passes", Status.FAIL: "fails"}.get(status)
        if verdict is None:
            codes = ", ".join(r.get("ReasonCode", "") for r in compliance.get("StatusReasons") or [])
            detail = (f"Security Hub control {cid} answered {compliance.get('Status')} for {resource}"
                      + (f" ({codes})" if codes else ""))
            yield adapted_not_assessed(ctx, check_id, resource, detail, "securityhub:GetFindings", observed)
            continue
        yield adapted(ctx, check_id, status, resource, f"Security Hub control {cid} {verdict} for {resource}: "
                      f"{title}", observed, severity=severity)

