"""ec2.instances_in_asg: moto tags group instances with aws:autoscaling:groupName."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.checks.test_autoscaling import make_group
from tests.helpers import by_resource

CHECK = "ec2.instances_in_asg"


def _lone_instance(aws) -> str:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="lone-img", RootDeviceName="/dev/xvda")["ImageId"]
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "bastion"}]}])["Instances"][0]["InstanceId"]


def test_group_member_passes_lone_instance_fails(aws, scan):
    make_group(aws, "web", ["us-east-1a", "us-east-1b"], desired=1)
    lone = _lone_instance(aws)
    stopped = _lone_instance(aws)
    aws.client("ec2", region_name="us-east-1").stop_instances(InstanceIds=[stopped])

    result = scan([CHECK])

    member = [f for f in result.findings if f.status == "pass"]
    assert len(member) == 1 and member[0].evidence.observed["auto_scaling_group"] == "web"
    bad = by_resource(result, lone)
    assert bad.status == "fail" and "(bastion) is in no Auto Scaling group" in bad.message
    assert not [f for f in result.findings if stopped in f.resource]


def test_untagged_member_found_through_group_list(aws, scan):
    lone = _lone_instance(aws)

    def prepare(target):
        stub = Stubber(target.collector.client("autoscaling", "us-east-1"))
        stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [{
            "AutoScalingGroupName": "attached", "MinSize": 1, "MaxSize": 1, "DesiredCapacity": 1,
            "DefaultCooldown": 300, "AvailabilityZones": ["us-east-1a"], "HealthCheckType": "EC2",
            "CreatedTime": "2024-01-01T00:00:00Z",
            "Instances": [{"InstanceId": lone, "AvailabilityZone": "us-east-1a", "LifecycleState": "InService",
                           "HealthStatus": "Healthy", "ProtectedFromScaleIn": False}]}]})
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    found = by_resource(result, lone)
    assert found.status == "pass" and found.evidence.observed["auto_scaling_group"] == "attached"


def test_group_list_denied_is_not_assessed(aws, scan):
    lone = _lone_instance(aws)

    def prepare(target):
        stub = Stubber(target.collector.client("autoscaling", "us-east-1"))
        stub.add_client_error("describe_auto_scaling_groups", "AccessDenied", "denied", 403)
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    finding = by_resource(result, lone)
    assert finding.status == "not_assessed"
    assert finding.missing_permission == "autoscaling:DescribeAutoScalingGroups"


def test_orchestrator_managed_instance_passes(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="node-img", RootDeviceName="/dev/xvda")["ImageId"]
    node = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "karpenter.sh/nodepool", "Value": "default"}]}],
    )["Instances"][0]["InstanceId"]

    result = scan([CHECK])
    assert by_resource(result, node).status == "pass"

    strict = scan([CHECK], options={CHECK: {"managed_tag_keys": ""}})
    assert by_resource(strict, node).status == "fail"
