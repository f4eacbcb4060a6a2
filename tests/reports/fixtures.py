"""A scan document with suggestions, improvements, coverage gaps and hostile account data."""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT = "111122223333"
EVIL_NAME = '<script>alert("x")</script>'
EVIL_TAG = "\"'></td><img src=x onerror=alert(1)>|=cmd|' /C calc'!A0"


def _finding(fid: str, check: str, status: str, severity: str, region: str, resource: str, message: str,
             observed: dict[str, Any], source: list[str], **extra: Any) -> dict[str, Any]:
    out = {"id": fid, "check": check, "status": status, "severity": severity, "account": ACCOUNT,
           "region": region, "resource": resource, "message": message,
           "evidence": {"observed": observed, "source": source, "collected_at": "2026-03-02T10:15:00Z"}}
    out.update(extra)
    return out


FINDINGS = [
    _finding("f0000000000000000001", "s3.bucket_not_public", "fail", "critical", "global",
             "arn:aws:s3:::marketing-site-public",
             "Bucket marketing-site-public is public: its ACL grants AllUsers:READ",
             {"acl_grants": ["AllUsers:READ"], "public_access_block": None}, ["s3:ListBuckets", "s3:GetBucketAcl"]),
    _finding("f0000000000000000002", "s3.bucket_not_public", "pass", "critical", "global",
             "arn:aws:s3:::payments-data", "Bucket payments-data is not public",
             {"public_access_block": {"BlockPublicAcls": True}}, ["s3:ListBuckets"]),
    _finding("f0000000000000000003", "s3.bucket_not_public", "fail", "critical", "global",
             f"arn:aws:s3:::{EVIL_NAME}", f"Bucket {EVIL_NAME} is public; tag owner={EVIL_TAG}",
             {"tags": {"owner": EVIL_TAG, "<b>key</b>": "=HYPERLINK(\"http://x\")"}}, ["s3:GetBucketPolicy"]),
    _finding("f0000000000000000004", "iam.access_keys_rotated", "fail", "high", "global",
             "arn:aws:iam::111122223333:user/alice", "IAM user alice: key 1 is 200 days old (limit 90)",
             {"key_age_days": 200, "limit": 90}, ["iam:GenerateCredentialReport", "iam:GetCredentialReport"]),
    _finding("f0000000000000000005", "iam.access_keys_rotated", "pass", "high", "global",
             "arn:aws:iam::111122223333:user/bob", "IAM user bob: key 1 is 10 days old",
             {"key_age_days": 10}, ["iam:GetCredentialReport"]),
    _finding("f0000000000000000006", "guardduty.enabled", "pass", "high", "us-east-1",
             "arn:aws:guardduty:us-east-1:111122223333:account", "GuardDuty detector d1 is enabled",
             {"status": "ENABLED"}, ["guardduty:ListDetectors", "guardduty:GetDetector"]),
    _finding("f0000000000000000007", "guardduty.enabled", "not_assessed", "high", "eu-west-1",
             "arn:aws:guardduty:eu-west-1:111122223333:account",
             "access denied to guardduty:ListDetectors (guardduty:ListDetectors in eu-west-1)", {},
             ["guardduty:ListDetectors"], reason="access_denied", missing_permission="guardduty:ListDetectors"),
    _finding("f0000000000000000008", "backup.resources_protected", "fail", "high", "us-east-1",
             "arn:aws:dynamodb:us-east-1:111122223333:table/sessions",
             "DynamoDB table sessions is in no backup plan and has no native backup",
             {"resource_type": "DynamoDB table", "backup_selections": []}, ["backup:ListBackupPlans"]),
    _finding("f0000000000000000009", "backup.resources_protected", "pass", "high", "us-east-1",
             "arn:aws:dynamodb:us-east-1:111122223333:table/ledger", "DynamoDB table ledger has native backups",
             {"point_in_time_recovery": True}, ["dynamodb:DescribeContinuousBackups"]),
    _finding("f0000000000000000010", "securityhub.enabled", "not_assessed", "medium", "us-east-1",
             "arn:aws:securityhub:us-east-1:111122223333:account",
             "SubscriptionRequiredException: service not enabled or not subscribed", {},
             ["securityhub:DescribeHub"], reason="not_enabled"),
    _finding("f0000000000000000011", "ec2.instance_has_role", "fail", "medium", "us-east-1",
             "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc", "Instance i-0abc (web-1) has no IAM role",
             {"name": "web-1", "iam_instance_profile": None}, ["ec2:DescribeInstances"]),
]

