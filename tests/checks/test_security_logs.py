"""cloudtrail.organization_trail (moto keeps trails) and securitylake.data_lake_enabled (served: moto has no
Security Lake)."""

from __future__ import annotations

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, deny

TRAIL = "cloudtrail.organization_trail"
LAKE = "securitylake.data_lake_enabled"


def _bucket(aws, name):
    aws.client("s3").create_bucket(Bucket=name)


def test_organization_trail_passes_account_trail_fails(aws, scan):
    _bucket(aws, "org-trail-logs")
    cloudtrail = aws.client("cloudtrail")
    cloudtrail.create_trail(Name="account-only", S3BucketName="org-trail-logs", IsMultiRegionTrail=True)

    [alone] = scan([TRAIL]).findings
    cloudtrail.create_trail(Name="org-trail", S3BucketName="org-trail-logs", IsMultiRegionTrail=True,
                            IsOrganizationTrail=True)
    [org] = scan([TRAIL]).findings

    assert alone.status == "fail" and alone.region == "global"
    assert alone.evidence.observed["trails"] == 1
    assert org.status == "pass" and "org-trail" in org.message and "this account" in org.message
    assert org.evidence.observed["organization_trails"][0]["owner_account"] == "123456789012"


def test_organization_trail_of_the_management_account_seen_from_a_member(aws, scan):
    def trails(params):
        assert params == {"includeShadowTrails": True}
        return {"trailList": [{"Name": "org-trail", "IsOrganizationTrail": True, "IsMultiRegionTrail": True,
                               "HomeRegion": "us-east-1",
                               "TrailARN": "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail"}]}

    [finding] = scan([TRAIL], prepare=answering(("cloudtrail", "DescribeTrails", trails))).findings

    assert finding.status == "pass" and "account 999988887777" in finding.message


def test_trails_denied_is_not_assessed(aws, scan):
    assert_denied(scan([TRAIL], prepare=deny("cloudtrail", "describe_trails")), "cloudtrail:DescribeTrails")


def _lakes(status):
    def answer(params):
        assert params == {"regions": ["us-east-1"]}
        if status is None:
            return {"dataLakes": []}
        return {"dataLakes": [{"dataLakeArn": "arn:aws:securitylake:us-east-1:123456789012:data-lake/default",
                               "region": "us-east-1", "createStatus": status,
                               "s3BucketArn": "arn:aws:s3:::aws-security-data-lake-us-east-1-x",
                               "lifecycleConfiguration": {"expiration": {"days": 365}}}]}
    return answer


def test_data_lake_completed_passes_pending_and_none_fail(aws, scan):
    [done] = scan([LAKE], prepare=answering(("securitylake", "ListDataLakes", _lakes("COMPLETED")))).findings
    [pending] = scan([LAKE], prepare=answering(("securitylake", "ListDataLakes", _lakes("PENDING")))).findings
    [none] = scan([LAKE], prepare=answering(("securitylake", "ListDataLakes", _lakes(None)))).findings

    assert done.status == "pass" and done.evidence.observed["expiration_days"] == 365
    assert pending.status == "fail" and "PENDING" in pending.message
    assert none.status == "fail" and none.evidence.observed["data_lakes"] == []


def test_not_found_is_no_data_lake_and_denied_is_not_assessed(aws, scan):
    def missing(params):
        raise Refuse("ResourceNotFoundException", 404)

    [absent] = scan([LAKE], prepare=answering(("securitylake", "ListDataLakes", missing))).findings
    assert absent.status == "fail"
    assert_denied(scan([LAKE], prepare=deny("securitylake", "list_data_lakes")), "securitylake:ListDataLakes")
