"""logs.retention_set: one failing finding per log group that never expires, one passing summary per region."""

from __future__ import annotations

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny

CHECK = "logs.retention_set"


def _groups(aws, region, groups):
    logs = aws.client("logs", region_name=region)
    for name, days in groups:
        logs.create_log_group(logGroupName=name)
        if days:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)


def _group_arn(region: str, name: str) -> str:
    return f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}"


def test_one_failure_per_group_without_retention_and_one_summary_per_region(aws, scan):
    _groups(aws, "us-east-1", [("/aws/lambda/api", 30), ("/app/audit", 365)])
    _groups(aws, "eu-west-1", [("/aws/lambda/batch", None), ("/app/legacy", None), ("/app/ok", 14)])

    result = scan([CHECK], regions=["us-east-1", "eu-west-1", "eu-central-1"])

    summaries = {f.region: f for f in result.findings if f.resource.endswith(":account")}
    us = summaries["us-east-1"]
    assert us.status == "pass" and "shortest 30 days" in us.message
    assert us.evidence.observed["log_groups"] == 2
    eu = summaries["eu-west-1"]
    assert eu.status == "pass" and eu.evidence.observed["without_retention"] == 2
    assert "1 of 3 log groups" in eu.message
    failed = [f for f in result.findings if f.status == "fail"]
    assert sorted(f.resource for f in failed) == [_group_arn("eu-west-1", "/app/legacy"),
                                                  _group_arn("eu-west-1", "/aws/lambda/batch")]
    legacy = by_resource(result, "log-group:/app/legacy")
    assert legacy.region == "eu-west-1" and "never expire" in legacy.message
    assert legacy.evidence.observed["retention_days"] is None
    assert summaries["eu-central-1"].status == "pass"
    assert summaries["eu-central-1"].evidence.observed["log_groups"] == 0
    assert len(result.findings) == 5  # three summaries, two groups


def test_min_days_flags_short_retention_per_group(aws, scan):
    _groups(aws, "us-east-1", [("/a", 7), ("/b", 400), ("/c", None)])

    result = scan([CHECK], options={CHECK: {"min_days": 365}})

    short = by_resource(result, "log-group:/a")
    assert short.status == "fail" and "7 days" in short.message and "365" in short.message
    assert short.evidence.observed == {"log_group": "/a", "retention_days": 7, "min_days": 365,
                                       "stored_bytes": 0}
    assert by_resource(result, "log-group:/c").status == "fail"
    assert not [f for f in result.findings if "log-group:/b" in f.resource]  # counted in the summary only
    summary = by_resource(result, ":account")
    assert summary.status == "pass" and summary.evidence.observed["below_min_days"] == 1


def test_no_passing_summary_when_no_group_has_retention(aws, scan):
    _groups(aws, "us-east-1", [("/only", None)])

    result = scan([CHECK])

    assert [(f.status.value, f.resource) for f in result.findings] == [("fail", _group_arn("us-east-1", "/only"))]


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    result = scan([CHECK], prepare=deny("logs", "describe_log_groups"))

    assert len(result.findings) == 1
    assert_denied(result, "logs:DescribeLogGroups")
