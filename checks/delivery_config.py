"""Configuration is managed by a system: AWS AppConfig for application settings, State Manager for servers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import instances
from scanner.api import CheckContext, Finding, NotAssessed, check

LISTED = 10  # names kept per kind in the evidence
# Associations that patch or take inventory keep no configuration of their own (the patching checks read them).
NOT_CONFIGURATION = ("AWS-RunPatchBaseline", "AWS-GatherSoftwareInventory")


def appconfig_profiles(ctx: CheckContext) -> list[str]:
    """"application/profile" for every AppConfig configuration profile of the region."""
    apps = ctx.call("appconfig", "ListApplications").get("Items", [])

    def one(app: dict[str, Any]) -> list[str]:
        profiles = ctx.call("appconfig", "ListConfigurationProfiles", ApplicationId=app["Id"]).get("Items", [])
        return [f"{app.get('Name', app['Id'])}/{p.get('Name', p.get('Id'))}" for p in profiles]

    return sorted(name for names in ctx.map(one, apps) for name in names)


def state_manager_associations(ctx: CheckContext) -> list[str]:
    """Names of the region's State Manager associations that apply configuration (the patching check's read)."""
    found = ctx.call("ssm", "ListAssociations", required=("Associations",)).get("Associations", [])
    return sorted(str(a.get("AssociationName") or a.get("Name") or a.get("AssociationId")) for a in found
                  if not str(a.get("Name") or "").startswith(NOT_CONFIGURATION))


@check(
    id="appconfig.configuration_management_used",
    title="Configuration is deployed by AppConfig or State Manager",
    service="appconfig",
    severity="low",
    effort="medium",
    description="""A region that runs EC2 instances or Lambda functions has AWS AppConfig configuration
        profiles (application settings and feature flags deployed and rolled back as versions) or Systems
        Manager State Manager associations (a desired configuration applied to servers on a schedule;
        associations that only patch or take inventory do not count). The
        profiles and associations are listed. Configuration kept by other systems (Ansible, Chef, Puppet,
        parameters read at start-up) is not visible to this check. Regions with neither workloads nor
        configuration systems get no finding.""",
    remediation="""Keep application configuration and feature flags in AppConfig with validators and a
        gradual deployment strategy, and apply server configuration with State Manager associations (or
        another configuration management tool) instead of changing servers by hand.""",
    reads=["appconfig:ListApplications", "appconfig:ListConfigurationProfiles", "ssm:ListAssociations",
           "ec2:DescribeInstances", "lambda:ListFunctions"],
)
def configuration_management_used(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the region when it has workloads or configuration systems."""
    profiles = appconfig_profiles(ctx)
    try:
        associations = state_manager_associations(ctx)
    except NotAssessed as exc:
        if not profiles:
            raise
        associations, skipped = [], exc  # the profiles already show a system in use
    else:
        skipped = None
    observed: dict[str, Any] = {"appconfig_profiles": profiles[:LISTED], "state_manager_associations":
                                associations[:LISTED]}
    if skipped is not None:
        observed["state_manager_not_read"] = skipped.detail
    if profiles or associations:
        parts = [f"{len(v)} {what}" for v, what in ((profiles, "AppConfig profile(s)"),
                                                    (associations, "State Manager association(s)")) if v]
        yield ctx.passed(ctx.account_resource(), f"Configuration in {ctx.region} is managed by "
                         f"{' and '.join(parts)}", observed)
        return
    servers = len(instances(ctx))
    functions = len(ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", []))
    observed.update({"instances": servers, "lambda_functions": functions})
    if servers or functions:
        yield ctx.failed(ctx.account_resource(), f"{ctx.region} runs {servers} instances and {functions} Lambda "
                         "functions but has no AppConfig profile and no State Manager association", observed)
