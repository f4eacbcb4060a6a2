"""CloudWatch alarms exist and do something when they fire."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

# ALARM("name"), OK(name), INSUFFICIENT_DATA("arn:...") in a composite alarm's rule.
_RULE_REF = re.compile(r"\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*\"?([^\")]+?)\"?\s*\)")


def alarms(ctx: CheckContext) -> list[dict[str, Any]]:
    """Metric and composite alarms of the region, each with ``kind`` set."""
    answer = ctx.call("cloudwatch", "DescribeAlarms", AlarmTypes=["CompositeAlarm", "MetricAlarm"],
                      required=("MetricAlarms",))
    return ([{**a, "kind": "metric"} for a in answer.get("MetricAlarms", [])]
            + [{**a, "kind": "composite"} for a in answer.get("CompositeAlarms", [])])


def acts(alarm: dict[str, Any]) -> bool:
    """True when the alarm has enabled actions for its ALARM state."""
    return bool(alarm.get("ActionsEnabled", True)) and bool(alarm.get("AlarmActions"))


def referenced_by(composites: list[dict[str, Any]]) -> dict[str, str]:
    """Alarm name or ARN -> name of an acting composite alarm whose rule refers to it."""
    out: dict[str, str] = {}
    for comp in composites:
        if acts(comp):
            for ref in _RULE_REF.findall(comp.get("AlarmRule") or ""):
                out.setdefault(ref.strip(), comp["AlarmName"])
    return out


@check(
    id="cloudwatch.alarms_have_actions",
    title="CloudWatch alarms notify or act",
    service="cloudwatch",
    severity="medium",
    effort="low",
    description="""The region has CloudWatch alarms, and every alarm has enabled actions for its ALARM state
        (an SNS notification, an Auto Scaling or EC2 action, a Systems Manager incident), directly or through
        a composite alarm that acts. An alarm nobody hears only changes colour on a dashboard.""",
    remediation="""Give each alarm an AlarmActions target (an SNS topic that reaches the on-call person, or an
        automated action) and keep ActionsEnabled on; create alarms on the metrics that show the workload's
        health (errors, latency, saturation) where there are none.""",
    reads=["cloudwatch:DescribeAlarms"],
)
def alarms_have_actions(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per alarm, or one account-level failure when the region has no alarm."""
    found = alarms(ctx)
    if not found:
        yield ctx.failed(ctx.account_resource(), f"No CloudWatch alarm exists in {ctx.region}", {"alarms": 0})
        return
    via = referenced_by([a for a in found if a["kind"] == "composite"])
    for alarm in found:
        name, arn = alarm["AlarmName"], alarm["AlarmArn"]
        composite = via.get(name) or via.get(arn)
        observed = {"alarm": name, "type": alarm["kind"], "actions_enabled": alarm.get("ActionsEnabled"),
                    "alarm_actions": alarm.get("AlarmActions") or [], "ok_actions": alarm.get("OKActions") or [],
                    "state": alarm.get("StateValue"), "via_composite": composite}
        label = f"{'Composite alarm' if alarm['kind'] == 'composite' else 'Alarm'} {name}"
        if acts(alarm):
            yield ctx.passed(arn, f"{label} has {len(observed['alarm_actions'])} alarm action(s)", observed)
        elif composite:
            yield ctx.passed(arn, f"{label} acts through composite alarm {composite}", observed)
        elif alarm.get("AlarmActions"):
            yield ctx.failed(arn, f"{label} has its actions disabled", observed)
        else:
            yield ctx.failed(arn, f"{label} has no action for its ALARM state", observed)
