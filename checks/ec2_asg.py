"""Running EC2 instances belong to an Auto Scaling group, which replaces them when they fail."""

from __future__ import annotations

from collections.abc import Iterator

from checks._ec2 import instance_arn, instances, name_tag
from checks.autoscaling import groups
from scanner.api import CheckContext, Finding, NotAssessed, check

ASG_TAG = "aws:autoscaling:groupName"


@check(
    id="ec2.instances_in_asg",
    title="EC2 instances run in Auto Scaling groups",
    service="ec2",
    severity="low",
    description="""Every running instance is a member of an Auto Scaling group, so a failed or impaired
        instance is replaced without a person acting. Membership is read from the aws:autoscaling:groupName
        tag AWS puts on group instances, and otherwise from the groups' instance lists. Instances carrying
        one of the managed_tag_keys (by default Karpenter's node tags) pass: their orchestrator replaces them.
        Stopped instances are not assessed.""",
    remediation="""Run the workload from a launch template in an Auto Scaling group (a group of one keeps a
        single instance alive); for an instance that must stay unique, at least add a CloudWatch alarm with
        the EC2 recover action.""",
    reads=["ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups"],
    options={"managed_tag_keys": "karpenter.sh/nodepool,karpenter.sh/provisioner-name"},
)
def instances_in_asg(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per running instance."""
    running = instances(ctx, states=("running",))
    managed_keys = {k.strip() for k in str(ctx.option("managed_tag_keys")).split(",") if k.strip()}
    members: dict[str, str] | None = None
    members_error: NotAssessed | None = None
    for inst in running:
        iid = inst["InstanceId"]
        name = name_tag(inst)
        label = f"Instance {iid}" + (f" ({name})" if name else "")
        tags = {t.get("Key"): t.get("Value") for t in inst.get("Tags") or []}
        group = tags.get(ASG_TAG)
        manager = next((k for k in sorted(managed_keys) if k in tags), None)
        if manager is not None and group is None:
            observed = {"instance_id": iid, "name": name, "auto_scaling_group": None, "managed_by_tag": manager}
            yield ctx.passed(instance_arn(ctx, iid), f"{label} is managed by an orchestrator (tag {manager})",
                             observed)
            continue
        if group is None:
            if members is None and members_error is None:
                # Instances attached to a group by hand need not carry the tag; ask the groups once.
                try:
                    members = {i["InstanceId"]: g["AutoScalingGroupName"]
                               for g in groups(ctx) for i in g.get("Instances") or []}
                except NotAssessed as exc:
                    members_error = exc
            if members_error is not None:
                yield ctx.not_assessed(instance_arn(ctx, iid), members_error)
                continue
            group = (members or {}).get(iid)
        observed = {"instance_id": iid, "name": name, "auto_scaling_group": group,
                    "availability_zone": (inst.get("Placement") or {}).get("AvailabilityZone")}
        if group:
            yield ctx.passed(instance_arn(ctx, iid), f"{label} is in Auto Scaling group {group}", observed)
        else:
            yield ctx.failed(instance_arn(ctx, iid), f"{label} is in no Auto Scaling group", observed)
