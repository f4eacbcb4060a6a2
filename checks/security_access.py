"""Instances are run without interactive logins: no SSH key pair, management through Systems Manager."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import instance_arn, instances, name_tag
from scanner.api import CheckContext, Finding, NotAssessed, check


def _managed(ctx: CheckContext) -> dict[str, str] | None:
    """Instance id -> Systems Manager ping status (the read ssm.instances_managed makes); None if unreadable."""
    try:
        answer = ctx.call("ssm", "DescribeInstanceInformation")
    except NotAssessed:
        return None  # only context for the finding: the key pair alone decides it
    return {n["InstanceId"]: n.get("PingStatus", "") for n in answer.get("InstanceInformationList", [])}


@check(
    id="ec2.no_ssh_key_pairs",
    title="Instances are launched without an SSH key pair",
    service="ec2",
    severity="medium",
    effort="medium",
    description="""No running instance was launched with an EC2 key pair (DescribeInstances KeyName), so
        nobody holds a long-lived key to log in to it; administration goes through Systems Manager (Run
        Command, Session Manager, State Manager) instead. Whether each instance is managed by Systems Manager
        is recorded from the same DescribeInstanceInformation answer ssm.instances_managed reads. Users or
        keys baked into an image and EC2 Instance Connect pushes are not visible.""",
    remediation="""Launch instances without a key pair (leave KeyName out of the launch template), give them
        the AmazonSSMManagedInstanceCore policy, and use Session Manager for the rare interactive task and
        Run Command or Automation for the rest; remove authorized keys from running instances.""",
    reads=["ec2:DescribeInstances", "ssm:DescribeInstanceInformation"],
)
def no_ssh_key_pairs(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per running instance."""
    running = instances(ctx, states=("running",))
    if not running:
        return
    managed = _managed(ctx)
    for inst in running:
        iid, key = inst["InstanceId"], inst.get("KeyName")
        ping = None if managed is None else managed.get(iid)
        observed: dict[str, Any] = {"instance_id": iid, "name": name_tag(inst), "key_pair": key,
                                    "ssm_ping_status": ping, "ssm_read": managed is not None}
        label = f"Instance {iid}" + (f" ({observed['name']})" if observed["name"] else "")
        if key:
            yield ctx.failed(instance_arn(ctx, iid), f"{label} was launched with key pair {key}: anyone holding "
                             "the key can log in", observed)
        else:
            how = " and is managed by Systems Manager" if ping == "Online" else ""
            yield ctx.passed(instance_arn(ctx, iid), f"{label} has no SSH key pair{how}", observed)
