"""EC2 instances get AWS credentials from an instance profile, not from keys on disk."""

from __future__ import annotations

from collections.abc import Iterator

from checks._ec2 import instance_arn, instances, name_tag
from scanner.api import CheckContext, Finding, check


@check(
    id="ec2.instance_has_role",
    title="EC2 instances have an IAM role",
    service="ec2",
    severity="medium",
    effort="medium",
    description="""Running and stopped instances carry an IAM instance profile, so software on them gets
        short-lived credentials instead of long-lived access keys.""",
    remediation="""Create a role with the permissions the workload needs and attach it as an instance profile
        (ec2 associate-iam-instance-profile); then remove any access keys stored on the instance.""",
    reads=["ec2:DescribeInstances"],
)
def instance_has_role(ctx: CheckContext) -> Iterator[Finding]:
    """Fail for each running or stopped instance without an instance profile."""
    for inst in instances(ctx):
        iid = inst["InstanceId"]
        profile = (inst.get("IamInstanceProfile") or {}).get("Arn")
        observed = {"instance_id": iid, "name": name_tag(inst), "state": inst["State"]["Name"],
                    "instance_profile": profile}
        label = f"Instance {iid}" + (f" ({observed['name']})" if observed["name"] else "")
        if profile:
            yield ctx.passed(instance_arn(ctx, iid), f"{label} has instance profile {profile.split('/')[-1]}",
                             observed)
        else:
            yield ctx.failed(instance_arn(ctx, iid), f"{label} has no IAM instance profile", observed)
