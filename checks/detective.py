"""Amazon Detective keeps a behavior graph ready for investigations."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check


@check(
    id="detective.enabled",
    title="Detective is enabled",
    service="detective",
    severity="low",
    effort="low",
    description="""The account has an Amazon Detective behavior graph in the region, either as its
        administrator or as an enabled member of another account's graph. Detective keeps up to a year of
        correlated CloudTrail, VPC flow log and GuardDuty data, so an investigation can start at once
        instead of after logs are collected.""",
    remediation="""Enable Detective in the regions where workloads run (for the organization, from the
        GuardDuty/Security Hub administrator account with automatic member enablement).""",
    reads=["detective:ListGraphs", "detective:ListInvitations"],
)
def detective_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region: a graph the account administers or belongs to, or none."""
    resource = ctx.account_resource()
    graphs = [g.get("Arn") for g in ctx.call("detective", "ListGraphs").get("GraphList", [])]
    if graphs:
        yield ctx.passed(resource, f"Detective behavior graph in {ctx.region}: this account administers it",
                         {"administered_graphs": graphs, "member_of": []})
        return
    invitations = ctx.call("detective", "ListInvitations").get("Invitations", [])
    member_of = [i.get("GraphArn") for i in invitations if i.get("Status") == "ENABLED"]
    observed = {"administered_graphs": [], "member_of": member_of,
                "pending_invitations": sum(1 for i in invitations if i.get("Status") == "INVITED")}
    if member_of:
        yield ctx.passed(resource, f"Detective in {ctx.region}: this account is an enabled member of "
                         f"{member_of[0]}", observed)
    else:
        yield ctx.failed(resource, f"Detective is not enabled in {ctx.region}", observed)
