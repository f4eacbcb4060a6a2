"""autoscaling.multi_az: moto reports each group's Availability Zones."""

from __future__ import annotations

from tests.helpers import by_resource, deny

CHECK = "autoscaling.multi_az"


def make_group(aws, name: str, zones: list[str], desired: int = 0) -> None:
    """An Auto Scaling group over ``zones`` (launch template from a fresh image)."""
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name=f"img-{name}", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.create_launch_template(LaunchTemplateName=f"lt-{name}",
                               LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})
    aws.client("autoscaling", region_name="us-east-1").create_auto_scaling_group(
        AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateName": f"lt-{name}"}, MinSize=0,
        MaxSize=4, DesiredCapacity=desired, AvailabilityZones=zones)


def test_groups_in_one_and_two_zones(aws, scan):
    make_group(aws, "web", ["us-east-1a", "us-east-1b"])
    make_group(aws, "worker", ["us-east-1c"])

    result = scan([CHECK])

    web = by_resource(result, "autoScalingGroupName/web")
    assert web.status == "pass" and web.evidence.observed["availability_zones"] == ["us-east-1a", "us-east-1b"]
    worker = by_resource(result, "autoScalingGroupName/worker")
    assert worker.status == "fail" and "confined to us-east-1c" in worker.message


def test_min_zones_option(aws, scan):
    make_group(aws, "web", ["us-east-1a", "us-east-1b"])

    result = scan([CHECK], options={CHECK: {"min_zones": 3}})

    assert by_resource(result, "autoScalingGroupName/web").status == "fail"


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("autoscaling", "describe_auto_scaling_groups", code="AccessDenied", status=403)

    result = scan([CHECK], prepare=prepare)

    [finding] = result.findings
    assert finding.status == "not_assessed"
    assert finding.missing_permission == "autoscaling:DescribeAutoScalingGroups"
