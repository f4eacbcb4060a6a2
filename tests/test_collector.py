"""The collector: one call per distinct read, merged pages, and AWS errors turned into reasons."""

from __future__ import annotations

import threading

import boto3
import pytest
from botocore.stub import Stubber

from scanner.errors import NotAssessed
from scanner.model import Reason
from scanner.session import open_target


def _target(max_attempts: int = 1):
    return open_target(boto3.Session(region_name="us-east-1"), ["us-east-1"], max_attempts=max_attempts)


def test_same_read_is_made_once_even_from_many_threads(aws):
    aws.client("iam").create_user(UserName="u1")
    target = _target()
    before = target.guard.total
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        target.collector.call("iam", "ListUsers", "us-east-1"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert target.guard.total - before == 1
    assert all(r["Users"][0]["UserName"] == "u1" for r in results)


def test_pages_are_merged(aws):
    logs = aws.client("logs", region_name="us-east-1")
    for i in range(25):
        logs.create_log_group(logGroupName=f"group{i:02d}")
    target = _target()
    groups = target.collector.call("logs", "DescribeLogGroups", "us-east-1", PaginationConfig={"PageSize": 10})
    assert len(groups["logGroups"]) == 25
    assert target.guard.calls["logs:DescribeLogGroups"] == 3


def test_access_denied_names_the_missing_permission(aws):
    target = _target()
    client = target.collector.client("guardduty", "us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("list_detectors", "AccessDeniedException", "not allowed", 403)
        with pytest.raises(NotAssessed) as err:
            target.collector.call("guardduty", "ListDetectors", "us-east-1")
        # the answer is kept: the second reader hears the same reason without a second call
        with pytest.raises(NotAssessed):
            target.collector.call("guardduty", "ListDetectors", "us-east-1")
    assert err.value.reason is Reason.ACCESS_DENIED
    assert err.value.missing_permission == "guardduty:ListDetectors"
    assert not err.value.reason.makes_scan_partial


def test_throttling_that_outlasts_retries_is_not_assessed_and_partial(aws):
    target = _target(max_attempts=1)
    client = target.collector.client("ec2", "eu-west-1")
    with Stubber(client) as stub:
        stub.add_client_error("describe_volumes", "RequestLimitExceeded", "slow down", 503)
        with pytest.raises(NotAssessed) as err:
            target.collector.call("ec2", "DescribeVolumes", "eu-west-1")
    assert err.value.reason is Reason.THROTTLED
    assert err.value.reason.makes_scan_partial


@pytest.mark.parametrize("code,reason", [
    ("OptInRequired", Reason.NOT_ENABLED),
    ("SubscriptionRequiredException", Reason.NOT_ENABLED),
    ("UnauthorizedOperation", Reason.ACCESS_DENIED),
    ("InternalError", Reason.API_ERROR),
])
def test_error_codes_map_to_reasons(aws, code, reason):
    target = _target()
    client = target.collector.client("ec2", "us-west-2")
    with Stubber(client) as stub:
        stub.add_client_error("describe_vpcs", code, "x", 400)
        with pytest.raises(NotAssessed) as err:
            target.collector.call("ec2", "DescribeVpcs", "us-west-2")
    assert err.value.reason is reason


def test_absent_codes_read_as_none(aws):
    aws.client("s3").create_bucket(Bucket="no-policy")
    target = _target()
    assert target.collector.call("s3", "GetBucketPolicy", "us-east-1", Bucket="no-policy",
                                 absent=("NoSuchBucketPolicy",)) is None
    with pytest.raises(NotAssessed):
        target.collector.call("s3", "GetBucketPolicy", "us-east-1", Bucket="no-policy")


def test_map_keeps_order_runs_nested_inline_and_reraises(aws):
    target = _target()
    col = target.collector
    assert col.map(lambda x: x * 2, range(50)) == [x * 2 for x in range(50)]
    assert col.map(lambda x: sum(col.map(lambda y: y, range(x))), [3, 4]) == [3, 6]

    def boom(x):
        if x == 3:
            raise NotAssessed(Reason.API_ERROR, "item 3")
        return x

    with pytest.raises(NotAssessed, match="item 3"):
        col.map(boom, range(6))
