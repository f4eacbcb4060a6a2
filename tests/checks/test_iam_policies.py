"""Administrator grants from GetAccountAuthorizationDetails: moto for customer and inline policies,
Stubber for AWS's AdministratorAccess (moto does not load AWS managed policies by default) and for the
URL-encoded documents real IAM sends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import quote

from botocore.stub import Stubber

from tests.conftest import ACCOUNT
from tests.helpers import by_resource, deny

ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
S3_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}
DENY_ALL = {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
CHECKS = ["iam.no_full_admin_policies", "iam.no_admin_users"]


def test_customer_and_inline_admin_grants(aws, scan):
    iam = aws.client("iam")
    full = iam.create_policy(PolicyName="FullAdmin", PolicyDocument=json.dumps(ADMIN))["Policy"]["Arn"]
    narrow = iam.create_policy(PolicyName="S3Everything", PolicyDocument=json.dumps(S3_ALL))["Policy"]["Arn"]
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=full)
    for user in ("carol", "erin", "frank"):
        iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName="admins", UserName="carol")
    iam.attach_user_policy(UserName="erin", PolicyArn=narrow)
    iam.put_user_policy(UserName="frank", PolicyName="oops", PolicyDocument=json.dumps(ADMIN))
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="app", PolicyName="guard", PolicyDocument=json.dumps(DENY_ALL))

    result = scan(CHECKS)

    policies = "iam.no_full_admin_policies"
    assert by_resource(result, "policy/FullAdmin", policies).status == "fail"
    assert by_resource(result, "policy/S3Everything", policies).status == "pass"
    frank_inline = by_resource(result, "user/frank", policies)
    assert frank_inline.status == "fail" and frank_inline.evidence.observed["full_admin_inline_policies"] == ["oops"]
    assert by_resource(result, "role/app", policies).status == "pass"  # a Deny on * is not a grant

    users = "iam.no_admin_users"
    carol = by_resource(result, "user/carol", users)
    assert carol.status == "fail"
    assert carol.evidence.observed["admin_grants"] == ["group admins: attached FullAdmin"]
    assert by_resource(result, "user/erin", users).status == "pass"
    assert by_resource(result, "user/frank", users).status == "fail"
    assert "iam:GetAccountAuthorizationDetails" in carol.evidence.source


def test_aws_managed_administrator_access_and_encoded_documents(aws, scan):
    aws_admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    when = datetime(2024, 1, 1, tzinfo=UTC)

    def prepare(target):
        stub = Stubber(target.collector.client("iam", "us-east-1"))
        stub.add_response("get_account_authorization_details", {
            "UserDetailList": [
                {"UserName": "root-ish", "UserId": "AIDAEXAMPLE000000001",
                 "Arn": f"arn:aws:iam::{ACCOUNT}:user/root-ish",
                 "Path": "/", "CreateDate": when, "GroupList": [], "UserPolicyList": [],
                 "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": aws_admin}]},
                {"UserName": "plain", "UserId": "AIDAEXAMPLE000000002", "Arn": f"arn:aws:iam::{ACCOUNT}:user/plain",
                 "Path": "/", "CreateDate": when, "GroupList": [], "AttachedManagedPolicies": [],
                 "UserPolicyList": [{"PolicyName": "s3", "PolicyDocument": quote(json.dumps(S3_ALL))}]},
            ],
            "GroupDetailList": [], "RoleDetailList": [],
            "Policies": [{
                "PolicyName": "Legacy", "PolicyId": "ANPAEXAMPLE000000001",
                "Arn": f"arn:aws:iam::{ACCOUNT}:policy/Legacy",
                "Path": "/", "DefaultVersionId": "v2", "AttachmentCount": 0, "IsAttachable": True,
                "PolicyVersionList": [
                    {"VersionId": "v1", "IsDefaultVersion": False, "Document": quote(json.dumps(S3_ALL))},
                    {"VersionId": "v2", "IsDefaultVersion": True,
                     "Document": quote(json.dumps({"Statement": [{"Effect": "Allow", "Action": ["ec2:*", "*:*"],
                                                                   "Resource": ["*"]}]}))}]}],
            "IsTruncated": False,
        })
        stub.activate()

    result = scan(CHECKS, prepare=prepare)

    assert by_resource(result, "user/root-ish", "iam.no_admin_users").status == "fail"
    assert by_resource(result, "user/plain", "iam.no_admin_users").status == "pass"
    assert by_resource(result, "policy/Legacy", "iam.no_full_admin_policies").status == "fail"
    assert by_resource(result, "user/plain", "iam.no_full_admin_policies").status == "pass"


def test_admin_document_shapes():
    from checks._iam import grants_full_admin, policy_document

    assert grants_full_admin(ADMIN)
    assert grants_full_admin(json.dumps(ADMIN))
    assert grants_full_admin(quote(json.dumps(ADMIN)))
    assert not grants_full_admin(S3_ALL)
    assert not grants_full_admin(DENY_ALL)
    assert not grants_full_admin({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]})
    assert policy_document("not json") == {}


def test_authorization_details_denied(aws, scan):
    prepare = deny("iam", "get_account_authorization_details", code="AccessDenied", status=403)

    result = scan(["iam.no_admin_users"], prepare=prepare)
    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "iam:GetAccountAuthorizationDetails"
