"""cloudtrail.logging_all_regions and cloudtrail.log_file_validation: moto trails, Stubber for org trails."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

LOGGING = "cloudtrail.logging_all_regions"
VALIDATION = "cloudtrail.log_file_validation"
REGIONS = ["us-east-1", "eu-west-1", "eu-central-1"]


def _bucket(aws, name):
    aws.client("s3").create_bucket(Bucket=name)


def test_single_region_trails_stopped_trail_and_uncovered_region(aws, scan):
    _bucket(aws, "trail-logs")
    us = aws.client("cloudtrail", region_name="us-east-1")
    us.create_trail(Name="main-us", S3BucketName="trail-logs", EnableLogFileValidation=True)
    us.start_logging(Name="main-us")
    eu = aws.client("cloudtrail", region_name="eu-west-1")
    eu.create_trail(Name="legacy-eu", S3BucketName="trail-logs")  # created but never started

    result = scan([LOGGING, VALIDATION], regions=REGIONS)

    logging = {f.region: f for f in result.findings if f.check == LOGGING}
    assert logging["us-east-1"].status == "pass"
    assert "single-region trail main-us" in logging["us-east-1"].message
    assert logging["eu-west-1"].status == "fail"
    assert logging["eu-west-1"].evidence.observed["trails"][0]["is_logging"] is False
    assert logging["eu-central-1"].status == "fail"
    assert "No CloudTrail trail covers eu-central-1" in logging["eu-central-1"].message
    assert by_resource(result, "trail/main-us", VALIDATION).status == "pass"
    legacy = by_resource(result, "trail/legacy-eu", VALIDATION)
    assert legacy.status == "fail" and legacy.region == "eu-west-1"
    assert len([f for f in result.findings if f.check == VALIDATION]) == 2


def test_multi_region_trail_covers_every_region_and_is_read_once(aws, scan):
    _bucket(aws, "org-logs")
    eu = aws.client("cloudtrail", region_name="eu-west-1")
    eu.create_trail(Name="all-regions", S3BucketName="org-logs", IsMultiRegionTrail=True)
    eu.start_logging(Name="all-regions")

    result = scan([LOGGING, VALIDATION], regions=["us-east-1", "ap-southeast-2"])

    logging = [f for f in result.findings if f.check == LOGGING]
    assert {f.status.value for f in logging} == {"pass"} and len(logging) == 2
    assert all("multi-region trail all-regions" in f.message for f in logging)
    # the status of a multi-region trail is read once, in its home region, for every region it covers
    assert result.api_calls["by_operation"]["cloudtrail:GetTrailStatus"] == 1
    # homed outside the scanned regions: assessed once, with the first scanned region
    validation = by_resource(result, "trail/all-regions", VALIDATION)
    assert validation.status == "fail" and validation.region == "us-east-1"


ORG_TRAIL = {
    "Name": "org-trail", "S3BucketName": "central-logs", "IsMultiRegionTrail": True, "HomeRegion": "us-east-1",
    "TrailARN": "arn:aws:cloudtrail:us-east-1:999999999999:trail/org-trail", "IsOrganizationTrail": True,
    "LogFileValidationEnabled": True,
}


def _stub_trails(trails, status_error=None, describe_error=None):
    def prepare(target):
        stub = Stubber(target.collector.client("cloudtrail", "us-east-1"))
        if describe_error:
            stub.add_client_error("describe_trails", describe_error, "denied", 400)
        else:
            stub.add_response("describe_trails", {"trailList": trails}, {"includeShadowTrails": True})
            for trail in trails:
                if status_error:
                    stub.add_client_error("get_trail_status", status_error, "Unknown trail", 400,
                                          expected_params={"Name": trail["TrailARN"]})
                else:
                    stub.add_response("get_trail_status", {"IsLogging": True}, {"Name": trail["TrailARN"]})
        stub.activate()
        prepare.stub = stub

    return prepare


def test_member_account_sees_organization_trail_it_cannot_inspect(aws, scan):
    prepare = _stub_trails([ORG_TRAIL], status_error="TrailNotFoundException")

    result = scan([LOGGING, VALIDATION], prepare=prepare)

    prepare.stub.assert_no_pending_responses()
    [finding] = result.findings  # the org trail belongs to the management account: no validation finding
    assert finding.check == LOGGING and finding.status == "pass"
    assert "managed by account 999999999999" in finding.message
    assert finding.evidence.observed["trails"][0]["is_logging"] is None


def test_own_trail_whose_status_cannot_be_found_is_not_assessed(aws, scan):
    own = dict(ORG_TRAIL, TrailARN="arn:aws:cloudtrail:us-east-1:123456789012:trail/mine", Name="mine",
               IsOrganizationTrail=False)
    result = scan([LOGGING], prepare=_stub_trails([own], status_error="TrailNotFoundException"))

    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.evidence.observed["error_code"] == "TrailNotFoundException"


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    result = scan([LOGGING, VALIDATION], prepare=_stub_trails([], describe_error="AccessDeniedException"))

    assert {f.status.value for f in result.findings} == {"not_assessed"}
    assert {f.missing_permission for f in result.findings} == {"cloudtrail:DescribeTrails"}
    assert not result.partial
