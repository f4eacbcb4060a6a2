"""Workloads are separated by account: the account belongs to an AWS Organization with organizational units."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import GLOBAL, CheckContext, Finding, NotAssessed, check


@check(
    id="organizations.multi_account_structure",
    title="Workloads are separated into accounts of an organization",
    service="organizations",
    scope="global",
    severity="high",
    description="""The scanned account belongs to an AWS Organization. Seen from the management account, the
        organization also has more than one active account and at least one organizational unit under its
        root, so workloads and environments can be isolated and governed by OU. From a member account only
        membership can be seen.""",
    remediation="""Create an organization (or use AWS Control Tower), move workloads into their own accounts per
        environment, and group them into organizational units (Security, Infrastructure, Workloads/Prod,
        Workloads/Non-prod) to which policies attach.""",
    reads=["organizations:DescribeOrganization", "organizations:ListAccounts", "organizations:ListRoots",
           "organizations:ListOrganizationalUnitsForParent"],
)
def multi_account_structure(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    resource = ctx.account_resource(region=GLOBAL)
    org = ctx.call("organizations", "DescribeOrganization",
                   absent=("AWSOrganizationsNotInUseException",))
    if org is None:
        yield ctx.failed(resource, "The account belongs to no AWS Organization: every workload and environment "
                         "shares one account boundary", {"organization": None})
        return
    info = org.get("Organization", {})
    observed = {"organization": info.get("Id"), "management_account": info.get("MasterAccountId"),
                "feature_set": info.get("FeatureSet")}
    if info.get("MasterAccountId") != ctx.account:
        yield ctx.passed(resource, f"The account is a member of organization {info.get('Id')} (its structure is "
                         "only visible from the management account)", observed | {"member": True})
        return
    try:
        accounts = [a for a in ctx.call("organizations", "ListAccounts", required=("Accounts",)).get("Accounts", [])
                    if a.get("Status", "ACTIVE") == "ACTIVE"]
        roots = ctx.call("organizations", "ListRoots", required=("Roots",)).get("Roots", [])
        units = [u for r in roots for u in ctx.call("organizations", "ListOrganizationalUnitsForParent",
                                                    ParentId=r["Id"]).get("OrganizationalUnits", [])]
    except NotAssessed as exc:
        yield ctx.not_assessed(resource, exc)
        return
    observed |= {"member": False, "active_accounts": len(accounts),
                 "top_level_units": sorted(u.get("Name", u["Id"]) for u in units)}
    if len(accounts) > 1 and units:
        yield ctx.passed(resource, f"Organization {info.get('Id')} has {len(accounts)} active accounts in "
                         f"{len(units)} top-level organizational unit(s)", observed)
    elif len(accounts) > 1:
        yield ctx.failed(resource, f"Organization {info.get('Id')} has {len(accounts)} accounts but no "
                         "organizational unit: every account sits under the root", observed)
    else:
        yield ctx.failed(resource, f"Organization {info.get('Id')} has only the management account", observed)
