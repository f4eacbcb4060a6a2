"""Data stores are covered by an AWS Backup plan or by their own native backups."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from checks._ec2 import instance_arn, instances
from scanner.api import CheckContext, Finding, NotAssessed, check


@dataclass(frozen=True)
class Selection:
    """One backup selection of a plan, reduced to what decides whether it covers a resource."""

    plan: str
    name: str
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    any_tags: tuple[tuple[str, str, str], ...]  # (condition type, key, value): any one selects
    all_conditions: tuple[tuple[str, str, str], ...]  # every one must hold

    def covers(self, arn: str, tags: dict[str, str]) -> bool:
        """True when this selection assigns the resource ``arn`` with ``tags`` to its plan.

        Resources and ListOfTags select (either is enough); Conditions narrow (all must hold);
        NotResources exclude.
        """
        if any(fnmatch.fnmatchcase(arn, pattern) for pattern in self.not_resources):
            return False
        selected = any(fnmatch.fnmatchcase(arn, pattern) for pattern in self.resources) or any(
            _tag_matches(kind, key, value, tags) for kind, key, value in self.any_tags
        )
        return selected and all(_tag_matches(kind, key, value, tags) for kind, key, value in self.all_conditions)


def _tag_matches(kind: str, key: str, value: str, tags: dict[str, str]) -> bool:
    key = key.removeprefix("aws:ResourceTag/")
    actual = tags.get(key)
    kind = kind.lower()
    if kind in ("stringequals",):
        return actual == value
    if kind == "stringlike":
        return actual is not None and fnmatch.fnmatchcase(actual, value)
    if kind == "stringnotequals":
        return actual != value
    if kind == "stringnotlike":
        return actual is None or not fnmatch.fnmatchcase(actual, value)
    return False


def selections(ctx: CheckContext) -> list[Selection]:
    """Every backup selection of every backup plan in the context's region."""
    out = []
    for plan in ctx.call("backup", "ListBackupPlans", required=("BackupPlansList",)).get("BackupPlansList", []):
        plan_id, plan_name = plan["BackupPlanId"], plan.get("BackupPlanName", plan["BackupPlanId"])
        listed = ctx.call("backup", "ListBackupSelections", BackupPlanId=plan_id)
        for item in listed.get("BackupSelectionsList", []):
            sel = ctx.call("backup", "GetBackupSelection", BackupPlanId=plan_id,
                           SelectionId=item["SelectionId"])["BackupSelection"]
            conditions = sel.get("Conditions") or {}
            all_conditions = tuple(
                (kind, c["ConditionKey"], c["ConditionValue"])
                for kind in ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
                for c in conditions.get(kind, [])
            )
            out.append(Selection(
                plan=plan_name,
                name=sel.get("SelectionName", item["SelectionId"]),
                resources=tuple(sel.get("Resources") or ()),
                not_resources=tuple(sel.get("NotResources") or ()),
                any_tags=tuple((t["ConditionType"], t["ConditionKey"], t["ConditionValue"])
                               for t in sel.get("ListOfTags") or ()),
                all_conditions=all_conditions,
            ))
    return out


def _tags(items: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in items or []}


Store = tuple[str, str, dict[str, str], dict[str, Any]]


def _instances_by_id(ctx: CheckContext) -> dict[str, tuple[str, dict[str, str]]]:
    """Instance id -> (ARN, tags) for the region's instances (the shared DescribeInstances read)."""
    states = ("pending", "running", "stopping", "stopped", "shutting-down")
    return {inst["InstanceId"]: (instance_arn(ctx, inst["InstanceId"]), _tags(inst.get("Tags")))
            for inst in instances(ctx, states=states)}


def _clusters_by_id(ctx: CheckContext, need_tags: bool) -> dict[str, tuple[str, dict[str, str]]]:
    """Aurora cluster id -> (ARN, tags); tags are read only when a selection could match on them."""
    if not need_tags:
        return {}
    return {c["DBClusterIdentifier"]: (c["DBClusterArn"], _tags(c.get("TagList")))
            for c in ctx.call("rds", "DescribeDBClusters", required=("DBClusters",)).get("DBClusters", [])}


