"""Stored data kept to what is needed: buckets expire what they no longer need, and data many machines
use lives on shared storage rather than in a copy per machine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import instances
from checks._s3 import bucket_lifecycle_rules, buckets
from scanner.api import CheckContext, Finding, NotAssessed, check

EXPIRING = ("Expiration", "NoncurrentVersionExpiration")


def expiring_rules(rules: list[dict[str, Any]]) -> list[str]:
    """IDs (or filters) of the enabled lifecycle rules that delete current or noncurrent object versions."""
    out = []
    for rule in rules:
        if rule.get("Status") != "Enabled":
            continue
        expiration = rule.get("Expiration") or {}
        # ExpiredObjectDeleteMarker alone removes only markers, not data.
        deletes = (expiration.get("Days") or expiration.get("Date")) or rule.get("NoncurrentVersionExpiration")
        if deletes:
            out.append(rule.get("ID") or rule.get("Prefix") or "(unnamed)")
    return out


@check(
    id="s3.lifecycle_expires_data",
    title="S3 buckets delete data they no longer need",
    service="s3",
    scope="global",
    severity="low",
    effort="low",
    description="""Every bucket has an enabled lifecycle rule that expires objects after a number of days or on
        a date, or expires noncurrent versions, so data past its use is removed automatically instead of
        being stored forever. Transition-only rules move data to colder storage but keep it, so they do not
        count. Reads the same per-bucket lifecycle configuration as the lifecycle check; retention a bucket
        must keep (legal holds, Object Lock) is for the reviewer to weigh.""",
    remediation="""Add an expiration to the bucket's lifecycle configuration that matches its retention policy
        (s3api put-bucket-lifecycle-configuration with Expiration Days, NoncurrentVersionExpiration and
        AbortIncompleteMultipartUpload), for the whole bucket or for the prefixes that hold temporary data.""",
    reads=["s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketLifecycleConfiguration"],
)
def lifecycle_expires_data(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per bucket; the per-bucket reads run concurrently."""
    yield from ctx.map(lambda bucket: _assess(ctx, bucket), buckets(ctx))


def _assess(ctx: CheckContext, bucket: dict[str, Any]) -> Finding:
    name, arn = bucket["Name"], bucket["Arn"]
    if bucket["region_error"] is not None:
        return ctx.not_assessed(arn, bucket["region_error"])
    try:
        rules = bucket_lifecycle_rules(ctx, bucket)
    except NotAssessed as exc:
        return ctx.not_assessed(arn, exc)
    expiring = expiring_rules(rules)
    observed = {"bucket": name, "region": bucket["Region"], "rules": len(rules), "expiring_rules": expiring}
    sources = ["s3:ListBuckets", "s3:GetBucketLifecycleConfiguration"]
    if expiring:
        return ctx.passed(arn, f"Bucket {name} expires data with lifecycle rule(s) {', '.join(expiring[:3])}",
                          observed, source=sources)
    if rules:
        return ctx.failed(arn, f"Bucket {name} has lifecycle rules but none deletes data", observed, source=sources)
    return ctx.failed(arn, f"Bucket {name} keeps every object until someone deletes it (no lifecycle rule)",
                      observed, source=sources)


@check(
    id="storage.shared_file_systems",
    title="Common data is on shared file systems or volumes",
    service="efs",
    severity="low",
    effort="high",
    description="""In a region with running EC2 instances, common data can be reached from many machines
        without a copy per machine: an EFS file system with mount targets, an available FSx file system, or
        an io1/io2 volume with Multi-Attach attached to more than one instance. Reads the file systems and
        volumes other checks read, plus one FSx DescribeFileSystems. Data shared through S3 is not judged
        here, so a workload that keeps its common data in S3 fails this check without being wrong.""",
    remediation="""Where several instances or containers read the same dataset, move it to Amazon EFS (or FSx
        for Windows, Lustre, ONTAP or OpenZFS) mounted by all of them, or read it from S3, instead of
        copying it onto each instance's volume.""",
    reads=["ec2:DescribeInstances", "efs:DescribeFileSystems", "fsx:DescribeFileSystems", "ec2:DescribeVolumes"],
)
def shared_file_systems(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with running instances."""
    fleet = instances(ctx, states=("running",))
    if not fleet:
        return
    # Same requests as the EFS, backup and EBS checks, so the collector answers them once.
    efs = [fs for fs in ctx.call("efs", "DescribeFileSystems", required=("FileSystems",)).get("FileSystems", [])
           if fs.get("NumberOfMountTargets") and fs.get("LifeCycleState") == "available"]
    fsx = [fs for fs in ctx.call("fsx", "DescribeFileSystems", required=("FileSystems",)).get("FileSystems", [])
           if fs.get("Lifecycle") in ("AVAILABLE", "UPDATING")]
    volumes = ctx.call("ec2", "DescribeVolumes", MaxResults=500, required=("Volumes",)).get("Volumes", [])
    multi = [v for v in volumes if v.get("MultiAttachEnabled") and len(v.get("Attachments") or []) > 1]
    observed = {"instances": len(fleet),
                "efs": [{"id": fs["FileSystemId"], "name": fs.get("Name"), "mount_targets": fs["NumberOfMountTargets"]}
                        for fs in efs][:10],
                "fsx": [{"id": fs["FileSystemId"], "type": fs.get("FileSystemType")} for fs in fsx][:10],
                "multi_attach_volumes": [v["VolumeId"] for v in multi][:10]}
    resource = ctx.account_resource()
    shared = [f"{len(efs)} EFS"] * bool(efs) + [f"{len(fsx)} FSx"] * bool(fsx) \
        + [f"{len(multi)} Multi-Attach volume(s)"] * bool(multi)
    if shared:
        yield ctx.passed(resource, f"Instances in {ctx.region} can share data on {', '.join(shared)}", observed)
    else:
        yield ctx.failed(resource, f"No shared file system or Multi-Attach volume in {ctx.region}: each of the "
                         f"{len(fleet)} instances keeps its own copy of any common data", observed)
