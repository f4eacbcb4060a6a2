"""s3.versioning_enabled."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "s3.versioning_enabled"


def test_enabled_suspended_and_never(aws, scan):
    s3 = aws.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="kept")
    s3.put_bucket_versioning(Bucket="kept", VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket="paused")
    s3.put_bucket_versioning(Bucket="paused", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="paused", VersioningConfiguration={"Status": "Suspended"})
    eu = aws.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="plain-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    result = scan([CHECK])

    assert by_resource(result, ":::kept").status == "pass"
    paused = by_resource(result, ":::paused")
    assert paused.status == "fail" and paused.evidence.observed["versioning"] == "Suspended"
    plain = by_resource(result, ":::plain-eu")
    assert plain.status == "fail" and plain.evidence.observed == {
        "bucket": "plain-eu", "region": "eu-west-1", "versioning": "NeverEnabled", "mfa_delete": "Disabled"}
    assert plain.region == "global"


def test_denied_bucket_is_not_assessed(aws, scan):
    aws.client("s3", region_name="us-east-1").create_bucket(Bucket="secretive")

    def prepare(target):
        stub = Stubber(target.collector.client("s3", "us-east-1"))
        stub.add_response("list_buckets", {"Buckets": [{"Name": "secretive"}]})
        stub.add_response("get_bucket_location", {}, {"Bucket": "secretive"})
        stub.add_client_error("get_bucket_versioning", "AccessDenied", "denied", 403,
                              expected_params={"Bucket": "secretive"})
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.missing_permission == "s3:GetBucketVersioning"
