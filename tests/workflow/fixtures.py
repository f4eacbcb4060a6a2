"""Hand-built scan documents for the workflow tests (independent of which checks and mappings exist)."""

from __future__ import annotations

import copy
from typing import Any

from scanner.model import finding_id

ACCOUNT = "123456789012"
IAM = f"arn:aws:iam::{ACCOUNT}:user/"
CHECKS = [
    {"id": "iam.access_keys_rotated", "title": "Access keys are rotated", "service": "iam", "severity": "medium",
     "scope": "global"},
    {"id": "guardduty.enabled", "title": "GuardDuty is enabled", "service": "guardduty", "severity": "high",
     "scope": "regional"},
    {"id": "s3.bucket_not_public", "title": "S3 buckets are not public", "service": "s3", "severity": "critical",
     "scope": "global"},
]


def finding(check: str, region: str, resource: str, status: str, message: str, severity: str = "medium") -> dict:
    """One finding in the scan.json shape."""
    return {"id": finding_id(check, ACCOUNT, region, resource), "check": check, "status": status,
            "severity": severity, "account": ACCOUNT, "region": region, "resource": resource, "message": message,
            "evidence": {"observed": {}, "source": ["x:Y"], "collected_at": "2025-01-01T00:00:00Z"}}


def _choice(cid: str, bp: str, title: str, risk: str, check: str | None, findings: list[dict]) -> dict:
    fs = [f for f in findings if f["check"] == check]
    fails = [f["id"] for f in fs if f["status"] == "fail"]
    suggestion = "unknown" if check is None else ("contradicted" if fails else "supported")
    return {"choice": cid, "bp": bp, "title": title, "risk": risk, "suggestion": suggestion, "findings": fails,
            "checks": [{"check": check, "strength": "indicative"}] if check else [],
            "rationale": f"{len(fails)} failing findings of {check}" if check else "a reviewer answers it"}


def _risk(choices: list[dict]) -> str:
    bad = [c["risk"] for c in choices if c["suggestion"] == "contradicted"]
    return "HIGH" if "HIGH" in bad else "MEDIUM" if "MEDIUM" in bad else "NONE"


def make_doc(findings: list[dict], started: str = "2025-01-01T00:00:00Z", **extra: Any) -> dict:
    """A scan document with three suggested questions (SEC 2, SEC 3, SEC 4) derived from ``findings``."""
    findings = copy.deepcopy(findings)
    sec2 = [_choice("sec_identities_enforce_mechanisms", "SEC02-BP01", "Use strong sign-in mechanisms", "HIGH",
                    None, findings),
            _choice("sec_identities_audit", "SEC02-BP05", "Audit and rotate credentials periodically", "MEDIUM",
                    "iam.access_keys_rotated", findings)]
    sec3 = [_choice("sec_permissions_share_securely", "SEC03-BP08", "Share resources securely within your "
                    "organization", "MEDIUM", "s3.bucket_not_public", findings)]
    sec4 = [_choice("sec_detect_investigate_events_app_service_logging", "SEC04-BP01",
                    "Configure service and application logging", "HIGH", "guardduty.enabled", findings)]
    suggestions = [
        {"pillar": "security", "pillar_name": "Security", "question": q, "label": label, "title": title,
         "risk": _risk(ch), "risk_rule": "test rule", "choices": ch}
        for q, label, title, ch in (
            ("identities", "SEC 2", "How do you manage identities for people and machines?", sec2),
            ("permissions", "SEC 3", "How do you manage permissions for people and machines?", sec3),
            ("detect-investigate-events", "SEC 4", "How do you detect and investigate security events?", sec4))
    ]
    counts = {c["id"]: {s: sum(1 for f in findings if f["check"] == c["id"] and f["status"] == s)
                        for s in ("pass", "fail", "not_assessed")} for c in CHECKS}
    doc = {"schema_version": "1.0", "tool": {"name": "wa-scan", "version": "0.1.0"}, "account": ACCOUNT,
           "caller_arn": f"arn:aws:iam::{ACCOUNT}:user/auditor", "partition": "aws",
           "regions": ["us-east-1", "eu-west-1"], "disabled_regions": [], "started_at": started,
           "finished_at": started.replace(":00Z", ":30Z"), "complete": True, "partial": False,
           "api_calls": {"total": 10, "by_operation": {}},
           "checks": [{**c, "counts": counts[c["id"]]} for c in CHECKS], "findings": findings,
           "lens": {"alias": "wellarchitected", "name": "AWS Well-Architected Framework", "version": "test"},
           "suggestions": suggestions, "improvements": []}
    doc.update(extra)
    return doc


def base_findings() -> list[dict]:
    """The first scan: one stale key, GuardDuty off in one region, one public bucket."""
    return [
        finding("iam.access_keys_rotated", "global", IAM + "alice", "fail",
                "IAM user alice: key 1 is 200 days old (limit 90)"),
        finding("iam.access_keys_rotated", "global", IAM + "bob", "pass", "IAM user bob: keys rotated"),
        finding("guardduty.enabled", "us-east-1", f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/d1", "pass",
                "GuardDuty detector d1 is enabled", "high"),
        finding("guardduty.enabled", "eu-west-1", f"arn:aws:guardduty:eu-west-1:{ACCOUNT}:account", "fail",
                "GuardDuty has no detector in eu-west-1", "high"),
        finding("s3.bucket_not_public", "global", "arn:aws:s3:::site", "fail", "Bucket site is public",
                "critical"),
        finding("s3.bucket_not_public", "global", "arn:aws:s3:::data", "pass", "Bucket data is private",
                "critical"),
    ]
