"""ec2.no_ssh_key_pairs: instances from moto; Systems Manager's node list served (moto lacks it)."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.helpers import assert_denied, by_resource, deny

CHECK = "ec2.no_ssh_key_pairs"


def _launch(ec2, key=None):
    extra = {"KeyName": key} if key else {}
    return ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             **extra)["Instances"][0]["InstanceId"]


def test_key_pair_fails_keyless_passes(aws, scan):
    ec2 = aws.client("ec2")
    ec2.create_key_pair(KeyName="ops-admin")
    keyed, keyless = _launch(ec2, "ops-admin"), _launch(ec2)
    nodes = answering(("ssm", "DescribeInstanceInformation", lambda params: {"InstanceInformationList": [
        {"InstanceId": keyless, "PingStatus": "Online"}]}))

    result = scan([CHECK], prepare=nodes)

    bad = by_resource(result, keyed)
    assert bad.status == "fail" and "ops-admin" in bad.message
    good = by_resource(result, keyless)
    assert good.status == "pass" and "managed by Systems Manager" in good.message
    assert good.evidence.observed["ssm_ping_status"] == "Online"


def test_unreadable_node_list_still_judges_the_key(aws, scan):
    keyless = _launch(aws.client("ec2"))
    denied = deny("ssm", "describe_instance_information")

    [finding] = scan([CHECK], prepare=denied).findings

    assert finding.status == "pass" and keyless in finding.resource
    assert finding.evidence.observed["ssm_read"] is False


def test_denied_instances_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("ec2", "describe_instances", code="UnauthorizedOperation",
                                             status=403)), "ec2:DescribeInstances")
