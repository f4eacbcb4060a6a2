"""config.rule_results with Stubber on the scan's Config client: moto lacks the compliance reads."""

from __future__ import annotations

from datetime import UTC, datetime

from botocore.stub import Stubber

from checks.config_rules import PREFIX
from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, deny

CHECK = "config.rule_results"
RECORDING = {"ConfigurationRecordersStatus": [{"name": "default", "recording": True, "lastStatus": "SUCCESS"}]}


def _rule(name: str, identifier: str, owner: str = "AWS", created_by: str | None = None) -> dict:
    rule = {"ConfigRuleName": name, "ConfigRuleArn": f"arn:aws:config:us-east-1:{ACCOUNT}:config-rule/{name}",
            "Source": {"Owner": owner, "SourceIdentifier": identifier}, "ConfigRuleState": "ACTIVE"}
    if created_by:
        rule["CreatedBy"] = created_by
    return rule


def _result(rule: str, kind: str, rid: str, compliance: str) -> dict:
    return {"EvaluationResultIdentifier": {"EvaluationResultQualifier": {
        "ConfigRuleName": rule, "ResourceType": kind, "ResourceId": rid}},
        "ComplianceType": compliance, "ResultRecordedTime": datetime(2026, 11, 30, tzinfo=UTC)}


def _stub(per_region: dict[str, list[tuple[str, dict]]]):
    def prepare(target):
        for region, answers in per_region.items():
            stub = Stubber(target.collector.client("config", region))
            for operation, answer in answers:
                stub.add_response(operation, answer)
            stub.activate()

    return prepare


def test_rule_results_become_findings_under_the_rule_identifier(aws, scan):
    versioning = "s3-bucket-versioning-enabled-conformance-pack-abc123"
    result = scan([CHECK], regions=("us-east-1", "eu-west-1"), prepare=_stub({
        "us-east-1": [
            ("describe_configuration_recorder_status", RECORDING),
            ("describe_config_rules", {"ConfigRules": [
                _rule(versioning, "S3_BUCKET_VERSIONING_ENABLED", created_by="config-conforms.amazonaws.com"),
                _rule("root-mfa", "ROOT_ACCOUNT_MFA_ENABLED"),
                _rule("our-own", "arn:aws:lambda:us-east-1:123456789012:function:x", owner="CUSTOM_LAMBDA"),
            ]}),
            ("describe_compliance_by_config_rule", {"ComplianceByConfigRules": [
                {"ConfigRuleName": versioning, "Compliance": {"ComplianceType": "NON_COMPLIANT"}},
                {"ConfigRuleName": "root-mfa", "Compliance": {"ComplianceType": "INSUFFICIENT_DATA"}},
                {"ConfigRuleName": "our-own", "Compliance": {"ComplianceType": "NON_COMPLIANT"}},
            ]}),
            ("describe_conformance_packs", {"ConformancePackDetails": [{
                "ConformancePackName": "Operational-Best-Practices-for-S3",
                "ConformancePackId": "conformance-pack-abc123",
                "ConformancePackArn": f"arn:aws:config:us-east-1:{ACCOUNT}:conformance-pack/"
                                      "Operational-Best-Practices-for-S3/conformance-pack-abc123"}]}),
            ("get_compliance_details_by_config_rule", {"EvaluationResults": [
                _result(versioning, "AWS::S3::Bucket", "payments-data", "COMPLIANT"),
                _result(versioning, "AWS::S3::Bucket", "public-exports", "NON_COMPLIANT"),
            ]}),
        ],
        "eu-west-1": [("describe_configuration_recorder_status", {"ConfigurationRecordersStatus": []})],
    }))
    by = {(f.check, f.resource): f for f in result.findings}
    rule_id = PREFIX + "S3_BUCKET_VERSIONING_ENABLED"

    assert by[(rule_id, "arn:aws:s3:::public-exports")].status == "fail"
    good = by[(rule_id, "arn:aws:s3:::payments-data")]
    assert good.status == "pass" and good.evidence.observed["created_by"] == "config-conforms.amazonaws.com"
    assert good.evidence.observed["conformance_pack"] == "Operational-Best-Practices-for-S3"
    assert good.evidence.observed["source"] == "AWS Config rule S3_BUCKET_VERSIONING_ENABLED"
    assert "config:GetComplianceDetailsByConfigRule" in good.evidence.source
    off = [f for f in result.findings if f.region == "eu-west-1"]
    assert [(f.check, f.status.value, f.message) for f in off] == [
        (CHECK, "not_assessed", "Not assessed: AWS Config is not recording in eu-west-1")]
    # INSUFFICIENT_DATA and custom rules give nothing to report
    assert {f.check for f in result.findings} == {rule_id, CHECK}


def test_denied_compliance_read_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=deny("config", "describe_compliance_by_config_rule", before=[
        ("describe_configuration_recorder_status", RECORDING),
        ("describe_config_rules", {"ConfigRules": [_rule("v", "S3_BUCKET_VERSIONING_ENABLED")]})]))
    assert_denied(result, "config:DescribeComplianceByConfigRule")
