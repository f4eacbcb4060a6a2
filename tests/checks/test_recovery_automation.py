"""cloudformation.stack_sets_in_sync and arczonalshift.autoshift_enabled: the stack-set summaries and the
zonal-shift resources (drift status and autoshift, which moto does not model) are served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.checks.answers import answering
from tests.helpers import assert_denied, by_resource, deny, statuses


def _stack_sets(*items):
    now = datetime.now(UTC)
    summaries = []
    for name, status, days in items:
        summary = {"StackSetName": name, "StackSetId": f"{name}:0a1b", "Status": "ACTIVE", "DriftStatus": status}
        if days is not None:
            summary["LastDriftCheckTimestamp"] = now - timedelta(days=days)
        summaries.append(summary)
    return ("cloudformation", "ListStackSets", lambda p: {"Summaries": summaries})


def test_stack_sets(aws, scan):
    result = scan(["cloudformation.stack_sets_in_sync"], prepare=answering(_stack_sets(
        ("network", "IN_SYNC", 3), ("app", "DRIFTED", 1), ("stale", "IN_SYNC", 90), ("new", "NOT_CHECKED", None))))

    status = {f.resource.rsplit("/", 1)[-1].split(":")[0]: f.status.value for f in result.findings}
    assert status == {"network": "pass", "app": "fail", "stale": "not_assessed", "new": "not_assessed"}
    assert by_resource(result, "stackset/stale").reason == "not_enabled"


def test_stack_sets_denied(aws, scan):
    result = scan(["cloudformation.stack_sets_in_sync"], prepare=deny("cloudformation", "list_stack_sets"))
    assert_denied(result, "cloudformation:ListStackSets")


ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/{}/50dc6c495c0c9188"


def test_zonal_autoshift(aws, scan):
    result = scan(["arczonalshift.autoshift_enabled"], prepare=answering(
        ("arc-zonal-shift", "ListManagedResources", lambda p: {"items": [
            {"arn": ALB.format("shop"), "name": "shop", "availabilityZones": ["us-east-1a", "us-east-1b"],
             "zonalAutoshiftStatus": "ENABLED", "practiceRunStatus": "ENABLED"},
            {"arn": ALB.format("admin"), "name": "admin", "availabilityZones": ["us-east-1a", "us-east-1b"],
             "zonalAutoshiftStatus": "DISABLED"}]})))

    assert statuses(result) == {ALB.format("shop"): "pass", ALB.format("admin"): "fail"}


def test_zonal_autoshift_denied(aws, scan):
    result = scan(["arczonalshift.autoshift_enabled"], prepare=deny("arc-zonal-shift", "list_managed_resources"))
    assert_denied(result, "arc-zonal-shift:ListManagedResources")
