"""ec2.ebs_encryption_by_default and ec2.volumes_encrypted."""

from __future__ import annotations

from tests.helpers import by_resource, deny

DEFAULT = "ec2.ebs_encryption_by_default"
VOLUMES = "ec2.volumes_encrypted"


def test_default_setting_per_region_and_volumes(aws, scan):
    aws.client("ec2", region_name="us-east-1").enable_ebs_encryption_by_default()
    ec2 = aws.client("ec2", region_name="eu-west-1")
    # moto does not apply the default setting to new volumes, so each fixture says what it wants
    sealed = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=8, Encrypted=True)["VolumeId"]
    plain = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=8, Encrypted=False, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "scratch"}]}])["VolumeId"]

    result = scan([DEFAULT, VOLUMES], regions=["us-east-1", "eu-west-1"])

    defaults = {f.region: f.status.value for f in result.findings if f.check == DEFAULT}
    assert defaults == {"us-east-1": "pass", "eu-west-1": "fail"}
    assert by_resource(result, sealed).status == "pass"
    unencrypted = by_resource(result, plain)
    assert unencrypted.status == "fail" and "(scratch)" in unencrypted.message
    assert unencrypted.resource == f"arn:aws:ec2:eu-west-1:123456789012:volume/{plain}"


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    prepare = deny("ec2", "get_ebs_encryption_by_default", code="UnauthorizedOperation", status=403)

    [finding] = scan([DEFAULT], prepare=prepare).findings

    assert finding.status == "not_assessed" and finding.missing_permission == "ec2:GetEbsEncryptionByDefault"
