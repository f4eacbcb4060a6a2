"""ec2.instances_in_asg: moto tags group instances with aws:autoscaling:groupName."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.checks.test_autoscaling import make_group
from tests.helpers import assert_denied, by_resource, deny

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

    result = scan([CHECK], prepare=deny("autoscaling", "describe_auto_scaling_groups", code="AccessDenied",
                                        status=403))

    assert by_resource(result, lone)
    assert_denied(result, "autoscaling:DescribeAutoScalingGroups")


def _instance(iid: str, auto_recovery: str | None, **extra) -> dict:
    found = {"InstanceId": iid, "InstanceType": "m7i.large", "State": {"Code": 16, "Name": "running"},
             "Placement": {"AvailabilityZone": "us-east-1a"}, **extra}
    if auto_recovery is not None:
        found["MaintenanceOptions"] = {"AutoRecovery": auto_recovery}
    return found


def _stub_instances(*found: dict, groups: list | None = None):
    """A ``prepare`` hook: DescribeInstances answers ``found``; no Auto Scaling groups."""

    def prepare(target):
        ec2 = Stubber(target.collector.client("ec2", "us-east-1"))
        ec2.add_response("describe_instances", {"Reservations": [{"ReservationId": "r-1", "Instances": list(found)}]})
        ec2.activate()
        auto = Stubber(target.collector.client("autoscaling", "us-east-1"))
        auto.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": groups or []})
        auto.activate()

    return prepare


def test_ec2_automatic_recovery_counts_as_automated_recovery(aws, scan):
    result = scan([CHECK], prepare=_stub_instances(
        _instance("i-0000000000000000a", "default"), _instance("i-0000000000000000b", "disabled"),
        _instance("i-0000000000000000c", None), _instance("i-0000000000000000d", "default", InstanceLifecycle="spot")))

    recovered = by_resource(result, "i-0000000000000000a")
    assert recovered.status == "pass" and "automatic recovery" in recovered.message
    assert recovered.evidence.observed["automated_recovery"] == "ec2_auto_recovery"
    disabled = by_resource(result, "i-0000000000000000b")
    assert disabled.status == "fail" and disabled.evidence.observed["auto_recovery"] == "disabled"
    assert by_resource(result, "i-0000000000000000c").status == "fail"  # not reported: not proven
    assert by_resource(result, "i-0000000000000000d").status == "fail"  # Spot instances are not recovered


def test_cloudwatch_recover_alarm_counts_as_automated_recovery(aws, scan):
    lone = _lone_instance(aws)
    other = _lone_instance(aws)
    cloudwatch = aws.client("cloudwatch", region_name="us-east-1")
    cloudwatch.put_metric_alarm(
        AlarmName="recover-bastion", Namespace="AWS/EC2", MetricName="StatusCheckFailed_System", Statistic="Maximum",
        Dimensions=[{"Name": "InstanceId", "Value": lone}], Period=60, EvaluationPeriods=2, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=["arn:aws:automate:us-east-1:ec2:recover"])
    cloudwatch.put_metric_alarm(
        AlarmName="notify-only", Namespace="AWS/EC2", MetricName="StatusCheckFailed", Statistic="Maximum",
        Dimensions=[{"Name": "InstanceId", "Value": other}], Period=60, EvaluationPeriods=2, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=["arn:aws:sns:us-east-1:123456789012:ops"])

    result = scan([CHECK])

    recovered = by_resource(result, lone)
    assert recovered.status == "pass" and "recover-bastion" in recovered.message
    assert recovered.evidence.observed["automated_recovery"] == "recover_alarm"
    assert by_resource(result, other).status == "fail"


def test_alarms_denied_leave_an_unprotected_instance_not_assessed(aws, scan):
    lone = _lone_instance(aws)

    result = scan([CHECK], prepare=deny("cloudwatch", "describe_alarms", code="AccessDenied", status=403))

    assert by_resource(result, lone)
    assert_denied(result, "cloudwatch:DescribeAlarms")


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
