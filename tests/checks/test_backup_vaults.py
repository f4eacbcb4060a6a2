"""backup.vaults_locked and backup.vault_access_restricted: moto keeps vaults and their locks; the access
policy (which moto lacks) is answered per vault from the request."""

from __future__ import annotations

import json

from moto.backup.models import backup_backends

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny, statuses

ACCOUNT = "123456789012"
DENY_DELETE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPoint*"],
     "Resource": "*"}]})
ALLOW_ONLY = json.dumps({"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "backup:*", "Resource": "*"}})


def _vaults(aws, *names: str, locked: tuple[str, ...] = (), empty: tuple[str, ...] = ()) -> None:
    backup = aws.client("backup", region_name="us-east-1")
    for name in names:
        backup.create_backup_vault(BackupVaultName=name)
        if name in locked:
            backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=7)
        if name not in empty:
            backup_backends[ACCOUNT]["us-east-1"].vaults[name].num_of_recovery_points = 3


def test_locked_vault_passes_unlocked_fails_empty_ignored(aws, scan):
    _vaults(aws, "locked", "open", "spare", locked=("locked",), empty=("spare",))

    result = scan(["backup.vaults_locked"])

    assert statuses(result) == {
        f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:locked": "pass",
        f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:open": "fail",
    }
    locked = by_resource(result, ":locked")
    assert locked.evidence.observed["min_retention_days"] == 7
    assert "no vault lock" in by_resource(result, ":open").message


def test_air_gapped_vault_passes(aws, scan):
    vault = {"BackupVaultName": "gapped", "BackupVaultArn": f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:gapped",
             "VaultType": "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", "NumberOfRecoveryPoints": 2, "Locked": False}
    result = scan(["backup.vaults_locked"],
                  prepare=answering(("backup", "ListBackupVaults", lambda p: {"BackupVaultList": [vault]})))
    [finding] = result.findings
    assert finding.status == "pass" and "air-gapped" in finding.message


def test_vault_list_denied(aws, scan):
    result = scan(["backup.vaults_locked", "backup.vault_access_restricted"],
                  prepare=deny("backup", "list_backup_vaults"))
    assert_denied(result, "backup:ListBackupVaults")


def test_access_policy_denying_delete_passes(aws, scan):
    _vaults(aws, "guarded", "permissive", "bare")
    policies = {"guarded": DENY_DELETE, "permissive": ALLOW_ONLY}

    def policy(params):
        name = params["BackupVaultName"]
        if name not in policies:
            raise Refuse("ResourceNotFoundException", 404)
        return {"BackupVaultName": name, "Policy": policies[name]}

    result = scan(["backup.vault_access_restricted"],
                  prepare=answering(("backup", "GetBackupVaultAccessPolicy", policy)))

    guarded = by_resource(result, ":guarded")
    assert guarded.status == "pass"
    assert guarded.evidence.observed["denied_actions"] == ["backup:DeleteRecoveryPoint",
                                                           "backup:UpdateRecoveryPointLifecycle"]
    permissive = by_resource(result, ":permissive")
    assert permissive.status == "fail" and "does not deny" in permissive.message
    bare = by_resource(result, ":bare")
    assert bare.status == "fail" and bare.evidence.observed["access_policy"] is False


def test_access_policy_denied_is_not_assessed_per_vault(aws, scan):
    _vaults(aws, "one", "two")

    def refuse(params):
        raise Refuse("AccessDeniedException")

    result = scan(["backup.vault_access_restricted"],
                  prepare=answering(("backup", "GetBackupVaultAccessPolicy", refuse)))
    assert len(result.findings) == 2
    assert_denied(result, "backup:GetBackupVaultAccessPolicy")
