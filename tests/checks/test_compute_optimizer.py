"""computeoptimizer.enrolled: Stubber (moto has no Compute Optimizer)."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import assert_demo_shows_pass_and_fail

CHECK = "computeoptimizer.enrolled"


def _status(answer: dict | None = None, error: str | None = None):
    def prepare(target):
        stub = Stubber(target.collector.client("compute-optimizer", "us-east-1"))
        if error:
            stub.add_client_error("get_enrollment_status", error, "denied", 400)
        else:
            stub.add_response("get_enrollment_status", answer)
        stub.activate()

    return prepare


def test_active_passes(aws, scan):
    (finding,) = scan([CHECK], prepare=_status({"status": "Active", "memberAccountsEnrolled": True})).findings

    assert finding.status == "pass"
    assert finding.resource == "arn:aws:compute-optimizer::123456789012:account"
    assert finding.evidence.observed["member_accounts_enrolled"] is True


def test_inactive_fails(aws, scan):
    (finding,) = scan([CHECK], prepare=_status({"status": "Inactive", "memberAccountsEnrolled": False})).findings

    assert finding.status == "fail" and finding.evidence.observed["status"] == "Inactive"


def test_denied_is_not_assessed(aws, scan):
    (finding,) = scan([CHECK], prepare=_status(error="AccessDeniedException")).findings

    assert finding.status == "not_assessed"
    assert finding.missing_permission == "compute-optimizer:GetEnrollmentStatus"


RIGHTSIZED = "computeoptimizer.ec2_rightsized"


def _rec(iid: str, finding: str, current: str, best: str | None = None, saving: float | None = None) -> dict:
    rec = {"instanceArn": f"arn:aws:ec2:us-east-1:123456789012:instance/{iid}", "accountId": "123456789012",
           "instanceName": f"app-{iid[-1]}", "currentInstanceType": current, "finding": finding,
           "lookBackPeriodInDays": 14.0, "recommendationOptions": []}
    if best:
        option = {"instanceType": best, "rank": 1, "performanceRisk": 1.0}
        if saving is not None:
            option["savingsOpportunity"] = {"savingsOpportunityPercentage": 40.0,
                                            "estimatedMonthlySavings": {"currency": "USD", "value": saving}}
        rec["recommendationOptions"] = [{"instanceType": current, "rank": 2}, option]
    return rec


def test_recommendations_over_pages(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("compute-optimizer", "us-east-1"))
        stub.add_response("get_ec2_instance_recommendations", {
            "instanceRecommendations": [_rec("i-0000000000000000a", "Optimized", "m7g.large"),
                                        _rec("i-0000000000000000b", "Overprovisioned", "m5.4xlarge", "m7g.xlarge",
                                             412.5)],
            "nextToken": "page-2"}, {})
        stub.add_response("get_ec2_instance_recommendations", {
            "instanceRecommendations": [_rec("i-0000000000000000c", "Underprovisioned", "t3.micro", "t3.medium")]},
            {"nextToken": "page-2"})
        stub.activate()
        prepare.stub = stub

    result = scan([RIGHTSIZED], prepare=prepare)

    prepare.stub.assert_no_pending_responses()
    statuses = {f.resource.rsplit("/", 1)[-1]: f for f in result.findings}
    assert statuses["i-0000000000000000a"].status == "pass"
    over = statuses["i-0000000000000000b"]
    assert over.status == "fail" and "m7g.xlarge" in over.message and "412.50 USD" in over.message
    assert over.evidence.observed["recommended_type"] == "m7g.xlarge"
    assert statuses["i-0000000000000000c"].status == "fail"
    assert statuses["i-0000000000000000c"].evidence.observed["finding"] == "Underprovisioned"


def test_not_opted_in_is_not_enabled(aws, scan):
    (finding,) = scan([RIGHTSIZED], prepare=_rec_error("OptInRequiredException")).findings

    assert finding.status == "not_assessed" and finding.reason.value == "not_enabled"
    assert finding.evidence.source == ("compute-optimizer:GetEC2InstanceRecommendations",)
    assert not scan([RIGHTSIZED], prepare=_rec_error("OptInRequiredException")).partial


def test_recommendations_denied(aws, scan):
    (finding,) = scan([RIGHTSIZED], prepare=_rec_error("AccessDeniedException")).findings

    assert finding.missing_permission == "compute-optimizer:GetEC2InstanceRecommendations"


def _rec_error(code: str):
    def prepare(target):
        stub = Stubber(target.collector.client("compute-optimizer", "us-east-1"))
        stub.add_client_error("get_ec2_instance_recommendations", code, "no", 400)
        stub.activate()

    return prepare


def test_demo_shows_pass_and_fail(demo_scan):
    doc, _ = demo_scan
    assert_demo_shows_pass_and_fail(doc, "computeoptimizer.ec2_rightsized")
    counts = {c["id"]: c["counts"] for c in doc["checks"]}
    assert counts["computeoptimizer.enrolled"]["pass"] == 1  # one account-level verdict
