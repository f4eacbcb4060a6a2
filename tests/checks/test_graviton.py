"""ec2.graviton_share."""

from __future__ import annotations

from checks.graviton import is_graviton
from tests.helpers import assert_demo_shows_pass_and_fail, deny

CHECK = "ec2.graviton_share"


def _run(aws, region: str, *types: str) -> None:
    ec2 = aws.client("ec2", region_name=region)
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    for t in types:
        ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType=t)


def test_share_per_region(aws, scan):
    _run(aws, "us-east-1", "m7g.large", "c6gn.xlarge", "t3.micro")
    _run(aws, "eu-west-1", "m5.large", "t4g.small", "c5.large", "r5.large")

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"])

    by_region = {f.region: f for f in result.findings}
    east, west = by_region["us-east-1"], by_region["eu-west-1"]
    assert east.status == "pass" and east.evidence.observed["percent_graviton"] == 66.7
    assert west.status == "fail" and west.evidence.observed["graviton_instances"] == 1
    assert west.evidence.observed["instance_types"] == {"c5.large": 1, "m5.large": 1, "r5.large": 1, "t4g.small": 1}
    assert east.resource == "arn:aws:ec2:us-east-1:123456789012:account"

    lowered = scan([CHECK], regions=["eu-west-1"], options={CHECK: {"min_percent": 25}})
    assert lowered.findings[0].status == "pass"


def test_no_running_instances_no_finding(aws, scan):
    assert scan([CHECK]).findings == []


def test_graviton_detection():
    for arm in ("m6g.large", "c7gn.2xlarge", "r8gd.xlarge", "x2gd.medium", "im4gn.large", "is4gen.large",
                "t4g.nano", "g5g.xlarge", "a1.medium", "hpc7g.4xlarge"):
        assert is_graviton({"InstanceType": arm}), arm
    for x86 in ("g4dn.xlarge", "m5.large", "p4d.24xlarge", "mac2-m2.metal", "inf2.xlarge", "i3en.large"):
        assert not is_graviton({"InstanceType": x86}), x86
    assert is_graviton({"InstanceType": "m5.large", "Architecture": "arm64"})
    assert not is_graviton({"InstanceType": "m6g.large", "Architecture": "x86_64"})


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("ec2", "describe_instances", code="UnauthorizedOperation", status=403)

    (finding,) = scan([CHECK], prepare=prepare).findings
    assert finding.status == "not_assessed" and finding.missing_permission == "ec2:DescribeInstances"


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "ec2.graviton_share")