def _data_stores(ctx: CheckContext, need_tags: bool) -> Iterator[Store | tuple[str, NotAssessed]]:
    """(kind, ARN, tags, facts) for every data store, or (service, why) for a kind that could not be listed.

    ``facts["via"]`` lists (ARN, tags) of the resource a backup plan may select instead of the store itself:
    the instance an EBS volume is attached to (an EC2 backup includes its volumes), the Aurora cluster an
    instance belongs to (Aurora is backed up per cluster).
    """
    try:
        volumes = ctx.call("ec2", "DescribeVolumes", MaxResults=500, required=("Volumes",)).get("Volumes", [])
        attached = [a.get("InstanceId") for v in volumes for a in v.get("Attachments") or [] if a.get("InstanceId")]
        by_instance = _instances_by_id(ctx) if attached else {}
        for vol in volumes:
            via = []
            for attachment in vol.get("Attachments") or []:
                iid = attachment.get("InstanceId")
                if iid:
                    via.append(by_instance.get(iid, (instance_arn(ctx, iid), {})))
            yield "EBS volume", ctx.arn("ec2", f"volume/{vol['VolumeId']}"), _tags(vol.get("Tags")), {"via": via}
    except NotAssessed as exc:
        yield "ec2", exc
    try:
        databases = ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", [])
        clusters = _clusters_by_id(ctx, need_tags) if any(db.get("DBClusterIdentifier") for db in databases) else {}
        for db in databases:
            retention = db.get("BackupRetentionPeriod", 0)
            cluster = db.get("DBClusterIdentifier")
            via = [clusters.get(cluster, (ctx.arn("rds", f"cluster:{cluster}"), {}))] if cluster else []
            yield "RDS instance", db["DBInstanceArn"], _tags(db.get("TagList")), {
                "backup_retention_days": retention, "native": retention > 0, "via": via,
                "db_cluster": cluster, "native_replicated_to_another_region":
                    bool(db.get("DBInstanceAutomatedBackupsReplications"))}
    except NotAssessed as exc:
        yield "rds", exc
    try:
        for table in ctx.call("dynamodb", "ListTables", required=("TableNames",)).get("TableNames", []):
            arn = ctx.arn("dynamodb", f"table/{table}")
            backups = ctx.call("dynamodb", "DescribeContinuousBackups", TableName=table)
            pitr = backups["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription", {})
            enabled = pitr.get("PointInTimeRecoveryStatus") == "ENABLED"
            # Tags even with PITR on: whether AWS Backup also covers the table decides what it can recover from.
            tags = _tags(ctx.call("dynamodb", "ListTagsOfResource", ResourceArn=arn).get("Tags")) if need_tags else {}
            yield "DynamoDB table", arn, tags, {"point_in_time_recovery": enabled, "native": enabled}
    except NotAssessed as exc:
        yield "dynamodb", exc
    try:
        for fs in ctx.call("efs", "DescribeFileSystems", required=("FileSystems",)).get("FileSystems", []):
            arn = fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", f"file-system/{fs['FileSystemId']}")
            yield "EFS file system", arn, _tags(fs.get("Tags")), {}
    except NotAssessed as exc:
        yield "elasticfilesystem", exc


@check(
    id="backup.resources_protected",
    title="Data stores are backed up",
    service="backup",
    severity="high",
    effort="medium",
    description="""Every EBS volume, RDS instance, DynamoDB table and EFS file system is assigned to an AWS
        Backup plan (by ARN, by tag or by wildcard, directly or through the EC2 instance a volume is
        attached to or the Aurora cluster an instance belongs to), or has its own native backup (RDS
        automated backups with a retention above zero, DynamoDB point-in-time recovery). Native backups
        count as backups taken automatically, but they restore only in the same account and region:
        observed protection ("aws_backup" or "native") and recovers_outside_account_or_region say so, for
        the questions about cross-region and cross-account recovery, which only copies answer (see
        backup.cross_region_copies).""",
    remediation="""Create an AWS Backup plan whose selection assigns resources by tag (for example
        backup=daily) and tag every data store; enable point-in-time recovery on DynamoDB tables and keep
        RDS backup retention above zero.""",
    reads=["backup:ListBackupPlans", "backup:ListBackupSelections", "backup:GetBackupSelection",
           "ec2:DescribeVolumes", "ec2:DescribeInstances", "rds:DescribeDBInstances", "rds:DescribeDBClusters",
           "dynamodb:ListTables", "dynamodb:DescribeContinuousBackups", "dynamodb:ListTagsOfResource",
           "efs:DescribeFileSystems"],
)
def resources_protected(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per data store in the region."""
    plans = selections(ctx)
    need_tags = any(s.any_tags or s.all_conditions for s in plans)
    for item in _data_stores(ctx, need_tags):
        if len(item) == 2:
            service, why = item
            yield ctx.not_assessed(ctx.account_resource(service), why)
            continue
        kind, arn, tags, facts = item
        covering = [f"{s.plan}/{s.name}" for s in plans if s.covers(arn, tags)]
        through = None
        for parent_arn, parent_tags in facts.get("via", []):
            if covering:
                break
            covering = [f"{s.plan}/{s.name}" for s in plans if s.covers(parent_arn, parent_tags)]
            through = parent_arn if covering else None
        native = bool(facts.get("native"))
        protection = "aws_backup" if covering else "native" if native else None
        observed = {"resource_type": kind, "backup_selections": covering, "covered_through": through,
                    "protection": protection,
                    # AWS Backup can copy to other regions and accounts (backup.cross_region_copies checks that);
                    # native backups stay where the data is, apart from RDS cross-region backup replication.
                    "recovers_outside_account_or_region":
                        None if covering else bool(facts.get("native_replicated_to_another_region")),
                    **{k: v for k, v in facts.items() if k not in ("native", "via")}}
        name = arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        if covering:
            parent = ""
            if through:
                what = "instance" if kind == "EBS volume" else "cluster"
                parent = f" through the {what} it belongs to ({through.rsplit('/', 1)[-1].rsplit(':', 1)[-1]})"
                if kind == "EBS volume":
                    parent = f", attached to instance {through.rsplit('/', 1)[-1]} which the selection covers"
            yield ctx.passed(arn, f"{kind} {name} is in backup plan selection {covering[0]}{parent}", observed)
        elif native:
            yield ctx.passed(arn, f"{kind} {name} has native backups but no AWS Backup plan; they restore in "
                             "this account and region only", observed)
        else:
            yield ctx.failed(arn, f"{kind} {name} is in no backup plan and has no native backup", observed)
