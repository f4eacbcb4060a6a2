"""RDS database storage is encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check


@check(
    id="rds.storage_encrypted",
    title="RDS storage is encrypted",
    service="rds",
    severity="high",
    effort="high",
    description="""Every RDS DB instance (including Aurora, DocumentDB and Neptune instances, which the same
        API lists) has storage encryption on, which also covers its automated backups, snapshots and read
        replicas. Encryption can only be chosen when the instance is created.""",
    remediation="""Take a snapshot, copy it with encryption (a customer-managed KMS key where access must be
        controlled by key policy), restore a new instance from the copy and cut over; require encryption
        in the templates that create databases.""",
    reads=["rds:DescribeDBInstances"],
)
def storage_encrypted(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per DB instance."""
    for db in ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", []):
        name = db["DBInstanceIdentifier"]
        encrypted = bool(db.get("StorageEncrypted"))
        observed = {"db_instance": name, "engine": db.get("Engine"), "storage_encrypted": encrypted,
                    "kms_key_id": db.get("KmsKeyId"), "cluster": db.get("DBClusterIdentifier")}
        if encrypted:
            yield ctx.passed(db["DBInstanceArn"], f"RDS instance {name} has encrypted storage", observed)
        else:
            yield ctx.failed(db["DBInstanceArn"], f"RDS instance {name} ({db.get('Engine')}) stores data "
                             "unencrypted", observed)
