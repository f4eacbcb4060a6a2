"""dynamodb.pitr_enabled."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "dynamodb.pitr_enabled"


def _table(ddb, name: str) -> None:
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])


def test_tables_with_and_without_pitr(aws, scan):
    ddb = aws.client("dynamodb", region_name="us-east-1")
    _table(ddb, "ledger")
    _table(ddb, "cache")
    ddb.update_continuous_backups(TableName="ledger",
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})

    result = scan([CHECK])

    assert by_resource(result, "table/ledger").status == "pass"
    cache = by_resource(result, "table/cache")
    assert cache.status == "fail" and cache.evidence.observed["point_in_time_recovery"] == "DISABLED"
    assert cache.resource == "arn:aws:dynamodb:us-east-1:123456789012:table/cache"


def test_denied_table_is_not_assessed(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("dynamodb", "us-east-1"))
        stub.add_response("list_tables", {"TableNames": ["ledger"]})
        stub.add_client_error("describe_continuous_backups", "AccessDeniedException", "denied", 400,
                              expected_params={"TableName": "ledger"})
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.missing_permission == "dynamodb:DescribeContinuousBackups"
