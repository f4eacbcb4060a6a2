"""s3.lifecycle_configured."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import assert_demo_shows_pass_and_fail, by_resource

CHECK = "s3.lifecycle_configured"


def _seed(aws) -> None:
    s3 = aws.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="app-logs")
    s3.put_bucket_lifecycle_configuration(Bucket="app-logs", LifecycleConfiguration={"Rules": [{
        "ID": "age-out", "Status": "Enabled", "Filter": {"Prefix": ""},
        "Transitions": [{"Days": 30, "StorageClass": "GLACIER_IR"}], "Expiration": {"Days": 365}}]})
    s3.create_bucket(Bucket="keep-forever")
    eu = aws.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="paused", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_bucket_lifecycle_configuration(Bucket="paused", LifecycleConfiguration={"Rules": [{
        "ID": "off", "Status": "Disabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 7}}]})


def test_buckets_with_and_without_rules(aws, scan):
    _seed(aws)

    result = scan([CHECK])

    logs = by_resource(result, ":::app-logs")
    assert logs.status == "pass"
    assert logs.evidence.observed["actions"] == ["expiration", "transition to GLACIER_IR"]
    assert by_resource(result, ":::keep-forever").status == "fail"
    paused = by_resource(result, ":::paused")
    assert paused.status == "fail" and paused.evidence.observed == {
        "bucket": "paused", "region": "eu-west-1", "rules": 1, "enabled_rules": 0, "actions": []}


def test_denied_lifecycle_read_is_not_assessed_per_bucket(aws, scan):
    aws.client("s3", region_name="us-east-1").create_bucket(Bucket="secret-stuff")

    def prepare(target):
        stub = Stubber(target.collector.client("s3", "us-east-1"))
        stub.add_response("list_buckets", {"Buckets": [{"Name": "secret-stuff"}]})
        stub.add_response("get_bucket_location", {"LocationConstraint": "us-east-1"})
        stub.add_client_error("get_bucket_lifecycle_configuration", "AccessDenied", "denied", 403)
        stub.activate()

    (finding,) = scan([CHECK], prepare=prepare).findings
    assert finding.status == "not_assessed" and finding.resource == "arn:aws:s3:::secret-stuff"
    assert finding.missing_permission == "s3:GetLifecycleConfiguration"


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "s3.lifecycle_configured")
