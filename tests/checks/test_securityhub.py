"""securityhub.enabled: moto for the hub switched off, Stubber for standards (moto lacks GetEnabledStandards)."""

from __future__ import annotations

from botocore.stub import Stubber

CHECK = "securityhub.enabled"
FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"


def _stub_hub(subscriptions):
    def prepare(target):
        stub = Stubber(target.collector.client("securityhub", "us-east-1"))
        stub.add_response("describe_hub", {"HubArn": "arn:aws:securityhub:us-east-1:123456789012:hub/default",
                                           "SubscribedAt": "2024-01-01T00:00:00Z", "AutoEnableControls": True})
        stub.add_response("get_enabled_standards", {"StandardsSubscriptions": [
            {"StandardsSubscriptionArn": f"{arn}-sub", "StandardsArn": arn, "StandardsInput": {},
             "StandardsStatus": status} for arn, status in subscriptions]})
        stub.activate()
        prepare.stub = stub

    return prepare


def test_enabled_with_standards_and_off_elsewhere(aws, scan):
    prepare = _stub_hub([(FSBP, "READY"), (CIS, "DELETING")])

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"], prepare=prepare)

    prepare.stub.assert_no_pending_responses()
    by_region = {f.region: f for f in result.findings}
    us = by_region["us-east-1"]
    assert us.status == "pass"
    assert "1 standard(s): aws-foundational-security-best-practices/v/1.0.0" in us.message
    assert us.evidence.observed["standards"] == [
        {"standard": "aws-foundational-security-best-practices/v/1.0.0", "status": "READY"},
        {"standard": "cis-aws-foundations-benchmark/v/1.2.0", "status": "DELETING"}]
    eu = by_region["eu-west-1"]  # moto: never enabled -> InvalidAccessException
    assert eu.status == "fail" and eu.evidence.observed["error_code"] == "InvalidAccessException"
    assert eu.resource == "arn:aws:securityhub:eu-west-1:123456789012:account"


def test_hub_without_standards_fails(aws, scan):
    result = scan([CHECK], prepare=_stub_hub([]))

    [finding] = result.findings
    assert finding.status == "fail" and "no security standard" in finding.message


def test_enabled_in_moto_then_standards_denied_is_not_assessed(aws, scan):
    aws.client("securityhub", region_name="us-east-1").enable_security_hub(EnableDefaultStandards=False)

    def prepare(target):
        client = target.collector.client("securityhub", "us-east-1")
        stub = Stubber(client)
        stub.add_response("describe_hub", {"HubArn": "arn:aws:securityhub:us-east-1:123456789012:hub/default"})
        stub.add_client_error("get_enabled_standards", "AccessDeniedException", "denied", 403)
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    [finding] = result.findings
    assert finding.status == "not_assessed"
    assert finding.missing_permission == "securityhub:GetEnabledStandards"
