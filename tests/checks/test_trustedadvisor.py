"""trustedadvisor.check_results and support.plan_business_or_higher with Stubber: moto lacks the summaries."""

from __future__ import annotations

from botocore.stub import Stubber

from checks.trustedadvisor import PREFIX
from tests.helpers import assert_denied, deny

CHECK = "trustedadvisor.check_results"
PLAN = "support.plan_business_or_higher"


def _check(cid: str, name: str, category: str) -> dict:
    return {"id": cid, "name": name, "description": "d", "category": category, "metadata": []}


def _summary(cid: str, status: str, processed: int, flagged: int) -> dict:
    return {"checkId": cid, "timestamp": "2026-11-30T08:00:00Z", "status": status, "hasFlaggedResources": flagged > 0,
            "resourcesSummary": {"resourcesProcessed": processed, "resourcesFlagged": flagged,
                                 "resourcesIgnored": 0, "resourcesSuppressed": 0},
            "categorySpecificSummary": {}}


def _stub(*answers):
    def prepare(target):
        stub = Stubber(target.collector.client("support", "us-east-1"))
        for operation, answer in answers:
            if isinstance(answer, str):
                stub.add_client_error(operation, answer, "no plan", 400)
            else:
                stub.add_response(operation, answer)
        stub.activate()

    return prepare


def test_summaries_become_findings_per_trusted_advisor_check(aws, scan):
    result = scan([CHECK], prepare=_stub(
        ("describe_trusted_advisor_checks", {"checks": [
            _check("7DAFEmoDos", "MFA on Root Account", "security"),
            _check("f2iK5R6Dep", "Amazon RDS Multi-AZ", "fault_tolerance"),
            _check("H7IgTzjTYb", "Amazon EBS Snapshots", "fault_tolerance"),
            _check("zzUnknown1", "Something we do not map", "security")]}),
        ("describe_trusted_advisor_check_summaries", {"summaries": [
            _summary("7DAFEmoDos", "ok", 1, 0), _summary("f2iK5R6Dep", "warning", 4, 3),
            _summary("H7IgTzjTYb", "not_available", 0, 0)]}),
    ))
    by = {f.check: f for f in result.findings}
    assert set(by) == {PREFIX + "7DAFEmoDos", PREFIX + "f2iK5R6Dep", PREFIX + "H7IgTzjTYb"}
    assert by[PREFIX + "7DAFEmoDos"].status == "pass"
    rds = by[PREFIX + "f2iK5R6Dep"]
    assert rds.status == "fail" and "3 of 4 resources flagged" in rds.message
    assert rds.evidence.observed["source"] == "Trusted Advisor check f2iK5R6Dep"
    assert by[PREFIX + "H7IgTzjTYb"].status == "not_assessed"


def test_without_business_support_not_assessed_with_the_reason(aws, scan):
    [ta] = scan([CHECK], prepare=_stub(("describe_trusted_advisor_checks", "SubscriptionRequiredException"))).findings
    assert ta.status == "not_assessed" and ta.reason == "not_enabled" and "Business" in ta.message
    [plan] = scan([PLAN], prepare=_stub(("describe_severity_levels", "SubscriptionRequiredException"))).findings
    assert plan.status == "fail" and "Basic or Developer" in plan.message


def test_plan_tiers(aws, scan):
    levels = [{"code": c, "name": c.title()} for c in ("low", "normal", "high", "urgent")]
    [business] = scan([PLAN], prepare=_stub(("describe_severity_levels", {"severityLevels": levels}))).findings
    assert business.status == "pass" and business.evidence.observed["tier"] == "Business"
    levels.append({"code": "critical", "name": "Critical"})
    [enterprise] = scan([PLAN], prepare=_stub(("describe_severity_levels", {"severityLevels": levels}))).findings
    assert "Enterprise" in enterprise.evidence.observed["tier"]


def test_denied_reads_are_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("support", "describe_trusted_advisor_check_summaries", before=[
        ("describe_trusted_advisor_checks", {"checks": [_check("7DAFEmoDos", "MFA on Root Account", "security")]})])),
        "support:DescribeTrustedAdvisorCheckSummaries")
    assert_denied(scan([PLAN], prepare=deny("support", "describe_severity_levels")), "support:DescribeSeverityLevels")


