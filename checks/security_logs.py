"""Security logs land in one standard place: an organization trail, an Amazon Security Lake data lake."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check


def _owner(trail: dict[str, Any]) -> str:
    parts = str(trail.get("TrailARN", "")).split(":")
    return parts[4] if len(parts) > 4 else ""


@check(
    id="cloudtrail.organization_trail",
    title="An organization trail records the account",
    service="cloudtrail",
    scope="global",
    severity="medium",
    effort="medium",
    description="""An AWS CloudTrail organization trail covers the account: a trail created in the
        management account (or a delegated administrator) that records every account of the organization
        into one bucket, so each account's management events land in the same place in the same shape. Read
        from the DescribeTrails answer of the home region (shadow trails included), which shows an
        organization trail in member accounts too. Per-account trails that deliver to a central bucket are
        not recognised as central.""",
    remediation="""Create one multi-region organization trail from the management account or the CloudTrail
        delegated administrator (cloudtrail create-trail --is-organization-trail --is-multi-region-trail) that
        delivers to a bucket in a log archive account with restricted access and log file validation.""",
    reads=["cloudtrail:DescribeTrails"],
)
def organization_trail(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the account."""
    # The same read as the other CloudTrail checks make in the home region, so it costs no extra call.
    trails = ctx.call("cloudtrail", "DescribeTrails", region=ctx.api_region, includeShadowTrails=True,
                      required=("trailList",)).get("trailList", [])
    org = [t for t in trails if t.get("IsOrganizationTrail")]
    observed = {"trails": len(trails), "organization_trails": [
        {"name": t.get("Name"), "owner_account": _owner(t), "multi_region": bool(t.get("IsMultiRegionTrail")),
         "home_region": t.get("HomeRegion")} for t in org]}
    resource = ctx.account_resource()
    if not org:
        yield ctx.failed(resource, f"No organization trail records the account ({len(trails)} trail(s), none "
                         "created for the organization)", observed)
        return
    trail = next((t for t in org if t.get("IsMultiRegionTrail")), org[0])
    where = "this account" if _owner(trail) == ctx.account else f"account {_owner(trail)}"
    yield ctx.passed(resource, f"Organization trail {trail.get('Name')} from {where} records the account", observed)


@check(
    id="securitylake.data_lake_enabled",
    title="Amazon Security Lake collects the region's security data",
    service="securitylake",
    severity="low",
    effort="medium",
    description="""An Amazon Security Lake data lake is set up in the region (ListDataLakes for the region,
        status COMPLETED): CloudTrail, VPC flow, Route 53 resolver and Security Hub data are normalised to
        OCSF in one bucket the security team controls. Accounts whose data a delegated administrator's
        data lake collects may show no data lake of their own; other central stores (a SIEM, a log archive
        account) are not seen.""",
    remediation="""Enable Security Lake from the delegated administrator for the organization's regions
        (securitylake create-data-lake), add the AWS log sources and the accounts, and set a rollup region
        and retention.""",
    reads=["securitylake:ListDataLakes"],
)
def data_lake_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    answer = ctx.call("securitylake", "ListDataLakes", regions=[ctx.region], absent=("ResourceNotFoundException",))
    lakes = [d for d in (answer or {}).get("dataLakes", []) if d.get("region", ctx.region) == ctx.region]
    resource = ctx.account_resource()
    if not lakes:
        yield ctx.failed(resource, f"No Security Lake data lake in {ctx.region}", {"data_lakes": []})
        return
    lake = lakes[0]
    observed = {"data_lake": lake.get("dataLakeArn"), "create_status": lake.get("createStatus"),
                "bucket": lake.get("s3BucketArn"),
                "expiration_days": ((lake.get("lifecycleConfiguration") or {}).get("expiration") or {}).get("days"),
                "rollup_regions": (lake.get("replicationConfiguration") or {}).get("regions", [])}
    if lake.get("createStatus") == "COMPLETED":
        yield ctx.passed(resource, f"Security Lake collects security data in {ctx.region}", observed)
    else:
        yield ctx.failed(resource, f"Security Lake data lake in {ctx.region} is {lake.get('createStatus')}", observed)
