"""New instances start from approved, rebuilt images: Allowed AMIs enforced, Image Builder pipelines scheduled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import timestamp_text
from checks._ec2 import instances
from scanner.api import CheckContext, Finding, check


def _criteria(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What each criterion allows, without the long watermark and scan details."""
    keep = ("ImageProviders", "ImageNames", "MarketplaceProductCodes")
    return [{k: c[k] for k in keep if c.get(k)} | ({"conditions": sorted(set(c) - set(keep))} if set(c) - set(keep)
                                                    else {}) for c in criteria]


@check(
    id="ec2.allowed_images_enforced",
    title="Only approved AMIs can be launched",
    service="ec2",
    severity="medium",
    effort="medium",
    description="""The region's EC2 Allowed AMIs setting is enabled (GetAllowedImagesSettings State
        "enabled"), so instances can only be launched from images that match the approved criteria (image
        providers such as this account or the organization's image accounts, image names, Marketplace
        products, image age). "audit-mode" only reports and does not pass. The criteria are recorded;
        whether the approved images are themselves hardened is not visible here. A declarative policy of the
        organization that manages the setting is recorded as ManagedBy.""",
    remediation="""Build hardened images in an image account (EC2 Image Builder with CIS or STIG components),
        approve that provider with ec2 replace-image-criteria-in-allowed-images-settings, run in audit mode
        until no workload launches outside it, then ec2 enable-allowed-images-settings --allowed-images-settings-state
        enabled (or manage it for the organization with a declarative policy).""",
    reads=["ec2:GetAllowedImagesSettings"],
)
def allowed_images_enforced(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    answer = ctx.call("ec2", "GetAllowedImagesSettings")
    state = answer.get("State") or "disabled"
    observed = {"state": state, "managed_by": answer.get("ManagedBy"),
                "criteria": _criteria(answer.get("ImageCriteria") or [])}
    resource = ctx.account_resource()
    if state == "enabled":
        yield ctx.passed(resource, f"Allowed AMIs is enforced in {ctx.region} with "
                         f"{len(observed['criteria'])} image criteria", observed)
    elif state == "audit-mode":
        yield ctx.failed(resource, f"Allowed AMIs only audits in {ctx.region}: any image can still be launched",
                         observed)
    else:
        yield ctx.failed(resource, f"Allowed AMIs is off in {ctx.region}: any image can be launched", observed)


@check(
    id="imagebuilder.pipelines_scheduled",
    title="Images are rebuilt by a scheduled Image Builder pipeline",
    service="imagebuilder",
    severity="low",
    effort="medium",
    description="""A region that runs EC2 instances has at least one enabled EC2 Image Builder pipeline with
        a schedule (ListImagePipelines), so the image is rebuilt from its recipe, with current patches and
        hardening components, without anyone starting it. A pipeline whose last run failed is reported.
        Whether the running instances were launched from the pipeline's images, and images built by other
        tools (Packer in a CI pipeline), are not seen. Regions with no instance are skipped.""",
    remediation="""Build the base image in EC2 Image Builder from a recipe with hardening components (CIS or
        STIG) and tests, schedule the pipeline (weekly, or when a dependency updates), distribute the image
        to the accounts and regions that need it, and launch instances only from its latest version.""",
    reads=["ec2:DescribeInstances", "imagebuilder:ListImagePipelines"],
)
def pipelines_scheduled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region that runs instances."""
    if not instances(ctx):
        return
    pipelines = ctx.call("imagebuilder", "ListImagePipelines", required=("imagePipelineList",)).get(
        "imagePipelineList", [])
    scheduled = [p for p in pipelines
                 if p.get("status") == "ENABLED" and (p.get("schedule") or {}).get("scheduleExpression")]
    observed = {"pipelines": [{"name": p.get("name"), "status": p.get("status"),
                               "schedule": (p.get("schedule") or {}).get("scheduleExpression"),
                               "last_run": timestamp_text(p.get("dateLastRun")),
                               "last_run_status": p.get("lastRunStatus")}
                              for p in pipelines][:20]}
    resource = ctx.account_resource()
    healthy = [p for p in scheduled if p.get("lastRunStatus") != "FAILED"]
    if healthy:
        yield ctx.passed(resource, f"{len(healthy)} scheduled Image Builder pipeline(s) rebuild images in "
                         f"{ctx.region}", observed)
    elif scheduled:
        yield ctx.failed(resource, f"Every scheduled Image Builder pipeline in {ctx.region} failed its last run",
                         observed)
    elif pipelines:
        yield ctx.failed(resource, f"No Image Builder pipeline in {ctx.region} is enabled with a schedule", observed)
    else:
        yield ctx.failed(resource, f"Instances run in {ctx.region} but no Image Builder pipeline builds their images",
                         observed)
