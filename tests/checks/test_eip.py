"""ec2.elastic_ips_attached."""

from __future__ import annotations

from tests.helpers import assert_demo_shows_pass_and_fail, by_resource, deny

CHECK = "ec2.elastic_ips_attached"


def test_idle_address_flagged(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    used = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=used, InstanceId=instance)
    idle = ec2.allocate_address(Domain="vpc")["AllocationId"]

    result = scan([CHECK])

    ok = by_resource(result, used)
    assert ok.status == "pass" and ok.evidence.observed["instance_id"] == instance
    assert ok.resource == f"arn:aws:ec2:us-east-1:123456789012:elastic-ip/{used}"
    spare = by_resource(result, idle)
    assert spare.status == "fail" and spare.evidence.observed["association_id"] is None


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("ec2", "describe_addresses", code="UnauthorizedOperation", status=403)

    (finding,) = scan([CHECK], prepare=prepare).findings
    assert finding.status == "not_assessed" and finding.missing_permission == "ec2:DescribeAddresses"


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "ec2.elastic_ips_attached")
