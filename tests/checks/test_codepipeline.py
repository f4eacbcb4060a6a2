"""codepipeline.pipelines_exist."""

from __future__ import annotations

import json

from botocore.stub import Stubber

CHECK = "codepipeline.pipelines_exist"
REGIONS = ["us-east-1", "eu-west-1"]


def _pipeline(aws, region: str, name: str) -> None:
    role = aws.client("iam").create_role(RoleName=f"pipeline-{name}", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "codepipeline.amazonaws.com"}}]}))
    source = {"name": "Source", "actions": [{
        "name": "Source", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"S3Bucket": "src", "S3ObjectKey": "app.zip"}, "outputArtifacts": [{"name": "app"}]}]}
    deploy = {"name": "Deploy", "actions": [{
        "name": "Deploy", "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"BucketName": "site", "Extract": "true"}, "inputArtifacts": [{"name": "app"}]}]}
    aws.client("codepipeline", region_name=region).create_pipeline(pipeline={
        "name": name, "roleArn": role["Role"]["Arn"], "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": [source, deploy]})


def test_pipeline_in_any_region_passes(aws, scan):
    _pipeline(aws, "eu-west-1", "deploy-api")

    result = scan([CHECK], regions=REGIONS)

    (finding,) = result.findings
    assert finding.status == "pass" and finding.region == "global"
    assert finding.evidence.observed["pipelines_by_region"] == {"eu-west-1": ["deploy-api"]}


def test_no_pipeline_anywhere_fails(aws, scan):
    result = scan([CHECK], regions=REGIONS)

    (finding,) = result.findings
    assert finding.status == "fail"
    assert finding.evidence.observed["regions_checked"] == REGIONS


def test_unreadable_region_is_never_a_fail(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("codepipeline", "eu-west-1"))
        stub.add_client_error("list_pipelines", "AccessDeniedException", "denied", 400)
        stub.activate()

    result = scan([CHECK], regions=REGIONS, prepare=prepare)

    (finding,) = result.findings
    assert finding.status == "not_assessed" and finding.region == "eu-west-1"
    assert finding.missing_permission == "codepipeline:ListPipelines"
