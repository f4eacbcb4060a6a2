"""EBS encryption: on by default for new volumes, and on for every existing volume."""

from __future__ import annotations

from collections.abc import Iterator

from checks._ec2 import name_tag
from scanner.api import CheckContext, Finding, check


@check(
    id="ec2.ebs_encryption_by_default",
    title="EBS encryption by default is on",
    service="ec2",
    severity="medium",
    effort="low",
    description="""The region's account setting "EBS encryption by default" is on, so every new volume and
        snapshot copy is encrypted whoever creates it and however, instead of relying on each template to
        ask for it.""",
    remediation="""ec2 enable-ebs-encryption-by-default in every enabled region (optionally
        modify-ebs-default-kms-key-id to use a customer-managed key); existing volumes stay as they are and
        need re-creating from an encrypted snapshot copy.""",
    reads=["ec2:GetEbsEncryptionByDefault"],
)
def ebs_encryption_by_default(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    enabled = bool(ctx.call("ec2", "GetEbsEncryptionByDefault").get("EbsEncryptionByDefault"))
    observed = {"ebs_encryption_by_default": enabled}
    if enabled:
        yield ctx.passed(ctx.account_resource(), f"New EBS volumes in {ctx.region} are encrypted by default",
                         observed)
    else:
        yield ctx.failed(ctx.account_resource(), f"EBS encryption by default is off in {ctx.region}", observed)


@check(
    id="ec2.volumes_encrypted",
    title="EBS volumes are encrypted",
    service="ec2",
    severity="medium",
    effort="high",
    description="""Every EBS volume in the region is encrypted at rest; the evidence names the KMS key that
        protects it.""",
    remediation="""Snapshot the unencrypted volume, copy the snapshot with encryption (a customer-managed KMS
        key where access must be controlled by key policy), create a volume from the copy and swap it in;
        turn on EBS encryption by default so no new unencrypted volume appears.""",
    reads=["ec2:DescribeVolumes"],
)
def volumes_encrypted(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per volume."""
    for vol in ctx.call("ec2", "DescribeVolumes", MaxResults=500, required=("Volumes",)).get("Volumes", []):
        vid = vol["VolumeId"]
        label = f"{vid} ({name_tag(vol)})" if name_tag(vol) else vid
        encrypted = bool(vol.get("Encrypted"))
        observed = {"volume_id": vid, "name": name_tag(vol), "encrypted": encrypted,
                    "kms_key_id": vol.get("KmsKeyId"), "state": vol.get("State"),
                    "attached_to": [a.get("InstanceId") for a in vol.get("Attachments") or []]}
        arn = ctx.arn("ec2", f"volume/{vid}")
        if encrypted:
            yield ctx.passed(arn, f"EBS volume {label} is encrypted", observed)
        else:
            yield ctx.failed(arn, f"EBS volume {label} is not encrypted", observed)
