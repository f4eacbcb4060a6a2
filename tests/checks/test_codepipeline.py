"""codepipeline.pipelines_exist."""

from __future__ import annotations

import json

from tests.helpers import assert_demo_shows_pass_and_fail, by_resource, deny

CHECK = "codepipeline.pipelines_exist"
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


def _pipeline(aws, region: str, name: str, deploy_region: str | None = None) -> None:
    role = aws.client("iam").create_role(RoleName=f"pipeline-{name}", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "codepipeline.amazonaws.com"}}]}))
    source = {"name": "Source", "actions": [{
        "name": "Source", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"S3Bucket": "src", "S3ObjectKey": "app.zip"}, "outputArtifacts": [{"name": "app"}]}]}
    deploy_action = {
        "name": "Deploy", "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"BucketName": "site", "Extract": "true"}, "inputArtifacts": [{"name": "app"}]}
    if deploy_region:
        deploy_action["region"] = deploy_region
    aws.client("codepipeline", region_name=region).create_pipeline(pipeline={
        "name": name, "roleArn": role["Role"]["Arn"], "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": [source, {"name": "Deploy", "actions": [deploy_action]}]})


def _instance(aws, region: str) -> None:
    ec2 = aws.client("ec2", region_name=region)
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)


def test_local_cross_region_and_missing_pipelines(aws, scan):
    _pipeline(aws, "us-east-1", "deploy-api", deploy_region="eu-west-1")
    for region in REGIONS:
        _instance(aws, region)

    result = scan([CHECK], regions=REGIONS)

    home = by_resource(result, ":us-east-1:")
    assert home.status == "pass" and home.evidence.observed["pipelines_here"] == ["deploy-api"]
    target = by_resource(result, ":eu-west-1:")
    assert target.status == "pass"
    assert target.evidence.observed["pipelines_deploying_here"] == ["deploy-api (us-east-1)"]
    bare = by_resource(result, ":ap-southeast-2:")
    assert bare.status == "fail" and bare.evidence.observed["instances"] == 1
    assert bare.resource == "arn:aws:codepipeline:ap-southeast-2:123456789012:account"


def test_region_without_workload_or_pipeline_has_no_finding(aws, scan):
    _instance(aws, "us-east-1")

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"])

    assert [(f.region, f.status.value) for f in result.findings] == [("us-east-1", "fail")]


def test_unreadable_regions_are_never_a_fail(aws, scan):
    _instance(aws, "us-east-1")
    _instance(aws, "eu-west-1")

    prepare = deny("codepipeline", "list_pipelines", region="eu-west-1")

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"], prepare=prepare)

    assert {f.region: f.status.value for f in result.findings} == {"us-east-1": "not_assessed",
                                                                   "eu-west-1": "not_assessed"}
    assert {f.missing_permission for f in result.findings} == {"codepipeline:ListPipelines"}


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "codepipeline.pipelines_exist")
