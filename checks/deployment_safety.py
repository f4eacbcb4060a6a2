"""Deployment safety: changes roll back on failure, go out gradually, and are tested before they deploy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._codedeploy import deployment_groups
from checks._ecs import services
from scanner.api import CheckContext, Finding, NotAssessed, check

ALL_AT_ONCE = ("CodeDeployDefault.AllAtOnce", "CodeDeployDefault.LambdaAllAtOnce", "CodeDeployDefault.ECSAllAtOnce")
# Stack states of stacks that exist (a deleted stack has nothing to roll back).
_GONE = ("DELETE_COMPLETE",)


def _group_arn(ctx: CheckContext, info: dict[str, Any]) -> str:
    return ctx.arn("codedeploy", f"deploymentgroup:{info.get('applicationName')}/{info.get('deploymentGroupName')}")


_CODEDEPLOY_READS = ["codedeploy:ListApplications", "codedeploy:ListDeploymentGroups", "codedeploy:GetDeploymentGroup"]


@check(
    id="codedeploy.rollback_on_failure",
    title="CodeDeploy deployments roll back on failure",
    service="codedeploy",
    severity="medium",
    description="""Every CodeDeploy deployment group rolls back automatically when a deployment fails
        (autoRollbackConfiguration enabled with DEPLOYMENT_FAILURE) or when one of its CloudWatch alarms
        goes off (DEPLOYMENT_STOP_ON_ALARM with an alarm configuration). One finding per deployment group;
        the alarms are listed. Rollback in other deployment tools is not visible to this check.""",
    remediation="""Turn on automatic rollback for failed deployments and for alarms on every deployment
        group, and give it the alarms that show customer impact (errors, latency).""",
    reads=_CODEDEPLOY_READS,
)
def rollback_on_failure(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per deployment group."""
    for info in deployment_groups(ctx):
        if isinstance(info, tuple):
            yield ctx.not_assessed(*info)
            continue
        auto = info.get("autoRollbackConfiguration") or {}
        alarms = info.get("alarmConfiguration") or {}
        events = sorted(auto.get("events") or []) if auto.get("enabled") else []
        alarm_names = [a.get("name") for a in alarms.get("alarms") or []] if alarms.get("enabled") else []
        observed = {"rollback_events": events, "alarms": alarm_names, "application": info.get("applicationName")}
        name = info.get("deploymentGroupName")
        if "DEPLOYMENT_FAILURE" in events or ("DEPLOYMENT_STOP_ON_ALARM" in events and alarm_names):
            yield ctx.passed(_group_arn(ctx, info), f"Deployment group {name} rolls back on "
                             + " and ".join(e.lower().replace("_", " ") for e in events), observed)
        else:
            yield ctx.failed(_group_arn(ctx, info), f"Deployment group {name} does not roll back automatically "
                             "when a deployment fails", observed)


