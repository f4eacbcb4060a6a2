"""cloudformation.no_drift: moto omits DriftInformation, so its stacks get it set on the backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from moto.cloudformation.models import cloudformation_backends

from tests.helpers import by_resource, deny

CHECK = "cloudformation.no_drift"
TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})


def _stack(aws, name: str, status: str | None, days_ago: int = 1) -> str:
    stack_id = aws.client("cloudformation", region_name="us-east-1").create_stack(
        StackName=name, TemplateBody=TEMPLATE)["StackId"]
    if status is not None:
        stack = cloudformation_backends["123456789012"]["us-east-1"].stacks[stack_id]
        stack.drift_information = {"StackDriftStatus": status,
                                   "LastCheckTimestamp": datetime.now(UTC) - timedelta(days=days_ago)}
    return stack_id


def test_drift_states(aws, scan):
    in_sync = _stack(aws, "network", "IN_SYNC", days_ago=2)
    drifted = _stack(aws, "payments", "DRIFTED", days_ago=1)
    never = _stack(aws, "legacy", None)
    stale = _stack(aws, "old-sync", "IN_SYNC", days_ago=200)

    result = scan([CHECK])

    good = by_resource(result, in_sync)
    assert good.status == "pass" and good.evidence.observed["last_drift_check_days_ago"] == 2
    bad = by_resource(result, drifted)
    assert bad.status == "fail" and bad.evidence.observed["drift_status"] == "DRIFTED"
    unknown = by_resource(result, never)
    assert unknown.status == "not_assessed" and unknown.reason == "not_enabled"
    assert "never been run" in unknown.message and not result.partial
    old = by_resource(result, stale)
    assert old.status == "not_assessed" and "older than 30 days" in old.message


def test_age_limit_option(aws, scan):
    stale = _stack(aws, "old-sync", "IN_SYNC", days_ago=200)

    result = scan([CHECK], options={CHECK: {"max_check_age_days": 365}})

    assert by_resource(result, stale).status == "pass"


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("cloudformation", "describe_stacks", code="AccessDenied", status=403)

    result = scan([CHECK], prepare=prepare)

    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.missing_permission == "cloudformation:DescribeStacks"
