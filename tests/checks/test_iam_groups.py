"""iam.users_permissions_through_groups against moto users with group, attached and inline permissions."""

from __future__ import annotations

import json

from tests.helpers import assert_denied, by_resource, deny

CHECK = "iam.users_permissions_through_groups"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                              "Resource": "*"}]})


def test_users_with_own_policies_fail(aws, scan):
    iam = aws.client("iam")
    arn = iam.create_policy(PolicyName="ReadObjects", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=arn)
    for name in ("grouped", "attached", "inline", "bare"):
        iam.create_user(UserName=name)
    iam.add_user_to_group(GroupName="readers", UserName="grouped")
    iam.add_user_to_group(GroupName="readers", UserName="attached")
    iam.attach_user_policy(UserName="attached", PolicyArn=arn)
    iam.put_user_policy(UserName="inline", PolicyName="own-s3", PolicyDocument=POLICY)

    result = scan([CHECK])

    assert by_resource(result, "user/grouped").status == "pass"
    attached = by_resource(result, "user/attached")
    assert attached.status == "fail" and attached.evidence.observed["attached_policies"] == ["ReadObjects"]
    inline = by_resource(result, "user/inline")
    assert inline.status == "fail" and "own-s3 (inline)" in inline.message
    assert by_resource(result, "user/bare").status == "pass"


def test_denied_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=deny("iam", "get_account_authorization_details", code="AccessDenied",
                                        status=403))
    assert len(result.findings) == 1
    assert_denied(result, "iam:GetAccountAuthorizationDetails")
