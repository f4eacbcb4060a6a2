"""Data stores are measured and sized to their load: RDS Performance Insights, storage that grows on its own,
and caches in front of databases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check


def _databases(ctx: CheckContext) -> list[dict[str, Any]]:
    # The same read as the other RDS checks, so the region's instances are listed once per scan.
    return ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", [])


@check(
    id="rds.performance_insights_enabled",
    title="RDS databases record performance data",
    service="rds",
    severity="low",
    description="""Every RDS DB instance has Performance Insights (or CloudWatch Database Insights) turned on,
        so database load can be broken down by wait, SQL statement and host; Enhanced Monitoring (OS metrics
        at one-second to one-minute intervals) is reported alongside.""",
    remediation="""Turn on Performance Insights (rds modify-db-instance --enable-performance-insights; the
        7-day retention is free) and Enhanced Monitoring with a monitoring interval of 60 seconds or less.""",
    reads=["rds:DescribeDBInstances"],
)
def performance_insights_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per DB instance."""
    for db in _databases(ctx):
        arn, name = db["DBInstanceArn"], db["DBInstanceIdentifier"]
        interval = db.get("MonitoringInterval", 0) or 0
        observed = {"engine": db.get("Engine"), "performance_insights": bool(db.get("PerformanceInsightsEnabled")),
                    "retention_days": db.get("PerformanceInsightsRetentionPeriod"),
                    "enhanced_monitoring_interval_s": interval}
        if db.get("PerformanceInsightsEnabled"):
            extra = f", Enhanced Monitoring every {interval}s" if interval else ""
            yield ctx.passed(arn, f"RDS instance {name} records Performance Insights{extra}", observed)
        else:
            yield ctx.failed(arn, f"RDS instance {name} has Performance Insights off"
                             + (f" (Enhanced Monitoring every {interval}s)" if interval else ""), observed)


@check(
    id="rds.storage_autoscaling",
    title="RDS storage grows on its own",
    service="rds",
    severity="low",
    description="""Every RDS DB instance outside Aurora (whose storage grows by itself) has storage
        autoscaling: a maximum allocated storage above the allocated storage, so the volume grows when free
        space runs low instead of being provisioned for the largest size on day one or filling up.""",
    remediation="""Set a maximum storage threshold (rds modify-db-instance --max-allocated-storage N), well above
        today's size and below what the budget allows.""",
    reads=["rds:DescribeDBInstances"],
)
def storage_autoscaling(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per non-Aurora DB instance."""
    for db in _databases(ctx):
        if db.get("DBClusterIdentifier") or str(db.get("Engine", "")).startswith("aurora"):
            continue
        arn, name = db["DBInstanceArn"], db["DBInstanceIdentifier"]
        allocated, ceiling = db.get("AllocatedStorage", 0), db.get("MaxAllocatedStorage")
        observed = {"allocated_gib": allocated, "max_allocated_gib": ceiling}
        if ceiling and ceiling > allocated:
            yield ctx.passed(arn, f"RDS instance {name} can grow from {allocated} to {ceiling} GiB", observed)
        else:
            yield ctx.failed(arn, f"RDS instance {name} is fixed at {allocated} GiB (no storage autoscaling)",
                             observed)


@check(
    id="elasticache.caches_in_use",
    title="A cache sits in front of the region's databases",
    service="elasticache",
    severity="info",
    description="""A region that runs RDS databases or DynamoDB tables also runs an ElastiCache cluster or a
        DynamoDB Accelerator (DAX) cluster. Caching inside the application or at the edge is not visible, so
        a region without one is reported for the team to confirm, not as a certain gap.""",
    remediation="""Measure the read load that repeats (Performance Insights top SQL, DynamoDB consumed read
        capacity) and put ElastiCache (lazy loading with a TTL) or DAX in front of the hot reads.""",
    reads=["rds:DescribeDBInstances", "dynamodb:ListTables", "elasticache:DescribeCacheClusters",
           "dax:DescribeClusters"],
)
def caches_in_use(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with databases."""
    databases = len(_databases(ctx))
    tables = len(ctx.call("dynamodb", "ListTables", required=("TableNames",)).get("TableNames", []))
    if not databases and not tables:
        return
    caches = ctx.call("elasticache", "DescribeCacheClusters", required=("CacheClusters",))["CacheClusters"]
    try:
        dax = ctx.call("dax", "DescribeClusters", required=("Clusters",))["Clusters"]
    except NotAssessed as exc:
        if caches:
            dax = []
        else:
            yield ctx.not_assessed(ctx.account_resource(), exc)
            return
    observed = {"rds_instances": databases, "dynamodb_tables": tables,
                "elasticache_clusters": [c.get("CacheClusterId") for c in caches],
                "dax_clusters": [c.get("ClusterName") for c in dax]}
    resource = ctx.account_resource()
    if caches or dax:
        yield ctx.passed(resource, f"{len(caches)} ElastiCache and {len(dax)} DAX cluster(s) in {ctx.region} in front "
                         f"of {databases} database(s) and {tables} table(s)", observed)
    else:
        yield ctx.failed(resource, f"No ElastiCache or DAX cluster in {ctx.region}, which runs {databases} "
                         f"database(s) and {tables} table(s)", observed)