@check(
    id="codedeploy.gradual_deployments",
    title="CodeDeploy deployments are gradual or blue/green",
    service="codedeploy",
    severity="low",
    description="""Every CodeDeploy deployment group deploys blue/green or with a gradual configuration
        (one at a time, half at a time, canary or linear) rather than all at once, so a bad change reaches
        part of the fleet or traffic first. One finding per deployment group.""",
    remediation="""Use a blue/green deployment type, or a canary or linear deployment configuration, with
        alarms that stop the deployment before it reaches everyone.""",
    reads=_CODEDEPLOY_READS,
)
def gradual_deployments(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per deployment group."""
    for info in deployment_groups(ctx):
        if isinstance(info, tuple):
            yield ctx.not_assessed(*info)
            continue
        style = (info.get("deploymentStyle") or {}).get("deploymentType") or "IN_PLACE"
        config = str(info.get("deploymentConfigName") or "CodeDeployDefault.OneAtATime")
        observed = {"deployment_type": style, "deployment_config": config}
        name = info.get("deploymentGroupName")
        if style == "BLUE_GREEN" or config not in ALL_AT_ONCE:
            yield ctx.passed(_group_arn(ctx, info), f"Deployment group {name} deploys {style.lower()} with "
                             f"{config}", observed)
        else:
            yield ctx.failed(_group_arn(ctx, info), f"Deployment group {name} deploys all at once ({config})",
                             observed)


@check(
    id="ecs.deployment_circuit_breaker",
    title="ECS services roll back failed deployments",
    service="ecs",
    severity="medium",
    description="""Every ECS service with the rolling-update deployment controller rolls back a failing
        deployment by itself: the deployment circuit breaker, or CloudWatch alarms, enabled with rollback
        (DescribeServices, ten services per call). Services deployed by CodeDeploy (blue/green) or an
        external controller are left to their controller. One finding per service.""",
    remediation="""Enable the deployment circuit breaker with rollback on every service
        (deploymentConfiguration.deploymentCircuitBreaker = {enable: true, rollback: true}), and add alarms
        that stop a deployment that harms customers.""",
    reads=["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"],
)
def deployment_circuit_breaker(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per ECS service."""
    for service in services(ctx):
        controller = (service.get("deploymentController") or {}).get("type", "ECS")
        if controller != "ECS":
            continue
        config = service.get("deploymentConfiguration") or {}
        breaker = config.get("deploymentCircuitBreaker") or {}
        alarms = config.get("alarms") or {}
        observed = {"circuit_breaker": breaker or None, "alarms": alarms.get("alarmNames") if alarms else None,
                    "cluster": service.get("clusterArn")}
        name, arn = service.get("serviceName"), service["serviceArn"]
        if (breaker.get("enable") and breaker.get("rollback")) or (alarms.get("enable") and alarms.get("rollback")):
            how = "circuit breaker" if breaker.get("rollback") else "alarms"
            yield ctx.passed(arn, f"ECS service {name} rolls back failed deployments ({how})", observed)
        else:
            yield ctx.failed(arn, f"ECS service {name} has no deployment circuit breaker or alarm with rollback",
                             observed)


@check(
    id="cloudformation.rollback_triggers",
    title="CloudFormation stacks roll back on alarms",
    service="cloudformation",
    severity="low",
    description="""CloudFormation stacks have rollback triggers: CloudWatch alarms watched during a stack
        update and for a monitoring period after it, which roll the update back when they go off
        (DescribeStacks, RollbackConfiguration). One finding per stack. Stacks whose changes are guarded
        another way (a pipeline's own tests and rollback) fail here and say so in the evidence.""",
    remediation="""Add rollback triggers with the workload's customer-impact alarms and a monitoring period
        to the stacks that carry production changes (update-stack --rollback-configuration).""",
    reads=["cloudformation:DescribeStacks"],
)
def rollback_triggers(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per stack."""
    for stack in ctx.call("cloudformation", "DescribeStacks", required=("Stacks",)).get("Stacks", []):
        if stack.get("StackStatus") in _GONE or stack.get("ParentId"):
            continue  # nested stacks roll back with their parent
        config = stack.get("RollbackConfiguration") or {}
        triggers = [t.get("Arn") for t in config.get("RollbackTriggers") or []]
        observed = {"rollback_triggers": triggers, "monitoring_minutes": config.get("MonitoringTimeInMinutes"),
                    "disable_rollback": stack.get("DisableRollback")}
        name, arn = stack.get("StackName"), stack.get("StackId", stack.get("StackName"))
        if triggers:
            yield ctx.passed(arn, f"Stack {name} rolls back when {len(triggers)} alarm(s) go off", observed)
        else:
            yield ctx.failed(arn, f"Stack {name} has no rollback trigger", observed)


@check(
    id="codepipeline.tests_before_deploy",
    title="Pipelines test changes before they deploy",
    service="codepipeline",
    severity="medium",
    description="""Every CodePipeline pipeline of the region has a test action (category Test, or a build
        action whose name says it tests) before its last deploy action, so a change is validated before it
        reaches the last environment. Manual approval actions and the number of deploy stages are recorded.
        One finding per pipeline. How often pipelines run is not read (it would cost a read per pipeline).""",
    remediation="""Add unit and integration test actions after the build and before each deploy, and a
        manual approval (or automated gates) before production.""",
    reads=["codepipeline:ListPipelines", "codepipeline:GetPipeline"],
)
def tests_before_deploy(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per pipeline."""
    names = [p["name"] for p in ctx.call("codepipeline", "ListPipelines", required=("pipelines",)).get("pipelines", [])]

    def one(name: str) -> Finding:
        try:
            detail = ctx.call("codepipeline", "GetPipeline", name=name)
        except NotAssessed as exc:
            return ctx.not_assessed(ctx.arn("codepipeline", name), exc)
        pipeline = detail.get("pipeline") or {}
        arn = (detail.get("metadata") or {}).get("pipelineArn") or ctx.arn("codepipeline", name)
        steps = [(stage.get("name", ""), action.get("name", ""), (action.get("actionTypeId") or {}).get("category"))
                 for stage in pipeline.get("stages") or [] for action in stage.get("actions") or []]
        deploys = [i for i, s in enumerate(steps) if s[2] == "Deploy"]
        tests = [i for i, s in enumerate(steps) if s[2] == "Test" or (s[2] == "Build" and "test" in s[1].lower())]
        approvals = [s[1] for s in steps if s[2] == "Approval"]
        observed = {"stages": [s.get("name") for s in pipeline.get("stages") or []],
                    "test_actions": [steps[i][1] for i in tests], "approval_actions": approvals,
                    "deploy_actions": len(deploys)}
        if tests and (not deploys or min(tests) < max(deploys)):
            extra = f" and {len(approvals)} approval(s)" if approvals else ""
            return ctx.passed(arn, f"Pipeline {name} tests changes before it deploys ({len(tests)} test "
                              f"action(s){extra})", observed)
        return ctx.failed(arn, f"Pipeline {name} deploys without a test action", observed)

    yield from ctx.map(one, names)
