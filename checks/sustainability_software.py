"""Work that can wait runs on a schedule: EventBridge Scheduler schedules and scheduled EventBridge rules
batch jobs into set times instead of keeping capacity waiting for them."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check


@check(
    id="scheduler.scheduled_jobs",
    title="Jobs that can wait run on a schedule",
    service="scheduler",
    severity="low",
    effort="medium",
    description="""The region has at least one enabled EventBridge Scheduler schedule (ListSchedules) or
        enabled EventBridge rule with a schedule expression (ListRules on the default event bus, the read the
        EventBridge checks make), so some work runs at set times or intervals rather than on capacity kept
        running for it. Which jobs could move to a schedule, and whether queues buffer the rest, is for the
        reviewer; cron on instances and Glue or Batch schedules are not seen.""",
    remediation="""Move batch and maintenance jobs that need no immediate answer (reports, clean-ups, data
        exports, start and stop of non-production instances) to EventBridge Scheduler schedules, at
        off-peak times where possible, with flexible time windows.""",
    reads=["scheduler:ListSchedules", "events:ListRules"],
)
def scheduled_jobs(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    schedules = [s for s in ctx.call("scheduler", "ListSchedules", required=("Schedules",)).get("Schedules", [])
                 if s.get("State") == "ENABLED"]
    rules = [r for r in ctx.call("events", "ListRules", required=("Rules",)).get("Rules", [])
             if r.get("ScheduleExpression") and r.get("State") == "ENABLED"]
    observed = {"schedules": [s.get("Name") for s in schedules][:20],
                "scheduled_rules": [{"rule": r.get("Name"), "expression": r.get("ScheduleExpression")}
                                    for r in rules][:20]}
    resource = ctx.account_resource()
    if schedules or rules:
        yield ctx.passed(resource, f"{len(schedules)} EventBridge Scheduler schedule(s) and {len(rules)} scheduled "
                         f"rule(s) run jobs at set times in {ctx.region}", observed)
    else:
        yield ctx.failed(resource, f"No enabled schedule or scheduled rule in {ctx.region}: no job is batched to a "
                         "set time", observed)
