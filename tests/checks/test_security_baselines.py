"""config.baseline_rules_deployed: rules from moto; who created them is served (moto does not set CreatedBy)."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.helpers import assert_denied, deny

CHECK = "config.baseline_rules_deployed"


def _rules(*rows):
    return lambda params: {"ConfigRules": [
        {"ConfigRuleName": name, "ConfigRuleState": "ACTIVE", "Source": {"Owner": "AWS", "SourceIdentifier": "X"},
         **({"CreatedBy": by} if by else {})} for name, by in rows]}


def test_pack_organization_and_control_tower_rules_pass(aws, scan):
    served = _rules(("s3-versioning-conformance-pack-abc", "config-conforms.amazonaws.com"),
                    ("OrgConfigRule-root-mfa-x1y2", "config-multiaccountsetup.amazonaws.com"),
                    ("AWSControlTower_AWS-GR_ENCRYPTED_VOLUMES", None),
                    ("securityhub-s3-bucket-level-public-access-1a2b", "securityhub.amazonaws.com"),
                    ("hand-made", None))

    [finding] = scan([CHECK], prepare=answering(("config", "DescribeConfigRules", served))).findings

    assert finding.status == "pass"
    assert finding.evidence.observed["baseline_rules"] == {
        "AWS Control Tower control": 1, "conformance pack": 1, "organization rule": 1}
    assert finding.evidence.observed["security_hub_rules"] == 1 and "3 of 5" in finding.message


def test_hand_made_and_security_hub_rules_fail(aws, scan):
    aws.client("config").put_config_rule(ConfigRule={"ConfigRuleName": "hand-made", "Source": {
        "Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}})
    [hand] = scan([CHECK]).findings
    [hub] = scan([CHECK], prepare=answering(("config", "DescribeConfigRules", _rules(
        ("securityhub-ec2-imdsv2", "securityhub.amazonaws.com"))))).findings
    [empty] = scan([CHECK], regions=["eu-west-1"]).findings

    assert hand.status == "fail" and hand.evidence.observed["rules"] == 1
    assert hub.status == "fail" and hub.evidence.observed["security_hub_rules"] == 1
    assert empty.status == "fail" and "No active" in empty.message


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("config", "describe_config_rules")), "config:DescribeConfigRules")
