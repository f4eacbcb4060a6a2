"""Deployment pipelines: the regions that run workloads are deployed to by CodePipeline, not by hand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import instances
from scanner.api import CheckContext, Finding, NotAssessed, check


def action_regions(pipeline: dict[str, Any]) -> set[str]:
    """The regions a pipeline's cross-region actions run in (GetPipeline's ``pipeline`` structure)."""
    return {action["region"] for stage in pipeline.get("stages", []) for action in stage.get("actions", [])
            if action.get("region")}


def pipelines_for(ctx: CheckContext, region: str) -> tuple[list[str], list[str], list[NotAssessed]]:
    """Pipelines that live in ``region``, pipelines elsewhere with actions in ``region``, and read errors.

    Pipelines of other scanned regions are read once per scan (the collector shares the answers), so
    every region's run sees the same definitions.
    """
    local: list[str] = []
    remote: list[str] = []
    errors: list[NotAssessed] = []
    for home in ctx.regions:
        try:
            listed = ctx.call("codepipeline", "ListPipelines", region=home,
                              required=("pipelines",)).get("pipelines", [])
        except NotAssessed as exc:
            if home == region:
                raise
            errors.append(exc)
            continue
        for item in listed:
            if home == region:
                local.append(item["name"])
                continue
            try:
                detail = ctx.call("codepipeline", "GetPipeline", region=home, name=item["name"])
            except NotAssessed as exc:
                errors.append(exc)
                continue
            if region in action_regions(detail.get("pipeline", {})):
                remote.append(f"{item['name']} ({home})")
    return sorted(local), sorted(remote), errors


@check(
    id="codepipeline.pipelines_exist",
    title="Workload regions are deployed by pipelines",
    service="codepipeline",
    severity="low",
    effort="high",
    description="""Every region that runs EC2 instances or Lambda functions has a CodePipeline pipeline, or
        is the target of a cross-region action of a pipeline in another scanned region. Pipelines run by
        other systems (GitHub Actions, GitLab, Jenkins, or CodePipeline in a separate tooling account) are
        not visible from the account, so a failure asks the reviewer how changes reach that region.
        Regions with neither workloads nor pipelines get no finding.""",
    remediation="""Deploy infrastructure and application changes through a pipeline (CodePipeline with
        build, test and deploy stages, or your CI/CD system through an OIDC role into the account) instead
        of applying them by hand.""",
    reads=["codepipeline:ListPipelines", "codepipeline:GetPipeline", "ec2:DescribeInstances",
           "lambda:ListFunctions"],
)
def pipelines_exist(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the region when it has pipelines or workloads."""
    local, remote, errors = pipelines_for(ctx, ctx.region)
    observed: dict[str, Any] = {"pipelines_here": local, "pipelines_deploying_here": remote}
    if local or remote:
        names = ", ".join(local + remote)
        yield ctx.passed(ctx.account_resource(), f"{ctx.region} is deployed by pipelines: {names}", observed)
        return
    if errors:
        # A pipeline in an unreadable region may deploy here: no verdict.
        yield ctx.not_assessed(ctx.account_resource(), errors[0])
        return
    servers = len(instances(ctx))
    functions = len(ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", []))
    observed.update({"instances": servers, "lambda_functions": functions})
    if servers or functions:
        yield ctx.failed(ctx.account_resource(), f"{ctx.region} runs {servers} instances and {functions} Lambda "
                         "functions but no CodePipeline pipeline lives in or deploys to it", observed)
