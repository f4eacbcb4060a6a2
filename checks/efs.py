"""EFS file systems are encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check


@check(
    id="efs.encrypted",
    title="EFS file systems are encrypted",
    service="efs",
    severity="medium",
    effort="high",
    description="""Every EFS file system in the region is encrypted at rest. Encryption can only be chosen
        when the file system is created.""",
    remediation="""Create an encrypted file system (a customer-managed KMS key where access must be controlled
        by key policy), copy the data with AWS DataSync or AWS Backup restore, and switch the mounts; an
        SCP or IAM condition elasticfilesystem:Encrypted=true stops new unencrypted ones.""",
    reads=["efs:DescribeFileSystems"],
)
def efs_encrypted(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per file system."""
    for fs in ctx.call("efs", "DescribeFileSystems", required=("FileSystems",)).get("FileSystems", []):
        fid = fs["FileSystemId"]
        label = f"{fid} ({fs['Name']})" if fs.get("Name") else fid
        arn = fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", f"file-system/{fid}")
        encrypted = bool(fs.get("Encrypted"))
        observed = {"file_system_id": fid, "name": fs.get("Name"), "encrypted": encrypted,
                    "kms_key_id": fs.get("KmsKeyId")}
        if encrypted:
            yield ctx.passed(arn, f"EFS file system {label} is encrypted", observed)
        else:
            yield ctx.failed(arn, f"EFS file system {label} is not encrypted", observed)
