"""tagging.data_classification over S3 buckets, RDS instances, DynamoDB tables and EFS file systems."""

from __future__ import annotations

from tests.helpers import by_resource, deny

CHECK = "tagging.data_classification"
TAG = {"Key": "data-classification", "Value": "confidential"}


def _seed(aws):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="tagged-bucket")
    s3.put_bucket_tagging(Bucket="tagged-bucket", Tagging={"TagSet": [TAG]})
    s3.create_bucket(Bucket="untagged-bucket")
    eu = aws.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="other-tags-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_bucket_tagging(Bucket="other-tags-eu", Tagging={"TagSet": [{"Key": "team", "Value": "web"}]})
    rds = aws.client("rds")
    for name, tags in (("classified-db", [{"Key": "Data-Classification", "Value": "restricted"}]),
                       ("bare-db", [])):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="admin1", MasterUserPassword="password123", AllocatedStorage=20,
                               Tags=tags)
    ddb = aws.client("dynamodb")
    for table, tags in (("orders", [TAG]), ("cache", [])):
        kwargs = {"Tags": tags} if tags else {}
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], **kwargs)
    efs = aws.client("efs", region_name="eu-west-1")
    efs.create_file_system(CreationToken="empty-label", Tags=[{"Key": "data-classification", "Value": " "}])


def test_every_kind_of_store(aws, scan):
    _seed(aws)

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"])

    tagged = by_resource(result, ":::tagged-bucket")
    assert tagged.status == "pass" and tagged.evidence.observed["classification"] == "confidential"
    assert tagged.region == "us-east-1"
    assert by_resource(result, ":::untagged-bucket").status == "fail"
    other = by_resource(result, ":::other-tags-eu")
    assert other.status == "fail" and other.region == "eu-west-1"
    classified = by_resource(result, "db:classified-db")
    assert classified.status == "pass" and classified.evidence.observed["tag_key"] == "Data-Classification"
    assert by_resource(result, "db:bare-db").status == "fail"
    assert by_resource(result, "table/orders").status == "pass"
    assert by_resource(result, "table/cache").status == "fail"
    empty = by_resource(result, "file-system/")
    assert empty.status == "fail" and "empty" in empty.message
    assert len(result.findings) == 8


def test_tag_key_and_allowed_values_options(aws, scan):
    _seed(aws)

    result = scan([CHECK], options={CHECK: {"tag_key": "team, data-classification",
                                            "allowed_values": "public,internal,confidential"}},
                  regions=["us-east-1", "eu-west-1"])

    assert by_resource(result, ":::other-tags-eu").status == "fail"  # team=web is outside the scheme
    assert by_resource(result, ":::tagged-bucket").status == "pass"
    restricted = by_resource(result, "db:classified-db")
    assert restricted.status == "fail" and "outside the scheme" in restricted.message


def test_a_denied_store_kind_is_not_assessed_and_the_rest_still_is(aws, scan):
    _seed(aws)

    prepare = deny("rds", "describe_db_instances", code="AccessDenied", status=403)

    result = scan([CHECK], prepare=prepare)

    denied = by_resource(result, "arn:aws:rds:us-east-1:123456789012:account")
    assert denied.status == "not_assessed" and denied.missing_permission == "rds:DescribeDBInstances"
    assert by_resource(result, "table/orders").status == "pass"
    assert not any(f.status == "pass" and ":db:" in f.resource for f in result.findings)


def test_bucket_tags_come_from_one_bulk_read_per_region(aws, scan):
    _seed(aws)

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"])

    calls = result.api_calls["by_operation"]
    assert "s3:GetBucketTagging" not in calls
    assert calls["resourcegroupstaggingapi:GetResources"] == 2  # one per scanned region, whatever the buckets
    assert by_resource(result, ":::tagged-bucket").status == "pass"
    assert by_resource(result, ":::untagged-bucket").status == "fail"  # never tagged: not listed, no tags
    other = by_resource(result, ":::other-tags-eu")
    assert other.status == "fail" and other.region == "eu-west-1"
    assert "resourcegroupstaggingapi:GetResources" in other.evidence.source


def test_bucket_tags_fall_back_to_per_bucket_reads_when_the_bulk_read_is_denied(aws, scan):
    _seed(aws)

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"],
                  prepare=lambda t: [deny("resourcegroupstaggingapi", "get_resources", region=r)(t)
                                     for r in ("us-east-1", "eu-west-1")])

    assert result.api_calls["by_operation"]["s3:GetBucketTagging"] == 3
    assert by_resource(result, ":::tagged-bucket").status == "pass"
    assert by_resource(result, ":::untagged-bucket").status == "fail"
    assert by_resource(result, ":::other-tags-eu").status == "fail"
