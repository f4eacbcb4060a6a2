"""AWS Backup vaults that hold recovery points are immutable and refuse deletion by policy."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check

AIR_GAPPED = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
# Deleting a recovery point or the vault's own protections is what ransomware and a careless admin do.
PROTECTED_ACTIONS = ("backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle",
                     "backup:DeleteBackupVaultAccessPolicy", "backup:PutBackupVaultAccessPolicy")


def vaults_in_use(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's backup vaults that hold at least one recovery point (empty vaults protect nothing)."""
    listed = ctx.call("backup", "ListBackupVaults", required=("BackupVaultList",)).get("BackupVaultList", [])
    return [v for v in listed if v.get("NumberOfRecoveryPoints", 0) > 0]


def _vault_facts(vault: dict[str, Any]) -> dict[str, Any]:
    return {"vault": vault.get("BackupVaultName"), "vault_type": vault.get("VaultType", "BACKUP_VAULT"),
            "recovery_points": vault.get("NumberOfRecoveryPoints", 0), "locked": bool(vault.get("Locked")),
            "min_retention_days": vault.get("MinRetentionDays"), "max_retention_days": vault.get("MaxRetentionDays"),
            "encryption_key_type": vault.get("EncryptionKeyType")}


@check(
    id="backup.vaults_locked",
    title="Backup vaults are locked",
    service="backup",
    severity="high",
    description="""Every AWS Backup vault that holds recovery points either has AWS Backup Vault Lock
        (recovery points cannot be deleted or shortened before their minimum retention, not even by the root
        user once the lock is in compliance mode) or is a logically air-gapped vault. Empty vaults are not
        reported.""",
    remediation="""Put a vault lock on the vaults your recovery depends on (backup put-backup-vault-lock-
        configuration --min-retention-days N, with --changeable-for-days for compliance mode), or copy
        recovery points into a logically air-gapped vault.""",
    reads=["backup:ListBackupVaults"],
)
def vaults_locked(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per vault that holds recovery points."""
    for vault in vaults_in_use(ctx):
        arn, observed = vault["BackupVaultArn"], _vault_facts(vault)
        name = observed["vault"]
        if observed["vault_type"] == AIR_GAPPED:
            yield ctx.passed(arn, f"Backup vault {name} is logically air-gapped", observed)
        elif observed["locked"]:
            yield ctx.passed(arn, f"Backup vault {name} is locked (minimum retention "
                             f"{observed['min_retention_days']} days)", observed)
        else:
            yield ctx.failed(arn, f"Backup vault {name} holds {observed['recovery_points']} recovery point(s) "
                             "and has no vault lock", observed)


def _statements(policy_text: str | None) -> list[dict[str, Any]]:
    if not policy_text:
        return []
    try:
        doc = json.loads(policy_text)
    except ValueError:
        return []
    statements = doc.get("Statement", []) if isinstance(doc, dict) else []
    return [s for s in ([statements] if isinstance(statements, dict) else statements) if isinstance(s, dict)]


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]


def denied_actions(policy_text: str | None) -> list[str]:
    """Which of ``PROTECTED_ACTIONS`` a Deny statement of the vault access policy covers."""
    denied = set()
    for statement in _statements(policy_text):
        if statement.get("Effect") != "Deny":
            continue
        patterns = [p.lower() for p in _listed(statement.get("Action"))]
        denied.update(a for a in PROTECTED_ACTIONS if any(fnmatch.fnmatchcase(a.lower(), p) for p in patterns))
    return sorted(denied)


@check(
    id="backup.vault_access_restricted",
    title="Backup vault access policies deny deleting recovery points",
    service="backup",
    severity="medium",
    description="""Every AWS Backup vault that holds recovery points has an access policy with a Deny
        statement for backup:DeleteRecoveryPoint, so that deleting a backup needs a deliberate policy change
        rather than any principal with broad Backup permissions. Empty vaults are not reported.""",
    remediation="""Attach a vault access policy (backup put-backup-vault-access-policy) that denies
        backup:DeleteRecoveryPoint and backup:UpdateRecoveryPointLifecycle to every principal except a break-glass
        role, and lock the vault for recovery points that must survive an account compromise.""",
    reads=["backup:ListBackupVaults", "backup:GetBackupVaultAccessPolicy"],
)
def vault_access_restricted(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per vault that holds recovery points; the access policy is read per vault (no bulk API)."""

    def one(vault: dict[str, Any]) -> Finding:
        arn, name = vault["BackupVaultArn"], vault["BackupVaultName"]
        try:
            answer = ctx.call("backup", "GetBackupVaultAccessPolicy", BackupVaultName=name,
                              absent=("ResourceNotFoundException",))
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        policy = (answer or {}).get("Policy")
        denied = denied_actions(policy)
        observed = {**_vault_facts(vault), "access_policy": policy is not None, "denied_actions": denied}
        if "backup:DeleteRecoveryPoint" in denied:
            return ctx.passed(arn, f"Backup vault {name}'s access policy denies {', '.join(denied)}", observed)
        if policy is None:
            return ctx.failed(arn, f"Backup vault {name} has no access policy: any principal allowed "
                              "backup:DeleteRecoveryPoint can delete its recovery points", observed)
        return ctx.failed(arn, f"Backup vault {name}'s access policy does not deny backup:DeleteRecoveryPoint",
                          observed)

    yield from ctx.map(one, vaults_in_use(ctx))
