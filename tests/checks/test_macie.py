"""macie.enabled: moto for on and disabled, Stubber for AWS's two meanings of AccessDeniedException."""

from __future__ import annotations

from botocore.stub import Stubber

CHECK = "macie.enabled"


def test_enabled_and_disabled(aws, scan):
    aws.client("macie2", region_name="eu-west-1").disable_macie()  # moto starts every region ENABLED

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"])

    by_region = {f.region: f for f in result.findings}
    assert by_region["us-east-1"].status == "pass"
    eu = by_region["eu-west-1"]
    assert eu.status == "fail" and eu.evidence.observed["error_code"] == "ResourceNotFoundException"


def _stub(code, message, response=None):
    def prepare(target):
        stub = Stubber(target.collector.client("macie2", "us-east-1"))
        if response is not None:
            stub.add_response("get_macie_session", response)
        else:
            stub.add_client_error("get_macie_session", code, message, 403)
        stub.activate()

    return prepare


def test_aws_not_enabled_is_fail_but_missing_permission_is_not_assessed(aws, scan):
    [off] = scan([CHECK], prepare=_stub("AccessDeniedException", "Macie is not enabled.")).findings
    [denied] = scan([CHECK], prepare=_stub(
        "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/audit/x is not authorized to "
        "perform: macie2:GetMacieSession")).findings
    [paused] = scan([CHECK], prepare=_stub("", "", {"status": "PAUSED"})).findings

    assert off.status == "fail" and off.evidence.observed["error_code"] == "AccessDeniedException"
    assert denied.status == "not_assessed" and denied.missing_permission == "macie2:GetMacieSession"
    assert paused.status == "fail" and "PAUSED" in paused.message
