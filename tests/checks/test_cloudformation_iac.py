"""cloudformation.iac_coverage."""

from __future__ import annotations

import json

from tests.helpers import assert_demo_shows_pass_and_fail, by_resource, deny

CHECK = "cloudformation.iac_coverage"


def _seed(aws) -> None:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)  # by hand, with a root volume
    key = [{"AttributeName": "pk", "KeyType": "HASH"}]
    attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
    template = {"Resources": {
        "App": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": image, "InstanceType": "t3.micro"}},
        "Data": {"Type": "AWS::EC2::Volume", "Properties": {"AvailabilityZone": "us-east-1a", "Size": 10}},
        # moto does not tag tables a stack creates: found through ListStackResources.
        "Orders": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "TableName": "orders", "BillingMode": "PAY_PER_REQUEST", "KeySchema": key,
            "AttributeDefinitions": attributes}},
    }}
    aws.client("cloudformation", region_name="us-east-1").create_stack(
        StackName="app", TemplateBody=json.dumps(template))
    app = ec2.describe_instances(Filters=[{"Name": "tag:aws:cloudformation:stack-name", "Values": ["app"]}])
    app_id = app["Reservations"][0]["Instances"][0]["InstanceId"]
    extra = ec2.create_volume(AvailabilityZone="us-east-1a", Size=5)["VolumeId"]
    ec2.attach_volume(VolumeId=extra, InstanceId=app_id, Device="/dev/sdf")  # managed through its instance
    ddb = aws.client("dynamodb", region_name="us-east-1")
    for table, tag in (("by-hand", "owner"), ("by-terraform", "managed-by")):
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST", Tags=[{"Key": tag, "Value": "x"}],
                         KeySchema=key, AttributeDefinitions=attributes)


def test_share_per_kind_with_region_figures(aws, scan):
    _seed(aws)

    result = scan([CHECK])

    assert len(result.findings) == 3
    instances = by_resource(result, "arn:aws:ec2:us-east-1:123456789012:account")
    assert instances.status == "fail"
    assert (instances.evidence.observed["resources"], instances.evidence.observed["managed"]) == (2, 1)
    volumes = by_resource(result, ":ebs:")
    assert (volumes.evidence.observed["resources"], volumes.evidence.observed["managed"]) == (3, 2)
    tables = by_resource(result, ":dynamodb:")
    assert tables.status == "fail" and tables.evidence.observed["managed"] == 1
    assert sorted(tables.evidence.observed["unmanaged_sample"]) == ["by-hand", "by-terraform"]
    assert tables.evidence.observed["region"] == {"resources": 8, "managed": 4, "percent_managed": 50.0}

    relaxed = scan([CHECK], options={CHECK: {"min_percent": 50}})
    assert {f.resource.split(":")[2]: f.status.value for f in relaxed.findings} == {
        "ec2": "pass", "ebs": "pass", "dynamodb": "fail"}


def test_other_iac_tag_keys_count(aws, scan):
    _seed(aws)

    result = scan([CHECK], options={CHECK: {"iac_tag_keys": "aws:cloudformation:stack-name, managed-by",
                                            "min_percent": 60}})

    tables = by_resource(result, ":dynamodb:")
    assert tables.status == "pass" and tables.evidence.observed["managed"] == 2
    assert tables.evidence.observed["iac_tag_keys"] == ["aws:cloudformation:stack-name", "managed-by"]


def test_empty_region_has_no_finding(aws, scan):
    assert scan([CHECK], regions=["eu-west-1"]).findings == []


def test_tagging_api_denied_is_not_assessed(aws, scan):
    _seed(aws)

    prepare = deny("resourcegroupstaggingapi", "get_resources")

    (finding,) = scan([CHECK], prepare=prepare).findings
    assert finding.status == "not_assessed"
    assert finding.missing_permission == "tag:GetResources"


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "cloudformation.iac_coverage")
