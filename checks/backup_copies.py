"""AWS Backup plans copy recovery points out of the region or out of the account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check


def vault_location(arn: str) -> tuple[str, str]:
    """(region, account) of a backup vault ARN; empty strings for parts the ARN does not have."""
    parts = arn.split(":")
    if len(parts) < 6:
        return "", ""
    return parts[3], parts[4]


def copy_destinations(ctx: CheckContext, plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every copy action of every rule of a GetBackupPlan answer, with where it lands."""
    out = []
    for rule in plan.get("BackupPlan", {}).get("Rules", []):
        for action in rule.get("CopyActions") or []:
            arn = action.get("DestinationBackupVaultArn", "")
            region, account = vault_location(arn)
            out.append({
                "rule": rule.get("RuleName"),
                "destination_vault": arn,
                "cross_region": bool(region) and region != ctx.region,
                "cross_account": bool(account) and account != ctx.account,
                "delete_after_days": (action.get("Lifecycle") or {}).get("DeleteAfterDays"),
            })
    return out


@check(
    id="backup.cross_region_copies",
    title="Backup plans copy backups to another region or account",
    service="backup",
    severity="high",
    effort="low",
    description="""Each AWS Backup plan has at least one rule whose copy action sends recovery points to a
        vault in another region or another account, so a regional outage or a compromised account does not
        take the backups down with the data.""",
    remediation="""Add a copy action to the backup plan's rules (backup update-backup-plan, CopyActions with a
        DestinationBackupVaultArn in the recovery region or in a dedicated backup account); give the copies a
        lifecycle that matches the recovery point objective.""",
    reads=["backup:ListBackupPlans", "backup:GetBackupPlan"],
)
def cross_region_copies(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per backup plan in the region."""
    def one(summary: dict[str, Any]) -> Finding:
        plan_id = summary["BackupPlanId"]
        name = summary.get("BackupPlanName", plan_id)
        arn = summary.get("BackupPlanArn") or ctx.arn("backup", f"backup-plan:{plan_id}")
        try:
            plan = ctx.call("backup", "GetBackupPlan", BackupPlanId=plan_id)
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        copies = copy_destinations(ctx, plan)
        away = [c for c in copies if c["cross_region"] or c["cross_account"]]
        observed = {"plan": name, "rules": len(plan.get("BackupPlan", {}).get("Rules", [])),
                    "copy_actions": copies}
        if away:
            where = sorted({c["destination_vault"] for c in away})
            return ctx.passed(arn, f"Backup plan {name} copies recovery points to {', '.join(where)}", observed)
        if copies:
            return ctx.failed(arn, f"Backup plan {name} copies recovery points only within {ctx.region} "
                              "of this account", observed)
        return ctx.failed(arn, f"Backup plan {name} keeps every recovery point in {ctx.region} of this "
                          "account (no copy action)", observed)

    yield from ctx.map(one, ctx.call("backup", "ListBackupPlans",
                                     required=("BackupPlansList",)).get("BackupPlansList", []))
