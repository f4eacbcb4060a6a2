"""Shared EC2 reads: every instance of a region, fetched once and read by every EC2 check."""

from __future__ import annotations

from typing import Any

from scanner.api import CheckContext


def instances(ctx: CheckContext, states: tuple[str, ...] = ("running", "stopped")) -> list[dict[str, Any]]:
    """Instances in the context's region whose state is one of ``states`` (one DescribeInstances for all)."""
    answer = ctx.call("ec2", "DescribeInstances", MaxResults=1000, required=("Reservations",))
    return [
        inst
        for reservation in answer.get("Reservations", [])
        for inst in reservation.get("Instances", [])
        if inst.get("State", {}).get("Name") in states
    ]


def name_tag(resource: dict[str, Any]) -> str | None:
    """The ``Name`` tag of an EC2 resource, if it has one."""
    for tag in resource.get("Tags") or []:
        if tag.get("Key") == "Name":
            return tag.get("Value")
    return None


def instance_arn(ctx: CheckContext, instance_id: str) -> str:
    """The ARN of an instance in the context's region."""
    return ctx.arn("ec2", f"instance/{instance_id}")


def security_groups(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every security group of the context's region (one paginated DescribeSecurityGroups for all)."""
    return ctx.call("ec2", "DescribeSecurityGroups", required=("SecurityGroups",)).get("SecurityGroups", [])


def security_group_arn(ctx: CheckContext, group_id: str) -> str:
    """The ARN of a security group in the context's region."""
    return ctx.arn("ec2", f"security-group/{group_id}")


def vpcs(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every VPC of the context's region (one paginated DescribeVpcs for all)."""
    return ctx.call("ec2", "DescribeVpcs", required=("Vpcs",)).get("Vpcs", [])
