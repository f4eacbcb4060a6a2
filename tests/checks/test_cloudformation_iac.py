"""cloudformation.iac_coverage."""

from __future__ import annotations

import json

from botocore.stub import Stubber

CHECK = "cloudformation.iac_coverage"


def _seed(aws) -> None:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)  # by hand, with a root volume
    template = {"Resources": {
        "App": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": image, "InstanceType": "t3.micro"}},
        "Data": {"Type": "AWS::EC2::Volume", "Properties": {"AvailabilityZone": "us-east-1a", "Size": 10}},
    }}
    aws.client("cloudformation", region_name="us-east-1").create_stack(
        StackName="app", TemplateBody=json.dumps(template))
    app = ec2.describe_instances(Filters=[{"Name": "tag:aws:cloudformation:stack-name", "Values": ["app"]}])
    app_id = app["Reservations"][0]["Instances"][0]["InstanceId"]
    extra = ec2.create_volume(AvailabilityZone="us-east-1a", Size=5)["VolumeId"]
    ec2.attach_volume(VolumeId=extra, InstanceId=app_id, Device="/dev/sdf")  # managed through its instance
    ddb = aws.client("dynamodb", region_name="us-east-1")
    for table, tags in (("by-hand", []), ("by-terraform", [{"Key": "managed-by", "Value": "terraform"}])):
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST", Tags=tags or [{"Key": "x", "Value": "y"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])


def test_share_below_threshold_fails_and_option_lowers_it(aws, scan):
    _seed(aws)

    result = scan([CHECK])

    (finding,) = result.findings
    assert finding.status == "fail"
    assert finding.resource == "arn:aws:cloudformation:us-east-1:123456789012:account"
    observed = finding.evidence.observed
    assert (observed["resources"], observed["managed"], observed["percent_managed"]) == (7, 3, 42.9)
    assert observed["by_kind"]["EC2 instance"] == {"total": 2, "managed": 1}
    assert observed["by_kind"]["DynamoDB table"] == {"total": 2, "managed": 0}
    assert "DynamoDB table by-hand" in observed["unmanaged_sample"]
    assert observed["by_kind"]["EBS volume"] == {"total": 3, "managed": 2}

    relaxed = scan([CHECK], options={CHECK: {"min_percent": 40}})
    assert relaxed.findings[0].status == "pass"


def test_other_iac_tag_keys_count(aws, scan):
    _seed(aws)

    result = scan([CHECK], options={CHECK: {"iac_tag_keys": "aws:cloudformation:stack-name, managed-by",
                                            "min_percent": 50}})

    (finding,) = result.findings
    assert finding.status == "pass"
    assert finding.evidence.observed["managed"] == 4
    assert finding.evidence.observed["iac_tag_keys"] == ["aws:cloudformation:stack-name", "managed-by"]


def test_empty_region_has_no_finding(aws, scan):
    assert scan([CHECK], regions=["eu-west-1"]).findings == []


def test_tagging_api_denied_is_not_assessed(aws, scan):
    _seed(aws)

    def prepare(target):
        stub = Stubber(target.collector.client("resourcegroupstaggingapi", "us-east-1"))
        stub.add_client_error("get_resources", "AccessDeniedException", "denied", 400)
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    (finding,) = result.findings
    assert finding.status == "not_assessed"
    assert finding.missing_permission == "tag:GetResources"
