"""The people who respond to a security incident are on record with AWS Security Incident Response."""

from __future__ import annotations

from collections.abc import Iterator

from checks._dates import timestamp_text
from scanner.api import GLOBAL, CheckContext, Finding, NotAssessed, check


@check(
    id="securityir.response_team_named",
    title="An incident response team is named in AWS Security Incident Response",
    service="security-ir",
    scope="global",
    severity="medium",
    effort="low",
    description="""The account has an active AWS Security Incident Response membership whose incident response
        team lists at least one person (ListMemberships, then GetMembership for each membership): the
        responders AWS's incident response engineers contact and work with during a case, kept with their
        job titles and contact channels. Only the number of people and which of them have an email address
        are recorded, never a name or an address. Contact lists kept elsewhere (Incident Manager, a runbook)
        are not read, and membership held by another account of the organization is not visible here.""",
    remediation="""Subscribe the organization to AWS Security Incident Response from the management or delegated
        administrator account and name the incident response team (at least two people with job titles and
        email addresses: security lead, on-call engineer); review the list when people change roles.""",
    reads=["security-ir:ListMemberships", "security-ir:GetMembership"],
)
def response_team_named(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per membership; one for the account when it has none."""
    summaries = ctx.call("security-ir", "ListMemberships", required=("items",)).get("items", [])
    if not summaries:
        yield ctx.failed(ctx.account_resource(region=GLOBAL), "The account has no AWS Security Incident Response "
                         "membership with a named response team", {"memberships": 0})
        return
    for summary in summaries:
        arn = summary.get("membershipArn") or ctx.arn("security-ir", f"membership/{summary['membershipId']}")
        region = summary.get("region") or ctx.api_region
        try:
            membership = ctx.call("security-ir", "GetMembership", region=region,
                                  membershipId=summary["membershipId"])
        except NotAssessed as exc:
            yield ctx.not_assessed(arn, exc)
            continue
        team = membership.get("incidentResponseTeam") or []
        status = membership.get("membershipStatus") or summary.get("membershipStatus")
        observed = {"membership": membership.get("membershipName") or summary["membershipId"], "status": status,
                    "region": region, "team_size": len(team), "members_with_email": sum(1 for m in team
                                                                                        if m.get("email")),
                    "accounts_covered": membership.get("numberOfAccountsCovered"),
                    "activated": timestamp_text(membership.get("membershipActivationTimestamp"))}
        name = observed["membership"]
        if status != "Active":
            yield ctx.failed(arn, f"Security Incident Response membership {name} is {status}", observed)
        elif not team:
            yield ctx.failed(arn, f"Security Incident Response membership {name} names no incident response team",
                             observed)
        else:
            yield ctx.passed(arn, f"Security Incident Response membership {name} names {len(team)} responder(s)",
                             observed)