CHECKS = [
    {"id": "s3.bucket_not_public", "title": "S3 buckets are not public", "service": "s3", "severity": "critical",
     "scope": "global", "counts": {"pass": 1, "fail": 2, "not_assessed": 0}},
    {"id": "iam.access_keys_rotated", "title": "Active IAM access keys are rotated and in use", "service": "iam",
     "severity": "high", "scope": "global", "counts": {"pass": 1, "fail": 1, "not_assessed": 0}},
    {"id": "guardduty.enabled", "title": "GuardDuty is enabled", "service": "guardduty", "severity": "high",
     "scope": "regional", "counts": {"pass": 1, "fail": 0, "not_assessed": 1}},
    {"id": "backup.resources_protected", "title": "Data stores are backed up", "service": "backup",
     "severity": "high", "scope": "regional", "counts": {"pass": 1, "fail": 1, "not_assessed": 0}},
    {"id": "securityhub.enabled", "title": "Security Hub is enabled", "service": "securityhub",
     "severity": "medium", "scope": "regional", "counts": {"pass": 0, "fail": 0, "not_assessed": 1}},
    {"id": "ec2.instance_has_role", "title": "EC2 instances have an IAM role", "service": "ec2",
     "severity": "medium", "scope": "regional", "counts": {"pass": 0, "fail": 1, "not_assessed": 0}},
    {"id": "rds.multi_az", "title": "RDS databases are Multi-AZ", "service": "rds", "severity": "medium",
     "scope": "regional", "counts": {"pass": 0, "fail": 0, "not_assessed": 0}},
]


def _ref(check: str, strength: str = "indicative", rationale: str = "", **counts: int) -> dict[str, Any]:
    return {"check": check, "strength": strength, "on_pass": "supports", "on_fail": "contradicts",
            "rationale": rationale, "pass": counts.get("passed", 0),
            "fail": counts.get("fail", 0), "not_assessed": counts.get("na", 0)}


SUGGESTIONS = [
    {"pillar": "operationalExcellence", "pillar_name": "Operational Excellence", "question": "priorities",
     "label": "OPS 1", "title": "How do you determine what your priorities are?", "risk": "UNKNOWN",
     "risk_rule": "No choice has automated evidence: the reviewer answers.",
     "baseline": {"text": "77% of reviewed workloads were rated Well-Architected here.", "well_architected_pct": 77},
     "choices": [
         {"choice": "ops_priorities_ext_cust_needs", "bp": "OPS01-BP01", "title": "Evaluate external customer needs",
          "risk": "HIGH", "suggestion": "unknown", "findings": [], "checks": [], "rationale": ""},
     ]},
    {"pillar": "security", "pillar_name": "Security", "question": "identities", "label": "SEC 2",
     "title": "How do you manage identities for people and machines?", "risk": "HIGH",
     "risk_rule": "A contradicted High-risk choice gives High.",
     "baseline": {"text": "Identity was among the most common gaps.", "high_risk_pct": 42, "high_or_medium_pct": 71},
     "choices": [
         {"choice": "sec_identities_unique", "bp": "SEC02-BP02", "title": "Use temporary credentials", "risk": "HIGH",
          "suggestion": "contradicted", "findings": ["f0000000000000000004", "f0000000000000000011",
                                                     "f0000000000000000005"],
          "checks": [_ref("iam.access_keys_rotated",
                          rationale="Long-lived keys are the opposite of temporary credentials.",
                          fail=1, passed=1),
                     _ref("ec2.instance_has_role", fail=1)],
          "rationale": "2 failing findings contradict this practice."},
         {"choice": "sec_identities_audit", "bp": "SEC02-BP04", "title": "Audit and rotate credentials periodically",
          "risk": "MEDIUM", "suggestion": "partial", "findings": ["f0000000000000000004"],
          "checks": [_ref("iam.access_keys_rotated", fail=1, passed=1)], "rationale": "Evidence for one aspect only."},
         {"choice": "sec_identities_enforce_mechanisms", "bp": "SEC02-BP01", "title": "Use strong sign-in mechanisms",
          "risk": "HIGH", "suggestion": "unknown", "findings": [], "checks": [], "rationale": ""},
     ]},
    {"pillar": "security", "pillar_name": "Security", "question": "permissions", "label": "SEC 3",
     "title": "How do you manage permissions for people and machines?", "risk": "HIGH",
     "risk_rule": "A contradicted High-risk choice gives High.", "baseline": None,
     "choices": [
         {"choice": "sec_permissions_share_securely", "bp": "SEC03-BP08",
          "title": "Share resources securely within your organization", "risk": "HIGH",
          "suggestion": "contradicted",
          "findings": ["f0000000000000000001", "f0000000000000000003", "f0000000000000000002"],
          "checks": [_ref("s3.bucket_not_public", strength="indicative", fail=2, passed=1)],
          "rationale": "A bucket open to everyone is shared beyond the organization."},
     ]},
    {"pillar": "security", "pillar_name": "Security", "question": "detect-investigate-events", "label": "SEC 4",
     "title": "How do you detect and investigate security events?", "risk": "UNKNOWN",
     "risk_rule": "Not assessed evidence keeps the question open.",
     "choices": [
         {"choice": "sec_detect_investigate_events_app_service_logging", "bp": "SEC04-BP01",
          "title": "Configure service and application logging", "risk": "HIGH", "suggestion": "unknown",
          "findings": ["f0000000000000000006", "f0000000000000000007"],
          "checks": [_ref("guardduty.enabled", passed=1, na=1)],
          "rationale": "GuardDuty could not be read in eu-west-1."},
     ]},
    {"pillar": "reliability", "pillar_name": "Reliability", "question": "backing-up-data", "label": "REL 9",
     "title": "How do you back up data?", "risk": "MEDIUM",
     "risk_rule": "A contradicted Medium-risk choice gives Medium.",
     "baseline": {"text": "", "high_risk_pct": 12, "high_or_medium_pct": 40},
     "choices": [
         {"choice": "rel_backing_up_data_automated_backups_data", "bp": "REL09-BP03",
          "title": "Perform data backup automatically", "risk": "MEDIUM", "suggestion": "contradicted",
          "findings": ["f0000000000000000008", "f0000000000000000009"],
          "checks": [_ref("backup.resources_protected", fail=1, passed=1)], "rationale": ""},
     ]},
    {"pillar": "reliability", "pillar_name": "Reliability", "question": "fault-isolation", "label": "REL 10",
     "title": "How do you use fault isolation to protect your workload?", "risk": "NONE",
     "risk_rule": "Every linked choice is supported.", "baseline": None,
     "choices": [
         {"choice": "rel_fault_isolation_multiaz_region_system", "bp": "REL10-BP01",
          "title": "Deploy the workload to multiple locations", "risk": "HIGH", "suggestion": "supported",
          "findings": [], "checks": [_ref("rds.multi_az")], "rationale": "No single-AZ database found."},
     ]},
]

