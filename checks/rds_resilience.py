"""RDS databases keep enough automated backups and survive the loss of an Availability Zone.

The unit is the database a workload talks to: a DB cluster (Aurora, Multi-AZ DB cluster, and the
DocumentDB and Neptune clusters the same API returns) or a DB instance outside any cluster. Read
replicas are left out: their data is protected through their source, and a replica in one zone is a
normal design.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check


@dataclass(frozen=True)
class Database:
    """A DB cluster or a stand-alone DB instance, reduced to what these checks read."""

    kind: str  # "DB cluster" or "DB instance"
    name: str
    arn: str
    engine: str
    retention_days: int
    multi_az: bool
    zones: tuple[str, ...]


def databases(ctx: CheckContext) -> Iterator[Database | NotAssessed]:
    """Every DB cluster and stand-alone primary DB instance of the region; a ``NotAssessed`` when the
    clusters cannot be listed (the instances are still yielded)."""
    instances = ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", [])
    zone_of = {db["DBInstanceIdentifier"]: db.get("AvailabilityZone") for db in instances}
    for db in instances:
        if db.get("DBClusterIdentifier") or db.get("ReadReplicaSourceDBInstanceIdentifier"):
            continue
        zones = [db.get("AvailabilityZone"), db.get("SecondaryAvailabilityZone")]
        yield Database("DB instance", db["DBInstanceIdentifier"], db["DBInstanceArn"], db.get("Engine", ""),
                       int(db.get("BackupRetentionPeriod") or 0), bool(db.get("MultiAZ")),
                       tuple(z for z in zones if z))
    try:
        clusters = ctx.call("rds", "DescribeDBClusters", required=("DBClusters",)).get("DBClusters", [])
    except NotAssessed as exc:
        yield exc
        return
    for cl in clusters:
        # The cluster's own AvailabilityZones are where its storage may live; where its instances run
        # is what decides whether compute survives a zone failure.
        zones = tuple(sorted({zone_of.get(m.get("DBInstanceIdentifier")) or "" for m in
                              cl.get("DBClusterMembers") or []} - {""}))
        yield Database("DB cluster", cl["DBClusterIdentifier"], cl["DBClusterArn"], cl.get("Engine", ""),
                       int(cl.get("BackupRetentionPeriod") or 0), bool(cl.get("MultiAZ")) or len(zones) > 1,
                       zones)

def _observed(db: Database) -> dict[str, Any]:
    return {"kind": db.kind, "engine": db.engine, "backup_retention_days": db.retention_days,
            "multi_az": db.multi_az, "availability_zones": list(db.zones)}


@check(
    id="rds.backup_retention",
    title="RDS automated backups are kept long enough",
    service="rds",
    severity="medium",
    effort="low",
    description="""Every RDS DB cluster and stand-alone DB instance keeps automated backups (and so
        point-in-time restore) for at least min_days days; zero days means automated backups are off.
        Read replicas are not assessed.""",
    remediation="""Set the backup retention period to at least the number of days you may need to go back
        to (rds modify-db-instance / modify-db-cluster --backup-retention-period, up to 35); use AWS Backup
        for longer retention.""",
    reads=["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
    options={"min_days": 7},
)
def backup_retention(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per database; fails below ``min_days`` days of retention."""
    min_days = int(ctx.option("min_days"))
    for db in databases(ctx):
        if isinstance(db, NotAssessed):
            yield ctx.not_assessed(ctx.account_resource(), db)
            continue
        observed = {**_observed(db), "min_days": min_days}
        label = f"{db.kind} {db.name}"
        if db.retention_days == 0:
            yield ctx.failed(db.arn, f"{label} has automated backups turned off", observed)
        elif db.retention_days < min_days:
            yield ctx.failed(db.arn, f"{label} keeps automated backups for {db.retention_days} days "
                             f"(fewer than {min_days})", observed)
        else:
            yield ctx.passed(db.arn, f"{label} keeps automated backups for {db.retention_days} days", observed)


@check(
    id="rds.multi_az",
    title="RDS databases span more than one Availability Zone",
    service="rds",
    severity="medium",
    effort="medium",
    description="""Every RDS DB cluster and stand-alone DB instance is Multi-AZ: a standby or a reader in
        another Availability Zone takes over automatically when the primary's zone fails. Read replicas are
        not assessed.""",
    remediation="""Convert DB instances to Multi-AZ (rds modify-db-instance --multi-az); give Aurora clusters a
        reader instance in a second Availability Zone.""",
    reads=["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
)
def multi_az(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per database."""
    for db in databases(ctx):
        if isinstance(db, NotAssessed):
            yield ctx.not_assessed(ctx.account_resource(), db)
            continue
        label = f"{db.kind} {db.name}"
        if db.multi_az:
            yield ctx.passed(db.arn, f"{label} is Multi-AZ", _observed(db))
        else:
            where = f" ({db.zones[0]})" if len(db.zones) == 1 else ""
            yield ctx.failed(db.arn, f"{label} runs in a single Availability Zone{where}", _observed(db))
