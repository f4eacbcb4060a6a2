"""Logs are analysed, not only kept: saved Logs Insights queries, log anomaly detectors, Contributor Insights rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

LISTED = 10  # names kept per kind and region in the evidence


def _analysis(ctx: CheckContext, region: str) -> dict[str, list[str]]:
    """Names of the region's saved queries, active log anomaly detectors and enabled Contributor Insights rules."""
    # No ``required``: a pass rests on what is found, and a miss is only a silent fail.
    queries = ctx.call("logs", "DescribeQueryDefinitions", region=region).get("queryDefinitions", [])
    detectors = ctx.call("logs", "ListLogAnomalyDetectors", region=region).get("anomalyDetectors", [])
    rules = ctx.call("cloudwatch", "DescribeInsightRules", region=region).get("InsightRules", [])
    return {
        "saved_queries": sorted(str(q.get("name")) for q in queries)[:LISTED],
        "anomaly_detectors": sorted(str(d.get("detectorName")) for d in detectors
                                    if d.get("anomalyDetectorStatus") not in ("PAUSED", "DELETED", "FAILED"))[:LISTED],
        "contributor_insights_rules": sorted(str(r.get("Name")) for r in rules
                                             if r.get("State", "ENABLED") == "ENABLED")[:LISTED],
    }


@check(
    id="logs.logs_analyzed",
    title="Logs are analysed with queries and anomaly detection",
    service="logs",
    scope="global",
    severity="low",
    effort="low",
    description="""A scanned region has saved CloudWatch Logs Insights queries (DescribeQueryDefinitions),
        active log anomaly detectors (ListLogAnomalyDetectors) or enabled Contributor Insights rules
        (DescribeInsightRules): the ways CloudWatch turns stored logs into answers and alerts. The names are
        listed per region. Queries run ad hoc without being saved, and log analysis in another tool
        (OpenSearch, Athena, a vendor), are not visible to this check.""",
    remediation="""Save the Logs Insights queries the team uses to investigate (errors by type, slowest
        requests, top callers) with the log groups they read, turn on log anomaly detection for the
        workload's application log groups, and add Contributor Insights rules for top talkers.""",
    reads=["logs:DescribeQueryDefinitions", "logs:ListLogAnomalyDetectors", "cloudwatch:DescribeInsightRules"],
)
def logs_analyzed(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    found: dict[str, dict[str, list[str]]] = {}
    for region in ctx.regions:
        seen = _analysis(ctx, region)
        if any(seen.values()):
            found[region] = seen
    observed: dict[str, Any] = {"analysis": found}
    if found:
        parts = [f"{sum(len(v) for v in kinds.values())} in {region}" for region, kinds in sorted(found.items())]
        yield ctx.passed(ctx.account_resource(), "Logs are analysed by saved queries, anomaly detectors or "
                         f"Contributor Insights rules: {', '.join(parts)}", observed)
    else:
        yield ctx.failed(ctx.account_resource(), "No saved Logs Insights query, log anomaly detector or "
                         f"Contributor Insights rule in {', '.join(ctx.regions)}", observed)