IMPROVEMENTS = [
    {"check": "s3.bucket_not_public", "title": "S3 buckets are not public", "severity": "critical",
     "failing_findings": 2, "questions": ["SEC 3"], "removes": {"HIGH": 1, "MEDIUM": 0}, "score": 10.0,
     "remediation": "Turn on S3 Block Public Access for the account."},
    {"check": "iam.access_keys_rotated", "title": "Active IAM access keys are rotated and in use",
     "severity": "high", "failing_findings": 1, "questions": ["SEC 2"], "removes": {"HIGH": 0, "MEDIUM": 0},
     "score": 4.5, "remediation": "Replace long-lived keys with roles."},
    {"check": "backup.resources_protected", "title": "Data stores are backed up", "severity": "high",
     "failing_findings": 1, "questions": ["REL 9"], "removes": {"HIGH": 0, "MEDIUM": 1}, "score": 3.0,
     "remediation": "Create an AWS Backup plan and tag every data store."},
]

DOC: dict[str, Any] = {
    "schema_version": "1.0",
    "tool": {"name": "wa-scan", "version": "0.1.0"},
    "account": ACCOUNT,
    "caller_arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/WAReview/{EVIL_NAME}",
    "partition": "aws",
    "regions": ["us-east-1", "eu-west-1"],
    "disabled_regions": ["ap-east-1"],
    "started_at": "2026-03-02T10:14:30Z",
    "finished_at": "2026-03-02T10:16:05Z",
    "complete": True,
    "partial": False,
    "api_calls": {"total": 57, "by_operation": {"s3:ListBuckets": 1}},
    "checks": CHECKS,
    "findings": FINDINGS,
    "lens": {"alias": "wellarchitected", "name": "AWS Well-Architected Framework", "version": "2024-06-27"},
    "suggestions": SUGGESTIONS,
    "improvements": IMPROVEMENTS,
}


def sample_doc() -> dict[str, Any]:
    """A fresh deep copy of the fixture document (tests may mutate it)."""
    return copy.deepcopy(DOC)
