"""ecr.scan_on_push: repository settings and registry scanning rules."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "ecr.scan_on_push"


def _repos(aws, **scan: bool) -> None:
    ecr = aws.client("ecr", region_name="us-east-1")
    for name, on in scan.items():
        ecr.create_repository(repositoryName=name.replace("_", "-"),
                              imageScanningConfiguration={"scanOnPush": on})


def test_repository_setting_with_basic_scanning(aws, scan):
    _repos(aws, payments_api=True, legacy_tools=False)

    result = scan([CHECK])

    good = by_resource(result, "repository/payments-api")
    assert good.status.value == "pass" and good.evidence.observed["registry_scan_type"] == "BASIC"
    assert good.resource == "arn:aws:ecr:us-east-1:123456789012:repository/payments-api"
    bad = by_resource(result, "repository/legacy-tools")
    assert bad.status.value == "fail" and bad.evidence.observed["repository_scan_on_push"] is False


def test_registry_rules_decide_with_enhanced_scanning(aws, scan):
    _repos(aws, payments_api=False, payments_worker=False, legacy_tools=True)
    aws.client("ecr", region_name="us-east-1").put_registry_scanning_configuration(scanType="ENHANCED", rules=[
        {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "payments-*",
                                                                    "filterType": "WILDCARD"}]}])

    result = scan([CHECK])

    api = by_resource(result, "repository/payments-api")
    assert api.status.value == "pass"
    assert api.evidence.observed["registry_rule"] == {"scan_frequency": "CONTINUOUS_SCAN", "filter": "payments-*"}
    assert by_resource(result, "repository/payments-worker").status.value == "pass"
    legacy = by_resource(result, "repository/legacy-tools")
    assert legacy.status.value == "fail" and "enhanced" in legacy.message


def test_filter_semantics():
    from checks.ecr import filter_matches, registry_rule

    assert filter_matches("*", "anything")
    assert filter_matches("prod", "team/prod-api")  # no wildcard: substring
    assert not filter_matches("prod-*", "team/prod-api")
    assert filter_matches("team/*-api", "team/prod-api")
    manual = {"rules": [{"scanFrequency": "MANUAL", "repositoryFilters": [{"filter": "*"}]}]}
    assert registry_rule(manual, "x") is None


def test_registry_configuration_denied_is_not_assessed(aws, scan):
    _repos(aws, payments_api=True)

    def prepare(target):
        stub = Stubber(target.collector.client("ecr", "us-east-1"))
        stub.add_response("describe_repositories", {"repositories": [
            {"repositoryName": "payments-api", "repositoryArn": "arn:aws:ecr:us-east-1:123456789012:repository/x",
             "imageScanningConfiguration": {"scanOnPush": True}}]})
        stub.add_client_error("get_registry_scanning_configuration", "AccessDeniedException", "denied", 400)
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "ecr:GetRegistryScanningConfiguration"
