"""EBS cost: gp2 volumes that would be cheaper as gp3, and volumes attached to nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import days_since
from checks._ec2 import name_tag
from scanner.api import CheckContext, Finding, check

# EBS list prices in us-east-1 (aws.amazon.com/ebs/pricing), USD per month. Other regions differ, but
# gp3 stays about 20% cheaper per GB than gp2 everywhere, so the estimate is indicative only.
GP2_PER_GB = 0.10
GP3_PER_GB = 0.08
GP3_PER_IOPS = 0.005  # above the 3,000 included
GP3_PER_MBPS = 0.04  # above the 125 MB/s included
GP3_FREE_IOPS, GP3_FREE_MBPS = 3000, 125


def gp2_performance(size_gb: int) -> tuple[int, int]:
    """Baseline IOPS and throughput (MB/s) of a gp2 volume of ``size_gb``.

    gp2 gives 3 IOPS per GB (at least 100, at most 16,000); throughput reaches 250 MB/s from 334 GB.
    """
    iops = min(max(100, 3 * size_gb), 16000)
    throughput = 250 if size_gb >= 334 else 125
    return iops, throughput


def gp3_saving(size_gb: int) -> dict[str, float]:
    """Monthly cost of a gp2 volume and of a gp3 volume with the same baseline performance."""
    iops, throughput = gp2_performance(size_gb)
    gp2 = size_gb * GP2_PER_GB
    gp3 = (size_gb * GP3_PER_GB + max(0, iops - GP3_FREE_IOPS) * GP3_PER_IOPS
           + max(0, throughput - GP3_FREE_MBPS) * GP3_PER_MBPS)
    return {"gp2_monthly_usd": round(gp2, 2), "gp3_monthly_usd": round(gp3, 2),
            "monthly_saving_usd": round(gp2 - gp3, 2), "gp3_iops": max(iops, GP3_FREE_IOPS),
            "gp3_throughput_mbps": throughput}


def volumes(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every EBS volume of the region (the same read as the backup and IaC checks)."""
    return ctx.call("ec2", "DescribeVolumes", MaxResults=500, required=("Volumes",)).get("Volumes", [])


def _label(vol: dict[str, Any]) -> str:
    name = name_tag(vol)
    return f"Volume {vol['VolumeId']}" + (f" ({name})" if name else "")


@check(
    id="ec2.volumes_gp3",
    title="EBS volumes use gp3 rather than gp2",
    service="ec2",
    severity="low",
    effort="low",
    description="""No EBS volume is of type gp2. gp3 costs about 20% less per GB and includes 3,000 IOPS
        and 125 MB/s whatever the size; a gp3 volume with the same baseline performance as a gp2 volume is
        cheaper at every size. The evidence holds the estimated monthly saving at us-east-1 list prices.""",
    remediation="""Modify the volume type to gp3 in place (ec2 modify-volume --volume-type gp3, no
        downtime), provisioning IOPS and throughput to match the gp2 baseline where it exceeds 3,000 IOPS
        or 125 MB/s; make gp3 the default in launch templates and infrastructure code.""",
    reads=["ec2:DescribeVolumes"],
)
def volumes_gp3(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per volume: gp2 fails, every other type passes."""
    for vol in volumes(ctx):
        vtype, size = vol.get("VolumeType"), int(vol.get("Size") or 0)
        arn = ctx.arn("ec2", f"volume/{vol['VolumeId']}")
        observed: dict[str, Any] = {"volume_id": vol["VolumeId"], "volume_type": vtype, "size_gb": size}
        if vtype == "gp2":
            observed.update(gp3_saving(size))
            yield ctx.failed(arn, f"{_label(vol)} is gp2 ({size} GB); as gp3 it would cost about "
                             f"${observed['monthly_saving_usd']:.2f} a month less", observed)
        else:
            yield ctx.passed(arn, f"{_label(vol)} is {vtype}", observed)


@check(
    id="ec2.volumes_attached",
    title="EBS volumes are attached to an instance",
    service="ec2",
    severity="low",
    effort="low",
    description="""No EBS volume sits in the 'available' state, attached to nothing: an unattached volume is
        billed in full and is usually left over from a terminated instance.""",
    remediation="""Snapshot the volume if its data may be needed (or archive the snapshot), then delete it;
        set DeleteOnTermination on data volumes of disposable instances. AWS Config's
        ec2-volume-inuse-check rule can watch for new ones.""",
    reads=["ec2:DescribeVolumes"],
)
def volumes_attached(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per volume in use or available; available (unattached) fails."""
    for vol in volumes(ctx):
        state, size = vol.get("State"), int(vol.get("Size") or 0)
        arn = ctx.arn("ec2", f"volume/{vol['VolumeId']}")
        attached_to = [a.get("InstanceId") for a in vol.get("Attachments") or [] if a.get("InstanceId")]
        observed = {"volume_id": vol["VolumeId"], "state": state, "size_gb": size,
                    "volume_type": vol.get("VolumeType"), "attached_to": attached_to,
                    "age_days": days_since(vol.get("CreateTime"))}
        if state == "available":
            yield ctx.failed(arn, f"{_label(vol)} ({size} GB {vol.get('VolumeType')}) is attached to no instance",
                             observed)
        elif state == "in-use":
            yield ctx.passed(arn, f"{_label(vol)} is attached to {', '.join(attached_to) or 'an instance'}",
                             observed)
        # creating, deleting and error are passing states, not a verdict on the volume's use
