"""The delivery pipeline checks (checks/delivery_pipelines.py) against moto's CodePipeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny

CHECKS = ["codepipeline.source_in_version_control", "codepipeline.deploys_through_actions",
          "codepipeline.builds_and_deploys", "codepipeline.fully_automated", "codepipeline.staged_environments"]


def _action(name: str, category: str, provider: str, **config: str) -> dict:
    owner = "ThirdParty" if provider == "GitHub" else "AWS"
    action = {"name": name, "actionTypeId": {"category": category, "owner": owner, "provider": provider,
                                             "version": "1"}, "configuration": config}
    if category == "Source":
        action["outputArtifacts"] = [{"name": "src"}]
    else:
        action["inputArtifacts"] = [{"name": "src"}]
    return action


GIT = _action("Source", "Source", "CodeStarSourceConnection", ConnectionArn="arn:aws:codeconnections:x",
              FullRepositoryId="acme/payments", BranchName="main")
S3 = _action("Source", "Source", "S3", S3Bucket="src", S3ObjectKey="app.zip")
BUILD = _action("Build", "Build", "CodeBuild", ProjectName="payments-build")
APPROVE = _action("Approve", "Approval", "Manual")


def _deploy(name: str) -> dict:
    return _action(name, "Deploy", "CloudFormation", ActionMode="CREATE_UPDATE", StackName=name,
                   TemplatePath="src::template.json")


def _pipeline(aws, name: str, *stages: tuple[str, list[dict]]) -> None:
    role = aws.client("iam").create_role(RoleName=f"pipeline-{name}", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "codepipeline.amazonaws.com"}}]}))
    aws.client("codepipeline", region_name="us-east-1").create_pipeline(pipeline={
        "name": name, "roleArn": role["Role"]["Arn"], "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": [{"name": n, "actions": a} for n, a in stages]})


def _status(result, check: str, name: str) -> str:
    return by_resource(result, f":{name}", check).status.value


def test_a_repository_pipeline_with_build_and_two_deploy_stages_passes_everything(aws, scan):
    _pipeline(aws, "payments", ("Source", [GIT]), ("Build", [BUILD]), ("Staging", [_deploy("staging")]),
              ("Production", [_deploy("prod")]))

    result = scan(CHECKS)

    assert {f.check: f.status.value for f in result.findings} == dict.fromkeys(CHECKS, "pass")
    observed = by_resource(result, ":payments", "codepipeline.staged_environments").evidence.observed
    assert observed["source_providers"] == ["CodeStarSourceConnection"]
    assert observed["deploy_stages"] == ["Staging", "Production"]
    assert observed["build_providers"] == ["CodeBuild"]


def test_s3_source_manual_approval_and_single_stage_fail(aws, scan):
    _pipeline(aws, "legacy", ("Source", [S3]), ("Build", [BUILD]), ("Gate", [APPROVE]),
              ("Deploy", [_deploy("prod")]))

    result = scan(CHECKS)

    assert _status(result, "codepipeline.source_in_version_control", "legacy") == "fail"
    assert _status(result, "codepipeline.deploys_through_actions", "legacy") == "pass"
    assert _status(result, "codepipeline.builds_and_deploys", "legacy") == "pass"
    gated = by_resource(result, ":legacy", "codepipeline.fully_automated")
    assert gated.status == "fail" and "Gate/Approve" in gated.message
    assert _status(result, "codepipeline.staged_environments", "legacy") == "fail"


def test_a_build_only_pipeline_fails_deploy_checks_and_gets_no_stage_finding(aws, scan):
    _pipeline(aws, "ci", ("Source", [GIT]), ("Build", [BUILD]))

    result = scan(CHECKS)

    assert _status(result, "codepipeline.source_in_version_control", "ci") == "pass"
    assert _status(result, "codepipeline.deploys_through_actions", "ci") == "fail"
    no_deploy = by_resource(result, ":ci", "codepipeline.builds_and_deploys")
    assert no_deploy.status == "fail" and "no deploy action" in no_deploy.message
    assert _status(result, "codepipeline.fully_automated", "ci") == "fail"
    assert not [f for f in result.findings if f.check == "codepipeline.staged_environments"]


def test_no_pipelines_no_findings(aws, scan):
    assert scan(CHECKS).findings == []


def test_denied_listing_is_not_assessed(aws, scan):
    for check_id in CHECKS:
        assert_denied(scan([check_id], prepare=deny("codepipeline", "list_pipelines")),
                      "codepipeline:ListPipelines")


def test_denied_pipeline_read_is_not_assessed_for_that_pipeline(aws, scan):
    listing = {"pipelines": [{"name": "hidden", "version": 1}]}
    result = scan(["codepipeline.deploys_through_actions"],
                  prepare=deny("codepipeline", "get_pipeline", before=[("list_pipelines", listing)]))
    assert_denied(result, "codepipeline:GetPipeline")
    assert result.findings[0].resource.endswith(":hidden")


# --- codepipeline.changes_frequent (moto's executions carry no history: answered on the real model) -------

def _executions(*runs: tuple[str, int], asked: list | None = None):
    def answer(params):
        if asked is not None:
            asked.append(params)
        return {"pipelineExecutionSummaries": [
            {"pipelineExecutionId": f"e{i}", "status": status, "startTime": datetime.now(UTC) - timedelta(days=age)}
            for i, (status, age) in enumerate(runs)]}

    return answering(("codepipeline", "ListPipelineExecutions", answer))


def test_frequent_successful_runs_pass_rare_ones_fail(aws, scan):
    _pipeline(aws, "payments", ("Source", [GIT]), ("Build", [BUILD]), ("Deploy", [_deploy("prod")]))
    _pipeline(aws, "ci", ("Source", [GIT]), ("Build", [BUILD]))
    asked: list = []
    busy = [("Succeeded", d) for d in (1, 3, 8, 15)] + [("Failed", 2), ("Succeeded", 45)]
    result = scan(["codepipeline.changes_frequent"], prepare=_executions(*busy, asked=asked))
    found = by_resource(result, ":payments")
    assert found.status == "pass" and found.evidence.observed["runs"] == {"Failed": 1, "Succeeded": 4}
    assert [a["pipelineName"] for a in asked] == ["payments"]  # the build-only pipeline is not read
    assert not [f for f in result.findings if f.resource.endswith(":ci")]

    rare = scan(["codepipeline.changes_frequent"], prepare=_executions(("Succeeded", 2), ("Succeeded", 40)))
    assert by_resource(rare, ":payments").status == "fail"


def test_denied_executions_are_not_assessed(aws, scan):
    _pipeline(aws, "payments", ("Source", [GIT]), ("Deploy", [_deploy("prod")]))
    def refuse(params):
        raise Refuse("AccessDeniedException")

    result = scan(["codepipeline.changes_frequent"],
                  prepare=answering(("codepipeline", "ListPipelineExecutions", refuse)))
    assert_denied(result, "codepipeline:ListPipelineExecutions")
