"""s3.bucket_not_public: ACL grants, bucket policies, bucket and account Block Public Access."""

from __future__ import annotations

import json

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny

CHECK = "s3.bucket_not_public"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def _public_policy(name: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}]})


def _bucket(s3, name: str, **kw) -> None:
    """A bucket with ACLs disabled (BucketOwnerEnforced, the AWS default since April 2023) unless ``kw`` says
    otherwise."""
    s3.create_bucket(Bucket=name, **({"ObjectOwnership": "BucketOwnerEnforced"} | kw))


def test_acl_policy_and_bucket_block(aws, scan):
    s3 = aws.client("s3")
    _bucket(s3, "private-bucket")
    s3.create_bucket(Bucket="acl-public", ACL="public-read")
    s3.create_bucket(Bucket="auth-users", ACL="authenticated-read")
    eu = aws.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="policy-public", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
                     ObjectOwnership="BucketOwnerEnforced")
    eu.put_bucket_policy(Bucket="policy-public", Policy=_public_policy("policy-public"))
    s3.create_bucket(Bucket="blocked-acl", ACL="public-read")
    s3.put_public_access_block(Bucket="blocked-acl", PublicAccessBlockConfiguration=ALL_ON)

    result = scan([CHECK])

    private = by_resource(result, "private-bucket")
    assert private.status == "pass" and private.evidence.observed["object_ownership"] == "BucketOwnerEnforced"
    acl = by_resource(result, "acl-public")
    assert acl.status == "fail" and acl.evidence.observed["public_acl_grants"] == ["AllUsers:READ"]
    assert acl.severity == "critical"
    assert by_resource(result, "auth-users").status == "fail"
    pol = by_resource(result, "policy-public")
    assert pol.status == "fail" and pol.evidence.observed["policy_is_public"] is True
    assert pol.evidence.observed["region"] == "eu-west-1"
    assert pol.region == "global"
    assert by_resource(result, "blocked-acl").status == "pass"


def test_object_acls_can_make_objects_public_unless_ignored_or_disabled(aws, scan):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acls-enabled")  # private bucket ACL, but objects may carry public ACLs
    s3.create_bucket(Bucket="acls-preferred", ObjectOwnership="BucketOwnerPreferred")
    _bucket(s3, "acls-disabled")
    s3.create_bucket(Bucket="acls-ignored")
    s3.put_public_access_block(Bucket="acls-ignored", PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})

    result = scan([CHECK])

    enabled = by_resource(result, "acls-enabled")
    assert enabled.status == "fail" and "object ACLs" in enabled.message
    assert enabled.evidence.observed["object_acls_can_be_public"] is True
    assert enabled.evidence.observed["object_ownership"] is None
    assert enabled.severity == "medium"  # possible, not seen: no object ACL is read
    assert by_resource(result, "acls-preferred").status == "fail"
    disabled = by_resource(result, "acls-disabled")
    assert disabled.status == "pass" and disabled.evidence.observed["object_acls_can_be_public"] is False
    assert "s3:GetBucketAcl" not in disabled.evidence.source  # ACLs disabled: the bucket ACL cannot grant
    ignored = by_resource(result, "acls-ignored")
    assert ignored.status == "pass" and "s3:GetBucketOwnershipControls" not in ignored.evidence.source


def test_ownership_read_denied_is_not_assessed(aws, scan):
    listed = ("list_buckets", {"Buckets": [{"Name": "locked", "BucketRegion": "us-east-1"}]})
    no_block = ("get_public_access_block", {"PublicAccessBlockConfiguration": {
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False}})

    result = scan([CHECK], prepare=deny("s3", "get_bucket_ownership_controls", before=[listed, no_block],
                                        code="AccessDenied", status=403))

    assert_denied(result, "s3:GetBucketOwnershipControls")


def test_account_block_settles_every_bucket_without_per_bucket_calls(aws, scan):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acl-public", ACL="public-read")
    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)

    result = scan([CHECK])

    finding = by_resource(result, "acl-public")
    assert finding.status == "pass" and "account-level" in finding.message
    assert "s3:GetBucketAcl" not in result.api_calls["by_operation"]
    assert "s3:GetBucketOwnershipControls" not in result.api_calls["by_operation"]


