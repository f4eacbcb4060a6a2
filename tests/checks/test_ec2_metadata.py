"""ec2.imdsv2_required."""

from __future__ import annotations

from tests.helpers import by_resource, deny

CHECK = "ec2.imdsv2_required"


def test_imds_versions(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]

    def launch(**kwargs) -> str:
        return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, **kwargs)["Instances"][0]["InstanceId"]

    v2 = launch(MetadataOptions={"HttpTokens": "required"})
    v1 = launch(MetadataOptions={"HttpTokens": "optional"})
    default = launch()
    off = launch(MetadataOptions={"HttpEndpoint": "disabled"})
    stopped = launch()
    ec2.stop_instances(InstanceIds=[stopped])

    result = scan([CHECK])

    assert by_resource(result, v2).status.value == "pass"
    bad = by_resource(result, v1)
    assert bad.status.value == "fail" and bad.evidence.observed["http_tokens"] == "optional"
    assert by_resource(result, default).status.value == "fail"
    assert by_resource(result, off).status.value == "pass"
    assert by_resource(result, stopped).status.value == "fail"


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("ec2", "describe_instances", code="UnauthorizedOperation", status=403)

    result = scan([CHECK], prepare=prepare)

    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "ec2:DescribeInstances"
