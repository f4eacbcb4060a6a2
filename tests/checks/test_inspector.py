"""inspector.enabled: moto's Inspector2 account status, Stubber for partial answers and errors."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.conftest import ACCOUNT

CHECK = "inspector.enabled"


def test_enabled_partly_and_never(aws, scan):
    aws.client("inspector2", region_name="us-east-1").enable(accountIds=[ACCOUNT],
                                                             resourceTypes=["EC2", "ECR", "LAMBDA"])
    aws.client("inspector2", region_name="eu-west-1").enable(accountIds=[ACCOUNT], resourceTypes=["EC2"])

    result = scan([CHECK], regions=("us-east-1", "eu-west-1", "eu-central-1"))

    by_region = {f.region: f for f in result.findings}
    assert by_region["us-east-1"].status.value == "pass"
    assert by_region["us-east-1"].resource == f"arn:aws:inspector2:us-east-1:{ACCOUNT}:account"
    partial = by_region["eu-west-1"]
    assert partial.status.value == "fail" and partial.evidence.observed["not_scanned"] == ["ecr", "lambda"]
    never = by_region["eu-central-1"]
    assert never.status.value == "fail" and never.evidence.observed["account_listed"] is False
    assert never.evidence.observed["status"] == "DISABLED"


def test_resource_types_option(aws, scan):
    aws.client("inspector2", region_name="us-east-1").enable(accountIds=[ACCOUNT], resourceTypes=["EC2"])

    result = scan([CHECK], options={CHECK: {"resource_types": "ec2"}})

    assert [f.status.value for f in result.findings] == ["pass"]


def _stub(response: dict | None = None, error: str | None = None):
    def prepare(target):
        stub = Stubber(target.collector.client("inspector2", "us-east-1"))
        if error:
            stub.add_client_error("batch_get_account_status", error, "denied", 403)
        else:
            stub.add_response("batch_get_account_status", response, {"accountIds": [ACCOUNT]})
        stub.activate()

    return prepare


def test_failed_account_entries(aws, scan):
    denied = scan([CHECK], prepare=_stub({"accounts": [], "failedAccounts": [
        {"accountId": ACCOUNT, "errorCode": "ACCESS_DENIED", "errorMessage": "no"}]}))
    assert [f.status.value for f in denied.findings] == ["not_assessed"]
    assert denied.findings[0].missing_permission == "inspector2:BatchGetAccountStatus"

    missing = scan([CHECK], prepare=_stub({"accounts": [], "failedAccounts": [
        {"accountId": ACCOUNT, "errorCode": "RESOURCE_NOT_FOUND", "errorMessage": "none"}]}))
    assert [f.status.value for f in missing.findings] == ["fail"]


def test_access_denied_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=_stub(error="AccessDeniedException"))

    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "inspector2:BatchGetAccountStatus"
    assert not result.partial
