"""GuardDuty findings reach someone: an EventBridge rule on the default bus sends them to a target."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

GUARDDUTY_SOURCE = "aws.guardduty"
SECURITYHUB_SOURCE = "aws.securityhub"


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches_source(pattern: dict[str, Any], source: str) -> bool:
    """True when an event pattern's ``source`` accepts ``source`` (exact value or prefix matcher)."""
    for item in _values(pattern.get("source", [])):
        if item == source:
            return True
        if isinstance(item, dict) and isinstance(item.get("prefix"), str) and source.startswith(item["prefix"]):
            return True
    return False


def routes_guardduty(pattern_text: str | None) -> str | None:
    """How an event pattern catches GuardDuty findings: ``"direct"``, ``"security_hub"`` or ``None``.

    A Security Hub rule counts only when it does not narrow ``detail.findings.ProductName`` to other
    products, because GuardDuty findings reach Security Hub under the product name "GuardDuty".
    """
    try:
        pattern = json.loads(pattern_text or "")
    except ValueError:
        return None
    if not isinstance(pattern, dict):
        return None
    if _matches_source(pattern, GUARDDUTY_SOURCE):
        return "direct"
    if _matches_source(pattern, SECURITYHUB_SOURCE):
        findings = ((pattern.get("detail") or {}).get("findings") or {}) if isinstance(pattern.get("detail"),
                                                                                       dict) else {}
        products = findings.get("ProductName") if isinstance(findings, dict) else None
        if products is None or "GuardDuty" in _values(products):
            return "security_hub"
    return None


@check(
    id="events.guardduty_findings_routed",
    title="GuardDuty findings are routed to a target",
    service="events",
    severity="medium",
    effort="low",
    description="""An enabled EventBridge rule on the region's default event bus matches GuardDuty findings
        (source aws.guardduty, or Security Hub findings not narrowed to other products) and has at least one
        target (SNS topic, chat, ticketing, a response Lambda). Findings that nobody is told about are
        found only when someone happens to look. Routing done in a delegated administrator account is not
        visible from a member account.""",
    remediation="""Create an EventBridge rule with the pattern {"source": ["aws.guardduty"]} (optionally
        narrowed by severity) and a target that reaches the on-call responder; in an organization, do it
        in the GuardDuty or Security Hub administrator account.""",
    reads=["events:ListRules", "events:ListTargetsByRule"],
)
def guardduty_findings_routed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region: a matching rule with a target, or what is missing."""
    matching = [(rule, how) for rule in ctx.call("events", "ListRules", required=("Rules",)).get("Rules", [])
                if (how := routes_guardduty(rule.get("EventPattern"))) is not None]

    def describe(item: tuple[dict[str, Any], str]) -> dict[str, Any]:
        rule, how = item
        enabled = rule.get("State") == "ENABLED"
        targets = ctx.call("events", "ListTargetsByRule", Rule=rule["Name"],
                           required=("Targets",)).get("Targets", []) if enabled else []
        # target ARNs name where findings go (a topic, a function); they hold no secrets
        return {"rule": rule["Name"], "arn": rule.get("Arn"), "state": rule.get("State"), "via": how,
                "targets": [t.get("Arn") for t in targets]}

    rules = ctx.map(describe, matching)
    observed = {"matching_rules": rules}
    resource = ctx.account_resource()
    routed = [r for r in rules if r["state"] == "ENABLED" and r["targets"]]
    if routed:
        best = sorted(routed, key=lambda r: (r["via"] != "direct", r["rule"]))[0]
        via = "" if best["via"] == "direct" else " (through Security Hub)"
        yield ctx.passed(resource, f"GuardDuty findings in {ctx.region} go to {len(best['targets'])} target(s) "
                         f"through rule {best['rule']}{via}", observed)
    elif rules:
        yield ctx.failed(resource, f"Rules matching GuardDuty findings in {ctx.region} are disabled or have no "
                         "target: " + ", ".join(r["rule"] for r in rules), observed)
    else:
        yield ctx.failed(resource, f"No EventBridge rule routes GuardDuty findings in {ctx.region}", observed)
