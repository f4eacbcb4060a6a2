"""reports.agreement: an adapter and a wa-scan check that disagree about the same resource and choice."""

from __future__ import annotations

from reports.agreement import disagreements, lines

ACCOUNT = "123456789012"


def _f(check: str, resource: str, status: str) -> dict:
    return {"check": check, "resource": resource, "status": status, "account": ACCOUNT}


def _doc(findings: list[dict], checks: list[str]) -> dict:
    return {"findings": findings, "suggestions": [{"choices": [
        {"choice": "sec_identities_enforce_mechanisms", "bp": "SEC02-BP01",
         "checks": [{"check": c} for c in checks]}]}]}


def test_opposite_verdicts_on_the_same_resource_are_named():
    doc = _doc([
        _f("iam.root_mfa_enabled", f"arn:aws:iam::{ACCOUNT}:root", "pass"),
        _f("securityhub.control.IAM.9", f"arn:aws:securityhub:us-east-1:{ACCOUNT}:account", "fail"),
        _f("iam.console_users_mfa", f"arn:aws:iam::{ACCOUNT}:user/alice", "fail"),
        _f("config.rule.MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", f"arn:aws:iam::{ACCOUNT}:user/alice", "fail"),
        _f("config.rule.MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", f"arn:aws:iam::{ACCOUNT}:user/bob", "pass"),
    ], ["iam.root_mfa_enabled", "iam.console_users_mfa", "securityhub.control.IAM.9",
        "config.rule.MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"])
    found = disagreements(doc)
    assert [(d["check"], d["adapter"]) for d in found] == [("iam.root_mfa_enabled", "securityhub.control.IAM.9")]
    assert lines(found) == [f"account {ACCOUNT}: iam.root_mfa_enabled passes, securityhub.control.IAM.9 "
                            "fails (SEC02-BP01)"]


def test_checks_linked_to_different_choices_do_not_compare():
    doc = _doc([_f("iam.root_mfa_enabled", f"arn:aws:iam::{ACCOUNT}:root", "pass"),
                _f("securityhub.control.IAM.9", f"arn:aws:securityhub:us-east-1:{ACCOUNT}:account", "fail")],
               ["iam.root_mfa_enabled"])
    assert disagreements(doc) == []
