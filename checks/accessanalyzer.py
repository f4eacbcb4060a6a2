"""IAM Access Analyzer watching for external access in every enabled region."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check

EXTERNAL_ACCESS_TYPES = ("ACCOUNT", "ORGANIZATION")


@check(
    id="accessanalyzer.enabled",
    title="IAM Access Analyzer is enabled",
    service="accessanalyzer",
    severity="medium",
    effort="low",
    description="""An active IAM Access Analyzer for external access (type ACCOUNT or ORGANIZATION) exists in
        the region, so resources shared outside the account or organization (buckets, keys, roles, queues,
        snapshots) are found. Unused-access and internal-access analyzers are recorded but do not count.
        An organization analyzer lives in the management or delegated administrator account and is not
        listed in member accounts. Security Hub IAM.28 (the account must have an external access analyzer).""",
    remediation="""Create an external access analyzer in every enabled region, for the whole organization
        from the delegated administrator account, and route its findings to the security team.""",
    reads=["accessanalyzer:ListAnalyzers"],
)
def analyzer_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    analyzers = ctx.call("accessanalyzer", "ListAnalyzers", required=("analyzers",)).get("analyzers", [])
    listed = [{"name": a.get("name"), "type": a.get("type"), "status": a.get("status"), "arn": a.get("arn")}
              for a in analyzers]
    active = [a for a in listed if a["type"] in EXTERNAL_ACCESS_TYPES and a["status"] == "ACTIVE"]
    observed = {"analyzers": listed, "active_external_access_analyzers": len(active)}
    resource = ctx.account_resource("access-analyzer")
    if active:
        yield ctx.passed(resource, f"IAM Access Analyzer {active[0]['name']} ({active[0]['type']}) is active in "
                                   f"{ctx.region}", observed)
    elif listed:
        yield ctx.failed(resource, f"No active external access analyzer in {ctx.region} "
                                   f"({len(listed)} other analyzer(s))", observed)
    else:
        yield ctx.failed(resource, f"IAM Access Analyzer has no analyzer in {ctx.region}", observed)
