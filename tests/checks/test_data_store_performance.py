"""RDS Performance Insights and storage autoscaling, caches in front of databases: moto."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.helpers import assert_denied, by_resource, deny


def _db(rds, name, **extra):
    rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin1", MasterUserPassword="password1", **extra)


def test_storage_autoscaling(aws, scan):
    rds = aws.client("rds", region_name="us-east-1")
    _db(rds, "grows", MaxAllocatedStorage=200)
    _db(rds, "fixed")

    result = scan(["rds.storage_autoscaling"])

    assert {f.resource.rsplit(":", 1)[-1]: f.status.value for f in result.findings} == {
        "grows": "pass", "fixed": "fail"}
    assert by_resource(result, ":grows").evidence.observed == {"allocated_gib": 20, "max_allocated_gib": 200}


def test_performance_insights(aws, scan):
    # moto does not keep Performance Insights settings: the instance list is served as RDS returns it.
    def instances(params):
        return {"DBInstances": [
            {"DBInstanceIdentifier": name, "DBInstanceArn": f"arn:aws:rds:us-east-1:123456789012:db:{name}",
             "Engine": "postgres", "PerformanceInsightsEnabled": on, "MonitoringInterval": interval}
            for name, on, interval in (("watched", True, 60), ("blind", False, 0))]}

    result = scan(["rds.performance_insights_enabled"],
                  prepare=answering(("rds", "DescribeDBInstances", instances)))

    assert {f.resource.rsplit(":", 1)[-1]: f.status.value for f in result.findings} == {
        "watched": "pass", "blind": "fail"}
    assert "Enhanced Monitoring every 60s" in by_resource(result, ":watched").message


def test_rds_denied(aws, scan):
    result = scan(["rds.performance_insights_enabled", "rds.storage_autoscaling"],
                  prepare=deny("rds", "describe_db_instances"))
    assert_denied(result, "rds:DescribeDBInstances")


def test_caches_in_front_of_databases(aws, scan):
    ddb = aws.client("dynamodb", region_name="us-east-1")
    ddb.create_table(TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    [none] = scan(["elasticache.caches_in_use"]).findings
    assert none.status == "fail" and none.evidence.observed["dynamodb_tables"] == 1

    aws.client("elasticache", region_name="us-east-1").create_cache_cluster(
        CacheClusterId="sessions", Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1)
    [cached] = scan(["elasticache.caches_in_use"]).findings
    assert cached.status == "pass" and cached.evidence.observed["elasticache_clusters"] == ["sessions"]


def test_no_database_no_cache_finding(aws, scan):
    assert scan(["elasticache.caches_in_use"]).findings == []


def test_caches_denied(aws, scan):
    aws.client("dynamodb", region_name="us-east-1").create_table(
        TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    result = scan(["elasticache.caches_in_use"], prepare=deny("elasticache", "describe_cache_clusters"))
    assert_denied(result, "elasticache:DescribeCacheClusters")

