"""Events reach people and automation: EventBridge rules for AWS Health and for findings and alarms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

HEALTH = ("aws.health",)
# Sources whose events are worth an automated response: findings, compliance changes, alarms, health.
RESPONSE_SOURCES = ("aws.securityhub", "aws.guardduty", "aws.inspector2", "aws.macie", "aws.access-analyzer",
                    "aws.config", "aws.cloudwatch", "aws.health")
# Target ARN markers of automation (as opposed to notification): functions, state machines, runbooks,
# Incident Manager response plans.
AUTOMATION_TARGETS = (":lambda:", ":states:", ":automation-definition/", ":ssm-incidents:", ":ecs:")


def _sources(pattern_text: str | None) -> set[str]:
    """The event sources an event pattern accepts (exact values and prefix matchers' prefixes)."""
    try:
        pattern = json.loads(pattern_text or "")
    except ValueError:
        return set()
    values = pattern.get("source", []) if isinstance(pattern, dict) else []
    out: set[str] = set()
    for item in values if isinstance(values, list) else [values]:
        if isinstance(item, str):
            out.add(item)
        elif isinstance(item, dict) and isinstance(item.get("prefix"), str):
            out.add(item["prefix"] + "*")
    return out


def _accepts(sources: set[str], wanted: tuple[str, ...]) -> list[str]:
    return sorted(w for w in wanted if w in sources or any(s.endswith("*") and w.startswith(s[:-1]) for s in sources))


def routed_rules(ctx: CheckContext, wanted: tuple[str, ...]) -> list[dict[str, Any]]:
    """Enabled default-bus rules in every scanned region that accept one of ``wanted``, with their targets."""
    matching = [(region, rule, hit) for region in ctx.regions
                for rule in ctx.call("events", "ListRules", region=region, required=("Rules",)).get("Rules", [])
                if rule.get("State") == "ENABLED" and (hit := _accepts(_sources(rule.get("EventPattern")), wanted))]

    def describe(item: tuple[str, dict[str, Any], list[str]]) -> dict[str, Any]:
        region, rule, hit = item
        targets = ctx.call("events", "ListTargetsByRule", region=region, Rule=rule["Name"],
                           required=("Targets",)).get("Targets", [])
        return {"region": region, "rule": rule["Name"], "sources": hit, "targets": [t.get("Arn") for t in targets]}

    return ctx.map(describe, matching)


@check(
    id="events.health_events_routed",
    title="AWS Health events reach people",
    service="events",
    scope="global",
    severity="medium",
    description="""An enabled EventBridge rule in a scanned region matches AWS Health events (source
        aws.health) and has a target, so scheduled changes, service issues and account notifications that
        affect the workload reach the people who run it rather than waiting in the Health Dashboard. Rules
        in an organization's delegated Health account are not visible from a member account.""",
    remediation="""Create an EventBridge rule with {"source": ["aws.health"]} in us-east-1 and in each
        workload region, targeting the operations team's topic or chat channel (or use AWS User
        Notifications for Health events).""",
    reads=["events:ListRules", "events:ListTargetsByRule"],
)
def health_events_routed(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    rules = routed_rules(ctx, HEALTH)
    routed = [r for r in rules if r["targets"]]
    observed = {"rules": rules}
    if routed:
        yield ctx.passed(ctx.account_resource(), "AWS Health events are routed by "
                         + ", ".join(f"{r['rule']} ({r['region']})" for r in routed), observed)
    elif rules:
        yield ctx.failed(ctx.account_resource(), "Rules matching AWS Health events have no target: "
                         + ", ".join(r["rule"] for r in rules), observed)
    else:
        yield ctx.failed(ctx.account_resource(), "No enabled EventBridge rule routes AWS Health events in "
                         f"{', '.join(ctx.regions)}", observed)


@check(
    id="events.responses_automated",
    title="Findings and alarms trigger an automated response",
    service="events",
    scope="global",
    severity="low",
    description="""An enabled EventBridge rule in a scanned region sends security findings, Config
        compliance changes, alarm state changes or Health events to automation (a Lambda function, a Step
        Functions state machine, a Systems Manager Automation runbook or an Incident Manager response plan),
        not only to a notification. Rules that only notify are listed but do not count.""",
    remediation="""Automate the response to the events that have a known first step (isolate an instance,
        revoke a key, open an incident, restart a task) with a rule that targets a runbook or function.""",
    reads=["events:ListRules", "events:ListTargetsByRule"],
)
def responses_automated(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    rules = routed_rules(ctx, RESPONSE_SOURCES)
    automated = [r for r in rules if any(m in str(t) for t in r["targets"] for m in AUTOMATION_TARGETS)]
    observed = {"rules": rules, "automated": [r["rule"] for r in automated]}
    if automated:
        yield ctx.passed(ctx.account_resource(), "Events start automation through "
                         + ", ".join(f"{r['rule']} ({', '.join(r['sources'])})" for r in automated), observed)
    else:
        what = f"{len(rules)} rule(s) only notify" if rules else "no rule routes findings, alarms or Health events"
        yield ctx.failed(ctx.account_resource(), f"No event starts an automated response: {what}", observed)
