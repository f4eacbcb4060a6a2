"""Operations automated: EBS snapshots and EBS-backed AMIs are created, kept and deleted by Amazon Data
Lifecycle Manager policies rather than by hand."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check


@check(
    id="dlm.lifecycle_policies_enabled",
    title="Data Lifecycle Manager automates snapshots and images",
    service="dlm",
    severity="low",
    effort="low",
    description="""In a region with EBS volumes, at least one Amazon Data Lifecycle Manager policy is enabled
        (GetLifecyclePolicies, one read per region): snapshots or EBS-backed AMIs are created on a schedule and
        deleted when their retention ends, with no one running or cleaning them up by hand. Snapshots managed
        by AWS Backup instead are not counted here (the backup checks read them).""",
    remediation="""Create a Data Lifecycle Manager policy for the volumes or instances that need snapshots
        (dlm create-lifecycle-policy, or the default policy for volumes), with a retention count or age, so
        old snapshots and images are deleted automatically.""",
    reads=["ec2:DescribeVolumes", "dlm:GetLifecyclePolicies"],
)
def lifecycle_policies_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with EBS volumes."""
    # Same request as the EBS checks, so the collector answers all of them from one read.
    volumes = ctx.call("ec2", "DescribeVolumes", MaxResults=500, required=("Volumes",)).get("Volumes", [])
    if not volumes:
        return
    policies = ctx.call("dlm", "GetLifecyclePolicies", required=("Policies",)).get("Policies", [])
    enabled = [p for p in policies if p.get("State") == "ENABLED"]
    observed = {"volumes": len(volumes),
                "policies": [{"id": p.get("PolicyId"), "type": p.get("PolicyType"), "state": p.get("State"),
                              "default": bool(p.get("DefaultPolicy")), "description": p.get("Description")}
                             for p in policies][:20]}
    resource = ctx.account_resource()
    if enabled:
        kinds = sorted({str(p.get("PolicyType", "?")).replace("_", " ").lower() for p in enabled})
        yield ctx.passed(resource, f"{len(enabled)} Data Lifecycle Manager polic{'y' if len(enabled) == 1 else 'ies'} "
                         f"enabled in {ctx.region} ({', '.join(kinds)})", observed)
    elif policies:
        yield ctx.failed(resource, f"Every Data Lifecycle Manager policy in {ctx.region} is disabled or in error",
                         observed)
    else:
        yield ctx.failed(resource, f"No Data Lifecycle Manager policy in {ctx.region}: snapshots of the "
                         f"{len(volumes)} volumes are made and deleted by hand, if at all", observed)
