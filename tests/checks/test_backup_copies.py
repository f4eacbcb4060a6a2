"""backup.cross_region_copies: moto keeps CopyActions of backup plans."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "backup.cross_region_copies"
VAULT = "arn:aws:backup:{region}:{account}:backup-vault:{name}"


def _plan(backup, name: str, copies: list[str]) -> str:
    rule = {"RuleName": "nightly", "TargetBackupVaultName": "Default", "ScheduleExpression": "cron(0 3 * * ? *)"}
    if copies:
        rule["CopyActions"] = [{"DestinationBackupVaultArn": c, "Lifecycle": {"DeleteAfterDays": 30}} for c in copies]
    return backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": [rule]})["BackupPlanArn"]


def test_copies_out_of_region_or_account_pass(aws, scan):
    backup = aws.client("backup", region_name="us-east-1")
    other_region = _plan(backup, "to-dr-region", [VAULT.format(region="us-west-2", account="123456789012",
                                                               name="dr")])
    other_account = _plan(backup, "to-vault-account", [VAULT.format(region="us-east-1", account="210987654321",
                                                                    name="locked")])
    same_place = _plan(backup, "local-copy", [VAULT.format(region="us-east-1", account="123456789012",
                                                           name="second")])
    no_copy = _plan(backup, "no-copy", [])

    result = scan([CHECK])

    dr = by_resource(result, other_region)
    assert dr.status == "pass" and dr.evidence.observed["copy_actions"][0]["cross_region"] is True
    vault = by_resource(result, other_account)
    assert vault.status == "pass" and vault.evidence.observed["copy_actions"][0]["cross_account"] is True
    local = by_resource(result, same_place)
    assert local.status == "fail" and "only within us-east-1" in local.message
    bare = by_resource(result, no_copy)
    assert bare.status == "fail" and bare.evidence.observed["copy_actions"] == []


def test_plan_read_denied_is_not_assessed(aws, scan):
    arn = "arn:aws:backup:us-east-1:123456789012:backup-plan:p-1"

    def prepare(target):
        stub = Stubber(target.collector.client("backup", "us-east-1"))
        stub.add_response("list_backup_plans", {"BackupPlansList": [
            {"BackupPlanId": "p-1", "BackupPlanName": "daily", "BackupPlanArn": arn}]})
        stub.add_client_error("get_backup_plan", "AccessDeniedException", "denied", 400,
                              expected_params={"BackupPlanId": "p-1"})
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.resource == arn
    assert finding.missing_permission == "backup:GetBackupPlan"
