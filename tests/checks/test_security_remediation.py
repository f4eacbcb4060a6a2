"""config.remediation_automated (rules from moto, remediation configurations served: moto lacks them) and
securityhub.automation_rules_enabled (served: moto has no automation rules)."""

from __future__ import annotations

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, deny

REMEDIATION = "config.remediation_automated"
AUTOMATION = "securityhub.automation_rules_enabled"


def _rule(config, name, identifier="S3_BUCKET_VERSIONING_ENABLED"):
    config.put_config_rule(ConfigRule={"ConfigRuleName": name, "Source": {
        "Owner": "AWS", "SourceIdentifier": identifier}, "Scope": {"ComplianceResourceTypes": ["AWS::S3::Bucket"]}})


def _remediations(table):
    asked = []

    def answer(params):
        asked.append(list(params["ConfigRuleNames"]))
        return {"RemediationConfigurations": [
            {"ConfigRuleName": n, "TargetType": "SSM_DOCUMENT", "TargetId": target, "Automatic": auto}
            for n, (target, auto) in table.items() if n in params["ConfigRuleNames"]]}

    return answer, asked


def test_automatic_remediation_passes_and_batches_rule_names(aws, scan):
    config = aws.client("config")
    for n in range(30):
        _rule(config, f"rule-{n:02d}")
    answer, asked = _remediations({"rule-27": ("AWS-ConfigureS3BucketVersioning", True),
                                   "rule-03": ("AWS-PublishSNSNotification", False)})

    [finding] = scan([REMEDIATION], prepare=answering(("config", "DescribeRemediationConfigurations", answer))).findings

    assert [len(a) for a in asked] == [25, 5]
    assert finding.status == "pass" and finding.resource == "arn:aws:config:us-east-1:123456789012:account"
    assert finding.evidence.observed["automatic"] == ["rule-27: AWS-ConfigureS3BucketVersioning"]
    assert finding.evidence.observed["manual"] == ["rule-03: AWS-PublishSNSNotification"]


def test_manual_only_none_and_no_rules_fail(aws, scan):
    config = aws.client("config")
    _rule(config, "versioning")
    manual, _ = _remediations({"versioning": ("AWS-ConfigureS3BucketVersioning", False)})
    nothing, _ = _remediations({})

    [manual_only] = scan([REMEDIATION], prepare=answering(
        ("config", "DescribeRemediationConfigurations", manual))).findings
    [unremediated] = scan([REMEDIATION], prepare=answering(
        ("config", "DescribeRemediationConfigurations", nothing))).findings
    [no_rules] = scan([REMEDIATION], regions=["eu-west-1"]).findings

    assert manual_only.status == "fail" and "manual only" in manual_only.message
    assert unremediated.status == "fail" and "has a remediation action" in unremediated.message
    assert no_rules.status == "fail" and no_rules.evidence.observed["rules"] == 0


def test_remediation_denied_is_not_assessed(aws, scan):
    _rule(aws.client("config"), "versioning")
    rules = aws.client("config").describe_config_rules()
    prepare = deny("config", "describe_remediation_configurations", before=[("describe_config_rules", rules)])
    assert_denied(scan([REMEDIATION], prepare=prepare), "config:DescribeRemediationConfigurations")


def test_automation_rules(aws, scan):
    def rules(params):
        assert params == {"MaxResults": 100}
        return {"AutomationRulesMetadata": [
            {"RuleArn": "arn:aws:securityhub:us-east-1:123456789012:automation-rule/1", "RuleName": "prod-critical",
             "RuleStatus": "ENABLED", "RuleOrder": 1},
            {"RuleArn": "arn:aws:securityhub:us-east-1:123456789012:automation-rule/2", "RuleName": "old",
             "RuleStatus": "DISABLED", "RuleOrder": 2}]}

    def disabled_only(params):
        return {"AutomationRulesMetadata": [{"RuleName": "old", "RuleStatus": "DISABLED"}]}

    def hub_off(params):
        raise Refuse("InvalidAccessException")

    [enabled] = scan([AUTOMATION], prepare=answering(("securityhub", "ListAutomationRules", rules))).findings
    [none] = scan([AUTOMATION], prepare=answering(("securityhub", "ListAutomationRules", disabled_only))).findings
    [off] = scan([AUTOMATION], prepare=answering(("securityhub", "ListAutomationRules", hub_off))).findings

    assert enabled.status == "pass" and enabled.evidence.observed["enabled_rules"] == ["prod-critical"]
    assert none.status == "fail" and none.evidence.observed["disabled_rules"] == ["old"]
    assert off.status == "fail" and off.evidence.observed["hub_enabled"] is False


def test_automation_rules_denied_is_not_assessed(aws, scan):
    assert_denied(scan([AUTOMATION], prepare=deny("securityhub", "list_automation_rules")),
                  "securityhub:ListAutomationRules")
