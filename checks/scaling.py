"""Capacity follows demand: Auto Scaling groups have scaling policies, DynamoDB capacity scales, and groups
keep capacity in every zone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.autoscaling import groups
from scanner.api import CheckContext, Finding, NotAssessed, check


def _policies_by_group(ctx: CheckContext) -> dict[str, list[str]]:
    """Group name -> policy types (TargetTrackingScaling, StepScaling, SimpleScaling, PredictiveScaling)."""
    out: dict[str, list[str]] = {}
    for policy in ctx.call("autoscaling", "DescribePolicies", required=("ScalingPolicies",))["ScalingPolicies"]:
        if policy.get("Enabled", True):
            out.setdefault(policy["AutoScalingGroupName"], []).append(policy.get("PolicyType", "SimpleScaling"))
    return out


def _schedules_by_group(ctx: CheckContext) -> dict[str, int]:
    out: dict[str, int] = {}
    answer = ctx.call("autoscaling", "DescribeScheduledActions", required=("ScheduledUpdateGroupActions",))
    for action in answer["ScheduledUpdateGroupActions"]:
        out[action["AutoScalingGroupName"]] = out.get(action["AutoScalingGroupName"], 0) + 1
    return out


@check(
    id="autoscaling.groups_scale_dynamically",
    title="Auto Scaling groups scale with demand",
    service="autoscaling",
    severity="medium",
    description="""Every Auto Scaling group can change size (its maximum is above its minimum) and has an
        enabled scaling policy (target tracking, step, simple or predictive) or a scheduled action, so capacity
        is added when load rises and removed when it falls, without a person changing the desired count.
        Groups managed by an orchestrator (EKS node groups, ECS capacity providers) are judged the same way:
        their scaling may come from the orchestrator, which this check does not read.""",
    remediation="""Add a target-tracking policy on the metric that follows load (average CPU, ALB requests per
        target) (autoscaling put-scaling-policy --policy-type TargetTrackingScaling), a predictive policy for
        regular daily peaks, and set a maximum above the minimum.""",
    reads=["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribePolicies",
           "autoscaling:DescribeScheduledActions"],
)
def groups_scale_dynamically(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per Auto Scaling group."""
    found = groups(ctx)
    if not found:
        return
    policies, schedules = _policies_by_group(ctx), _schedules_by_group(ctx)
    for group in found:
        name, arn = group["AutoScalingGroupName"], group["AutoScalingGroupARN"]
        kinds = sorted(set(policies.get(name, [])))
        observed = {"min": group.get("MinSize"), "max": group.get("MaxSize"), "desired": group.get("DesiredCapacity"),
                    "policy_types": kinds, "scheduled_actions": schedules.get(name, 0)}
        if group.get("MaxSize", 0) <= group.get("MinSize", 0):
            yield ctx.failed(arn, f"Auto Scaling group {name} is fixed at {group.get('MinSize')} instance(s) "
                             "(maximum equals minimum)", observed)
        elif kinds or schedules.get(name):
            how = ", ".join(kinds + ([f"{schedules[name]} scheduled action(s)"] if schedules.get(name) else []))
            yield ctx.passed(arn, f"Auto Scaling group {name} scales with {how}", observed)
        else:
            yield ctx.failed(arn, f"Auto Scaling group {name} has no scaling policy and no scheduled action: it "
                             "changes size only when someone edits it", observed)


