"""efs.encrypted."""

from __future__ import annotations

from tests.helpers import by_resource, deny

CHECK = "efs.encrypted"


def test_encrypted_and_unencrypted_file_systems(aws, scan):
    efs = aws.client("efs")
    sealed = efs.create_file_system(CreationToken="a", Encrypted=True)["FileSystemId"]
    plain = efs.create_file_system(CreationToken="b", Encrypted=False,
                                   Tags=[{"Key": "Name", "Value": "shared-home"}])["FileSystemId"]

    result = scan([CHECK])

    assert by_resource(result, sealed).status == "pass"
    unencrypted = by_resource(result, plain)
    assert unencrypted.status == "fail" and "(shared-home)" in unencrypted.message


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    prepare = deny("efs", "describe_file_systems", status=403)

    [finding] = scan([CHECK], prepare=prepare).findings

    assert finding.status == "not_assessed"
    assert finding.missing_permission == "elasticfilesystem:DescribeFileSystems"
