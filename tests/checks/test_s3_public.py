"""s3.bucket_not_public: ACL grants, bucket policies, bucket and account Block Public Access."""

from __future__ import annotations

import json

from tests.conftest import ACCOUNT
from tests.helpers import by_resource

CHECK = "s3.bucket_not_public"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def _public_policy(name: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}]})


def test_acl_policy_and_bucket_block(aws, scan):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="private-bucket")
    s3.create_bucket(Bucket="acl-public", ACL="public-read")
    s3.create_bucket(Bucket="auth-users", ACL="authenticated-read")
    eu = aws.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="policy-public", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_bucket_policy(Bucket="policy-public", Policy=_public_policy("policy-public"))
    s3.create_bucket(Bucket="blocked-acl", ACL="public-read")
    s3.put_public_access_block(Bucket="blocked-acl", PublicAccessBlockConfiguration=ALL_ON)

    result = scan([CHECK])

    assert by_resource(result, "private-bucket").status == "pass"
    acl = by_resource(result, "acl-public")
    assert acl.status == "fail" and acl.evidence.observed["public_acl_grants"] == ["AllUsers:READ"]
    assert by_resource(result, "auth-users").status == "fail"
    pol = by_resource(result, "policy-public")
    assert pol.status == "fail" and pol.evidence.observed["policy_is_public"] is True
    assert pol.evidence.observed["region"] == "eu-west-1"
    assert pol.region == "global"
    assert by_resource(result, "blocked-acl").status == "pass"


def test_account_block_settles_every_bucket_without_per_bucket_calls(aws, scan):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acl-public", ACL="public-read")
    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)

    result = scan([CHECK])

    finding = by_resource(result, "acl-public")
    assert finding.status == "pass" and "account-level" in finding.message
    assert "s3:GetBucketAcl" not in result.api_calls["by_operation"]


def test_policy_judged_from_document_when_status_has_no_verdict():
    from checks.s3_public import policy_allows_everyone

    assert policy_allows_everyone(_public_policy("x"))
    assert policy_allows_everyone(json.dumps({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}}}))
    assert not policy_allows_everyone(json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}))
    assert not policy_allows_everyone(json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]}))
    assert not policy_allows_everyone("not json")
