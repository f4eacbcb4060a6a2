"""Data stores have a copy in another region: native replication, or AWS Backup copies that left the region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import window_start
from scanner.api import CheckContext, Finding, NotAssessed, check


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def copies_away(ctx: CheckContext, days: int) -> dict[str, list[str]]:
    """Resource ARN -> destination vaults in another region or account of copy jobs completed in ``days``.

    One ListCopyJobs read per region serves both data-store checks (same parameters, one collector read).
    """
    jobs = ctx.call("backup", "ListCopyJobs", ByCreatedAfter=window_start(days),
                    required=("CopyJobs",)).get("CopyJobs", [])
    out: dict[str, list[str]] = {}
    for job in jobs:
        dest = job.get("DestinationBackupVaultArn", "")
        if job.get("State") != "COMPLETED" or not job.get("ResourceArn"):
            continue
        if _region_of(dest) not in ("", ctx.region) or _account_of(dest) not in ("", ctx.account):
            out.setdefault(job["ResourceArn"], [])
            if dest not in out[job["ResourceArn"]]:
                out[job["ResourceArn"]].append(dest)
    return out


def _judge(ctx: CheckContext, arn: str, label: str, native: list[str], observed: dict[str, Any],
           days: int, copies: dict[str, list[str]] | NotAssessed) -> Finding:
    """Pass on native replication or a recent copy away; otherwise fail, or not assessed if copies are unknown."""
    observed = {**observed, "native_replication": native}
    if native:
        return ctx.passed(arn, f"{label} has a copy in another region ({'; '.join(native)})", observed)
    if isinstance(copies, NotAssessed):
        return ctx.not_assessed(arn, copies)
    away = copies.get(arn, [])
    observed["backup_copies_away"] = away
    if away:
        return ctx.passed(arn, f"{label} was copied by AWS Backup to {', '.join(away)} in the last {days} days",
                          observed)
    return ctx.failed(arn, f"{label} has no replica in another region and no AWS Backup copy left {ctx.region} "
                      f"or the account in the last {days} days", observed)


def _copies_or_error(ctx: CheckContext, days: int) -> dict[str, list[str]] | NotAssessed:
    try:
        return copies_away(ctx, days)
    except NotAssessed as exc:
        return exc


@check(
    id="rds.replicated_out_of_region",
    title="Databases have a copy in another region",
    service="rds",
    severity="high",
    description="""Every RDS DB instance and Aurora cluster has its data in a second region or account: a
        member of an Aurora global database, a cross-region read replica (or is itself one), automated
        backups replicated to another region, or an AWS Backup copy job that completed to a vault in another
        region or account in the last `days` days. Instances that belong to an Aurora cluster are judged with
        their cluster.""",
    remediation="""Choose the mechanism your recovery point objective needs: an Aurora global database or a
        cross-region read replica for minutes, replicated automated backups or an AWS Backup copy action to
        the recovery region (or a backup account) for hours.""",
    reads=["rds:DescribeDBInstances", "rds:DescribeDBClusters", "rds:DescribeGlobalClusters",
           "backup:ListCopyJobs"],
    options={"days": 7},
)
def rds_replicated(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per cluster and per stand-alone instance."""
    days = int(ctx.option("days"))
    instances = ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", [])
    clusters = ctx.call("rds", "DescribeDBClusters", required=("DBClusters",)).get("DBClusters", [])
    if not instances and not clusters:
        return
    global_members: dict[str, str] = {}
    for g in ctx.call("rds", "DescribeGlobalClusters", required=("GlobalClusters",)).get("GlobalClusters", []):
        members = g.get("GlobalClusterMembers", [])
        if len({_region_of(m.get("DBClusterArn", "")) for m in members}) > 1:
            for m in members:
                global_members[m.get("DBClusterArn", "")] = g.get("GlobalClusterIdentifier", "")
    copies = _copies_or_error(ctx, days)
    for c in clusters:
        arn, name = c["DBClusterArn"], c["DBClusterIdentifier"]
        native = []
        if arn in global_members:
            native.append(f"global database {global_members[arn]}")
        native += [f"read replica {r}" for r in c.get("ReadReplicaIdentifiers", []) if _region_of(r) not in
                   ("", ctx.region)]
        if c.get("ReplicationSourceIdentifier") and _region_of(c["ReplicationSourceIdentifier"]) not in (
                "", ctx.region):
            native.append(f"replica of {c['ReplicationSourceIdentifier']}")
        yield _judge(ctx, arn, f"Aurora cluster {name}", native,
                     {"engine": c.get("Engine"), "global_cluster": global_members.get(arn)}, days, copies)
    for i in instances:
        if i.get("DBClusterIdentifier"):
            continue
        arn, name = i["DBInstanceArn"], i["DBInstanceIdentifier"]
        native = [f"read replica {r}" for r in i.get("ReadReplicaDBInstanceIdentifiers", [])
                  if _region_of(r) not in ("", ctx.region)]
        source = i.get("ReadReplicaSourceDBInstanceIdentifier")
        if source and _region_of(source) not in ("", ctx.region):
            native.append(f"replica of {source}")
        native += [f"automated backups in {_region_of(r.get('DBInstanceAutomatedBackupsArn', ''))}"
                   for r in i.get("DBInstanceAutomatedBackupsReplications", [])]
        yield _judge(ctx, arn, f"RDS instance {name}", native, {"engine": i.get("Engine")}, days, copies)


