"""rds.backup_retention and rds.multi_az: moto emulates instances, replicas and Aurora clusters."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

RETENTION, MULTI_AZ = "rds.backup_retention", "rds.multi_az"


def _instance(rds, name: str, **kw) -> None:
    rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="admin1", MasterUserPassword="password123", AllocatedStorage=20, **kw)


def _seed(aws) -> None:
    rds = aws.client("rds", region_name="us-east-1")
    _instance(rds, "orders", BackupRetentionPeriod=14, MultiAZ=True)
    _instance(rds, "reports", BackupRetentionPeriod=3)
    _instance(rds, "scratch", BackupRetentionPeriod=0)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="orders-replica", SourceDBInstanceIdentifier="orders")
    for name, zones in (("ledger", ("us-east-1a", "us-east-1b")), ("single", ("us-east-1a",))):
        rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="admin1",
                              MasterUserPassword="password123", BackupRetentionPeriod=7)
        for i, zone in enumerate(zones):
            rds.create_db_instance(DBInstanceIdentifier=f"{name}-{i}", DBClusterIdentifier=name,
                                   DBInstanceClass="db.r6g.large", Engine="aurora-postgresql",
                                   AvailabilityZone=zone)


def test_retention_and_multi_az(aws, scan):
    _seed(aws)

    result = scan([RETENTION, MULTI_AZ], options={RETENTION: {"min_days": 7}})

    assert by_resource(result, "db:orders", RETENTION).status == "pass"
    short = by_resource(result, "db:reports", RETENTION)
    assert short.status == "fail" and short.evidence.observed["backup_retention_days"] == 3
    off = by_resource(result, "db:scratch", RETENTION)
    assert off.status == "fail" and "turned off" in off.message
    assert by_resource(result, "cluster:ledger", RETENTION).status == "pass"
    # Replicas and cluster members are judged through their source and their cluster.
    assert not [f for f in result.findings if "orders-replica" in f.resource or "ledger-0" in f.resource]

    assert by_resource(result, "db:orders", MULTI_AZ).status == "pass"
    assert by_resource(result, "db:reports", MULTI_AZ).status == "fail"
    ledger = by_resource(result, "cluster:ledger", MULTI_AZ)
    assert ledger.status == "pass" and ledger.evidence.observed["availability_zones"] == ["us-east-1a", "us-east-1b"]
    single = by_resource(result, "cluster:single", MULTI_AZ)
    assert single.status == "fail" and "us-east-1a" in single.message


def test_min_days_option(aws, scan):
    _seed(aws)

    result = scan([RETENTION], options={RETENTION: {"min_days": 30}})

    assert by_resource(result, "db:orders", RETENTION).status == "fail"


def test_clusters_denied_leaves_instances_assessed(aws, scan):
    _seed(aws)

    def prepare(target):
        client = target.collector.client("rds", "us-east-1")
        real = client.describe_db_instances()
        stub = Stubber(client)
        real.pop("ResponseMetadata", None)
        stub.add_response("describe_db_instances", real)
        stub.add_client_error("describe_db_clusters", "AccessDenied", "denied", 403)
        stub.activate()

    result = scan([MULTI_AZ], prepare=prepare)

    assert by_resource(result, "db:orders").status == "pass"
    [denied] = [f for f in result.findings if f.status == "not_assessed"]
    assert denied.missing_permission == "rds:DescribeDBClusters"
    assert not [f for f in result.findings if "cluster:" in f.resource]
