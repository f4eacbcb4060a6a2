"""xray.trace_insights_enabled with Stubber: moto has no X-Ray groups or sampling rules."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, deny

CHECK = "xray.trace_insights_enabled"


def _group(name: str, insights: bool) -> dict:
    return {"GroupName": name, "GroupARN": f"arn:aws:xray:us-east-1:{ACCOUNT}:group/{name}/ABC",
            "FilterExpression": 'service("payments")',
            "InsightsConfiguration": {"InsightsEnabled": insights, "NotificationsEnabled": insights}}


def _rule(name: str) -> dict:
    return {"SamplingRule": {"RuleName": name, "ResourceARN": "*", "Priority": 10, "FixedRate": 0.05,
                             "ReservoirSize": 1, "ServiceName": "*", "ServiceType": "*", "Host": "*",
                             "HTTPMethod": "*", "URLPath": "*", "Version": 1}}


def _scan(scan, groups, rules):
    def prepare(target):
        stub = Stubber(target.collector.client("xray", "us-east-1"))
        stub.add_response("get_groups", {"Groups": groups})
        stub.add_response("get_sampling_rules", {"SamplingRuleRecords": rules})
        stub.activate()

    return scan([CHECK], prepare=prepare).findings


def test_insights_on_a_group_passes(aws, scan):
    [ok] = _scan(scan, [_group("payments", True)], [_rule("Default"), _rule("checkout-all")])
    assert ok.status == "pass" and "payments (us-east-1)" in ok.message
    assert ok.evidence.observed["custom_sampling_rules"] == {"us-east-1": ["checkout-all"]}
    [off] = _scan(scan, [_group("payments", False)], [_rule("Default")])
    assert off.status == "fail" and off.evidence.observed["custom_sampling_rules"] == {}


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("xray", "get_groups")), "xray:GetGroups")
