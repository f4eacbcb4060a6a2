"""events.health_events_routed and events.responses_automated: EventBridge rules and targets (moto)."""

from __future__ import annotations

import json

from tests.helpers import assert_denied, deny

HEALTH = "events.health_events_routed"
AUTOMATED = "events.responses_automated"
TOPIC = "arn:aws:sns:us-east-1:123456789012:ops-alerts"
FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:isolate-instance"


def _rule(aws, region, name, pattern, target=None, enabled=True):
    events = aws.client("events", region_name=region)
    events.put_rule(Name=name, EventPattern=json.dumps(pattern), State="ENABLED" if enabled else "DISABLED")
    if target:
        events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": target}])


def test_health_routed_to_people_and_findings_to_automation(aws, scan):
    _rule(aws, "us-east-1", "health-to-ops", {"source": ["aws.health"]}, TOPIC)
    _rule(aws, "us-east-1", "hub-to-topic", {"source": ["aws.securityhub"]}, TOPIC)
    _rule(aws, "eu-west-1", "guardduty-isolate", {"source": [{"prefix": "aws.guard"}]}, FUNCTION)
    by = {f.check: f for f in scan([HEALTH, AUTOMATED], regions=("us-east-1", "eu-west-1")).findings}
    assert by[HEALTH].status == "pass" and "health-to-ops (us-east-1)" in by[HEALTH].message
    assert by[AUTOMATED].status == "pass" and by[AUTOMATED].evidence.observed["automated"] == ["guardduty-isolate"]


def test_notification_only_rules_and_untargeted_health_rules_fail(aws, scan):
    _rule(aws, "us-east-1", "health-nowhere", {"source": ["aws.health"]})
    _rule(aws, "us-east-1", "health-off", {"source": ["aws.health"]}, TOPIC, enabled=False)
    _rule(aws, "us-east-1", "hub-to-topic", {"source": ["aws.securityhub"]}, TOPIC)
    by = {f.check: f for f in scan([HEALTH, AUTOMATED]).findings}
    assert by[HEALTH].status == "fail" and "have no target: health-nowhere" in by[HEALTH].message
    assert by[AUTOMATED].status == "fail" and "only notify" in by[AUTOMATED].message


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([HEALTH], prepare=deny("events", "list_rules")), "events:ListRules")
