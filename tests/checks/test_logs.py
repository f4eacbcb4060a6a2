"""logs.retention_set: one summary finding per region."""

from __future__ import annotations

from botocore.stub import Stubber

CHECK = "logs.retention_set"


def _groups(aws, region, groups):
    logs = aws.client("logs", region_name=region)
    for name, days in groups:
        logs.create_log_group(logGroupName=name)
        if days:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)


def test_retention_everywhere_missing_and_no_groups(aws, scan):
    _groups(aws, "us-east-1", [("/aws/lambda/api", 30), ("/app/audit", 365)])
    _groups(aws, "eu-west-1", [("/aws/lambda/batch", None), ("/app/legacy", None), ("/app/ok", 14)])

    result = scan([CHECK], regions=["us-east-1", "eu-west-1", "eu-central-1"])

    by_region = {f.region: f for f in result.findings}
    us = by_region["us-east-1"]
    assert us.status == "pass" and "shortest 30 days" in us.message
    eu = by_region["eu-west-1"]
    assert eu.status == "fail" and "2 of 3 log groups keep logs forever" in eu.message
    assert eu.evidence.observed["without_retention_names"] == ["/app/legacy", "/aws/lambda/batch"]
    assert by_region["eu-central-1"].status == "pass"
    assert by_region["eu-central-1"].evidence.observed["log_groups"] == 0


def test_min_days_and_listing_cap(aws, scan):
    _groups(aws, "us-east-1", [("/a", 7), ("/b", 400), ("/c", None), ("/d", None), ("/e", None)])

    [finding] = scan([CHECK], options={CHECK: {"min_days": 365, "max_listed": 2}}).findings

    assert finding.status == "fail"
    assert finding.evidence.observed["without_retention"] == 3
    assert len(finding.evidence.observed["without_retention_names"]) == 2
    assert finding.evidence.observed["below_min_days_names"] == ["/a"]
    assert "1 keep logs for fewer than 365 days" in finding.message
    assert "(and 2 more)" in finding.message


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("logs", "us-east-1"))
        stub.add_client_error("describe_log_groups", "AccessDeniedException", "denied", 400)
        stub.activate()

    [finding] = scan([CHECK], prepare=prepare).findings

    assert finding.status == "not_assessed" and finding.missing_permission == "logs:DescribeLogGroups"
