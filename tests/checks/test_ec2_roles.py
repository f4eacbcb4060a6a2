"""ec2.instance_has_role."""

from __future__ import annotations

import json

from tests.helpers import by_resource

CHECK = "ec2.instance_has_role"


def test_instances_with_and_without_profile(aws, scan):
    iam = aws.client("iam")
    profile = iam.create_instance_profile(InstanceProfileName="app")["InstanceProfile"]["Arn"]
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
                                                                          "Statement": []}))
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    with_role = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                                  IamInstanceProfile={"Arn": profile})["Instances"][0]["InstanceId"]
    without = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    stopped = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[stopped])
    gone = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[gone])

    result = scan([CHECK])

    assert by_resource(result, with_role).status == "pass"
    bad = by_resource(result, without)
    assert bad.status == "fail" and bad.evidence.observed["instance_profile"] is None
    assert bad.resource == f"arn:aws:ec2:us-east-1:123456789012:instance/{without}"
    assert by_resource(result, stopped).status == "fail"
    assert not [f for f in result.findings if gone in f.resource]
