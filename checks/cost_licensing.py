"""Software licensing: the region's instances and databases run open-source software where they can, so
no per-CPU licence grows with the hardware."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import instances, name_tag
from scanner.api import CheckContext, Finding, check

# EC2 PlatformDetails (EC2 user guide, "AMI billing information fields") whose price includes no licence.
OPEN_PLATFORMS = frozenset({"Linux/UNIX"})
# RDS engines whose licence is open source (RDS user guide, "DB engines"); the rest (oracle-*, sqlserver-*,
# db2-*, custom-*) carry a commercial licence, included or brought.
OPEN_ENGINES = frozenset({"mysql", "mariadb", "postgres", "aurora", "aurora-mysql", "aurora-postgresql"})


def _instance_licences(ctx: CheckContext) -> list[dict[str, Any]]:
    out = []
    for inst in instances(ctx, states=("running",)):
        platform = inst.get("PlatformDetails") or ("Windows" if inst.get("Platform") == "windows" else "Linux/UNIX")
        if platform not in OPEN_PLATFORMS:
            out.append({"kind": "instance", "id": inst["InstanceId"], "name": name_tag(inst), "software": platform})
    return out


def _database_licences(ctx: CheckContext) -> tuple[list[dict[str, Any]], int]:
    # Same request as the other RDS checks make, so the collector answers all of them from one read.
    databases = ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", [])
    return [{"kind": "database", "id": db["DBInstanceIdentifier"], "software": db.get("Engine"),
             "licence_model": db.get("LicenseModel")}
            for db in databases if (db.get("Engine") or "").lower() not in OPEN_ENGINES], len(databases)


@check(
    id="software.open_source_licensing",
    title="Instances and databases avoid commercial licences",
    service="ec2",
    severity="low",
    effort="high",
    description="""The region's running EC2 instances run a platform without a licence charge (PlatformDetails
        Linux/UNIX, not Windows, SQL Server, Red Hat or SUSE) and its RDS instances run an open-source engine
        (MySQL, MariaDB, PostgreSQL, Aurora), so the software bill does not grow with vCPUs. Licensed
        software may be what the workload needs; the check names it so the choice can be confirmed. Software
        installed on the instances and Marketplace products are not seen.""",
    remediation="""For each component on licensed software, compare the open-source alternative (Linux, .NET on
        Linux, PostgreSQL or Aurora instead of SQL Server or Oracle, with the Babelfish or DMS migration
        paths) in the AWS Pricing Calculator; where a licence stays, prefer terms tied to use, not to cores,
        and track it in AWS License Manager.""",
    reads=["ec2:DescribeInstances", "rds:DescribeDBInstances"],
)
def open_source_licensing(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with running instances or databases."""
    fleet = instances(ctx, states=("running",))
    licensed_db, databases = _database_licences(ctx)
    if not fleet and not databases:
        return
    licensed = _instance_licences(ctx) + licensed_db
    observed = {"instances": len(fleet), "databases": databases, "licensed": licensed[:20],
                "licensed_count": len(licensed)}
    resource = ctx.account_resource()
    total = len(fleet) + databases
    if not licensed:
        yield ctx.passed(resource, f"All {total} instances and databases in {ctx.region} run open-source software",
                         observed)
        return
    kinds = sorted({str(item["software"]) for item in licensed})
    yield ctx.failed(resource, f"{len(licensed)} of {total} instances and databases in {ctx.region} run licensed "
                     f"software ({', '.join(kinds[:4])}): confirm each licence is needed", observed)
