"""iam.third_party_roles_external_id against moto roles trusted by other accounts, with and without the condition."""

from __future__ import annotations

import json

from tests.helpers import assert_denied, by_resource, deny

CHECK = "iam.third_party_roles_external_id"
VENDOR = "999988887777"
SISTER = "111122223333"


def _trust(principal: dict, condition: dict | None = None) -> str:
    stmt = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def test_foreign_trust_without_external_id_fails(aws, scan):
    iam = aws.client("iam")
    iam.create_role(RoleName="vendor-open", AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{VENDOR}:root"}))
    iam.create_role(RoleName="vendor-guarded", AssumeRolePolicyDocument=_trust(
        {"AWS": VENDOR}, {"StringEquals": {"sts:ExternalId": "a1b2c3"}}))
    iam.create_role(RoleName="ec2-only", AssumeRolePolicyDocument=_trust({"Service": "ec2.amazonaws.com"}))
    iam.create_role(RoleName="sister", AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{SISTER}:role/ci"}))

    result = scan([CHECK])
    mine = scan([CHECK], options={CHECK: {"own_accounts": [SISTER]}})

    open_role = by_resource(result, "role/vendor-open")
    assert open_role.status == "fail" and open_role.evidence.observed["third_party"] == [VENDOR]
    assert by_resource(result, "role/vendor-guarded").status == "pass"
    assert by_resource(result, "role/sister").status == "fail"
    assert not [f for f in result.findings if "ec2-only" in f.resource]
    assert by_resource(mine, "role/sister").status == "pass"
    assert by_resource(mine, "role/vendor-open").status == "fail"


def test_organization_accounts_are_not_third_parties(aws, scan):
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    sister = org.create_account(AccountName="sister", Email="sister@example.com")
    sister_id = org.describe_create_account_status(
        CreateAccountRequestId=sister["CreateAccountStatus"]["Id"])["CreateAccountStatus"]["AccountId"]
    iam = aws.client("iam")
    iam.create_role(RoleName="sister", AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{sister_id}:root"}))
    iam.create_role(RoleName="org-wide", AssumeRolePolicyDocument=_trust(
        {"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-example"}}))
    iam.create_role(RoleName="anyone", AssumeRolePolicyDocument=_trust({"AWS": "*"}))

    result = scan([CHECK])

    assert by_resource(result, "role/sister").status == "pass"
    assert by_resource(result, "role/org-wide").status == "pass"
    anyone = by_resource(result, "role/anyone")
    assert anyone.status == "fail" and "anyone" in anyone.message


def test_unknown_organization_is_not_assessed(aws, scan):
    aws.client("iam").create_role(RoleName="vendor-open",
                                  AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{VENDOR}:root"}))
    result = scan([CHECK], prepare=deny("organizations", "describe_organization"))
    assert_denied(result, "organizations:DescribeOrganization")
    assert "without an external ID" in result.findings[0].message


def test_denied_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=deny("iam", "get_account_authorization_details", code="AccessDenied",
                                        status=403))
    assert len(result.findings) == 1
    assert_denied(result, "iam:GetAccountAuthorizationDetails")
