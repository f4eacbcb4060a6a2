"""rds.storage_encrypted."""

from __future__ import annotations

from tests.helpers import by_resource, deny

CHECK = "rds.storage_encrypted"


def test_encrypted_and_unencrypted_instances(aws, scan):
    rds = aws.client("rds")
    for name, encrypted in (("ledger", True), ("reporting", False)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="admin1", MasterUserPassword="password123", AllocatedStorage=20,
                               StorageEncrypted=encrypted)

    result = scan([CHECK])

    assert by_resource(result, "db:ledger").status == "pass"
    reporting = by_resource(result, "db:reporting")
    assert reporting.status == "fail" and reporting.evidence.observed["storage_encrypted"] is False


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    prepare = deny("rds", "describe_db_instances", code="AccessDenied", status=403)

    [finding] = scan([CHECK], prepare=prepare).findings

    assert finding.status == "not_assessed" and finding.missing_permission == "rds:DescribeDBInstances"
