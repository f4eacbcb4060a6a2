"""events.guardduty_findings_routed: EventBridge rules and targets per region."""

from __future__ import annotations

import json

from checks.events import routes_guardduty
from tests.helpers import deny

CHECK = "events.guardduty_findings_routed"
TOPIC = "arn:aws:sns:{}:123456789012:security-alerts"


def _rule(aws, region, name, pattern, targets=True, enabled=True):
    events = aws.client("events", region_name=region)
    events.put_rule(Name=name, EventPattern=json.dumps(pattern), State="ENABLED" if enabled else "DISABLED")
    if targets:
        events.put_targets(Rule=name, Targets=[{"Id": "alerts", "Arn": TOPIC.format(region)}])


def test_routed_unrouted_disabled_and_via_security_hub(aws, scan):
    _rule(aws, "us-east-1", "guardduty-to-sns", {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]})
    _rule(aws, "us-east-1", "ec2-state", {"source": ["aws.ec2"]})
    _rule(aws, "eu-west-1", "guardduty-nowhere", {"source": ["aws.guardduty"]}, targets=False)
    _rule(aws, "eu-west-1", "guardduty-off", {"source": ["aws.guardduty"]}, enabled=False)
    _rule(aws, "ap-southeast-2", "hub-findings", {"source": ["aws.securityhub"], "detail": {"findings": {
        "ProductName": ["GuardDuty", "Inspector"]}}})

    result = scan([CHECK], regions=["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"])

    by_region = {f.region: f for f in result.findings}
    us = by_region["us-east-1"]
    assert us.status == "pass" and "rule guardduty-to-sns" in us.message
    assert us.evidence.observed["matching_rules"][0]["targets"] == [TOPIC.format("us-east-1")]
    eu = by_region["eu-west-1"]
    assert eu.status == "fail" and "disabled or have no target" in eu.message
    assert {r["rule"] for r in eu.evidence.observed["matching_rules"]} == {"guardduty-nowhere", "guardduty-off"}
    assert by_region["eu-central-1"].status == "fail"
    assert by_region["ap-southeast-2"].status == "pass"
    assert "through Security Hub" in by_region["ap-southeast-2"].message
    # a disabled rule's targets are not read
    assert result.api_calls["by_operation"]["events:ListTargetsByRule"] == 3


def test_pattern_matching():
    assert routes_guardduty(json.dumps({"source": [{"prefix": "aws.guard"}]})) == "direct"
    assert routes_guardduty(json.dumps({"source": ["aws.securityhub"]})) == "security_hub"
    assert routes_guardduty(json.dumps({"source": ["aws.securityhub"], "detail": {"findings": {
        "ProductName": ["Inspector"]}}})) is None
    assert routes_guardduty(json.dumps({"source": ["aws.ec2"]})) is None
    assert routes_guardduty(None) is None
    assert routes_guardduty("not json") is None


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    prepare = deny("events", "list_rules")

    [finding] = scan([CHECK], prepare=prepare).findings

    assert finding.status == "not_assessed" and finding.missing_permission == "events:ListRules"
