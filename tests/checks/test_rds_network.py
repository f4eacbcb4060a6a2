"""rds.not_publicly_accessible."""

from __future__ import annotations

from tests.helpers import by_resource, deny

CHECK = "rds.not_publicly_accessible"


def test_public_and_private_instances(aws, scan):
    rds = aws.client("rds", region_name="us-east-1")
    for name, public in (("internal-db", False), ("exposed-db", True)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="admin1", MasterUserPassword="password123", AllocatedStorage=20,
                               PubliclyAccessible=public)

    result = scan([CHECK])

    assert by_resource(result, "db:internal-db").status.value == "pass"
    exposed = by_resource(result, "db:exposed-db")
    assert exposed.status.value == "fail" and exposed.evidence.observed["publicly_accessible"] is True
    assert exposed.resource == "arn:aws:rds:us-east-1:123456789012:db:exposed-db"


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("rds", "describe_db_instances", code="AccessDenied", status=403)

    result = scan([CHECK], prepare=prepare)

    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "rds:DescribeDBInstances"
