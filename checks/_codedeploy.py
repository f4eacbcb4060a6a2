"""CodeDeploy deployment groups, read once per scan for the deployment checks."""

from __future__ import annotations

from typing import Any

from scanner.api import CheckContext, NotAssessed


def deployment_groups(ctx: CheckContext) -> list[dict[str, Any] | tuple[str, NotAssessed]]:
    """Every CodeDeploy deployment group of the region (GetDeploymentGroup per group, concurrently), or the
    group's ARN and why it could not be read. Every check asks the same reads, so the collector answers once."""
    apps = ctx.call("codedeploy", "ListApplications", required=("applications",)).get("applications", [])
    pairs = [(app, group) for app in apps
             for group in ctx.call("codedeploy", "ListDeploymentGroups", applicationName=app).get("deploymentGroups",
                                                                                                   [])]

    def one(pair: tuple[str, str]) -> dict[str, Any] | tuple[str, NotAssessed]:
        app, group = pair
        try:
            return ctx.call("codedeploy", "GetDeploymentGroup", applicationName=app,
                            deploymentGroupName=group)["deploymentGroupInfo"]
        except NotAssessed as exc:
            return (ctx.arn("codedeploy", f"deploymentgroup:{app}/{group}"), exc)

    return ctx.map(one, pairs)
