"""New instances start only from approved images: the EC2 Allowed AMIs setting is enforced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