@check(
    id="dynamodb.replicated_out_of_region",
    title="DynamoDB tables have a copy in another region",
    service="dynamodb",
    severity="high",
    description="""Every DynamoDB table is a global table with a replica in another region, or had an AWS
        Backup copy job complete to a vault in another region or account in the last `days` days. The table
        description is read per table (DynamoDB has no bulk describe).""",
    remediation="""Add a replica in the recovery region (dynamodb update-table --replica-updates) for a
        recovery point of seconds, or copy the table's AWS Backup recovery points to the recovery region.""",
    reads=["dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:ListGlobalTables", "backup:ListCopyJobs"],
    options={"days": 7},
)
def dynamodb_replicated(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per table."""
    days = int(ctx.option("days"))
    tables = ctx.call("dynamodb", "ListTables", required=("TableNames",)).get("TableNames", [])
    if not tables:
        return
    # Global tables of version 2017.11.29 are listed here; newer ones show their replicas in DescribeTable.
    try:
        legacy: dict[str, list[str]] | NotAssessed = {
            g["GlobalTableName"]: [r.get("RegionName") for r in g.get("ReplicationGroup", [])]
            for g in ctx.call("dynamodb", "ListGlobalTables", RegionName=ctx.region,
                              required=("GlobalTables",)).get("GlobalTables", [])}
    except NotAssessed as exc:
        legacy = exc  # only matters for a table that shows no other copy
    copies = _copies_or_error(ctx, days)

    def one(name: str) -> Finding:
        arn = ctx.arn("dynamodb", f"table/{name}")
        try:
            table = ctx.call("dynamodb", "DescribeTable", TableName=name).get("Table", {})
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        arn = table.get("TableArn", arn)
        regions = [r.get("RegionName") for r in table.get("Replicas", []) if r.get("RegionName") != ctx.region]
        older = legacy.get(name, []) if isinstance(legacy, dict) else []
        regions += [r for r in older if r != ctx.region and r not in regions]
        if not regions and isinstance(legacy, NotAssessed):
            return ctx.not_assessed(arn, legacy)
        version = table.get("GlobalTableVersion") or ("2017.11.29" if older else None)
        return _judge(ctx, arn, f"DynamoDB table {name}", [f"replica in {r}" for r in regions],
                      {"global_table_version": version}, days, copies)

    yield from ctx.map(one, tables)
