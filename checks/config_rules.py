"""AWS Config managed-rule results as evidence: one finding per rule and resource, under the rule's identifier.

Accounts that run Config rules (on their own or through conformance packs, whose rules are Config rules
too) have had their resources evaluated already. This adapter reads the rules (``DescribeConfigRules``),
their compliance in one call (``DescribeComplianceByConfigRule``) and, for each managed rule listed in
``RULES`` that has evaluated anything, its per-resource results (``GetComplianceDetailsByConfigRule``,
one paginated call per rule, concurrently). Each result is reported as ``config.rule.<identifier>``
(``config.rule.S3_BUCKET_VERSIONING_ENABLED``); which WA choice it informs is data:
``mappings/data/wellarchitected/config-rules.toml``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from checks._adapter import adapted, emitted_id, service_off
from checks._dates import timestamp_text
from scanner.api import CheckContext, Finding, NotAssessed, Status, check

PREFIX = "config.rule."
PACK_SERVICE = "config-conforms.amazonaws.com"

# Managed rule identifiers of the AWS Config managed rules list
# (https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html) that the
# default mapping links to a best practice, with the rule's page name.
RULES = {
    "ACCESS_KEYS_ROTATED": "access-keys-rotated",
    "ACM_CERTIFICATE_EXPIRATION_CHECK": "acm-certificate-expiration-check",
    "CLOUDWATCH_ALARM_ACTION_CHECK": "cloudwatch-alarm-action-check",
    "CLOUD_TRAIL_ENABLED": "cloudtrail-enabled",
    "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED": "cloud-trail-log-file-validation-enabled",
    "CMK_BACKING_KEY_ROTATION_ENABLED": "cmk-backing-key-rotation-enabled",
    "CW_LOGGROUP_RETENTION_PERIOD_CHECK": "cw-loggroup-retention-period-check",
    "DB_INSTANCE_BACKUP_ENABLED": "db-instance-backup-enabled",
    "DYNAMODB_PITR_ENABLED": "dynamodb-pitr-enabled",
    "EC2_EBS_ENCRYPTION_BY_DEFAULT": "ec2-ebs-encryption-by-default",
    "EC2_IMDSV2_CHECK": "ec2-imdsv2-check",
    "EC2_INSTANCE_MANAGED_BY_SSM": "ec2-instance-managed-by-systems-manager",
    "EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK": "ec2-managedinstance-patch-compliance-status-check",
    "ENCRYPTED_VOLUMES": "encrypted-volumes",
    "GUARDDUTY_ENABLED_CENTRALIZED": "guardduty-enabled-centralized",
    "IAM_PASSWORD_POLICY": "iam-password-policy",
    "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS": "iam-policy-no-statements-with-admin-access",
    "IAM_ROOT_ACCESS_KEY_CHECK": "iam-root-access-key-check",
    "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS": "mfa-enabled-for-iam-console-access",
    "MULTI_REGION_CLOUD_TRAIL_ENABLED": "multi-region-cloudtrail-enabled",
    "RDS_INSTANCE_PUBLIC_ACCESS_CHECK": "rds-instance-public-access-check",
    "RDS_MULTI_AZ_SUPPORT": "rds-multi-az-support",
    "RDS_STORAGE_ENCRYPTED": "rds-storage-encrypted",
    "REQUIRED_TAGS": "required-tags",
    "ROOT_ACCOUNT_MFA_ENABLED": "root-account-mfa-enabled",
    "S3_BUCKET_PUBLIC_READ_PROHIBITED": "s3-bucket-public-read-prohibited",
    "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED": "s3-bucket-server-side-encryption-enabled",
    "S3_BUCKET_SSL_REQUESTS_ONLY": "s3-bucket-ssl-requests-only",
    "S3_BUCKET_VERSIONING_ENABLED": "s3-bucket-versioning-enabled",
    "SECURITY_ACCOUNT_INFORMATION_PROVIDED": "security-account-information-provided",
    "SECURITYHUB_ENABLED": "securityhub-enabled",
    "VPC_DEFAULT_SECURITY_GROUP_CLOSED": "vpc-default-security-group-closed",
    "VPC_FLOW_LOGS_ENABLED": "vpc-flow-logs-enabled",
}

_STATUS = {"COMPLIANT": Status.PASS, "NON_COMPLIANT": Status.FAIL}


def _identifier(rule: dict[str, Any]) -> str | None:
    source = rule.get("Source") or {}
    return source.get("SourceIdentifier") if source.get("Owner") == "AWS" else None


def _resource(ctx: CheckContext, qualifier: dict[str, Any]) -> str:
    """Config names resources by type and id; ARNs stay ARNs, the account itself is the account resource."""
    kind, rid = qualifier.get("ResourceType", ""), qualifier.get("ResourceId", "")
    if rid.startswith("arn:"):
        return rid
    if kind == "AWS::::Account":
        return ctx.account_resource()
    if kind == "AWS::S3::Bucket":
        # Config names buckets by name, so the finding lines up with wa-scan's own bucket findings.
        return f"arn:{ctx.partition}:s3:::{rid}"
    return f"{kind}/{rid}" if kind else rid


def _packs(ctx: CheckContext, rules: list[dict[str, Any]]) -> dict[str, str]:
    """Rule name -> conformance pack name, for the rules a conformance pack deployed (read only if any)."""
    deployed = [r for r in rules if r.get("CreatedBy") == PACK_SERVICE]
    if not deployed:
        return {}
    # A pack's rules are named "<rule>-conformance-pack-<id>"; the pack's ARN ends with the same id.
    by_id = {p.get("ConformancePackArn", "").rsplit("/", 1)[-1]: p.get("ConformancePackName", "")
             for p in ctx.call("config", "DescribeConformancePacks").get("ConformancePackDetails", [])}
    return {r["ConfigRuleName"]: name for r in deployed for pid, name in by_id.items()
            if pid and r["ConfigRuleName"].endswith(pid)}


@check(
    id="config.rule_results",
    title="AWS Config managed rule results",
    service="config",
    severity="medium",
    description="""Reads the results of the AWS Config managed rules deployed in the region (alone or in
        conformance packs) and reports each evaluated resource as a finding of its own,
        config.rule.<managed rule identifier>: COMPLIANT is a pass, NON_COMPLIANT a fail. Per-resource
        results are read only for the rules the mapping knows (RULES); a rule a conformance pack deployed
        names its pack. A region where Config is not recording is reported once as not assessed, never as
        a pass.""",
    remediation="""Record every resource type with AWS Config in every region and deploy the Operational
        Best Practices conformance packs that fit the workload; fix non-compliant resources or document
        the exception.""",
    reads=["config:DescribeConfigurationRecorderStatus", "config:DescribeConfigRules",
           "config:DescribeComplianceByConfigRule", "config:GetComplianceDetailsByConfigRule",
           "config:DescribeConformancePacks"],
    emits=[PREFIX + r for r in RULES],
)
def rule_results(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per (managed rule, resource); one not-assessed finding when Config does not record."""
    recorders = ctx.call("config", "DescribeConfigurationRecorderStatus",
                         required=("ConfigurationRecordersStatus",)).get("ConfigurationRecordersStatus", [])
    if not any(r.get("recording") for r in recorders):
        yield service_off(ctx, f"AWS Config is not recording in {ctx.region}",
                          "config:DescribeConfigurationRecorderStatus")
        return
    rules = [r for r in ctx.call("config", "DescribeConfigRules", required=("ConfigRules",)).get("ConfigRules", [])
             if _identifier(r) in RULES and r.get("ConfigRuleState", "ACTIVE") == "ACTIVE"]
    if not rules:
        return
    compliance = {c.get("ConfigRuleName"): (c.get("Compliance") or {}).get("ComplianceType")
                  for c in ctx.call("config", "DescribeComplianceByConfigRule",
                                    required=("ComplianceByConfigRules",)).get("ComplianceByConfigRules", [])}
    evaluated = [r for r in rules if compliance.get(r["ConfigRuleName"]) in _STATUS]

    def details(rule: dict[str, Any]) -> list[dict[str, Any]] | NotAssessed:
        try:
            return ctx.call("config", "GetComplianceDetailsByConfigRule", ConfigRuleName=rule["ConfigRuleName"],
                            ComplianceTypes=list(_STATUS)).get("EvaluationResults", [])
        except NotAssessed as error:
            return error

    packs = _packs(ctx, rules)
    worst: dict[tuple[str, str], tuple[Status, dict[str, Any], dict[str, Any]]] = {}
    for rule, results in zip(evaluated, ctx.map(details, evaluated), strict=True):
        ident = str(_identifier(rule))
        if isinstance(results, NotAssessed):
            yield dataclasses.replace(ctx.not_assessed(ctx.account_resource(), results),
                                      check=emitted_id(PREFIX, ident))
            continue
        for result in results:
            status = _STATUS.get(result.get("ComplianceType", ""))
            qualifier = (result.get("EvaluationResultIdentifier") or {}).get("EvaluationResultQualifier") or {}
            if status is None:
                continue
            key = (ident, _resource(ctx, qualifier))
            # The same managed rule deployed twice (alone and in a pack) judges a resource twice: worst wins.
            if key not in worst or (status is Status.FAIL and worst[key][0] is Status.PASS):
                recorded = timestamp_text(result.get("ResultRecordedTime"))
                worst[key] = (status, rule, qualifier | {"recorded_at": recorded})
    for (ident, resource), (status, rule, qualifier) in sorted(worst.items()):
        observed = {"rule_identifier": ident, "rule_name": rule["ConfigRuleName"],
                    "rule_page": RULES[ident], "created_by": rule.get("CreatedBy"),
                    "conformance_pack": packs.get(rule["ConfigRuleName"]),
                    "resource_type": qualifier.get("ResourceType"), "resource_id": qualifier.get("ResourceId"),
                    "recorded_at": qualifier.get("recorded_at"), "source": f"AWS Config rule {ident}"}
        verdict = "compliant with" if status is Status.PASS else "not compliant with"
        yield adapted(ctx, emitted_id(PREFIX, ident), status, resource,
                      f"{resource} is {verdict} AWS Config rule {rule['ConfigRuleName']} ({ident})", observed)
