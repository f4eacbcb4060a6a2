"""DynamoDB tables can be restored to any second of the recent past (point-in-time recovery)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="dynamodb.pitr_enabled",
    title="DynamoDB tables have point-in-time recovery",
    service="dynamodb",
    severity="medium",
    effort="low",
    description="""Every DynamoDB table has point-in-time recovery enabled, so an accidental write or delete
        can be undone by restoring the table to any second of the recovery window.""",
    remediation="""Enable point-in-time recovery on each table (dynamodb update-continuous-backups
        --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true); keep AWS Backup for
        longer-lived copies.""",
    reads=["dynamodb:ListTables", "dynamodb:DescribeContinuousBackups"],
)
def pitr_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per table in the region."""
    def one(table: str) -> Finding:
        arn = ctx.arn("dynamodb", f"table/{table}")
        try:
            answer = ctx.call("dynamodb", "DescribeContinuousBackups", TableName=table)
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        description = answer.get("ContinuousBackupsDescription", {})
        pitr = description.get("PointInTimeRecoveryDescription", {})
        status = pitr.get("PointInTimeRecoveryStatus", "DISABLED")
        observed = {"table": table, "point_in_time_recovery": status,
                    "continuous_backups": description.get("ContinuousBackupsStatus")}
        if "RecoveryPeriodInDays" in pitr:
            observed["recovery_period_days"] = pitr["RecoveryPeriodInDays"]
        if status == "ENABLED":
            return ctx.passed(arn, f"DynamoDB table {table} has point-in-time recovery", observed)
        return ctx.failed(arn, f"DynamoDB table {table} has point-in-time recovery {status.lower()}", observed)

    yield from ctx.map(one, ctx.call("dynamodb", "ListTables", required=("TableNames",)).get("TableNames", []))
