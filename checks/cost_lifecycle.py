"""Resources over their lifetime: each one says which workload it belongs to, and idle instances are
stopped or terminated by an alarm rather than by a person."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks._ec2 import instances
from scanner.api import CheckContext, Finding, check

# CloudWatch's EC2 alarm actions: arn:aws:automate:REGION:ec2:stop|terminate, and the older
# arn:aws:swf:REGION:ACCOUNT:action/actions/AWS_EC2.InstanceId.Stop/1.0 form (CloudWatch user guide,
# "Create alarms to stop, terminate, reboot, or recover an instance").
_EC2_ACTION = re.compile(r"^arn:aws[\w-]*:(?:automate:[\w-]+:ec2:(stop|terminate)"
                         r"|swf:[\w-]+:\d*:action/actions/AWS_EC2\.InstanceId\.(Stop|Terminate)/)", re.I)


def _keys(value: Any) -> list[str]:
    return [k.strip() for k in (value.split(",") if isinstance(value, str) else value) if str(k).strip()]


def _tagged(tags: list[dict[str, str]], wanted: set[str]) -> bool:
    return any(t.get("Key", "").lower() in wanted and t.get("Value", "").strip() for t in tags)


@check(
    id="tagging.workload_tags",
    title="Resources name the workload they belong to",
    service="tag",
    severity="low",
    effort="medium",
    description="""At least `min_percent` of the region's tagged resources (Resource Groups Tagging API
        GetResources, the same bulk read as the owner and cost-centre check) carry a non-empty tag naming
        their workload or application (any key in `workload_keys`, compared case-insensitively, including the
        awsApplication tag that myApplications sets), so every resource can be traced to the system it
        serves and found when that system is retired. Resources the tagging API has never seen tagged may be
        missing from its answer, so the share can be flattering.""",
    remediation="""Add an application or workload tag to the tagging policy, set it at creation from IaC
        (CloudFormation stack tags, Terraform default_tags) or by adding the resources to an application in
        myApplications, and backfill existing resources with the Tag Editor.""",
    reads=["resourcegroupstaggingapi:GetResources"],
    options={"min_percent": 80,
             "workload_keys": ["application", "app", "workload", "service", "system", "product", "awsApplication"]},
)
def workload_tags(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with tagged resources."""
    floor = float(ctx.option("min_percent"))
    wanted = {k.lower() for k in _keys(ctx.option("workload_keys"))}
    # Same parameters as tagging.owner_and_cost_centre, so the collector answers both from one read.
    items = ctx.call("resourcegroupstaggingapi", "GetResources", ResourcesPerPage=100,
                     required=("ResourceTagMappingList",))["ResourceTagMappingList"]
    if not items:
        return
    tagged = [i for i in items if _tagged(i.get("Tags", []), wanted)]
    percent = round(100 * len(tagged) / len(items), 1)
    found = {i["ResourceARN"] for i in tagged}
    observed = {"resources": len(items), "with_workload_tag": len(tagged), "percent": percent, "min_percent": floor,
                "workload_keys": sorted(wanted),
                "examples_missing": [i["ResourceARN"] for i in items if i["ResourceARN"] not in found][:10]}
    resource = ctx.account_resource()
    if percent >= floor:
        yield ctx.passed(resource, f"{percent}% of {len(items)} resources in {ctx.region} name their workload",
                         observed)
    else:
        yield ctx.failed(resource, f"Only {percent}% of {len(items)} resources in {ctx.region} name their workload "
                         f"in a tag (below {floor:g}%)", observed)


def _metric_alarms(ctx: CheckContext) -> list[dict[str, Any]]:
    # The same request as the CloudWatch alarm checks make, so the collector answers all from one read.
    answer = ctx.call("cloudwatch", "DescribeAlarms", AlarmTypes=["CompositeAlarm", "MetricAlarm"],
                      required=("MetricAlarms",))
    return [a for a in answer.get("MetricAlarms", []) if a.get("ActionsEnabled", True) and a.get("AlarmActions")]


def ec2_actions(alarm: dict[str, Any]) -> list[str]:
    """``stop`` / ``terminate`` for each EC2 action the alarm takes when it fires."""
    out = []
    for arn in alarm.get("AlarmActions") or []:
        hit = _EC2_ACTION.match(arn)
        if hit:
            out.append((hit.group(1) or hit.group(2)).lower())
    return out


@check(
    id="cloudwatch.alarms_stop_idle_instances",
    title="Alarms stop or terminate instances that are no longer needed",
    service="cloudwatch",
    severity="low",
    effort="low",
    description="""In a region with EC2 instances, at least one CloudWatch alarm with actions enabled stops or
        terminates an instance when it fires (an arn:aws:automate:REGION:ec2:stop or :terminate action),
        the mechanism AWS names for decommissioning idle instances without a person (for example an alarm on
        low CPU for some hours). Reads the alarms and instances other checks read; decommissioning by Auto
        Scaling, schedulers or custom code is not seen here.""",
    remediation="""For instances that can go when idle (development, batch, test), create an alarm on low
        CPUUtilization or NetworkOut over a few hours with the EC2 stop or terminate action (cloudwatch
        put-metric-alarm --alarm-actions arn:aws:automate:REGION:ec2:stop); use Auto Scaling for fleets.""",
    reads=["cloudwatch:DescribeAlarms", "ec2:DescribeInstances"],
)
def alarms_stop_idle_instances(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region that has running or stopped instances."""
    fleet = instances(ctx)
    if not fleet:
        return
    stopping = [(a, kinds) for a in _metric_alarms(ctx) if (kinds := ec2_actions(a))]
    observed = {"instances": len(fleet),
                "alarms_with_ec2_actions": [{"alarm": a["AlarmName"], "actions": sorted(set(kinds)),
                                             "metric": a.get("MetricName"),
                                             "comparison": a.get("ComparisonOperator")} for a, kinds in stopping]}
    resource = ctx.account_resource()
    if stopping:
        names = ", ".join(a["AlarmName"] for a, _ in stopping[:3])
        yield ctx.passed(resource, f"{len(stopping)} alarm(s) in {ctx.region} stop or terminate instances when "
                         f"they fire ({names})", observed)
    else:
        yield ctx.failed(resource, f"No alarm in {ctx.region} stops or terminates an instance: idle instances "
                         f"among the {len(fleet)} there wait for someone to remove them", observed)
