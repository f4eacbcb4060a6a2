"""Auto Scaling groups can place instances in more than one Availability Zone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check


def groups(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every Auto Scaling group of the context's region (one paginated read, shared by the checks)."""
    return ctx.call("autoscaling", "DescribeAutoScalingGroups",
                    required=("AutoScalingGroups",)).get("AutoScalingGroups", [])


@check(
    id="autoscaling.multi_az",
    title="Auto Scaling groups span several Availability Zones",
    service="autoscaling",
    severity="medium",
    effort="medium",
    description="""Every Auto Scaling group may launch instances in at least min_zones Availability Zones,
        so that losing one zone leaves capacity in another and the group replaces what was lost there.""",
    remediation="""Add subnets in further Availability Zones to the group (autoscaling update-auto-scaling-group
        --vpc-zone-identifier), and size it so the remaining zones can carry the load when one fails.""",
    reads=["autoscaling:DescribeAutoScalingGroups"],
    options={"min_zones": 2},
)
def multi_az(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per Auto Scaling group."""
    min_zones = int(ctx.option("min_zones"))
    for group in groups(ctx):
        name = group["AutoScalingGroupName"]
        arn = group.get("AutoScalingGroupARN") or ctx.arn(
            "autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}")
        zones = sorted(set(group.get("AvailabilityZones") or []))
        subnets = [s for s in (group.get("VPCZoneIdentifier") or "").split(",") if s]
        observed = {"group": name, "availability_zones": zones, "subnets": subnets, "min_zones": min_zones,
                    "min_size": group.get("MinSize"), "max_size": group.get("MaxSize"),
                    "desired_capacity": group.get("DesiredCapacity"),
                    "health_check_type": group.get("HealthCheckType")}
        if len(zones) >= min_zones:
            yield ctx.passed(arn, f"Auto Scaling group {name} spans {len(zones)} Availability Zones", observed)
        else:
            where = ", ".join(zones) or "no zone"
            yield ctx.failed(arn, f"Auto Scaling group {name} is confined to {where}", observed)
