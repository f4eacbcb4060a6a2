"""ssm.instances_managed: moto for the instances, Stubber for DescribeInstanceInformation (moto lacks it)."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "ssm.instances_managed"


def _launch(aws, count: int) -> list[str]:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    return [i["InstanceId"] for i in ec2.run_instances(ImageId=image, MinCount=count, MaxCount=count)["Instances"]]


def _stub_ssm(nodes: list[dict] | None = None, error: str | None = None):
    def prepare(target):
        stub = Stubber(target.collector.client("ssm", "us-east-1"))
        if error:
            stub.add_client_error("describe_instance_information", error, "denied", 400)
        else:
            stub.add_response("describe_instance_information", {"InstanceInformationList": nodes or []})
        stub.activate()
        prepare.stub = stub

    return prepare


def test_online_lost_and_unregistered(aws, scan):
    online, lost, unmanaged, stopped = _launch(aws, 4)
    aws.client("ec2", region_name="us-east-1").stop_instances(InstanceIds=[stopped])
    prepare = _stub_ssm([
        {"InstanceId": online, "PingStatus": "Online", "AgentVersion": "3.3.0.0", "PlatformName": "Amazon Linux"},
        {"InstanceId": lost, "PingStatus": "ConnectionLost", "AgentVersion": "3.1.0.0"},
        {"InstanceId": "mi-0123456789abcdef0", "PingStatus": "Online"},
    ])

    result = scan([CHECK], prepare=prepare)

    prepare.stub.assert_no_pending_responses()
    good = by_resource(result, online)
    assert good.status.value == "pass" and good.evidence.observed["agent_version"] == "3.3.0.0"
    lost_finding = by_resource(result, lost)
    assert lost_finding.status.value == "fail" and "ConnectionLost" in lost_finding.message
    missing = by_resource(result, unmanaged)
    assert missing.status.value == "fail" and missing.evidence.observed["registered"] is False
    assert not [f for f in result.findings if stopped in f.resource or "mi-" in f.resource]


def test_denied_is_not_assessed_never_pass(aws, scan):
    _launch(aws, 1)

    result = scan([CHECK], prepare=_stub_ssm(error="AccessDeniedException"))

    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "ssm:DescribeInstanceInformation"
