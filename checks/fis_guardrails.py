"""Fault-injection experiments stop themselves: FIS templates have a stop condition on a CloudWatch alarm."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check

ALARM_SOURCE = "aws:cloudwatch:alarm"


@check(
    id="fis.templates_stop_on_alarm",
    title="Fault-injection templates stop on an alarm",
    service="fis",
    severity="medium",
    description="""Every AWS FIS experiment template has at least one stop condition on a CloudWatch alarm,
        so an experiment (or a game day run from it) ends on its own when the workload's health drops below
        what the team agreed. The template detail is read per template (the list has no stop conditions).""",
    remediation="""Add a stop condition to the template (fis update-experiment-template --stop-conditions
        source=aws:cloudwatch:alarm,value=ALARM_ARN) on the alarm that expresses the customer impact you
        accept, such as error rate or latency of the front door.""",
    reads=["fis:ListExperimentTemplates", "fis:GetExperimentTemplate"],
)
def templates_stop_on_alarm(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per experiment template in the region."""

    def one(summary: dict[str, Any]) -> Finding:
        tid = summary["id"]
        arn = summary.get("arn") or ctx.arn("fis", f"experiment-template/{tid}")
        try:
            template = ctx.call("fis", "GetExperimentTemplate", id=tid).get("experimentTemplate", {})
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        alarms = [s.get("value") for s in template.get("stopConditions", []) if s.get("source") == ALARM_SOURCE]
        observed = {"template": tid, "description": template.get("description"), "stop_alarms": alarms,
                    "stop_sources": sorted({s.get("source") for s in template.get("stopConditions", [])})}
        if alarms:
            names = ", ".join(a.rsplit(":", 1)[-1] for a in alarms)
            return ctx.passed(arn, f"FIS template {tid} stops on alarm {names}", observed)
        return ctx.failed(arn, f"FIS template {tid} has no stop condition on an alarm: an experiment runs to the "
                          "end whatever it does to the workload", observed)

    yield from ctx.map(one, ctx.call("fis", "ListExperimentTemplates",
                                     required=("experimentTemplates",)).get("experimentTemplates", []))
