"""Traces are analysed, not only recorded: X-Ray groups with Insights, and sampling rules set for the workload."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

DEFAULT = "Default"


@check(
    id="xray.trace_insights_enabled",
    title="X-Ray Insights analyses the traces",
    service="xray",
    scope="global",
    severity="low",
    effort="low",
    description="""An X-Ray group in a scanned region has Insights enabled (GetGroups), so X-Ray watches the
        traces for anomalies in faults and latency and opens an insight with the root cause, instead of
        traces waiting for someone to look. Groups (with their filter expressions) and the sampling rules
        other than the Default one (GetSamplingRules) are listed. Trace analysis in another tool is not
        visible to this check.""",
    remediation="""Create an X-Ray group per workload (a filter expression on its services) with Insights and
        Insights notifications enabled, and route the notifications through EventBridge to the owners;
        tune sampling rules so the requests that matter are traced.""",
    reads=["xray:GetGroups", "xray:GetSamplingRules"],
)
def trace_insights_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    groups: dict[str, list[dict[str, Any]]] = {}
    rules: dict[str, list[str]] = {}
    for region in ctx.regions:
        found = ctx.call("xray", "GetGroups", region=region, required=("Groups",)).get("Groups", [])
        groups[region] = [{"group": g.get("GroupName"), "filter": g.get("FilterExpression"),
                           "insights": bool((g.get("InsightsConfiguration") or {}).get("InsightsEnabled")),
                           "notifications": bool((g.get("InsightsConfiguration") or {}).get("NotificationsEnabled"))}
                          for g in found]
        custom = [(r.get("SamplingRule") or {}).get("RuleName") for r in
                  ctx.call("xray", "GetSamplingRules", region=region).get("SamplingRuleRecords", [])]
        rules[region] = sorted(str(n) for n in custom if n and n != DEFAULT)
    observed = {"groups": {r: g for r, g in groups.items() if g},
                "custom_sampling_rules": {r: v for r, v in rules.items() if v}}
    with_insights = [f"{g['group']} ({r})" for r, gs in sorted(groups.items()) for g in gs if g["insights"]]
    if with_insights:
        yield ctx.passed(ctx.account_resource(), f"X-Ray Insights analyses traces of {', '.join(with_insights)}",
                         observed)
    else:
        yield ctx.failed(ctx.account_resource(), "No X-Ray group has Insights enabled in "
                         f"{', '.join(ctx.regions)}", observed)
