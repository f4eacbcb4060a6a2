"""config.recording_enabled per region."""

from __future__ import annotations

from botocore.stub import Stubber

CHECK = "config.recording_enabled"


def _recorder(aws, region, start, all_supported=True):
    bucket = f"config-{region}"
    s3 = aws.client("s3", region_name=region)
    kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **kwargs)
    config = aws.client("config", region_name=region)
    group = {"allSupported": True, "includeGlobalResourceTypes": True} if all_supported else {
        "allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket"]}
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": "arn:aws:iam::123456789012:role/config", "recordingGroup": group})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def test_recording_stopped_and_missing(aws, scan):
    _recorder(aws, "us-east-1", start=True)
    _recorder(aws, "eu-west-1", start=False)

    result = scan([CHECK], regions=["us-east-1", "eu-west-1", "eu-central-1"])

    by_region = {f.region: f for f in result.findings}
    assert by_region["us-east-1"].status == "pass"
    assert "all supported resource types" in by_region["us-east-1"].message
    assert by_region["eu-west-1"].status == "fail" and "is not recording" in by_region["eu-west-1"].message
    assert by_region["eu-central-1"].status == "fail"
    assert by_region["eu-central-1"].evidence.observed == {"recorders": []}


def test_selected_resource_types_still_pass_and_say_so(aws, scan):
    _recorder(aws, "us-east-1", start=True, all_supported=False)

    [finding] = scan([CHECK]).findings

    assert finding.status == "pass" and "selected resource types only" in finding.message
    assert finding.evidence.observed["recorders"][0]["resource_types"] == 1


def test_failed_delivery_is_a_fail_and_denied_is_not_assessed(aws, scan):
    recorder = {"name": "default", "roleARN": "arn:aws:iam::123456789012:role/config",
                "recordingGroup": {"allSupported": True}}

    def prepare(target):
        us = Stubber(target.collector.client("config", "us-east-1"))
        us.add_response("describe_configuration_recorders", {"ConfigurationRecorders": [recorder]})
        us.add_response("describe_configuration_recorder_status", {"ConfigurationRecordersStatus": [
            {"name": "default", "recording": True, "lastStatus": "FAILURE"}]})
        us.activate()
        eu = Stubber(target.collector.client("config", "eu-west-1"))
        eu.add_client_error("describe_configuration_recorders", "AccessDeniedException", "denied", 400)
        eu.activate()

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"], prepare=prepare)

    by_region = {f.region: f for f in result.findings}
    assert by_region["us-east-1"].status == "fail"
    assert "failed its last recording attempt" in by_region["us-east-1"].message
    assert by_region["eu-west-1"].status == "not_assessed"
    assert by_region["eu-west-1"].missing_permission == "config:DescribeConfigurationRecorders"
