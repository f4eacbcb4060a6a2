"""Running EC2 instances are managed by AWS Systems Manager."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import instance_arn, instances, name_tag
from scanner.api import CheckContext, Finding, check


def managed_nodes(ctx: CheckContext) -> dict[str, dict[str, Any]]:
    """Systems Manager's view of the region's managed nodes, by instance id."""
    answer = ctx.call("ssm", "DescribeInstanceInformation")
    return {node["InstanceId"]: node for node in answer.get("InstanceInformationList", [])}


@check(
    id="ssm.instances_managed",
    title="EC2 instances are managed by Systems Manager",
    service="ssm",
    severity="medium",
    effort="medium",
    description="""Every running instance is registered with Systems Manager and its agent is online, so it
        can be patched, inventoried and reached through Session Manager without SSH keys or open ports.""",
    remediation="""Install or start the SSM Agent (preinstalled on Amazon Linux, Ubuntu and Windows AMIs),
        give the instance role the AmazonSSMManagedInstanceCore policy (or turn on Default Host Management
        Configuration), and make sure the instance can reach the ssm, ssmmessages and ec2messages endpoints.""",
    reads=["ec2:DescribeInstances", "ssm:DescribeInstanceInformation"],
)
def instances_managed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per running instance of the region (a stopped instance cannot report to Systems Manager)."""
    running = instances(ctx, states=("running",))
    if not running:
        return
    nodes = managed_nodes(ctx)
    for inst in running:
        iid = inst["InstanceId"]
        node = nodes.get(iid)
        ping = (node or {}).get("PingStatus")
        observed = {"instance_id": iid, "name": name_tag(inst), "registered": node is not None,
                    "ping_status": ping, "agent_version": (node or {}).get("AgentVersion"),
                    "platform": (node or {}).get("PlatformName")}
        label = f"Instance {iid}" + (f" ({observed['name']})" if observed["name"] else "")
        if node is None:
            yield ctx.failed(instance_arn(ctx, iid), f"{label} is not registered with Systems Manager", observed)
        elif ping == "Online":
            yield ctx.passed(instance_arn(ctx, iid), f"{label} is managed by Systems Manager (agent online)",
                             observed)
        else:
            yield ctx.failed(instance_arn(ctx, iid), f"{label} is registered with Systems Manager but its agent "
                             f"is {ping}", observed)
