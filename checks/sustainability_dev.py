"""Development and test infrastructure used efficiently: builds run on capacity that exists only while
they run, and apps are tested on a managed device farm instead of a shelf of owned devices."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import GLOBAL, CheckContext, Finding, check

BATCH = 100  # BatchGetProjects and BatchGetFleets take at most 100 names
DEVICE_FARM_REGION = "us-west-2"  # AWS Device Farm runs only in US West (Oregon) (Device Farm developer guide)


def _projects(ctx: CheckContext) -> list[dict[str, Any]]:
    # The same requests as the CodeBuild project checks make, so the collector answers all of them once.
    names = ctx.call("codebuild", "ListProjects", required=("projects",))["projects"]
    out: list[dict[str, Any]] = []
    for start in range(0, len(names), BATCH):
        out += ctx.call("codebuild", "BatchGetProjects", names=names[start:start + BATCH]).get("projects", [])
    return out


def _fleets(ctx: CheckContext, arns: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(arns), BATCH):
        for fleet in ctx.call("codebuild", "BatchGetFleets", names=arns[start:start + BATCH]).get("fleets", []):
            out[fleet["arn"]] = fleet
    return out


@check(
    id="codebuild.on_demand_build_capacity",
    title="Builds run on capacity that exists only while they run",
    service="codebuild",
    severity="low",
    effort="medium",
    description="""The region's CodeBuild projects build on on-demand compute, whose build hosts are created for
        a build and released after it, or on a reserved-capacity fleet that scales with the build queue (a
        scaling configuration). A fleet without one keeps its base capacity running whether or not anything
        builds. Reads the projects the other CodeBuild checks read, and BatchGetFleets only when a project
        uses a fleet. Build servers run outside CodeBuild (Jenkins on EC2, self-hosted runners) are not seen.""",
    remediation="""Run builds on CodeBuild on-demand compute, or give the reserved-capacity fleet a target
        tracking scaling configuration (codebuild update-fleet --scaling-configuration) with a small base
        capacity; stop self-hosted build servers outside working hours.""",
    reads=["codebuild:ListProjects", "codebuild:BatchGetProjects", "codebuild:BatchGetFleets"],
)
def on_demand_build_capacity(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with build projects."""
    projects = _projects(ctx)
    if not projects:
        return
    on_fleet = {p["name"]: ((p.get("environment") or {}).get("fleet") or {}).get("fleetArn") for p in projects}
    arns = sorted({arn for arn in on_fleet.values() if arn})
    fleets = _fleets(ctx, arns) if arns else {}
    static = sorted(arn for arn in arns if not (fleets.get(arn) or {}).get("scalingConfiguration"))
    observed = {"projects": len(projects), "on_demand": sorted(n for n, arn in on_fleet.items() if not arn)[:20],
                "fleets": [{"fleet": (fleets.get(arn) or {}).get("name") or arn.rsplit("/", 1)[-1],
                            "base_capacity": (fleets.get(arn) or {}).get("baseCapacity"),
                            "scaling": ((fleets.get(arn) or {}).get("scalingConfiguration") or {}).get("scalingType")}
                           for arn in arns]}
    resource = ctx.account_resource()
    if static:
        names = ", ".join(arn.rsplit("/", 1)[-1].split(":")[0] for arn in static[:3])
        yield ctx.failed(resource, f"CodeBuild fleet(s) {names} in {ctx.region} keep their base capacity running "
                         "with no scaling configuration", observed)
    else:
        yield ctx.passed(resource, f"All {len(projects)} CodeBuild projects in {ctx.region} build on on-demand or "
                         "scaling capacity", observed)


@check(
    id="devicefarm.projects_in_use",
    title="Apps are tested on a managed device farm",
    service="devicefarm",
    scope="global",
    severity="low",
    effort="medium",
    description="""The account has an AWS Device Farm project for tests on real mobile devices or a test grid
        project for desktop browsers (ListProjects and ListTestGridProjects in us-west-2, the only region
        where Device Farm runs), so device testing shares managed hardware instead of devices bought and kept
        for it. Other device farms (third-party services) are not seen; a workload with no mobile or web
        front end has no need of one.""",
    remediation="""Create a Device Farm project (devicefarm create-project) and run the app's automated tests on
        a representative device pool from the CI/CD pipeline; use a test grid project for browser tests.""",
    reads=["devicefarm:ListProjects", "devicefarm:ListTestGridProjects"],
)
def projects_in_use(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    projects = ctx.call("devicefarm", "ListProjects", region=DEVICE_FARM_REGION,
                        required=("projects",)).get("projects", [])
    grids = ctx.call("devicefarm", "ListTestGridProjects", region=DEVICE_FARM_REGION,
                     required=("testGridProjects",)).get("testGridProjects", [])
    observed = {"device_projects": [p.get("name") for p in projects][:20],
                "test_grid_projects": [p.get("name") for p in grids][:20]}
    resource = ctx.account_resource(region=GLOBAL)
    if projects or grids:
        yield ctx.passed(resource, f"AWS Device Farm has {len(projects)} device project(s) and {len(grids)} browser "
                         "test grid project(s)", observed)
    else:
        yield ctx.failed(resource, "The account has no AWS Device Farm project", observed)