def test_policy_judged_from_document_when_status_has_no_verdict():
    from checks.s3_public import policy_allows_everyone

    def doc(*statements):
        return json.dumps({"Statement": list(statements)})

    everyone = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}
    assert policy_allows_everyone(_public_policy("x"))
    assert policy_allows_everyone(json.dumps({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}}}))
    # Restricting keys with fixed values make it non-public.
    assert not policy_allows_everyone(doc(everyone | {"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}))
    assert not policy_allows_everyone(doc(everyone | {"Condition": {"StringEquals": {
        "aws:SourceVpce": "vpce-1a2b3c4d"}}}))
    assert not policy_allows_everyone(doc(everyone | {"Condition": {"StringEquals": {
        "aws:PrincipalOrgID": "o-exampleorg"}}}))
    assert not policy_allows_everyone(doc(everyone | {"Condition": {"ArnEquals": {
        "aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}}))
    assert not policy_allows_everyone(doc(everyone | {"Condition": {"StringEquals": {
        "AWS:SourceAccount": "111122223333"}}}))
    # Conditions that restrict nothing (or not to a fixed set) leave it public.
    assert policy_allows_everyone(doc(everyone | {"Condition": {"Bool": {"aws:SecureTransport": "true"}}}))
    assert policy_allows_everyone(doc(everyone | {"Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}))
    assert policy_allows_everyone(doc(everyone | {"Condition": {"StringLike": {"aws:SourceVpce": "vpce-*"}}}))
    assert policy_allows_everyone(doc(everyone | {"Condition": {"StringNotEquals": {
        "aws:SourceVpce": "vpce-1a2b3c4d"}}}))
    assert policy_allows_everyone(doc(everyone | {"Condition": {"StringEqualsIfExists": {
        "aws:SourceVpc": "vpc-111bbb22"}}}))
    # NotPrincipal with Allow grants everyone but the named principals.
    assert policy_allows_everyone(doc({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}))
    assert not policy_allows_everyone(doc(everyone | {"Effect": "Deny"}))
    assert not policy_allows_everyone(json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]}))
    assert not policy_allows_everyone(doc({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                                           "Action": "s3:PutObject"}))
    assert not policy_allows_everyone("not json")


def test_policy_fallback_used_only_when_status_has_no_verdict(aws, scan):
    s3 = aws.client("s3")
    _bucket(s3, "tls-only-public")
    s3.put_bucket_policy(Bucket="tls-only-public", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::tls-only-public/*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}))

    def no_verdict(target):
        def strip(parsed, **_):
            parsed.get("PolicyStatus", {}).pop("IsPublic", None)

        target.collector.client("s3", "us-east-1").meta.events.register(
            "after-call.s3.GetBucketPolicyStatus", lambda parsed, **kw: strip(parsed))

    result = scan([CHECK], prepare=no_verdict)

    finding = by_resource(result, "tls-only-public")
    assert finding.status == "fail" and finding.evidence.observed["policy_is_public"] is True
    assert "s3:GetBucketPolicy" in finding.evidence.source


def test_policy_status_is_asked_only_of_buckets_with_a_policy(aws, scan):
    s3 = aws.client("s3")
    _bucket(s3, "no-policy")
    _bucket(s3, "with-policy")
    s3.put_bucket_policy(Bucket="with-policy", Policy=_public_policy("with-policy"))

    result = scan([CHECK])

    assert result.api_calls["by_operation"]["s3:GetBucketPolicyStatus"] == 1
    assert by_resource(result, "no-policy").evidence.observed["policy_is_public"] is False
    assert "s3:GetBucketPolicyStatus" not in by_resource(result, "no-policy").evidence.source
    public = by_resource(result, "with-policy")
    assert public.status == "fail" and public.evidence.observed["policy_is_public"] is True


def test_bucket_region_from_the_list_needs_no_location_read(aws, scan):
    from botocore.stub import Stubber

    aws.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="far-away", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    def prepare(target):
        stub = Stubber(target.collector.client("s3", "us-east-1"))
        stub.add_response("list_buckets", {"Buckets": [{"Name": "far-away", "BucketRegion": "eu-west-1"}]},
                          expected_params={"MaxBuckets": 10000})
        stub.activate()

    result = scan(["s3.account_public_access_block", "s3.bucket_public_access_block"], prepare=prepare)

    assert "s3:GetBucketLocation" not in result.api_calls["by_operation"]
    assert by_resource(result, "far-away").evidence.observed["region"] == "eu-west-1"
