"""s3.account_public_access_block and s3.bucket_public_access_block."""

from __future__ import annotations

from tests.conftest import ACCOUNT
from tests.helpers import by_resource, deny

ACCOUNT_BPA = "s3.account_public_access_block"
BUCKET_BPA = "s3.bucket_public_access_block"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def test_account_block_off_then_partial_then_on(aws, scan):
    off = scan([ACCOUNT_BPA])
    assert [f.status.value for f in off.findings] == ["fail"]
    assert off.findings[0].resource == f"arn:aws:s3::{ACCOUNT}:account"
    assert off.findings[0].region == "global"

    control = aws.client("s3control")
    control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON | {
        "RestrictPublicBuckets": False})
    partial = scan([ACCOUNT_BPA])
    assert [f.status.value for f in partial.findings] == ["fail"]
    assert partial.findings[0].evidence.observed["settings_off"] == ["RestrictPublicBuckets"]

    control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)
    on = scan([ACCOUNT_BPA])
    assert [f.status.value for f in on.findings] == ["pass"]


def test_bucket_settings_combine_with_the_account(aws, scan):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="locked")
    s3.put_public_access_block(Bucket="locked", PublicAccessBlockConfiguration=ALL_ON)
    s3.create_bucket(Bucket="half")
    s3.put_public_access_block(Bucket="half", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True})
    eu = aws.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="open-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    result = scan([BUCKET_BPA])

    assert by_resource(result, "locked").status.value == "pass"
    half = by_resource(result, "half")
    assert half.status.value == "fail"
    assert half.evidence.observed["settings_off"] == ["BlockPublicPolicy", "RestrictPublicBuckets"]
    assert by_resource(result, "open-eu").status.value == "fail"

    # The account-level policy settings complete the half-configured bucket.
    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    combined = scan([BUCKET_BPA])
    assert by_resource(combined, "half").status.value == "pass"
    assert by_resource(combined, "open-eu").status.value == "fail"

    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)
    covered = scan([BUCKET_BPA])
    assert {f.status.value for f in covered.findings} == {"pass"}
    assert "s3:GetPublicAccessBlock" not in covered.api_calls["by_operation"]


def test_denied_account_settings_are_not_assessed(aws, scan):
    aws.client("s3").create_bucket(Bucket="some-bucket")

    prepare = deny("s3control", "get_public_access_block", code="AccessDenied", status=403)

    result = scan([ACCOUNT_BPA, BUCKET_BPA], prepare=prepare)

    assert sorted(f.check for f in result.findings) == [ACCOUNT_BPA, BUCKET_BPA]
    for finding in result.findings:
        assert finding.status.value == "not_assessed"
        assert finding.missing_permission == "s3:GetAccountPublicAccessBlock"
