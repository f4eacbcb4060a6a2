"""kms.key_rotation_enabled: only enabled, customer-managed, symmetric keys with AWS-generated material."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "kms.key_rotation_enabled"


def test_rotation_on_off_and_keys_out_of_scope(aws, scan):
    kms = aws.client("kms")
    rotating = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotating)
    kms.create_alias(AliasName="alias/payments", TargetKeyId=rotating)
    stale = kms.create_key()["KeyMetadata"]["KeyId"]
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)
    doomed = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    # moto creates alias/aws/ebs as a CUSTOMER key here; an alias/aws/* name marks an AWS managed key
    aws.client("ec2").enable_ebs_encryption_by_default()

    result = scan([CHECK])

    on = by_resource(result, rotating)
    assert on.status == "pass" and on.evidence.observed["aliases"] == ["alias/payments"]
    assert "(alias/payments)" in on.message
    assert by_resource(result, stale).status == "fail"
    assert len(result.findings) == 2
    assert not any(k in f.resource for f in result.findings for k in (signing, disabled, doomed))


def test_one_unreadable_key_is_not_assessed_and_aliases_are_optional(aws, scan):
    key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

    def prepare(target):
        stub = Stubber(target.collector.client("kms", "us-east-1"))
        stub.add_client_error("list_aliases", "AccessDeniedException", "denied", 400)
        stub.add_response("list_keys", {"Keys": [{"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
                                                  "KeyArn": key_arn}]})
        stub.add_client_error("describe_key", "AccessDeniedException", "denied", 400)
        stub.activate()

    [finding] = scan([CHECK], prepare=prepare).findings

    assert finding.status == "not_assessed" and finding.resource == key_arn
    assert finding.missing_permission == "kms:DescribeKey"