@check(
    id="autoscaling.capacity_in_every_zone",
    title="Auto Scaling groups keep instances in every zone at minimum size",
    service="autoscaling",
    severity="low",
    description="""Every Auto Scaling group spread over several Availability Zones has a minimum size of at
        least one instance per zone, so capacity is already running in the surviving zones when one fails
        (static stability) instead of being launched during the event.""",
    remediation="""Raise the group's minimum to at least the number of its zones, sized so that the other zones
        carry the peak load without a scale-out when one zone is lost.""",
    reads=["autoscaling:DescribeAutoScalingGroups"],
)
def capacity_in_every_zone(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per multi-zone Auto Scaling group."""
    for group in groups(ctx):
        zones = group.get("AvailabilityZones", [])
        if len(zones) < 2:
            continue  # autoscaling.multi_az reports single-zone groups
        name, arn, minimum = group["AutoScalingGroupName"], group["AutoScalingGroupARN"], group.get("MinSize", 0)
        observed = {"min": minimum, "zones": zones}
        if minimum >= len(zones):
            yield ctx.passed(arn, f"Auto Scaling group {name} keeps at least {minimum} instance(s) across "
                             f"{len(zones)} zones", observed)
        else:
            yield ctx.failed(arn, f"Auto Scaling group {name} may shrink to {minimum} instance(s) over {len(zones)} "
                             "zones: some zones then have no running capacity", observed)


@check(
    id="dynamodb.capacity_scales",
    title="DynamoDB table capacity follows demand",
    service="dynamodb",
    severity="medium",
    description="""Every DynamoDB table is on on-demand capacity, or on provisioned capacity with Application
        Auto Scaling targets for both its read and write capacity. The table description is read per table
        (shared with the other DynamoDB checks); the scalable targets in one read per region.""",
    remediation="""Switch spiky or unpredictable tables to on-demand (dynamodb update-table --billing-mode
        PAY_PER_REQUEST), or register read and write capacity as scalable targets with a target-tracking
        policy (application-autoscaling register-scalable-target).""",
    reads=["dynamodb:ListTables", "dynamodb:DescribeTable", "application-autoscaling:DescribeScalableTargets"],
)
def capacity_scales(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per table."""
    tables = ctx.call("dynamodb", "ListTables", required=("TableNames",)).get("TableNames", [])
    if not tables:
        return
    try:
        answer = ctx.call("application-autoscaling", "DescribeScalableTargets", ServiceNamespace="dynamodb",
                          required=("ScalableTargets",))
        scaled: dict[str, set[str]] | NotAssessed = {}
        for target in answer["ScalableTargets"]:
            scaled.setdefault(target["ResourceId"], set()).add(target["ScalableDimension"].rsplit(":", 1)[-1])
    except NotAssessed as exc:
        scaled = exc

    def one(name: str) -> Finding:
        arn = ctx.arn("dynamodb", f"table/{name}")
        try:
            table = ctx.call("dynamodb", "DescribeTable", TableName=name).get("Table", {})
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        arn = table.get("TableArn", arn)
        mode = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
        observed: dict[str, Any] = {"billing_mode": mode}
        if mode == "PAY_PER_REQUEST":
            return ctx.passed(arn, f"DynamoDB table {name} uses on-demand capacity", observed)
        if isinstance(scaled, NotAssessed):
            return ctx.not_assessed(arn, scaled)
        dims = sorted(scaled.get(f"table/{name}", set()))
        throughput = table.get("ProvisionedThroughput", {})
        observed |= {"auto_scaled": dims, "read_units": throughput.get("ReadCapacityUnits"),
                     "write_units": throughput.get("WriteCapacityUnits")}
        if {"ReadCapacityUnits", "WriteCapacityUnits"} <= set(dims):
            return ctx.passed(arn, f"DynamoDB table {name} auto scales its read and write capacity", observed)
        missing = sorted({"ReadCapacityUnits", "WriteCapacityUnits"} - set(dims))
        return ctx.failed(arn, f"DynamoDB table {name} has fixed provisioned {' and '.join(missing)}", observed)

    yield from ctx.map(one, tables)


@check(
    id="autoscaling.load_balancer_health_checks",
    title="Auto Scaling groups behind a load balancer replace instances it finds unhealthy",
    service="autoscaling",
    severity="medium",
    description="""Every Auto Scaling group attached to a load balancer target group (or a Classic Load
        Balancer) uses the ELB health check, so an instance that stops answering the load balancer's health
        check is replaced, not only one whose hardware fails the EC2 status check.""",
    remediation="""Turn on ELB health checks for the group (autoscaling update-auto-scaling-group
        --health-check-type ELB --health-check-grace-period N), with a grace period that covers start-up.""",
    reads=["autoscaling:DescribeAutoScalingGroups"],
)
def load_balancer_health_checks(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per Auto Scaling group attached to a load balancer."""
    for group in groups(ctx):
        balancers = list(group.get("TargetGroupARNs") or []) + list(group.get("LoadBalancerNames") or [])
        if not balancers:
            continue
        name, arn = group["AutoScalingGroupName"], group["AutoScalingGroupARN"]
        kind = group.get("HealthCheckType", "EC2")
        observed = {"health_check_type": kind, "grace_period_s": group.get("HealthCheckGracePeriod"),
                    "load_balancers": balancers}
        if "ELB" in kind.upper().split(","):
            yield ctx.passed(arn, f"Auto Scaling group {name} replaces instances its load balancer marks "
                             "unhealthy", observed)
        else:
            yield ctx.failed(arn, f"Auto Scaling group {name} sits behind a load balancer but uses only {kind} "
                             "health checks", observed)
