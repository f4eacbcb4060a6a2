"""Deployment safety: CodeDeploy rollback and strategy (moto), ECS circuit breaker and CloudFormation rollback
triggers (moto drops those settings: Stubber), pipelines' test actions (moto)."""

from __future__ import annotations

import json

from botocore.stub import Stubber

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny

ROLE = f"arn:aws:iam::{ACCOUNT}:role/codedeploy"


def test_codedeploy_rollback_and_strategy(aws, scan):
    cd = aws.client("codedeploy", region_name="us-east-1")
    cd.create_application(applicationName="web", computePlatform="Server")
    cd.create_deployment_group(applicationName="web", deploymentGroupName="prod", serviceRoleArn=ROLE,
                               autoRollbackConfiguration={"enabled": True, "events": ["DEPLOYMENT_FAILURE"]},
                               deploymentStyle={"deploymentType": "BLUE_GREEN",
                                                "deploymentOption": "WITH_TRAFFIC_CONTROL"})
    cd.create_deployment_group(applicationName="web", deploymentGroupName="batch", serviceRoleArn=ROLE,
                               deploymentConfigName="CodeDeployDefault.AllAtOnce")
    result = scan(["codedeploy.rollback_on_failure", "codedeploy.gradual_deployments"])
    assert by_resource(result, "web/prod", "codedeploy.rollback_on_failure").status == "pass"
    assert by_resource(result, "web/batch", "codedeploy.rollback_on_failure").status == "fail"
    assert by_resource(result, "web/prod", "codedeploy.gradual_deployments").status == "pass"
    batch = by_resource(result, "web/batch", "codedeploy.gradual_deployments")
    assert batch.status == "fail" and "all at once" in batch.message


def _stub(service: str, *answers):
    def prepare(target):
        stub = Stubber(target.collector.client(service, "us-east-1"))
        for operation, answer in answers:
            stub.add_response(operation, answer)
        stub.activate()

    return prepare


def test_ecs_circuit_breaker(aws, scan):
    cluster = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/shop"

    def service(name: str, config: dict, controller: str = "ECS") -> dict:
        return {"serviceArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/shop/{name}", "serviceName": name,
                "clusterArn": cluster, "deploymentConfiguration": config,
                "deploymentController": {"type": controller}}

    services = [service("web", {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}),
                service("worker", {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}),
                service("api", {"alarms": {"alarmNames": ["api-5xx"], "enable": True, "rollback": True}}),
                service("legacy", {}, controller="CODE_DEPLOY")]
    result = scan(["ecs.deployment_circuit_breaker"], prepare=_stub(
        "ecs", ("list_clusters", {"clusterArns": [cluster]}),
        ("list_services", {"serviceArns": [s["serviceArn"] for s in services]}),
        ("describe_services", {"services": services, "failures": []})))
    assert by_resource(result, "shop/web").status == "pass"
    assert by_resource(result, "shop/worker").status == "fail"
    assert "alarms" in by_resource(result, "shop/api").message
    assert not [f for f in result.findings if "legacy" in f.resource]


def test_cloudformation_rollback_triggers(aws, scan):
    def stack(name: str, triggers: list[str], **extra) -> dict:
        return {"StackId": f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{name}/1", "StackName": name,
                "CreationTime": "2026-01-01T00:00:00Z", "StackStatus": "UPDATE_COMPLETE",
                "RollbackConfiguration": {"RollbackTriggers": [{"Arn": t, "Type": "AWS::CloudWatch::Alarm"}
                                                               for t in triggers], "MonitoringTimeInMinutes": 10},
                **extra}

    alarm = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:web-5xx"
    result = scan(["cloudformation.rollback_triggers"], prepare=_stub("cloudformation", ("describe_stacks", {
        "Stacks": [stack("web", [alarm]), stack("network", []),
                   stack("web-nested", [], ParentId="arn:aws:cloudformation:us-east-1:1:stack/web/1")]})))
    assert by_resource(result, "stack/web/").status == "pass"
    assert by_resource(result, "stack/network/").status == "fail"
    assert not [f for f in result.findings if "web-nested" in f.resource]


def _pipeline(aws, name: str, with_test: bool) -> None:
    iam = aws.client("iam")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "codepipeline.amazonaws.com"}}]}))["Role"]
    aws.client("s3").create_bucket(Bucket=f"{name}-artifacts")

    def action(action_name, category, provider, owner="AWS", config=None, inputs=None, outputs=None):
        return {"name": action_name, "actionTypeId": {"category": category, "owner": owner, "provider": provider,
                                                      "version": "1"},
                "configuration": config or {}, "inputArtifacts": inputs or [], "outputArtifacts": outputs or []}

    stages = [{"name": "Source", "actions": [action("Source", "Source", "S3", config={
        "S3Bucket": f"{name}-artifacts", "S3ObjectKey": "src.zip"}, outputs=[{"name": "src"}])]}]
    if with_test:
        stages.append({"name": "Test", "actions": [action("UnitTests", "Test", "CodeBuild", config={
            "ProjectName": "tests"}, inputs=[{"name": "src"}])]})
        stages.append({"name": "Approve", "actions": [action("Release", "Approval", "Manual")]})
    stages.append({"name": "Deploy", "actions": [action("Deploy", "Deploy", "S3", config={
        "BucketName": f"{name}-artifacts", "Extract": "true"}, inputs=[{"name": "src"}])]})
    aws.client("codepipeline", region_name="us-east-1").create_pipeline(pipeline={
        "name": name, "roleArn": role["Arn"], "artifactStore": {"type": "S3", "location": f"{name}-artifacts"},
        "stages": stages})


def test_pipelines_test_before_they_deploy(aws, scan):
    _pipeline(aws, "shop-release", with_test=True)
    _pipeline(aws, "site-publish", with_test=False)
    result = scan(["codepipeline.tests_before_deploy"])
    tested = by_resource(result, "shop-release")
    assert tested.status == "pass" and tested.evidence.observed["approval_actions"] == ["Release"]
    assert by_resource(result, "site-publish").status == "fail"


def test_denied_reads_are_not_assessed(aws, scan):
    assert_denied(scan(["codedeploy.rollback_on_failure"], prepare=deny("codedeploy", "list_applications")),
                  "codedeploy:ListApplications")
    assert_denied(scan(["ecs.deployment_circuit_breaker"], prepare=deny("ecs", "list_clusters")),
                  "ecs:ListClusters")
