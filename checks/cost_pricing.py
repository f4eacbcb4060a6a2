"""Pricing model analysis: someone asks Cost Explorer for fresh Savings Plans recommendations, in the
account and at the management account, rather than buying (or not buying) commitments blind.

Cost Explorer bills each request ($0.01 at the time of writing, AWS Cost Explorer pricing page); both
checks share one ListSavingsPlansPurchaseRecommendationGeneration per scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from checks._dates import as_datetime, iso
from scanner.api import GLOBAL, CheckContext, Finding, NotAssessed, Reason, check

NOT_IN_USE = "AWSOrganizationsNotInUseException"


def generations(ctx: CheckContext) -> list[dict[str, Any]]:
    """The Savings Plans recommendation generations of the last 30 days (all AWS keeps), newest first."""
    answer = ctx.call("ce", "ListSavingsPlansPurchaseRecommendationGeneration", required=("GenerationSummaryList",))
    found = [g for g in answer.get("GenerationSummaryList", []) if as_datetime(g.get("GenerationStartedTime"))]
    return sorted(found, key=lambda g: as_datetime(g["GenerationStartedTime"]), reverse=True)


def _observed(found: list[dict[str, Any]]) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"generations_last_30_days": len(found),
            "succeeded": sum(1 for g in found if g.get("GenerationStatus") == "SUCCEEDED"),
            "latest_started": iso(as_datetime(found[0]["GenerationStartedTime"])) if found else None,
            "days_since_latest": (now - as_datetime(found[0]["GenerationStartedTime"])).days if found else None}


def _assess(ctx: CheckContext, resource: str, where: str) -> Iterator[Finding]:
    found = generations(ctx)
    observed = _observed(found)
    done = [g for g in found if g.get("GenerationStatus") in ("SUCCEEDED", "PROCESSING")]
    if done:
        yield ctx.passed(resource, f"Savings Plans recommendations were regenerated {len(done)} time(s) {where} in "
                         f"the last 30 days (latest {observed['latest_started']})", observed)
    elif found:
        yield ctx.failed(resource, f"Every Savings Plans recommendation generation {where} in the last 30 days "
                         "failed", observed)
    else:
        yield ctx.failed(resource, f"Nobody regenerated Savings Plans recommendations {where} in the last 30 days",
                         observed)


@check(
    id="ce.commitment_analysis_recent",
    title="Savings Plans recommendations were refreshed for an analysis",
    service="ce",
    scope="global",
    severity="low",
    effort="low",
    description="""Someone asked Cost Explorer to regenerate the account's Savings Plans purchase
        recommendations in the last 30 days (ListSavingsPlansPurchaseRecommendationGeneration lists the
        generations AWS keeps, which is 30 days): the recommendations were refreshed because a commitment
        analysis was being made. Reading the daily recommendations without refreshing them, or analysing
        the Cost and Usage Report elsewhere, leaves no trace this check can see.""",
    remediation="""Review commitments every two to four weeks: refresh the Savings Plans recommendations in
        Cost Explorer (ce start-savings-plans-purchase-recommendation-generation), compare them with the
        hourly usage floor and the Reserved Instance recommendations, and record the purchase decision.""",
    reads=["ce:ListSavingsPlansPurchaseRecommendationGeneration"],
)
def commitment_analysis_recent(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    yield from _assess(ctx, ctx.account_resource("ce-savings-plans-recommendations", region=GLOBAL),
                       "for this account")


@check(
    id="ce.management_commitment_analysis",
    title="The management account analyses commitments for the organization",
    service="ce",
    scope="global",
    severity="low",
    effort="low",
    description="""Scanned from an organization's management account: Savings Plans purchase recommendations
        were regenerated there in the last 30 days, so the commitment analysis covers the usage of every
        member account (recommendations at the management account are computed across the organization).
        From a member account, or outside an organization, the check does not apply and says so.""",
    remediation="""From the management account, refresh the Savings Plans recommendations with the payer scope
        every two to four weeks and buy commitments there, where discount sharing spreads them over the
        organization's usage.""",
    reads=["organizations:DescribeOrganization", "ce:ListSavingsPlansPurchaseRecommendationGeneration"],
)
def management_commitment_analysis(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the organization when the scanned account manages it."""
    answer = ctx.call("organizations", "DescribeOrganization", absent=(NOT_IN_USE,))
    resource = ctx.account_resource("ce-savings-plans-recommendations", region=GLOBAL)
    if answer is None:
        yield ctx.not_assessed(resource, NotAssessed(
            Reason.NOT_ENABLED, "the account is not in an AWS Organization: there is no management account level",
            code=NOT_IN_USE))
        return
    org = answer["Organization"]
    management = org.get("MasterAccountId")
    if management != ctx.account:
        yield ctx.not_assessed(resource, NotAssessed(
            Reason.NOT_ENABLED, f"the scanned account is a member of organization {org.get('Id')}; scan the "
                                f"management account ({management}) to see its commitment analysis"))
        return
    yield from _assess(ctx, org.get("Arn") or resource, f"at the management account of {org.get('Id')}")
