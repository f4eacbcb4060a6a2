"""Running EC2 instances recover without a person: an Auto Scaling group replaces them, or EC2 recovers them."""

from __future__ import annotations

from collections.abc import Iterator

from checks._ec2 import instance_arn, instances, name_tag
from checks.autoscaling import groups
from checks.cloudwatch import acts, alarms
from scanner.api import CheckContext, Finding, NotAssessed, check

ASG_TAG = "aws:autoscaling:groupName"
# The EC2 recover alarm action: arn:aws:automate:REGION:ec2:recover, and the older SWF form
# arn:aws:swf:REGION:ACCOUNT:action/actions/AWS_EC2.InstanceId.Recover/1.0 (CloudWatch User Guide,
# "Create alarms to stop, terminate, reboot, or recover an EC2 instance").
_RECOVER_ACTIONS = (":ec2:recover", "AWS_EC2.InstanceId.Recover")


def recover_alarms(ctx: CheckContext) -> dict[str, str]:
    """Instance id -> name of a metric alarm whose enabled actions include the EC2 recover action."""
    out: dict[str, str] = {}
    for alarm in alarms(ctx):
        if alarm["kind"] != "metric" or not acts(alarm):
            continue
        if not any(marker in str(action) for action in alarm.get("AlarmActions", []) for marker in _RECOVER_ACTIONS):
            continue
        for dimension in alarm.get("Dimensions") or []:
            if dimension.get("Name") == "InstanceId" and dimension.get("Value"):
                out.setdefault(dimension["Value"], alarm.get("AlarmName", ""))
    return out


def auto_recovered(inst: dict) -> bool:
    """EC2 automatic recovery is on: MaintenanceOptions.AutoRecovery ``default`` (simplified automatic
    recovery, for supported instance types); Spot Instances are never recovered."""
    auto = (inst.get("MaintenanceOptions") or {}).get("AutoRecovery")
    return auto == "default" and inst.get("InstanceLifecycle") != "spot"


@check(
    id="ec2.instances_in_asg",
    title="EC2 instances recover automatically",
    service="ec2",
    severity="low",
    effort="high",
    description="""Every running instance has automated recovery: it is a member of an Auto Scaling group,
        which replaces a failed or impaired instance (read from the aws:autoscaling:groupName tag AWS puts
        on group instances, otherwise from the groups' instance lists); or EC2 recovers it onto new hardware
        when a system status check fails, through EC2 automatic recovery (DescribeInstances
        MaintenanceOptions.AutoRecovery "default", not for Spot Instances) or a CloudWatch alarm with the EC2
        recover action on the instance. Recovery covers failures of the underlying host only, not of the
        instance's own software, which only replacement from a group handles. Instances carrying one of the
        managed_tag_keys (by default Karpenter's node tags) pass: their orchestrator replaces them. An
        instance without any of these whose alarms cannot be read is not assessed. Stopped instances are
        not assessed.""",
    remediation="""Run the workload from a launch template in an Auto Scaling group (a group of one keeps a
        single instance alive); for an instance that must stay unique, keep EC2 automatic recovery on
        (ec2 modify-instance-maintenance-options --auto-recovery default) or add a CloudWatch alarm on
        StatusCheckFailed_System with the EC2 recover action.""",
    reads=["ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups", "cloudwatch:DescribeAlarms"],
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
        auto = (inst.get("MaintenanceOptions") or {}).get("AutoRecovery")
        observed = {"instance_id": iid, "name": name, "auto_scaling_group": group, "auto_recovery": auto,
                    "availability_zone": (inst.get("Placement") or {}).get("AvailabilityZone")}
        arn = instance_arn(ctx, iid)
        if group:
            observed["automated_recovery"] = "auto_scaling_group"
            yield ctx.passed(arn, f"{label} is in Auto Scaling group {group}", observed)
            continue
        if auto_recovered(inst):
            observed["automated_recovery"] = "ec2_auto_recovery"
            yield ctx.passed(arn, f"{label} is in no Auto Scaling group but has EC2 automatic recovery, which "
                             "recovers it onto new hardware when a system status check fails", observed)
            continue
        try:
            alarm = recover_alarms(ctx).get(iid)
        except NotAssessed as exc:
            yield ctx.not_assessed(arn, exc)
            continue
        if alarm:
            observed["automated_recovery"] = "recover_alarm"
            observed["recover_alarm"] = alarm
            yield ctx.passed(arn, f"{label} is in no Auto Scaling group but CloudWatch alarm {alarm} recovers it "
                             "when a status check fails", observed)
        else:
            observed["automated_recovery"] = None
            yield ctx.failed(arn, f"{label} is in no Auto Scaling group and has no automated recovery "
                             "(EC2 automatic recovery off or not reported, no recover alarm)", observed)
