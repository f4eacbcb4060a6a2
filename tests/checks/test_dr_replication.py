"""rds.replicated_out_of_region and dynamodb.replicated_out_of_region: moto holds RDS replicas and global
clusters; copy jobs, DynamoDB replicas and legacy global tables (which moto lacks) are served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny, statuses

ACCOUNT = "123456789012"
DR_VAULT = f"arn:aws:backup:eu-west-1:{ACCOUNT}:backup-vault:dr"
LOCAL_VAULT = f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:Default"


def _db(rds, name):
    rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin1", MasterUserPassword="password1")
    return f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{name}"


def _copies(*jobs):
    return ("backup", "ListCopyJobs", lambda p: {"CopyJobs": [
        {"CopyJobId": f"c-{i}", "ResourceArn": arn, "DestinationBackupVaultArn": vault, "State": state,
         "CreationDate": datetime.now(UTC) - timedelta(days=1)} for i, (arn, vault, state) in enumerate(jobs)]})


def test_rds_replica_global_cluster_and_copies(aws, scan):
    east, west = aws.client("rds", region_name="us-east-1"), aws.client("rds", region_name="eu-west-1")
    replicated = _db(east, "orders")
    west.create_db_instance_read_replica(DBInstanceIdentifier="orders-dr", SourceDBInstanceIdentifier=replicated)
    copied, local_copy, alone = _db(east, "billing"), _db(east, "reports"), _db(east, "legacy")
    east.create_global_cluster(GlobalClusterIdentifier="ledger", Engine="aurora-postgresql")
    east.create_db_cluster(DBClusterIdentifier="ledger-east", Engine="aurora-postgresql", MasterUsername="admin1",
                           MasterUserPassword="password1", GlobalClusterIdentifier="ledger")
    west.create_db_cluster(DBClusterIdentifier="ledger-west", Engine="aurora-postgresql",
                           GlobalClusterIdentifier="ledger")
    east.create_db_cluster(DBClusterIdentifier="solo", Engine="aurora-postgresql", MasterUsername="admin1",
                           MasterUserPassword="password1")

    result = scan(["rds.replicated_out_of_region"], prepare=answering(_copies(
        (copied, DR_VAULT, "COMPLETED"), (local_copy, LOCAL_VAULT, "COMPLETED"), (alone, DR_VAULT, "FAILED"))))

    assert statuses(result) == {
        replicated: "pass", copied: "pass", local_copy: "fail", alone: "fail",
        f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:ledger-east": "pass",
        f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:solo": "fail",
    }
    assert "read replica arn:aws:rds:eu-west-1" in by_resource(result, ":db:orders").message
    assert by_resource(result, ":db:billing").evidence.observed["backup_copies_away"] == [DR_VAULT]
    assert by_resource(result, "cluster:ledger-east").evidence.observed["global_cluster"] == "ledger"


def test_rds_copy_jobs_denied_leaves_unreplicated_not_assessed(aws, scan):
    east, west = aws.client("rds", region_name="us-east-1"), aws.client("rds", region_name="eu-west-1")
    replicated = _db(east, "orders")
    west.create_db_instance_read_replica(DBInstanceIdentifier="orders-dr", SourceDBInstanceIdentifier=replicated)
    alone = _db(east, "legacy")

    result = scan(["rds.replicated_out_of_region"], prepare=deny("backup", "list_copy_jobs"))

    assert statuses(result) == {replicated: "pass", alone: "not_assessed"}
    assert by_resource(result, ":db:legacy").missing_permission == "backup:ListCopyJobs"


def test_rds_list_denied(aws, scan):
    result = scan(["rds.replicated_out_of_region"], prepare=deny("rds", "describe_db_instances"))
    assert_denied(result, "rds:DescribeDBInstances")


def _table(ddb, name):
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    return f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}"


def _describe(replicas):
    def describe(params):
        name = params["TableName"]
        table = {"TableName": name, "TableArn": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}"}
        if name in replicas:
            table["GlobalTableVersion"] = "2019.11.21"
            table["Replicas"] = [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in replicas[name]]
        return {"Table": table}
    return ("dynamodb", "DescribeTable", describe)


def _legacy(*names):
    return ("dynamodb", "ListGlobalTables", lambda p: {"GlobalTables": [
        {"GlobalTableName": n, "ReplicationGroup": [{"RegionName": "us-east-1"}, {"RegionName": "us-west-2"}]}
        for n in names]})


def test_dynamodb_global_legacy_copied_and_alone(aws, scan):
    ddb = aws.client("dynamodb", region_name="us-east-1")
    arns = {n: _table(ddb, n) for n in ("orders", "sessions", "audit", "cache", "only-here")}

    result = scan(["dynamodb.replicated_out_of_region"], prepare=answering(
        _describe({"orders": ["us-east-1", "eu-west-1"], "only-here": ["us-east-1"]}), _legacy("sessions"),
        _copies((arns["audit"], DR_VAULT, "COMPLETED"), (arns["cache"], LOCAL_VAULT, "COMPLETED"))))

    assert statuses(result) == {arns["orders"]: "pass", arns["sessions"]: "pass", arns["audit"]: "pass",
                                arns["cache"]: "fail", arns["only-here"]: "fail"}
    assert by_resource(result, "table/sessions").evidence.observed["global_table_version"] == "2017.11.29"
    assert "replica in eu-west-1" in by_resource(result, "table/orders").message


def test_dynamodb_describe_denied_per_table(aws, scan):
    ddb = aws.client("dynamodb", region_name="us-east-1")
    _table(ddb, "a")
    _table(ddb, "b")

    def refuse(params):
        raise Refuse("AccessDeniedException")

    result = scan(["dynamodb.replicated_out_of_region"], prepare=answering(
        ("dynamodb", "DescribeTable", refuse), _legacy(), _copies()))
    assert len(result.findings) == 2
    assert_denied(result, "dynamodb:DescribeTable")
