"""Immutable deployments: CodeDeploy replaces servers (blue/green) instead of changing them in place."""

from __future__ import annotations

from collections.abc import Iterator

from checks._codedeploy import deployment_groups
from scanner.api import CheckContext, Finding, check


@check(
    id="codedeploy.blue_green_servers",
    title="CodeDeploy replaces servers instead of updating them in place",
    service="codedeploy",
    severity="low",
    effort="high",
    description="""Every CodeDeploy deployment group for EC2 or on-premises servers deploys blue/green: a new
        fleet gets the new revision and traffic moves to it, so the running servers are never changed in
        place and the old fleet is there to go back to. In-place groups fail. Lambda and ECS deployment
        groups always shift traffic to a new version or task set and pass. One finding per deployment group.
        Deployments by other tools (new AMIs through Auto Scaling instance refresh, container rollouts) are
        not visible to this check.""",
    remediation="""Switch the deployment group to blue/green (deploymentStyle deploymentType BLUE_GREEN with
        traffic control behind the load balancer), or bake images and replace instances through the Auto
        Scaling group.""",
    reads=["codedeploy:ListApplications", "codedeploy:ListDeploymentGroups", "codedeploy:GetDeploymentGroup"],
)
def blue_green_servers(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per deployment group."""
    for info in deployment_groups(ctx):
        if isinstance(info, tuple):
            yield ctx.not_assessed(*info)
            continue
        app, name = info.get("applicationName"), info.get("deploymentGroupName")
        arn = ctx.arn("codedeploy", f"deploymentgroup:{app}/{name}")
        platform = info.get("computePlatform") or "Server"
        style = (info.get("deploymentStyle") or {}).get("deploymentType") or "IN_PLACE"
        observed = {"application": app, "compute_platform": platform, "deployment_type": style,
                    "deployment_option": (info.get("deploymentStyle") or {}).get("deploymentOption")}
        if platform in ("Lambda", "ECS"):
            yield ctx.passed(arn, f"Deployment group {name} shifts traffic to a new {platform} version", observed)
        elif style == "BLUE_GREEN":
            yield ctx.passed(arn, f"Deployment group {name} deploys to a replacement fleet (blue/green)", observed)
        else:
            yield ctx.failed(arn, f"Deployment group {name} updates its servers in place", observed)
