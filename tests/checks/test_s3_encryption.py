"""s3.default_encryption and s3.tls_required."""

from __future__ import annotations

import json

from checks.s3_encryption import denies_insecure_transport
from tests.helpers import assert_denied, by_resource, deny

ENCRYPTION = "s3.default_encryption"
TLS = "s3.tls_required"


def _deny_http(bucket, actions="s3:*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": actions,
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def _seed(aws):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="kms-bucket")
    s3.put_bucket_encryption(Bucket="kms-bucket", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/data"},
         "BucketKeyEnabled": True}]})
    s3.put_bucket_policy(Bucket="kms-bucket", Policy=_deny_http("kms-bucket"))
    s3.create_bucket(Bucket="sse-s3-bucket")
    s3.put_bucket_encryption(Bucket="sse-s3-bucket", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_policy(Bucket="sse-s3-bucket", Policy=_deny_http("sse-s3-bucket", ["s3:PutObject"]))
    eu = aws.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="plain-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})


def test_encryption_kms_sse_s3_and_unconfigured(aws, scan):
    _seed(aws)

    result = scan([ENCRYPTION])

    kms = by_resource(result, ":::kms-bucket")
    assert kms.status == "pass" and kms.evidence.observed["kms_key"] == "alias/data"
    assert kms.evidence.observed["bucket_key_enabled"] is True
    # SSE-S3 is encryption at rest (S3 applies it to every bucket since January 2023): it passes by default.
    sse_s3 = by_resource(result, ":::sse-s3-bucket")
    assert sse_s3.status == "pass" and sse_s3.evidence.observed["algorithm"] == "AES256"
    assert sse_s3.evidence.observed["require_kms"] is False
    plain = by_resource(result, ":::plain-eu")  # moto: no configuration (AWS would answer SSE-S3)
    assert plain.status == "pass" and plain.evidence.observed["configured"] is False

    strict = scan([ENCRYPTION], options={ENCRYPTION: {"require_kms": "true"}})
    assert by_resource(strict, ":::kms-bucket").status == "pass"
    assert by_resource(strict, ":::sse-s3-bucket").status == "fail"
    assert by_resource(strict, ":::plain-eu").status == "fail"


def test_tls_full_partial_and_no_policy(aws, scan):
    _seed(aws)

    result = scan([TLS])

    assert by_resource(result, ":::kms-bucket").status == "pass"
    partial = by_resource(result, ":::sse-s3-bucket")
    assert partial.status == "fail" and partial.evidence.observed["partial_deny_actions"] == ["s3:PutObject"]
    missing = by_resource(result, ":::plain-eu")
    assert missing.status == "fail" and "no bucket policy" in missing.message


def test_policy_reading():
    arn = "arn:aws:s3:::b"
    assert denies_insecure_transport(json.loads(_deny_http("b")), arn) == (True, [])
    as_bool = {"Statement": {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*",
                             "Condition": {"BoolIfExists": {"AWS:SecureTransport": False}}}}
    assert denies_insecure_transport(as_bool, arn) == (True, [])
    allow_only_tls = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
                                     "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}
    assert denies_insecure_transport(allow_only_tls, arn) == (False, [])
    other_bucket = json.loads(_deny_http("other"))
    assert denies_insecure_transport(other_bucket, arn) == (False, [])
    assert denies_insecure_transport(None, arn) == (False, [])


def test_denied_read_is_not_assessed_never_pass(aws, scan):
    listed = ("list_buckets", {"Buckets": [{"Name": "locked", "BucketRegion": "us-east-1"}]})
    result = scan([ENCRYPTION], prepare=deny("s3", "get_bucket_encryption", before=[listed], code="AccessDenied",
                                             status=403))

    assert_denied(result, "s3:GetEncryptionConfiguration")
    assert result.findings[0].resource == "arn:aws:s3:::locked"
