"""backup.resources_protected: moto for the data stores, Stubber for Backup selections (moto lacks them)."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import assert_denied, by_resource, deny

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

    result = scan([CHECK], prepare=deny("backup", "list_backup_plans"))

    assert_denied(result, "backup:ListBackupPlans")
    assert len(result.findings) == 1 and not result.partial


def _instance_with_volume(aws, tags: list[dict] | None = None) -> tuple[str, str]:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="app-img", RootDeviceName="/dev/xvda")["ImageId"]
    spec = [{"ResourceType": "instance", "Tags": tags}] if tags else []
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, Placement={"AvailabilityZone": "us-east-1a"},
                                 TagSpecifications=spec)["Instances"][0]["InstanceId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=20)["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=instance, Device="/dev/sdf")
    return instance, volume


def test_volume_of_an_instance_selected_by_arn_or_tag_is_covered(aws, scan):
    by_arn, arn_volume = _instance_with_volume(aws)
    _, tag_volume = _instance_with_volume(aws, tags=[{"Key": "backup", "Value": "daily"}])
    _, bare_volume = _instance_with_volume(aws)
    prepare = _stub_backup([
        {"Resources": [f"arn:aws:ec2:us-east-1:123456789012:instance/{by_arn}"]},
        {"Resources": [], "ListOfTags": [
            {"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}])

    result = scan([CHECK], prepare=prepare)

    through_arn = by_resource(result, arn_volume)
    assert through_arn.status == "pass" and through_arn.evidence.observed["backup_selections"] == ["plan0/sel0"]
    assert through_arn.evidence.observed["covered_through"] == f"arn:aws:ec2:us-east-1:123456789012:instance/{by_arn}"
    assert "attached to instance" in through_arn.message
    assert by_resource(result, tag_volume).status == "pass"
    assert by_resource(result, bare_volume).status == "fail"


def test_aurora_instance_selected_through_its_cluster_is_covered(aws, scan):
    rds = aws.client("rds", region_name="us-east-1")
    rds.create_db_cluster(DBClusterIdentifier="orders", Engine="aurora-postgresql", MasterUsername="admin1",
                          MasterUserPassword="password123", Tags=[{"Key": "backup", "Value": "daily"}])
    rds.create_db_instance(DBInstanceIdentifier="orders-1", DBInstanceClass="db.r6g.large",
                           Engine="aurora-postgresql", DBClusterIdentifier="orders")
    cluster_arn = "arn:aws:rds:us-east-1:123456789012:cluster:orders"

    by_arn = scan([CHECK], prepare=_stub_backup([{"Resources": [cluster_arn]}]))
    by_tag = scan([CHECK], prepare=_stub_backup([{"Resources": [], "ListOfTags": [
        {"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}]))

    for result in (by_arn, by_tag):
        member = by_resource(result, "db:orders-1")
        assert member.status == "pass" and member.evidence.observed["backup_selections"] == ["plan0/sel0"]
        assert member.evidence.observed["covered_through"] == cluster_arn
        assert member.evidence.observed["protection"] == "aws_backup"


def test_native_backups_recover_only_in_the_same_account_and_region(aws, scan):
    _seed(aws)

    result = scan([CHECK], prepare=_stub_backup([]))

    rds = by_resource(result, "db:with-backups")
    assert rds.status == "pass" and rds.evidence.observed["protection"] == "native"
    assert rds.evidence.observed["recovers_outside_account_or_region"] is False
    assert "this account and region" in rds.message
    pitr = by_resource(result, "table/pitr-on")
    assert pitr.evidence.observed["protection"] == "native"
    assert pitr.evidence.observed["recovers_outside_account_or_region"] is False
    assert by_resource(result, "db:no-backups").evidence.observed["protection"] is None


def test_selection_condition_semantics():
    from checks.backup import Selection

    sel = Selection("p", "s", resources=("*",), not_resources=(), any_tags=(),
                    all_conditions=(("StringEquals", "aws:ResourceTag/env", "prod"),
                                    ("StringNotLike", "aws:ResourceTag/tier", "scratch*")))
    assert sel.covers("arn:x", {"env": "prod"})
    assert not sel.covers("arn:x", {"env": "dev"})
    assert not sel.covers("arn:x", {"env": "prod", "tier": "scratch-1"})
