"""Deployment pipelines: changes reach the account through CodePipeline rather than by hand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.context import CheckContext
from scanner.errors import NotAssessed
from scanner.model import Finding
from scanner.registry import check


@check(
    id="codepipeline.pipelines_exist",
    title="Deployments run through pipelines",
    service="codepipeline",
    scope="global",
    severity="low",
    description="""At least one AWS CodePipeline pipeline exists in the scanned regions. Pipelines run by
        other systems (GitHub Actions, GitLab, Jenkins, or CodePipeline in a separate tooling account) are
        not visible from the account, so a failure here asks the reviewer how changes are deployed.""",
    remediation="""Deploy infrastructure and application changes through a pipeline (CodePipeline, or your
        CI/CD system with an OIDC role into the account) with build, test and deploy stages, instead of
        applying them by hand.""",
    reads=["codepipeline:ListPipelines"],
)
def pipelines_exist(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding; a region that cannot be read is reported as not assessed."""
    per_region: dict[str, list[str]] = {}
    errors: dict[str, NotAssessed] = {}
    for region in ctx.regions:
        try:
            listed = ctx.call("codepipeline", "ListPipelines", region=region).get("pipelines", [])
        except NotAssessed as exc:
            errors[region] = exc
            continue
        if listed:
            per_region[region] = sorted(p["name"] for p in listed)
    observed: dict[str, Any] = {"pipelines_by_region": per_region,
                                "pipelines": sum(len(v) for v in per_region.values()),
                                "regions_checked": [r for r in ctx.regions if r not in errors]}
    for region, exc in errors.items():
        yield ctx.not_assessed(ctx.account_resource(region=region), exc, region=region)
    if per_region:
        where = ", ".join(f"{r} ({len(v)})" for r, v in per_region.items())
        yield ctx.passed(ctx.account_resource(), f"{observed['pipelines']} CodePipeline pipelines: {where}", observed)
    elif not errors:
        yield ctx.failed(ctx.account_resource(), f"No CodePipeline pipeline in {len(ctx.regions)} scanned regions",
                         observed)
