"""RDS instances are not reachable from the internet."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check


@check(
    id="rds.not_publicly_accessible",
    title="RDS instances are not publicly accessible",
    service="rds",
    severity="high",
    effort="low",
    description="""No RDS or Aurora DB instance has PubliclyAccessible set, which gives it a public DNS
        name and address reachable from outside its VPC wherever security groups allow.""",
    remediation="""Modify the instance with --no-publicly-accessible, keep it in private subnets and reach it
        from the application tier, a bastion through Session Manager, or a VPN.""",
    reads=["rds:DescribeDBInstances"],
)
def not_publicly_accessible(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per DB instance of the region."""
    for db in ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", []):
        name = db["DBInstanceIdentifier"]
        public = bool(db.get("PubliclyAccessible"))
        observed = {"db_instance": name, "engine": db.get("Engine"), "publicly_accessible": public,
                    "vpc_security_groups": [g.get("VpcSecurityGroupId") for g in db.get("VpcSecurityGroups") or []]}
        if public:
            yield ctx.failed(db["DBInstanceArn"], f"DB instance {name} is publicly accessible", observed)
        else:
            yield ctx.passed(db["DBInstanceArn"], f"DB instance {name} is not publicly accessible", observed)
