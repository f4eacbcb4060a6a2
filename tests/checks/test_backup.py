"""backup.resources_protected: moto for the data stores, Stubber for Backup selections (moto lacks them)."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "backup.resources_protected"
ROLE = "arn:aws:iam::123456789012:role/backup"


def _stub_backup(selections: list[dict], plans: int = 1):
    """A ``prepare`` hook that stubs the scan's Backup client with one plan and ``selections``."""

    def prepare(target):
        client = target.collector.client("backup", "us-east-1")
        stub = Stubber(client)
        plan_list = [{"BackupPlanId": f"plan-{i}", "BackupPlanName": f"plan{i}",
                      "BackupPlanArn": f"arn:aws:backup:us-east-1:123456789012:backup-plan:plan-{i}"}
                     for i in range(plans)]
        stub.add_response("list_backup_plans", {"BackupPlansList": plan_list})
        stub.add_response("list_backup_selections", {"BackupSelectionsList": [
            {"SelectionId": f"sel-{i}", "SelectionName": s.get("SelectionName", f"sel{i}"),
             "BackupPlanId": "plan-0", "IamRoleArn": ROLE} for i, s in enumerate(selections)]},
            {"BackupPlanId": "plan-0"})
        for i, sel in enumerate(selections):
            stub.add_response("get_backup_selection", {
                "BackupSelection": {"SelectionName": f"sel{i}", "IamRoleArn": ROLE, **sel},
                "SelectionId": f"sel-{i}", "BackupPlanId": "plan-0"},
                {"BackupPlanId": "plan-0", "SelectionId": f"sel-{i}"})
        stub.activate()
        prepare.stub = stub

    return prepare


def _seed(aws):
    ec2 = aws.client("ec2", region_name="us-east-1")
    tagged = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "backup", "Value": "daily"}]}])["VolumeId"]
    bare = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    rds = aws.client("rds", region_name="us-east-1")
    for name, retention in (("with-backups", 7), ("no-backups", 0)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="admin1", MasterUserPassword="password123",
                               AllocatedStorage=20, BackupRetentionPeriod=retention)
    ddb = aws.client("dynamodb", region_name="us-east-1")
    for table in ("pitr-on", "pitr-off"):
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    ddb.update_continuous_backups(TableName="pitr-on",
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    fs = aws.client("efs", region_name="us-east-1").create_file_system(CreationToken="share")["FileSystemId"]
    return tagged, bare, fs


def test_tag_selection_and_native_backups(aws, scan):
    tagged, bare, fs = _seed(aws)
    prepare = _stub_backup([{"Resources": [], "ListOfTags": [
        {"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}])

    result = scan([CHECK], prepare=prepare)

    prepare.stub.assert_no_pending_responses()
    assert by_resource(result, tagged).status == "pass"
    assert by_resource(result, tagged).evidence.observed["backup_selections"] == ["plan0/sel0"]
    assert by_resource(result, bare).status == "fail"
    assert by_resource(result, "db:with-backups").status == "pass"
    assert by_resource(result, "db:no-backups").status == "fail"
    assert by_resource(result, "table/pitr-on").status == "pass"
    assert by_resource(result, "table/pitr-off").status == "fail"
    assert by_resource(result, fs).status == "fail"


def test_wildcard_selection_with_exclusion(aws, scan):
    tagged, bare, fs = _seed(aws)
    prepare = _stub_backup([{"Resources": ["arn:aws:ec2:*:*:volume/*", "arn:aws:elasticfilesystem:*"],
                             "NotResources": [f"arn:aws:ec2:us-east-1:123456789012:volume/{bare}"]}])

    result = scan([CHECK], prepare=prepare)

    assert by_resource(result, tagged).status == "pass"
    assert by_resource(result, bare).status == "fail"
    assert by_resource(result, fs).status == "pass"


def test_backup_denied_is_not_assessed_never_pass(aws, scan):
    _seed(aws)

    def prepare(target):
        stub = Stubber(target.collector.client("backup", "us-east-1"))
        stub.add_client_error("list_backup_plans", "AccessDeniedException", "denied", 400)
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "backup:ListBackupPlans"
    assert not result.partial


def test_selection_condition_semantics():
    from checks.backup import Selection

    sel = Selection("p", "s", resources=("*",), not_resources=(), any_tags=(),
                    all_conditions=(("StringEquals", "aws:ResourceTag/env", "prod"),
                                    ("StringNotLike", "aws:ResourceTag/tier", "scratch*")))
    assert sel.covers("arn:x", {"env": "prod"})
    assert not sel.covers("arn:x", {"env": "dev"})
    assert not sel.covers("arn:x", {"env": "prod", "tier": "scratch-1"})
